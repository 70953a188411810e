"""Lambda, write side: throttle, unthrottle, reserved concurrency, the stack kill switch.

Every mutation, done or failed, appends one entry to the local audit log (stackview.audit).

Throttling sets reserved concurrency to 0. Undoing it exactly needs the state before it (a
reservation of N, or none at all, which are different things for the account's pool), and that
must outlive this process and be visible to a teammate on another machine, so it is written ON
THE FUNCTION as tags before the throttle happens. The audit log is the fallback when the tags
cannot be written or read (no lambda:TagResource / lambda:ListTags permission).

The alias traffic levers (stackview.aws.alias_levers) are re-exported here: callers import
every lever from this module.
Read-only mode is not checked here: the UI hides these actions and the CLI refuses before
calling them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

from botocore.exceptions import ClientError

from stackview import locations
from stackview.aws.alias_levers import promote_alias, rollback_alias, set_alias_weight
from stackview.aws.errors import describe, error_code
from stackview.aws.functions import account_concurrency, reserved_concurrency, stack_function_names
from stackview.aws.lever_context import (
    AliasConflict,
    AuditContext,
    ConcurrencyRefused,
    LeverRefused,
    NoPriorState,
    failed,
)
from stackview.aws.session import AwsSession
from stackview.models.arns import unqualified_function_arn
from stackview.models.functions import (
    AccountConcurrency,
    ConcurrencyChange,
    LeverFailure,
    PriorReservation,
    StackLeverResult,
    reservation_text,
)

PRIOR_TAG = "stackview:prior-reserved-concurrency"
BY_TAG = "stackview:throttled-by"
AT_TAG = "stackview:throttled-at"
THROTTLE_TAGS = (PRIOR_TAG, BY_TAG, AT_TAG)
#: Lambda keeps at least this many executions unreserved in every account and Region.
MIN_UNRESERVED = 100
#: Tag values are at most 256 characters.
MAX_TAG_VALUE = 256
#: Kill switch: functions of a stack handled this many at a time.
STACK_WORKERS = 4
CONCURRENCY_ACTIONS = ("throttle", "unthrottle", "set-reserved-concurrency")

__all__ = [
    "AliasConflict", "ConcurrencyRefused", "LeverRefused", "NoPriorState", "promote_alias",
    "rollback_alias", "set_alias_weight", "set_reserved_concurrency", "throttle",
    "throttle_stack", "unthrottle", "unthrottle_stack", "recorded_prior",
]


@dataclass(frozen=True)
class _Function:
    name: str
    arn: str
    reserved: int | None


def _function(session: AwsSession, function: str) -> _Function:
    """Name, unqualified ARN and current reservation (accepts a name, `name:alias` or an ARN).

    Reserved concurrency and tags belong to the function as a whole, never to a version or
    alias, so a qualifier given by the caller is dropped."""
    raw = session.client("lambda").get_function_configuration(FunctionName=function)
    name = raw["FunctionName"]
    arn = unqualified_function_arn(str(raw["FunctionArn"])) or str(raw["FunctionArn"])
    return _Function(name, arn, reserved_concurrency(session, name))


def _read_tags(session: AwsSession, arn: str) -> tuple[dict[str, str] | None, str]:
    """The function's tags, or (None, why) when they cannot be read."""
    try:
        return dict(session.client("lambda").list_tags(Resource=arn).get("Tags") or {}), ""
    except ClientError as exc:
        return None, describe(exc, profile=session.profile).message


_TAG_UNSAFE = re.compile(r"[^\w .:/=+\-@]")


def tag_safe(text: str) -> str:
    """A tag value AWS accepts: letters, digits, spaces and `_ . : / = + - @`, at most 256
    characters (an assumed-role session name may hold a comma, which TagResource refuses)."""
    return _TAG_UNSAFE.sub("_", text)[:MAX_TAG_VALUE]


def _encode_prior(value: int | None) -> str:
    return "none" if value is None else str(value)


def _decode_prior(text: str | None) -> tuple[bool, int | None]:
    """(known, value) from a tag value: "none" -> no reservation, digits -> N."""
    if text is None:
        return False, None
    text = text.strip().lower()
    if text == "none":
        return True, None
    if text.isdigit():
        return True, int(text)
    return False, None


_CONCURRENCY_LINE = re.compile(r'"action":\s*"(?:%s)"' % "|".join(map(re.escape, CONCURRENCY_ACTIONS)))


def _entries_about(arn: str) -> Iterator[dict[str, Any]]:
    """Reservation entries (throttle, unthrottle, set) whose line names `arn`, oldest first.

    The log also holds every invoke, so it can grow to many thousands of lines; parsing only
    the lines that can matter keeps a stack restore fast (100,000 lines: ~0.7 s per function
    when every line is parsed, ~0.06 s when filtered first).
    """
    path = locations.audit_log_file()
    if not path.exists():
        return
    needle = json.dumps(arn)
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if needle not in line or not _CONCURRENCY_LINE.search(line):
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError:
                continue  # a torn write
            if isinstance(value, dict):
                yield value


def prior_from_audit(arn: str) -> tuple[bool, int | None, str, bool]:
    """(known, prior, time, tagged) recorded by the last successful throttle of `arn` in the
    local audit log, if no unthrottle or explicit reservation came after it; `tagged` tells
    whether that throttle also managed to write the tags."""
    last: dict[str, Any] | None = None
    for entry in _entries_about(arn):
        if (entry.get("target") == arn and entry.get("action") in CONCURRENCY_ACTIONS
                and entry.get("outcome") == "ok"):
            last = entry
    if last is None or last.get("action") != "throttle" or "before" not in last:
        return False, None, "", False
    before, when = last["before"], str(last.get("time", ""))
    tagged = (last.get("details") or {}).get("prior_recorded_in") == "tag"
    if before is None:
        return True, None, when, tagged
    try:
        return True, int(before), when, tagged
    except (TypeError, ValueError):
        return False, None, "", False


def _when(text: str) -> datetime | None:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def recorded_prior(session: AwsSession, arn: str) -> PriorReservation:
    """What an unthrottle of `arn` would restore, and where that was found ("tag" or "audit log").

    The tag wins, unless this machine's audit log holds a newer throttle: that happens when a
    throttle could not overwrite an older, stale tag (no lambda:TagResource permission).
    """
    tags, _ = _read_tags(session, arn)
    tag_known, tag_value = _decode_prior((tags or {}).get(PRIOR_TAG))
    log_known, log_value, log_time, log_tagged = prior_from_audit(arn)
    if tag_known and log_known and not log_tagged:
        tagged_at, logged_at = _when((tags or {}).get(AT_TAG, "")), _when(log_time)
        if tagged_at and logged_at and logged_at > tagged_at:
            return PriorReservation(True, log_value, "audit log")
    if tag_known:
        return PriorReservation(True, tag_value, "tag")
    if log_known:
        return PriorReservation(True, log_value, "audit log")
    return PriorReservation()


def throttle(session: AwsSession, function: str, **details: Any) -> ConcurrencyChange:
    """Set reserved concurrency to 0, after recording the prior state on the function (tags).

    Already throttled: nothing changes and the recorded prior state is kept as it is.
    """
    ctx = AuditContext.of(session)
    fn = _function(session, function)
    if fn.reserved == 0:
        known, prior, source = recorded_prior(session, fn.arn)
        message = (f"{fn.name} is already throttled; the recorded prior state "
                   f"({reservation_text(prior)}, from the {source}) is kept") if known else (
            f"{fn.name} is already throttled, and no prior state is recorded (throttled outside "
            "stackview?)")
        return ConcurrencyChange(fn.name, fn.arn, "throttle", 0, 0, changed=False, message=message,
                                 prior_recorded_in=source)
    client = session.client("lambda")
    warnings: list[str] = []
    tags = {PRIOR_TAG: _encode_prior(fn.reserved), BY_TAG: tag_safe(ctx.caller),
            AT_TAG: datetime.now(timezone.utc).isoformat(timespec="seconds")}
    try:
        client.tag_resource(Resource=fn.arn, Tags=tags)
        recorded_in = "tag"
    except ClientError as exc:
        recorded_in = "audit log"
        warnings.append("could not tag the function (" + describe(exc).message
                        + "): its prior state is kept in this machine's audit log only")
    try:
        client.put_function_concurrency(FunctionName=fn.name, ReservedConcurrentExecutions=0)
    except Exception as exc:
        ctx.record("throttle", fn.arn, fn.reserved, fn.reserved, failed(exc, session), **details)
        if recorded_in == "tag":
            _remove_tags(session, fn.arn, warnings)
        raise
    ctx.record("throttle", fn.arn, fn.reserved, 0, prior_recorded_in=recorded_in, **details)
    return ConcurrencyChange(
        fn.name, fn.arn, "throttle", fn.reserved, 0,
        message=f"throttled {fn.name} (reserved concurrency {reservation_text(fn.reserved)} -> 0)",
        prior_recorded_in=recorded_in, warnings=tuple(warnings))


def _remove_tags(session: AwsSession, arn: str, warnings: list[str]) -> None:
    try:
        session.client("lambda").untag_resource(Resource=arn, TagKeys=list(THROTTLE_TAGS))
    except ClientError as exc:
        warnings.append(f"could not remove the {PRIOR_TAG} tag: {describe(exc).message}")


def _apply_reservation(session: AwsSession, name: str, value: int | None) -> None:
    client = session.client("lambda")
    if value is None:
        client.delete_function_concurrency(FunctionName=name)
    else:
        client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=value)


def _refusal(exc: ClientError, value: int | None, account: AccountConcurrency | None) -> ConcurrencyRefused:
    pool = (f"the account has {account.unreserved} of {account.limit} unreserved" if account
            else "this endpoint does not report the account's unreserved pool")
    message = (f"Lambda refused a reservation of {reservation_text(value)}: at least "
               f"{MIN_UNRESERVED} executions must stay unreserved, and {pool} "
               f"({exc.response.get('Error', {}).get('Message', '')})")
    return ConcurrencyRefused(message, kind="invalid", hint="choose a smaller number")


def unthrottle(session: AwsSession, function: str, **details: Any) -> ConcurrencyChange:
    """Put back exactly the reservation the function had before it was throttled.

    Not throttled: nothing to do (changed=False). No recorded prior state: NoPriorState.
    """
    ctx = AuditContext.of(session)
    fn = _function(session, function)
    if fn.reserved != 0:
        return ConcurrencyChange(
            fn.name, fn.arn, "unthrottle", fn.reserved, fn.reserved, changed=False,
            message=f"{fn.name} is not throttled (reserved concurrency "
                    f"{reservation_text(fn.reserved)}); nothing to restore")
    known, prior, source = recorded_prior(session, fn.arn)
    if not known:
        raise NoPriorState(
            f"no prior state is recorded for {fn.name}: no {PRIOR_TAG} tag on it and no throttle "
            "in this machine's audit log; it stays throttled",
            hint="set its reserved concurrency explicitly (a number, or no reservation)")
    try:
        _apply_reservation(session, fn.name, prior)
    except ClientError as exc:
        ctx.record("unthrottle", fn.arn, 0, 0, failed(exc, session), **details)
        if error_code(exc) == "InvalidParameterValueException":
            raise _refusal(exc, prior, _known_account(session)) from None
        raise
    warnings: list[str] = []
    _remove_tags(session, fn.arn, warnings)
    ctx.record("unthrottle", fn.arn, 0, prior, prior_recorded_in=source, **details)
    return ConcurrencyChange(
        fn.name, fn.arn, "unthrottle", 0, prior,
        message=f"unthrottled {fn.name} (reserved concurrency 0 -> {reservation_text(prior)}, "
                f"from the {source})",
        prior_recorded_in=source, warnings=tuple(warnings))


def _known_account(session: AwsSession) -> AccountConcurrency | None:
    try:
        account = account_concurrency(session)
    except ClientError:
        return None
    return account if isinstance(account, AccountConcurrency) else None


def set_reserved_concurrency(session: AwsSession, function: str, value: int | None,
                             **details: Any) -> ConcurrencyChange:
    """Reserve `value` executions for the function (None: remove the reservation).

    Checked against the account first (GetAccountSettings): a reservation that would leave
    fewer than 100 executions unreserved is refused and nothing changes. Where the endpoint has
    no GetAccountSettings, Lambda's own InvalidParameterValueException is described instead.
    0 is a throttle and goes through `throttle` so the prior state is recorded.
    """
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise LeverRefused(f"reserved concurrency must be a whole number, 0 or more, not {value!r}",
                           kind="invalid")
    if value == 0:
        return throttle(session, function, **details)
    ctx = AuditContext.of(session)
    fn = _function(session, function)
    if fn.reserved == value:
        return ConcurrencyChange(fn.name, fn.arn, "set-reserved-concurrency", value, value,
                                 changed=False, message=f"{fn.name} already has reserved "
                                 f"concurrency {reservation_text(value)}")
    account = _known_account(session)
    if account is not None and value is not None:
        left = account.unreserved + (fn.reserved or 0) - value
        if left < MIN_UNRESERVED:
            error = ConcurrencyRefused(
                f"reserving {value} for {fn.name} would leave {left} unreserved executions in the "
                f"account (limit {account.limit}, {account.unreserved} unreserved now); at least "
                f"{MIN_UNRESERVED} must stay unreserved",
                kind="invalid", hint=f"at most {account.unreserved + (fn.reserved or 0) - MIN_UNRESERVED}"
                " can be reserved for this function")
            ctx.record("set-reserved-concurrency", fn.arn, fn.reserved, fn.reserved,
                       "failed: " + error.error.message, requested=value, **details)
            raise error
    try:
        _apply_reservation(session, fn.name, value)
    except ClientError as exc:
        ctx.record("set-reserved-concurrency", fn.arn, fn.reserved, fn.reserved, failed(exc, session),
                   requested=value, **details)
        if error_code(exc) == "InvalidParameterValueException":
            raise _refusal(exc, value, account) from None
        raise
    warnings: list[str] = []
    tags, _ = _read_tags(session, fn.arn)
    if tags and any(key in tags for key in THROTTLE_TAGS):
        # An explicit reservation replaces a throttle: its record would now mislead.
        _remove_tags(session, fn.arn, warnings)
    ctx.record("set-reserved-concurrency", fn.arn, fn.reserved, value, **details)
    return ConcurrencyChange(
        fn.name, fn.arn, "set-reserved-concurrency", fn.reserved, value,
        message=f"reserved concurrency of {fn.name}: {reservation_text(fn.reserved)} -> "
                f"{reservation_text(value)}", warnings=tuple(warnings))


def _on_stack(session: AwsSession, stack: str, action: str,
              lever: Callable[..., ConcurrencyChange]) -> StackLeverResult:
    names = sorted({name for _, name in stack_function_names(session, stack, nested=True)})
    AuditContext.of(session)  # resolve the identity once, before the workers share the session

    def pull(name: str) -> ConcurrencyChange | LeverFailure:
        try:
            return lever(session, name, stack=stack)
        except Exception as exc:  # noqa: BLE001 - one function's failure is part of the summary
            return LeverFailure(name, describe(exc, profile=session.profile).one_line())

    if not names:
        return StackLeverResult(stack, action)
    with ThreadPoolExecutor(max_workers=min(STACK_WORKERS, len(names))) as pool:
        outcomes = list(pool.map(pull, names))
    return StackLeverResult(
        stack, action,
        changes=tuple(o for o in outcomes if isinstance(o, ConcurrencyChange)),
        failures=tuple(o for o in outcomes if isinstance(o, LeverFailure)),
    )


def throttle_stack(session: AwsSession, stack: str) -> StackLeverResult:
    """The kill switch: throttle every function of the stack and of its nested stacks, each
    recording its own prior state."""
    return _on_stack(session, stack, "throttle", throttle)


def unthrottle_stack(session: AwsSession, stack: str) -> StackLeverResult:
    """Undo the kill switch: each function back to its own prior state."""
    return _on_stack(session, stack, "unthrottle", unthrottle)
