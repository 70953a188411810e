"""Lambda triggers, read side: event source mappings, their queues, resource-policy triggers,
asynchronous invocation, dead-letter targets and SQS redrives (the function's Triggers tab and
`stackview sources`).

SAM's AutoPublishAlias puts event source mappings and permissions on the alias, not on the
function, so mappings and policies are read for the function and for each of its aliases and
merged (a mapping is listed once, by UUID). Queue depths are live (GetQueueAttributes); the age
of a queue's oldest message and a stream's iterator age exist only as CloudWatch metrics, so
they come from one GetMetricData call for the whole tab. Every part that fails (a denied
GetPolicy, an endpoint without ListMessageMoveTasks) becomes `Unavailable(reason)` in its own
place; only a function that cannot be read at all fails the whole read.
"""

from __future__ import annotations

import json
from dataclasses import replace
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from stackview.aws.alarms import list_alarms
from stackview.aws.errors import describe, error_code
from stackview.aws.functions import endpoint_lacks, list_aliases, parse_time
from stackview.aws.session import AwsSession
from stackview.models.alarms import Alarm
from stackview.models.functions import Unavailable
from stackview.models.sources import (
    AsyncConfig,
    DeadLetterTarget,
    EventSourceMapping,
    MappingSource,
    PolicyTrigger,
    QueueDepth,
    RedriveTask,
    Triggers,
    arn_resource_name,
    arn_service,
)

T = TypeVar("T")

#: How far back the ages (oldest message, iterator) are looked for: the newest period wins.
AGE_WINDOW = timedelta(minutes=15)
AGE_PERIOD = 60
#: Move tasks listed per dead-letter queue (SQS keeps the recent ones).
MOVE_TASKS = 5


def lacks(exc: BaseException) -> bool:
    """The endpoint does not offer the call: `endpoint_lacks`, or an emulator's bare HTTP 500
    page for an action it does not implement (moto answers ListMessageMoveTasks so)."""
    if endpoint_lacks(exc):
        return True
    if not isinstance(exc, ClientError):
        return False
    error = exc.response.get("Error", {})
    return str(error.get("Code", "")) == "500" and "<html" in str(error.get("Message", "")).lower()


def _part(work: Callable[[], T], session: AwsSession, what: str) -> T | Unavailable:
    """`work()`, or Unavailable naming why it failed (its part of the tab says so)."""
    try:
        return work()
    except (ClientError, BotoCoreError) as exc:
        if lacks(exc):
            return Unavailable(f"{what} is not available on this endpoint")
        return Unavailable(describe(exc, profile=session.profile).one_line())


# -- event source mappings -----------------------------------------------------------------------

def parse_mapping(raw: dict[str, Any]) -> EventSourceMapping:
    scaling = raw.get("ScalingConfig") or {}
    maximum = scaling.get("MaximumConcurrency")
    modified = raw.get("LastModified")
    if isinstance(modified, (int, float)):
        modified = datetime.fromtimestamp(modified, timezone.utc)
    filters = (raw.get("FilterCriteria") or {}).get("Filters") or ()
    on_failure = ((raw.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination", "")
    return EventSourceMapping(
        uuid=raw.get("UUID", ""),
        source_arn=raw.get("EventSourceArn", "") or "",
        function_arn=raw.get("FunctionArn", "") or "",
        state=raw.get("State", "") or "",
        state_reason=raw.get("StateTransitionReason", "") or "",
        batch_size=raw.get("BatchSize"),
        max_concurrency=None if maximum is None else int(maximum),
        last_processing_result=raw.get("LastProcessingResult", "") or "",
        last_modified=modified if isinstance(modified, datetime) else None,
        batching_window=raw.get("MaximumBatchingWindowInSeconds"),
        filters=len(filters),
        starting_position=raw.get("StartingPosition", "") or "",
        on_failure=on_failure or "",
        arn=raw.get("EventSourceMappingArn", "") or "",
    )


def _mappings_of(session: AwsSession, function: str) -> list[EventSourceMapping]:
    paginator = session.client("lambda").get_paginator("list_event_source_mappings")
    return [parse_mapping(raw) for page in paginator.paginate(FunctionName=function)
            for raw in page.get("EventSourceMappings", [])]


def list_mappings(session: AwsSession, function: str, aliases: Iterable[str] = ()) -> list[EventSourceMapping]:
    """The mappings of the function and of each alias named, once each, by source then UUID."""
    found: dict[str, EventSourceMapping] = {}
    for name in (function, *(f"{function}:{alias}" for alias in aliases)):
        for mapping in _mappings_of(session, name):
            found.setdefault(mapping.uuid, mapping)
    return sorted(found.values(), key=lambda m: (m.source_arn, m.uuid))


def get_mapping(session: AwsSession, uuid: str) -> EventSourceMapping:
    return parse_mapping(session.client("lambda").get_event_source_mapping(UUID=uuid))


def function_mappings(session: AwsSession, function: str) -> list[EventSourceMapping]:
    """Every mapping of the function and its aliases (what `stackview sources` acts on)."""
    return list_mappings(session, function, [a.name for a in list_aliases(session, function)])


# -- queues ----------------------------------------------------------------------------------

def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def queue_url(session: AwsSession, queue_arn: str) -> str:
    """The URL of the queue named by an ARN (GetQueueUrl, with the owner's account)."""
    parts = queue_arn.split(":")
    if len(parts) < 6 or parts[2] != "sqs":
        raise ValueError(f"not an SQS queue ARN: {queue_arn}")
    kwargs: dict[str, str] = {"QueueName": parts[5]}
    if parts[4]:
        kwargs["QueueOwnerAWSAccountId"] = parts[4]
    return session.client("sqs").get_queue_url(**kwargs)["QueueUrl"]


def queue_depth(session: AwsSession, queue_arn: str) -> QueueDepth:
    """A queue's live depth and its redrive policy; a failure is kept in `error`, not raised."""
    try:
        url = queue_url(session, queue_arn)
        attributes = session.client("sqs").get_queue_attributes(
            QueueUrl=url, AttributeNames=["All"]).get("Attributes", {})
    except (ClientError, BotoCoreError) as exc:
        return QueueDepth(queue_arn, error=describe(exc, profile=session.profile).one_line())
    redrive: dict[str, Any] = {}
    try:
        redrive = json.loads(attributes.get("RedrivePolicy") or "{}")
    except ValueError:
        pass
    return QueueDepth(
        arn=queue_arn,
        url=url,
        visible=_int(attributes.get("ApproximateNumberOfMessages")),
        in_flight=_int(attributes.get("ApproximateNumberOfMessagesNotVisible")),
        delayed=_int(attributes.get("ApproximateNumberOfMessagesDelayed")),
        dead_letter_arn=str(redrive.get("deadLetterTargetArn", "") or ""),
        max_receive_count=_int(redrive.get("maxReceiveCount")),
    )


def _move_task(raw: dict[str, Any]) -> RedriveTask:
    started = raw.get("StartedTimestamp")
    return RedriveTask(
        source_arn=raw.get("SourceArn", ""),
        status=raw.get("Status", ""),
        destination_arn=raw.get("DestinationArn", "") or "",
        task_handle=raw.get("TaskHandle", "") or "",
        moved=int(raw.get("ApproximateNumberOfMessagesMoved") or 0),
        to_move=_int(raw.get("ApproximateNumberOfMessagesToMove")),
        rate=_int(raw.get("MaxNumberOfMessagesPerSecond")),
        failure_reason=raw.get("FailureReason", "") or "",
        started=datetime.fromtimestamp(started / 1000, timezone.utc) if isinstance(started, (int, float)) else None,
    )


def move_tasks(session: AwsSession, dead_letter_arn: str) -> list[RedriveTask]:
    """The recent message move tasks out of a queue, newest first (ListMessageMoveTasks)."""
    response = session.client("sqs").list_message_move_tasks(SourceArn=dead_letter_arn, MaxResults=MOVE_TASKS)
    return [_move_task(raw) for raw in response.get("Results", [])]


# -- resource policy, asynchronous invocation ------------------------------------------------------

def _condition(statement: dict[str, Any], key: str) -> str:
    """The value of a condition key (any operator, case-insensitive key), "" when absent."""
    for values in (statement.get("Condition") or {}).values():
        for name, value in (values or {}).items():
            if name.lower() == key.lower():
                return value[0] if isinstance(value, list) and value else str(value)
    return ""


def parse_policy(text: str, qualifier: str = "") -> list[PolicyTrigger]:
    """The Allow statements of a function's resource policy, as triggers."""
    try:
        document = json.loads(text or "{}")
    except ValueError:
        return []
    statements = document.get("Statement") or []
    if isinstance(statements, dict):
        statements = [statements]
    triggers = []
    for statement in statements:
        if statement.get("Effect", "Allow") != "Allow":
            continue
        principal = statement.get("Principal", "")
        if isinstance(principal, dict):
            principal = principal.get("Service") or principal.get("AWS") or ""
        if isinstance(principal, list):
            principal = ", ".join(map(str, principal))
        action = statement.get("Action", "")
        triggers.append(PolicyTrigger(
            principal=str(principal),
            source_arn=_condition(statement, "AWS:SourceArn"),
            source_account=_condition(statement, "AWS:SourceAccount"),
            action=", ".join(action) if isinstance(action, list) else str(action),
            sid=str(statement.get("Sid", "")),
            qualifier=qualifier,
        ))
    return triggers


def policy_triggers(session: AwsSession, function: str, aliases: Iterable[str] = ()) -> list[PolicyTrigger]:
    """Resource-policy triggers of the function and of each alias (no policy: none)."""
    client = session.client("lambda")
    found: list[PolicyTrigger] = []
    seen: set[tuple[str, str, str, str]] = set()
    for qualifier in ("", *aliases):
        kwargs = {"FunctionName": function, **({"Qualifier": qualifier} if qualifier else {})}
        try:
            text = client.get_policy(**kwargs).get("Policy", "")
        except ClientError as exc:
            if error_code(exc) == "ResourceNotFoundException":
                continue  # no policy on this qualifier
            raise
        for trigger in parse_policy(text, qualifier):
            # An endpoint that ignores Qualifier answers the function's policy again: keep it once.
            key = (trigger.sid, trigger.principal, trigger.source_arn, trigger.source_account)
            if key not in seen:
                seen.add(key)
                found.append(trigger)
    return found


def async_configs(session: AwsSession, function: str) -> list[AsyncConfig]:
    paginator = session.client("lambda").get_paginator("list_function_event_invoke_configs")
    configs = []
    for page in paginator.paginate(FunctionName=function):
        for raw in page.get("FunctionEventInvokeConfigs", []):
            arn = raw.get("FunctionArn", "")
            parts = arn.split(":")
            destinations = raw.get("DestinationConfig") or {}
            modified = raw.get("LastModified")
            configs.append(AsyncConfig(
                qualifier=parts[7] if len(parts) > 7 else "$LATEST",
                max_retries=_int(raw.get("MaximumRetryAttempts")),
                max_event_age=_int(raw.get("MaximumEventAgeInSeconds")),
                on_success=(destinations.get("OnSuccess") or {}).get("Destination", "") or "",
                on_failure=(destinations.get("OnFailure") or {}).get("Destination", "") or "",
                last_modified=modified if isinstance(modified, datetime) else parse_time(modified),
            ))
    return sorted(configs, key=lambda c: c.qualifier)


# -- ages, from CloudWatch ------------------------------------------------------------------------

def _latest_values(session: AwsSession, queries: list[dict[str, Any]], now: datetime) -> dict[str, float]:
    """The newest value of each query over AGE_WINDOW (absent: no data)."""
    if not queries:
        return {}
    end = now.astimezone(timezone.utc)
    paginator = session.client("cloudwatch").get_paginator("get_metric_data")
    latest: dict[str, tuple[datetime, float]] = {}
    for page in paginator.paginate(MetricDataQueries=queries, StartTime=end - AGE_WINDOW, EndTime=end,
                                   ScanBy="TimestampDescending"):
        for result in page.get("MetricDataResults", []):
            for when, value in zip(result.get("Timestamps", []), result.get("Values", [])):
                known = latest.get(result["Id"])
                if known is None or when > known[0]:
                    latest[result["Id"]] = (when, float(value))
    return {key: value for key, (_, value) in latest.items()}


def _query(key: str, namespace: str, metric: str, dimension: str, value: str) -> dict[str, Any]:
    return {"Id": key, "ReturnData": True, "MetricStat": {
        "Metric": {"Namespace": namespace, "MetricName": metric,
                   "Dimensions": [{"Name": dimension, "Value": value}]},
        "Period": AGE_PERIOD, "Stat": "Maximum"}}


def _with_ages(session: AwsSession, function: str, sources: list[MappingSource], dead_letter: DeadLetterTarget | None,
               now: datetime) -> tuple[list[MappingSource], DeadLetterTarget | None, str]:
    """Sources and dead letter with their ages filled in from one GetMetricData call."""
    queues: dict[str, str] = {}  # arn -> query id
    for source in sources:
        for queue in (source.queue, source.dead_letter):
            if queue is not None:
                queues.setdefault(queue.arn, f"q{len(queues)}")
    if dead_letter is not None and dead_letter.queue is not None:
        queues.setdefault(dead_letter.queue.arn, f"q{len(queues)}")
    queries = [_query(key, "AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", arn_resource_name(arn))
               for arn, key in queues.items()]
    if any(s.mapping.is_stream for s in sources):
        queries.append(_query("iterator", "AWS/Lambda", "IteratorAge", "FunctionName", function))
    try:
        values = _latest_values(session, queries, now)
    except (ClientError, BotoCoreError) as exc:
        return sources, dead_letter, describe(exc, profile=session.profile).one_line()

    def aged(queue: QueueDepth | None) -> QueueDepth | None:
        if queue is None:
            return None
        age = values.get(queues.get(queue.arn, ""))
        return replace(queue, oldest_age=age)

    sources = [MappingSource(s.mapping, aged(s.queue), aged(s.dead_letter),
                             values.get("iterator") if s.mapping.is_stream else None) for s in sources]
    if dead_letter is not None:
        dead_letter = DeadLetterTarget(dead_letter.arn, aged(dead_letter.queue))
    return sources, dead_letter, ""


# -- the whole tab ------------------------------------------------------------------------------

def _sources(session: AwsSession, mappings: list[EventSourceMapping]) -> list[MappingSource]:
    depths: dict[str, QueueDepth] = {}

    def depth(arn: str) -> QueueDepth:
        if arn not in depths:
            depths[arn] = queue_depth(session, arn)
        return depths[arn]

    sources = []
    for mapping in mappings:
        if mapping.is_sqs:
            queue = depth(mapping.source_arn)
            dead = depth(queue.dead_letter_arn) if queue.dead_letter_arn else None
            sources.append(MappingSource(mapping, queue, dead))
        else:
            sources.append(MappingSource(mapping))
    return sources


def read_triggers(session: AwsSession, function: str, *, now: datetime | None = None) -> Triggers:
    """Everything the Triggers tab shows. Raises only when the function itself cannot be read."""
    raw = session.client("lambda").get_function_configuration(FunctionName=function)
    name = raw.get("FunctionName", function)
    aliases_found = _part(lambda: [a.name for a in list_aliases(session, name)], session, "ListAliases")
    aliases = [] if isinstance(aliases_found, Unavailable) else aliases_found
    mappings = _part(lambda: _sources(session, list_mappings(session, name, aliases)), session,
                     "ListEventSourceMappings")
    target = ((raw.get("DeadLetterConfig") or {}).get("TargetArn")) or ""
    dead_letter = None
    if target:
        dead_letter = DeadLetterTarget(target, queue_depth(session, target) if arn_service(target) == "sqs" else None)
    metrics_error = ""
    if not isinstance(mappings, Unavailable):
        found, dead_letter, metrics_error = _with_ages(session, name, mappings, dead_letter,
                                                       now or datetime.now(timezone.utc))
        mappings = found
    dead_letters = sorted({s.dead_letter.arn for s in mappings if s.dead_letter is not None}
                          if not isinstance(mappings, Unavailable) else set())
    redrives = _part(lambda: tuple(t for arn in dead_letters for t in move_tasks(session, arn)), session,
                     "ListMessageMoveTasks") if dead_letters else ()
    alarms = _part(lambda: _watching(session, name, mappings, dead_letter), session, "DescribeAlarms")
    return Triggers(
        function=name,
        function_arn=raw.get("FunctionArn", ""),
        mappings=tuple(mappings) if not isinstance(mappings, Unavailable) else mappings,
        policy=_part(lambda: tuple(policy_triggers(session, name, aliases)), session, "GetPolicy"),
        async_configs=_part(lambda: tuple(async_configs(session, name)), session,
                            "ListFunctionEventInvokeConfigs"),
        dead_letter=dead_letter,
        redrives=redrives,
        metrics_error=metrics_error,
        alarms=alarms,
    )


def _watching(session: AwsSession, function: str, mappings: list[MappingSource] | Unavailable,
              dead_letter: DeadLetterTarget | None) -> tuple[Alarm, ...]:
    """The alarms watching the function or a queue of the tab (one DescribeAlarms listing)."""
    queues = set()
    for source in () if isinstance(mappings, Unavailable) else mappings:
        queues |= {q.name for q in (source.queue, source.dead_letter) if q is not None}
    if dead_letter is not None and dead_letter.queue is not None:
        queues.add(dead_letter.queue.name)
    return tuple(alarm for alarm in list_alarms(session)
                 if any((w.kind == "function" and w.name == function) or (w.kind == "queue" and w.name in queues)
                        for w in alarm.watches))
