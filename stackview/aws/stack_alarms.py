"""A stack's alarms (its Alarms tab): the alarms that are its resources, and every alarm whose
dimensions name one of its functions, queues, tables, topics, streams, state machines, buckets
or APIs (nested stacks included).

An alarm created outside the stack (by a monitoring stack, by hand in the console) still watches
the stack's resources, and during an incident it matters as much as the stack's own; so the
alarms are matched on what they watch, not only on who created them. The alarms come from one
DescribeAlarms listing; only REST APIs cost a call each (their metrics name the API by its
name, while the stack knows its id).
"""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from stackview.aws.alarms import list_alarms
from stackview.aws.functions import MAX_NESTING
from stackview.aws.session import AwsSession
from stackview.aws.stacks import stack_resources
from stackview.models.alarms import Alarm, state_rank

ALARM_TYPES = ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm")
#: Resource type -> the kind of `Watched` its physical id names (the last part of a URL or ARN).
WATCHED_TYPES = {
    "AWS::Lambda::Function": "function",
    "AWS::Serverless::Function": "function",
    "AWS::SQS::Queue": "queue",  # the physical id is the queue URL
    "AWS::DynamoDB::Table": "table",
    "AWS::SNS::Topic": "topic",  # the physical id is the topic ARN
    "AWS::Kinesis::Stream": "stream",
    "AWS::S3::Bucket": "bucket",
    "AWS::ApiGatewayV2::Api": "api",  # HTTP APIs: metrics by ApiId
}
STATE_MACHINE = "AWS::StepFunctions::StateMachine"  # metrics by the state machine's ARN
REST_API = "AWS::ApiGateway::RestApi"  # metrics by the API's name


def _short(physical_id: str) -> str:
    return physical_id.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]


def stack_watch_targets(session: AwsSession, stack: str, _depth: int = 0
                        ) -> tuple[set[str], set[tuple[str, str]]]:
    """(alarm names that are resources, (kind, name) of everything alarms may watch)."""
    alarm_names: set[str] = set()
    targets: set[tuple[str, str]] = set()
    for resource in stack_resources(session, stack):
        physical, kind = resource.physical_id, resource.resource_type
        if not physical:
            continue
        if kind in ALARM_TYPES:
            alarm_names.add(physical)
        elif kind in WATCHED_TYPES:
            targets.add((WATCHED_TYPES[kind], _short(physical)))
        elif kind == STATE_MACHINE:
            targets.add(("state-machine", physical))
        elif kind == REST_API:
            targets.add(("api", physical))
            try:
                name = session.client("apigateway").get_rest_api(restApiId=physical).get("name")
            except (ClientError, BotoCoreError):
                name = None  # the API's own alarms by id still match
            if name:
                targets.add(("api", name))
        elif resource.is_nested_stack and _depth < MAX_NESTING:
            nested_alarms, nested_targets = stack_watch_targets(session, physical, _depth + 1)
            alarm_names |= nested_alarms
            targets |= nested_targets
    return alarm_names, targets


def stack_alarms(session: AwsSession, stack: str) -> list[Alarm]:
    """The stack's alarms, ALARM first then by name."""
    alarm_names, targets = stack_watch_targets(session, stack)
    found = [alarm for alarm in list_alarms(session)
             if alarm.name in alarm_names or any((w.kind, w.name) in targets for w in alarm.watches)]
    return sorted(found, key=lambda a: (state_rank(a.state), a.name))
