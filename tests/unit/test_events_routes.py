"""The routes a function serves, read from SAM and CloudFormation templates, and the generated
HTTP events made for one of them."""

from __future__ import annotations

import json

from stackview.events import generated
from stackview.events.routes import load_template, template_routes
from stackview.models.invoke import HTTP_API, REST_API, HttpRoute

SAM = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Events:
        List: {Type: Api, Properties: {Path: /orders, Method: get, RestApiId: !Ref OrdersApi}}
        Create: {Type: Api, Properties: {Path: /orders, Method: post}}
        One:
          Type: HttpApi
          Properties: {Path: '/orders/{orderId}', Method: GET}
        Queue: {Type: SQS, Properties: {Queue: !GetAtt Queue.Arn}}
  Other:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        Root: {Type: Api, Properties: {Path: /, Method: any}}
"""

CLOUDFORMATION = """
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
  Orders:
    Type: AWS::ApiGateway::Resource
    Properties: {RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: orders}
  Order:
    Type: AWS::ApiGateway::Resource
    Properties: {RestApiId: !Ref Api, ParentId: !Ref Orders, PathPart: '{orderId}'}
  GetOrder:
    Type: AWS::ApiGateway::Method
    Properties:
      ResourceId: !Ref Order
      HttpMethod: GET
      Integration:
        Type: AWS_PROXY
        Uri: !Sub 'arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}:live/invocations'
  RootGet:
    Type: AWS::ApiGateway::Method
    Properties:
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: GET
      Integration:
        Uri: {"Fn::Join": ["", ["arn:aws:apigateway:", {"Ref": "AWS::Region"}, ":lambda:path/functions/",
                                {"Fn::GetAtt": [Fn, Arn]}, "/invocations"]]}
  ElsewhereGet:
    Type: AWS::ApiGateway::Method
    Properties:
      ResourceId: !Ref Orders
      HttpMethod: POST
      Integration: {Uri: !Sub '${FnTwo.Arn}/invocations'}
  FnLive:
    Type: AWS::Lambda::Alias
    Properties: {FunctionName: !Ref Fn, Name: live}
  HttpIntegration:
    Type: AWS::ApiGatewayV2::Integration
    Properties: {IntegrationType: AWS_PROXY, IntegrationUri: !Ref FnLive}
  HttpRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties: {RouteKey: 'DELETE /items/{id}', Target: !Sub 'integrations/${HttpIntegration}'}
  DefaultRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties: {RouteKey: $default, Target: !Sub 'integrations/${HttpIntegration}'}
  Fn: {Type: AWS::Lambda::Function}
  FnTwo: {Type: AWS::Lambda::Function}
"""


def test_sam_events_of_the_function() -> None:
    template = load_template(SAM)
    assert template_routes(template, "Api") == [
        HttpRoute(REST_API, "GET", "/orders"), HttpRoute(REST_API, "POST", "/orders"),
        HttpRoute(HTTP_API, "GET", "/orders/{orderId}")]
    assert template_routes(template, "Other") == [HttpRoute(REST_API, "ANY", "/")]
    assert template_routes(template, "Missing") == []


def test_cloudformation_methods_and_routes_that_invoke_the_function_or_its_alias() -> None:
    template = load_template(CLOUDFORMATION)
    assert template_routes(template, "Fn") == [
        HttpRoute(REST_API, "GET", "/orders/{orderId}"), HttpRoute(REST_API, "GET", "/"),
        HttpRoute(HTTP_API, "DELETE", "/items/{id}")]
    assert template_routes(template, "FnTwo") == [HttpRoute(REST_API, "POST", "/orders")]


def test_a_json_template_decoded_by_botocore_and_unreadable_ones() -> None:
    decoded = {"Resources": {"F": {"Type": "AWS::Serverless::Function", "Properties": {
        "Events": {"E": {"Type": "Api", "Properties": {"Path": "/x", "Method": "put"}}}}}}}
    assert template_routes(load_template(decoded), "F") == [HttpRoute(REST_API, "PUT", "/x")]
    assert template_routes(load_template(json.dumps(decoded)), "F") == [HttpRoute(REST_API, "PUT", "/x")]
    assert load_template("Resources: [unclosed") == {}
    assert template_routes(load_template("just text"), "F") == []


def test_the_rest_event_is_made_for_the_route() -> None:
    event = generated.build("apigw-rest", seed=1, route=HttpRoute(REST_API, "GET", "/orders/{orderId}"))
    assert (event["httpMethod"], event["resource"], event["path"]) == ("GET", "/orders/{orderId}", "/orders/o-1024")
    assert event["pathParameters"] == {"orderId": "o-1024"} and event["body"] is None
    assert event["requestContext"]["resourcePath"] == "/orders/{orderId}"
    assert event["requestContext"]["path"] == "/prod/orders/o-1024"
    assert "Content-Type" not in event["headers"]
    post = generated.build("apigw-rest", seed=1, route=HttpRoute(REST_API, "POST", "/orders"))
    assert post["pathParameters"] is None and json.loads(post["body"])["quantity"] == 2


def test_the_http_api_event_is_made_for_the_route() -> None:
    event = generated.build("apigw-http", seed=1, route=HttpRoute(HTTP_API, "ANY", "/files/{proxy+}"))
    assert event["routeKey"] == "ANY /files/{proxy+}" and event["requestContext"]["routeKey"] == event["routeKey"]
    assert event["rawPath"] == "/files/sample/path" and event["pathParameters"] == {"proxy": "sample/path"}
    assert event["requestContext"]["http"]["method"] == "GET" and "body" not in event


def test_without_a_route_the_sample_request_is_unchanged() -> None:
    event = generated.build("apigw-rest", seed=1)
    assert (event["httpMethod"], event["resource"]) == ("POST", "/customers/{customerId}/orders")
    assert event["pathParameters"] == {"customerId": "c-1024"}


def test_routes_for_a_kind_put_a_plain_read_first() -> None:
    routes = [HttpRoute(REST_API, "POST", "/orders"), HttpRoute(REST_API, "GET", "/orders/{orderId}"),
              HttpRoute(REST_API, "GET", "/orders"), HttpRoute(HTTP_API, "GET", "/h")]
    assert generated.routes_for("apigw-rest", routes) == [routes[2], routes[1], routes[0]]
    assert generated.routes_for("apigw-http", routes) == [routes[3]]
    assert generated.routes_for("sqs", routes) == []
