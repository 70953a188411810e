"""Lambda functions: configuration, versions, aliases, concurrency, and what the levers changed.

Reserved concurrency is `int | None` everywhere: None means "no reservation" (the function
draws from the account's unreserved pool), 0 means "throttled", N means N reserved executions.
Keeping "none" distinct from 0 is the whole point of an exact unthrottle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

#: How a reservation reads on screen and in the CLI.
NO_RESERVATION_TEXT = "none"


def reservation_text(value: int | None) -> str:
    """"none" for no reservation, "0 (throttled)" for 0, else the number."""
    if value is None:
        return NO_RESERVATION_TEXT
    if value == 0:
        return "0 (throttled)"
    return str(value)


@dataclass(frozen=True)
class Unavailable:
    """A call this endpoint does not offer (plain moto has no GetAccountSettings, for example).

    Returned in place of a value so a panel can say "not available on this endpoint" instead of
    failing: the rest of the screen still works.
    """

    reason: str = "not available on this endpoint"


@dataclass(frozen=True)
class LayerRef:
    arn: str
    code_size: int = 0

    @property
    def name(self) -> str:
        """`arn:...:layer:NAME:VERSION` -> `NAME:VERSION`."""
        parts = self.arn.split(":")
        return ":".join(parts[-2:]) if len(parts) >= 2 else self.arn


@dataclass(frozen=True)
class LoggingConfig:
    format: str = "Text"  # "Text" or "JSON"
    log_group: str = ""  # empty: the default /aws/lambda/<name>
    application_level: str = ""  # JSON format only
    system_level: str = ""  # JSON format only


@dataclass(frozen=True)
class FunctionConfiguration:
    """One function as GetFunction describes it (configuration and tags)."""

    name: str
    arn: str
    runtime: str = ""  # empty for container images
    handler: str = ""
    architectures: tuple[str, ...] = ()
    memory: int = 0  # MB
    timeout: int = 0  # seconds
    code_size: int = 0  # bytes
    code_sha256: str = ""
    state: str = ""
    state_reason: str = ""
    last_update_status: str = ""
    last_modified: datetime | None = None
    role: str = ""
    layers: tuple[LayerRef, ...] = ()
    logging: LoggingConfig = field(default_factory=LoggingConfig)
    environment: tuple[tuple[str, str], ...] = ()
    tags: tuple[tuple[str, str], ...] = ()
    description: str = ""
    version: str = "$LATEST"
    package_type: str = "Zip"

    @property
    def log_group(self) -> str:
        """Where the function writes: LoggingConfig.LogGroup, or Lambda's default group."""
        return self.logging.log_group or f"/aws/lambda/{self.name}"

    def tag(self, key: str) -> str | None:
        return dict(self.tags).get(key)


def version_sort_key(version: str) -> tuple[int, int]:
    """Orders Lambda versions oldest to newest: published versions by number (2 before 10), then
    $LATEST, the unpublished code, newer than any published version (anything else not a number
    sorts with it). So `max(..., key=version_sort_key)` is the newest and `reverse=True` puts
    $LATEST on top, then the newest published version."""
    return (0, int(version)) if version.isdigit() else (1, 0)


@dataclass(frozen=True)
class FunctionVersion:
    version: str  # "$LATEST" or a number
    description: str = ""
    last_modified: datetime | None = None  # for a published version: when it was published
    code_sha256: str = ""
    runtime: str = ""
    arn: str = ""

    @property
    def short_sha(self) -> str:
        return self.code_sha256[:10]


@dataclass(frozen=True)
class Alias:
    name: str
    function_version: str
    additional_version: str | None = None
    additional_weight: float = 0.0  # 0.0 to 1.0, the share sent to additional_version
    description: str = ""
    revision_id: str = ""
    arn: str = ""

    @property
    def is_weighted(self) -> bool:
        """True when a second version is configured (even at weight 0)."""
        return self.additional_version is not None

    @property
    def additional_percent(self) -> float:
        return round(self.additional_weight * 100, 2)

    @property
    def primary_percent(self) -> float:
        return round(100 - self.additional_percent, 2)


@dataclass(frozen=True)
class ProvisionedConcurrency:
    qualifier: str  # alias name or version number
    requested: int
    available: int = 0
    allocated: int = 0
    status: str = ""  # IN_PROGRESS, READY, FAILED
    reason: str = ""
    last_modified: datetime | None = None


@dataclass(frozen=True)
class AccountConcurrency:
    limit: int
    unreserved: int

    @property
    def reserved(self) -> int:
        return self.limit - self.unreserved


@dataclass(frozen=True)
class FunctionSummary:
    """One row of a function table (a stack's Functions tab, the region's functions).

    `reserved_known` is False when reserved concurrency was not fetched (ListFunctions does not
    return it) or could not be read; `error` says why a row is incomplete.
    """

    name: str
    arn: str = ""
    runtime: str = ""
    memory: int = 0
    timeout: int = 0
    last_modified: datetime | None = None
    reserved_concurrency: int | None = None
    reserved_known: bool = True
    logical_id: str = ""
    error: str = ""

    @property
    def throttled(self) -> bool:
        return self.reserved_known and self.reserved_concurrency == 0


# -- What the levers did -------------------------------------------------------------------


class PriorReservation(NamedTuple):
    """What an unthrottle would restore: `known` says whether a prior state is recorded at all,
    `value` is the reservation (None: no reservation), `source` where it was found ("tag" or
    "audit log"). A tuple, so `known, value, source = prior` works; `PriorReservation()` is
    "nothing recorded"."""

    known: bool = False
    value: int | None = None
    source: str = ""


@dataclass(frozen=True)
class ConcurrencyChange:
    """The outcome of throttle, unthrottle or set-reserved-concurrency on one function.

    `changed` is False when nothing had to be done (already throttled); `message` says what
    happened in one line; `prior_recorded_in` names where the pre-throttle state was kept or
    found ("tag", "audit log"), empty when not relevant.
    """

    function: str
    function_arn: str
    action: str
    before: int | None
    after: int | None
    changed: bool = True
    message: str = ""
    prior_recorded_in: str = ""
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class LeverFailure:
    function: str
    message: str


@dataclass(frozen=True)
class StackLeverResult:
    """The kill switch (or its restore) on a whole stack: per function, what changed or failed."""

    stack: str
    action: str  # "throttle" or "unthrottle"
    changes: tuple[ConcurrencyChange, ...] = ()
    failures: tuple[LeverFailure, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.failures


@dataclass(frozen=True)
class AliasChange:
    """An alias before and after a traffic change."""

    function: str
    action: str  # alias-weight, alias-promote, alias-rollback
    before: Alias
    after: Alias
