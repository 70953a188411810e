"""Which HTTP routes reach a function: its stack's template, read for the generated events.

CloudFormation tags every function it creates with its stack and logical id
(`aws:cloudformation:stack-id`, `aws:cloudformation:logical-id`); the stack's template then says
which API Gateway routes invoke that logical id (`stackview.events.routes` reads it). Two or three
calls: GetFunction (the tags), GetTemplate (the template as written: SAM's `Events`), and only for
a transformed template without routes there, GetTemplate of the processed stage. A function
outside CloudFormation (or without the tags, for a caller without lambda:ListTags) has no known
routes: the generated event then uses its sample route.
"""

from __future__ import annotations

from stackview.aws.session import AwsSession
from stackview.events.routes import load_template, template_routes
from stackview.models.invoke import HttpRoute

STACK_TAG = "aws:cloudformation:stack-id"
STACK_NAME_TAG = "aws:cloudformation:stack-name"
LOGICAL_ID_TAG = "aws:cloudformation:logical-id"


def function_routes(session: AwsSession, function: str) -> list[HttpRoute]:
    """The routes its stack's template sends to `function` ([] when none are known). AWS errors
    rise, for the caller to describe."""
    response = session.client("lambda").get_function(FunctionName=function)
    tags = response.get("Tags") or {}
    stack = tags.get(STACK_TAG) or tags.get(STACK_NAME_TAG)
    logical_id = tags.get(LOGICAL_ID_TAG)
    if not stack or not logical_id:
        return []
    cloudformation = session.client("cloudformation")
    original = cloudformation.get_template(StackName=stack)
    routes = template_routes(load_template(original.get("TemplateBody", "")), logical_id)
    if not routes and "Processed" in (original.get("StagesAvailable") or []):
        processed = cloudformation.get_template(StackName=stack, TemplateStage="Processed")
        routes = template_routes(load_template(processed.get("TemplateBody", "")), logical_id)
    return routes
