"""What invokes a function and where its failures go: event source mappings, the queues behind
them, resource-policy triggers, asynchronous invocation, dead-letter targets, SQS redrives, and
what the levers on them changed.

During a queue incident the questions are "is the consumer draining?", "how deep is the queue,
how old is its oldest message?", "where do failures land, and how many are there?". These
models carry the answers; `stackview.aws.sources` reads them and `stackview.aws.source_levers`
changes them. Maximum concurrency is `int | None` everywhere: None means "no maximum" (the
mapping scales up to the function's own limits), which is different from any number; keeping
it distinct is what makes an exact restore possible.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from stackview.models.alarms import Alarm
from stackview.models.functions import Unavailable

#: SQS maximum concurrency of an event source mapping: Lambda accepts 2 to 1000.
MIN_MAX_CONCURRENCY = 2
MAX_MAX_CONCURRENCY = 1000
#: How "no maximum concurrency" reads on screen and in the CLI.
NO_MAXIMUM_TEXT = "none"

#: Event source mapping states in which the mapping polls (or is about to).
POLLING_STATES = ("Enabled", "Enabling", "Creating", "Updating")

#: Resource-policy principals and what people call them.
SERVICE_KINDS = {
    "apigateway.amazonaws.com": "API Gateway",
    "s3.amazonaws.com": "S3",
    "events.amazonaws.com": "EventBridge",
    "sns.amazonaws.com": "SNS",
    "logs.amazonaws.com": "CloudWatch Logs",
    "elasticloadbalancing.amazonaws.com": "Load balancer",
    "iot.amazonaws.com": "IoT",
    "cognito-idp.amazonaws.com": "Cognito",
    "scheduler.amazonaws.com": "Scheduler",
    "secretsmanager.amazonaws.com": "Secrets Manager",
    "alexa-appkit.amazon.com": "Alexa",
}


def max_concurrency_text(value: int | None) -> str:
    """"none" for no maximum, else the number."""
    return NO_MAXIMUM_TEXT if value is None else str(value)


def parse_max_concurrency(text: str) -> int | None:
    """A maximum concurrency typed by a person: 2 to 1000, or `none` (no maximum).
    Raises ValueError saying what is accepted."""
    value = text.strip().lower()
    if value in (NO_MAXIMUM_TEXT, "-", "unset", "off"):
        return None
    if not value.isdigit():
        raise ValueError(f"type a whole number from {MIN_MAX_CONCURRENCY} to {MAX_MAX_CONCURRENCY}, "
                         f"or {NO_MAXIMUM_TEXT} for no maximum")
    number = int(value)
    if not MIN_MAX_CONCURRENCY <= number <= MAX_MAX_CONCURRENCY:
        raise ValueError(f"the maximum concurrency must be from {MIN_MAX_CONCURRENCY} to "
                         f"{MAX_MAX_CONCURRENCY} (or {NO_MAXIMUM_TEXT}), not {number}")
    return number


def age_text(seconds: float | None) -> str:
    """`45 s`, `4 min`, `2 h 5 min`, `3 d`; `-` for no data."""
    if seconds is None:
        return "-"
    value = int(seconds)
    if value < 60:
        return f"{value} s"
    if value < 3600:
        return f"{value // 60} min"
    if value < 86400:
        hours, minutes = divmod(value // 60, 60)
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{value // 86400} d"


def messages_text(queue: QueueDepth | None) -> str:
    """`12 (+3 in flight)`, `0`, `?` when the depth could not be read."""
    if queue is None:
        return "-"
    if queue.error or queue.visible is None:
        return "?"
    text = f"{queue.visible:,}"
    if queue.in_flight:
        text += f" (+{queue.in_flight:,} in flight)"
    return text


def arn_service(arn: str) -> str:
    """`sqs`, `kinesis`, `dynamodb`, `kafka`, `mq`, `sns`, ... from an ARN ("" when not one)."""
    parts = arn.split(":")
    return parts[2] if arn.startswith("arn:") and len(parts) > 2 else ""


def arn_resource_name(arn: str) -> str:
    """The short name in an ARN: a queue's or topic's name, a stream's or table's name, a rule's
    name; the ARN itself when there is nothing shorter."""
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return arn
    resource = parts[5]
    service = parts[2]
    if service == "dynamodb" and "/stream/" in resource:
        return resource.split("/")[1]  # table/NAME/stream/LABEL
    if "/" in resource:
        return resource.split("/")[1] if service in ("kinesis", "events", "kafka") else resource.rsplit("/", 1)[-1]
    return resource


@dataclass(frozen=True)
class QueueDepth:
    """An SQS queue as a consumer sees it: how many messages wait, are in flight or delayed,
    the age of its oldest message (a CloudWatch metric: None when no data), and the queue its
    failed messages go to (RedrivePolicy)."""

    arn: str
    url: str = ""
    visible: int | None = None
    in_flight: int | None = None
    delayed: int | None = None
    #: Seconds, CloudWatch's ApproximateAgeOfOldestMessage (Maximum of the newest period).
    oldest_age: float | None = None
    dead_letter_arn: str = ""
    max_receive_count: int | None = None
    #: Why the depth is unknown (a denied GetQueueAttributes, a queue in another account...).
    error: str = ""

    @property
    def name(self) -> str:
        return arn_resource_name(self.arn)


@dataclass(frozen=True)
class EventSourceMapping:
    """One event source mapping, as ListEventSourceMappings describes it."""

    uuid: str
    source_arn: str
    function_arn: str
    state: str
    state_reason: str = ""
    batch_size: int | None = None
    #: SQS only: ScalingConfig.MaximumConcurrency (None: no maximum).
    max_concurrency: int | None = None
    last_processing_result: str = ""
    last_modified: datetime | None = None
    batching_window: int | None = None
    filters: int = 0
    starting_position: str = ""
    #: Streams: DestinationConfig.OnFailure (where records that keep failing go).
    on_failure: str = ""
    arn: str = ""

    @property
    def kind(self) -> str:
        """`sqs`, `kinesis`, `dynamodb`, `kafka`, `mq`, ... (self-managed Kafka has no ARN)."""
        return arn_service(self.source_arn) or "kafka"

    @property
    def is_sqs(self) -> bool:
        return self.kind == "sqs"

    @property
    def is_stream(self) -> bool:
        return self.kind in ("kinesis", "dynamodb", "kafka")

    @property
    def enabled(self) -> bool:
        """Polling (or about to): what a disable lever stops."""
        return self.state in POLLING_STATES

    @property
    def qualifier(self) -> str:
        """The alias or version the mapping invokes ("" for the unqualified function)."""
        parts = self.function_arn.split(":")
        return parts[7] if len(parts) > 7 else ""

    @property
    def source_name(self) -> str:
        return arn_resource_name(self.source_arn) if self.source_arn else "self-managed"


@dataclass(frozen=True)
class MappingSource:
    """A mapping with what its source says: the SQS queue's depth and its dead-letter queue's,
    or the function's iterator age (streams)."""

    mapping: EventSourceMapping
    queue: QueueDepth | None = None
    dead_letter: QueueDepth | None = None
    #: Streams: IteratorAge in milliseconds (Maximum of the newest period; None: no data).
    iterator_age: float | None = None


@dataclass(frozen=True)
class PolicyTrigger:
    """A service allowed to invoke the function by its resource policy (GetPolicy)."""

    principal: str  # `s3.amazonaws.com`, an account ARN, `*`
    source_arn: str = ""  # AWS:SourceArn of the statement's condition ("" when none)
    source_account: str = ""
    action: str = "lambda:InvokeFunction"
    sid: str = ""
    qualifier: str = ""  # the policy of an alias or version ("" for the function's own)

    @property
    def kind(self) -> str:
        """`API Gateway`, `S3`, `EventBridge`, `SNS`, ... or the principal itself."""
        return SERVICE_KINDS.get(self.principal, self.principal)


@dataclass(frozen=True)
class AsyncConfig:
    """Asynchronous invocation settings of the function or one of its aliases or versions."""

    qualifier: str  # `$LATEST`, an alias or a version
    max_retries: int | None = None  # None: the default (2)
    max_event_age: int | None = None  # seconds; None: the default (6 hours)
    on_success: str = ""
    on_failure: str = ""
    last_modified: datetime | None = None


@dataclass(frozen=True)
class DeadLetterTarget:
    """The function's own DeadLetterConfig (asynchronous invocations that failed every retry):
    an SQS queue (with its depth) or an SNS topic (which holds nothing: no depth)."""

    arn: str
    queue: QueueDepth | None = None

    @property
    def kind(self) -> str:
        return arn_service(self.arn)


@dataclass(frozen=True)
class RedriveTask:
    """An SQS message move task (StartMessageMoveTask), as ListMessageMoveTasks reports it."""

    source_arn: str
    status: str  # RUNNING, COMPLETED, CANCELLING, CANCELLED, FAILED
    destination_arn: str = ""
    task_handle: str = ""  # only while RUNNING
    moved: int = 0
    to_move: int | None = None
    rate: int | None = None  # messages per second asked for (None: as fast as SQS goes)
    failure_reason: str = ""
    started: datetime | None = None

    @property
    def running(self) -> bool:
        return self.status in ("RUNNING", "CANCELLING")

    def progress_text(self) -> str:
        """`RUNNING 40 of 120 moved`, `COMPLETED 120 moved`, `FAILED: reason`."""
        of = f" of {self.to_move}" if self.to_move is not None else ""
        text = f"{self.status} {self.moved}{of} moved"
        return f"{text}: {self.failure_reason}" if self.failure_reason else text


@dataclass(frozen=True)
class Triggers:
    """Everything the Triggers tab shows, read in one worker. Each part is either its value or
    `Unavailable(reason)`: a denied GetPolicy degrades its own part, not the tab."""

    function: str
    function_arn: str
    mappings: tuple[MappingSource, ...] | Unavailable = ()
    policy: tuple[PolicyTrigger, ...] | Unavailable = ()
    async_configs: tuple[AsyncConfig, ...] | Unavailable = ()
    dead_letter: DeadLetterTarget | None = None
    #: Message move tasks of the dead-letter queues shown, newest first per queue.
    redrives: tuple[RedriveTask, ...] | Unavailable = ()
    #: Metrics that could not be read (the ages then show as unknown), or "".
    metrics_error: str = ""
    #: The alarms watching the function or one of the queues shown, ALARM first.
    alarms: tuple[Alarm, ...] | Unavailable = ()

    def redrive_of(self, dead_letter_arn: str) -> RedriveTask | None:
        """The newest move task out of `dead_letter_arn`, if any."""
        if isinstance(self.redrives, Unavailable):
            return None
        return next((t for t in self.redrives if t.source_arn == dead_letter_arn), None)


# -- What the levers did -------------------------------------------------------------------


class PriorMaximum(NamedTuple):
    """What a restore of maximum concurrency puts back: `known` says whether it is recorded,
    `value` is the maximum (None: no maximum), `source` where it was found ("tag", "audit
    log"). `PriorMaximum()` is "nothing recorded"."""

    known: bool = False
    value: int | None = None
    source: str = ""


@dataclass(frozen=True)
class MappingChange:
    """A mapping before and after a lever (enable, disable, maximum concurrency)."""

    function: str
    uuid: str
    source_arn: str
    action: str  # mapping-disable, mapping-enable, mapping-max-concurrency, mapping-restore-max-concurrency
    before_state: str
    after_state: str
    before_max: int | None = None
    after_max: int | None = None
    changed: bool = True
    message: str = ""
    #: Where the prior maximum was kept or found ("tag", "audit log"), when relevant.
    prior_recorded_in: str = ""
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class RedriveStart:
    """A redrive started (or refused because one already runs on that queue)."""

    source_arn: str
    destination_arn: str
    task_handle: str
    visible_before: int | None = None
    rate: int | None = None
