"""The HTTP routes a function serves, read from its stack's template (no AWS call here).

A generated API Gateway event is only useful if the handler routes it: an event for a route the
function does not serve gets "404 No route" from any handler that dispatches on `resource`,
`routeKey` or the path. The template says which routes reach the function, in either form:
- SAM (the template as written, `Transform: AWS::Serverless-2016-10-31`): the function's
  `Events` of type `Api` (REST, payload 1.0) and `HttpApi` (payload 2.0);
- plain CloudFormation (or SAM after its transform): `AWS::ApiGateway::Method` resources whose
  proxy integration invokes the function (the path is the chain of `AWS::ApiGateway::Resource`
  path parts up to the API's root), and `AWS::ApiGatewayV2::Route`s whose target integration
  invokes it (the route key says method and path).
An integration "invokes the function" when its URI refers to the function's logical id, or to an
alias or version of it declared in the same template.

YAML templates use CloudFormation's short tags (`!Ref`, `!GetAtt`, `!Sub` ...): they are read
as the long form (`{"Ref": ...}`), which is all that is needed to follow references.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

import yaml

from stackview.models.invoke import HTTP_API, REST_API, HttpRoute

_METHODS = ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE", "ANY")


class _CfnLoader(yaml.SafeLoader):
    """Safe YAML plus CloudFormation's short tags, read as their long form."""


def _short_tag(loader: _CfnLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


_CfnLoader.add_multi_constructor("!", _short_tag)


def load_template(body: object) -> Mapping[str, Any]:
    """A template body as GetTemplate returns it (a JSON dict already decoded by botocore, or
    YAML / JSON text) as data; an empty mapping when it cannot be read."""
    if isinstance(body, Mapping):
        return body
    try:
        data = yaml.load(str(body), Loader=_CfnLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, Mapping) else {}


def template_routes(template: Mapping[str, Any], function: str) -> list[HttpRoute]:
    """The routes of the function whose logical id is `function`, in template order, without
    repeats."""
    resources = template.get("Resources")
    if not isinstance(resources, Mapping):
        return []
    found: list[HttpRoute] = []
    for route in _all_routes(resources, function):
        if route not in found:
            found.append(route)
    return found


def _all_routes(resources: Mapping[str, Any], function: str) -> Iterator[HttpRoute]:
    own = resources.get(function)
    if isinstance(own, Mapping) and own.get("Type") == "AWS::Serverless::Function":
        yield from _sam_events(_properties(own).get("Events"))
    names = _names_of(resources, function)
    for resource in resources.values():
        if not isinstance(resource, Mapping):
            continue
        kind, properties = resource.get("Type"), _properties(resource)
        if kind == "AWS::ApiGateway::Method" and _refers(properties.get("Integration"), names):
            method = _method(properties.get("HttpMethod"))
            path = _rest_path(resources, properties.get("ResourceId"))
            if method and path:
                yield HttpRoute(REST_API, method, path)
        elif kind == "AWS::ApiGatewayV2::Route":
            integration = _target_integration(resources, properties.get("Target"))
            if integration is not None and _refers(integration, names):
                route = _route_key(properties.get("RouteKey"))
                if route is not None:
                    yield route


def _properties(resource: Mapping[str, Any]) -> Mapping[str, Any]:
    properties = resource.get("Properties")
    return properties if isinstance(properties, Mapping) else {}


def _sam_events(events: object) -> Iterator[HttpRoute]:
    if not isinstance(events, Mapping):
        return
    for event in events.values():
        if not isinstance(event, Mapping):
            continue
        api = {"Api": REST_API, "HttpApi": HTTP_API}.get(str(event.get("Type")))
        properties = _properties(event)
        method, path = _method(properties.get("Method")), properties.get("Path")
        if api and method and isinstance(path, str) and path.startswith("/"):
            yield HttpRoute(api, method, path)


def _method(value: object) -> str:
    method = str(value).upper() if isinstance(value, str) else ""
    return method if method in _METHODS else ""


def _names_of(resources: Mapping[str, Any], function: str) -> frozenset[str]:
    """The function's logical id and those of its aliases and versions in the template."""
    names = {function}
    for name, resource in resources.items():
        if isinstance(resource, Mapping) and resource.get("Type") in ("AWS::Lambda::Alias", "AWS::Lambda::Version"):
            if _refers(_properties(resource).get("FunctionName"), {function}):
                names.add(name)
    return frozenset(names)


def _refers(value: object, names: frozenset[str] | set[str]) -> bool:
    """Does `value` (any part of a template) refer to one of the logical ids `names`?"""
    if isinstance(value, str):
        return any(_sub_reference(name).search(value) for name in names)
    if isinstance(value, Mapping):
        ref = value.get("Ref")
        if isinstance(ref, str) and ref in names:
            return True
        get_att = value.get("Fn::GetAtt")
        if isinstance(get_att, list) and get_att and get_att[0] in names:
            return True
        return any(_refers(item, names) for item in value.values())
    if isinstance(value, list):
        return any(_refers(item, names) for item in value)
    return False


@lru_cache(maxsize=64)
def _sub_reference(name: str) -> re.Pattern[str]:
    """`${Name}` or `${Name.Attribute}` inside a Fn::Sub string."""
    return re.compile(r"\$\{" + re.escape(name) + r"(\.[A-Za-z0-9.]+)?\}")


def _rest_path(resources: Mapping[str, Any], resource_id: object, depth: int = 0) -> str:
    """`/orders/{orderId}`: the path parts from the API's root to `resource_id` ("" if unknown)."""
    if depth > 32:
        return ""
    if isinstance(resource_id, Mapping) and "Fn::GetAtt" in resource_id:
        attribute = resource_id["Fn::GetAtt"]
        if isinstance(attribute, list) and attribute[-1:] == ["RootResourceId"]:
            return "/"
        return ""
    name = resource_id.get("Ref") if isinstance(resource_id, Mapping) else None
    resource = resources.get(name) if isinstance(name, str) else None
    if not isinstance(resource, Mapping) or resource.get("Type") != "AWS::ApiGateway::Resource":
        return ""
    properties = _properties(resource)
    part = properties.get("PathPart")
    parent = _rest_path(resources, properties.get("ParentId"), depth + 1)
    if not isinstance(part, str) or not parent:
        return ""
    return parent.rstrip("/") + "/" + part


def _target_integration(resources: Mapping[str, Any], target: object) -> Mapping[str, Any] | None:
    """The AWS::ApiGatewayV2::Integration a route's `Target` (`integrations/<id>`) names."""
    names: list[str] = []
    if isinstance(target, Mapping):
        sub = target.get("Fn::Sub")
        if isinstance(sub, str):
            names = re.findall(r"\$\{([A-Za-z0-9]+)\}", sub)
        join = target.get("Fn::Join")
        if isinstance(join, list) and len(join) == 2 and isinstance(join[1], list):
            names = [part["Ref"] for part in join[1] if isinstance(part, Mapping) and isinstance(part.get("Ref"), str)]
    for name in names:
        resource = resources.get(name)
        if isinstance(resource, Mapping) and resource.get("Type") == "AWS::ApiGatewayV2::Integration":
            return _properties(resource)
    return None


def _route_key(value: object) -> HttpRoute | None:
    """`GET /orders/{id}` -> a route; `$default` and unreadable keys -> None."""
    if not isinstance(value, str):
        return None
    method, _, path = value.strip().partition(" ")
    method = _method(method)
    if not method or not path.startswith("/"):
        return None
    return HttpRoute(HTTP_API, method, path.strip())
