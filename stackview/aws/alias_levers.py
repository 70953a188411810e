"""Alias traffic levers: shift a weight to the second version, promote it, roll it back.

Every change carries the alias' RevisionId, so a change someone else made since the alias was
read is reported as AliasConflict ("changed by someone else, reload") instead of being silently
overwritten. The revision is also compared before the call: that catches the common case even
on an endpoint that does not check it (plain moto), and the service's own check covers the
race between our read and our write.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from botocore.exceptions import ClientError

from stackview.aws.errors import error_code
from stackview.aws.functions import get_alias, parse_alias
from stackview.aws.lever_context import AliasConflict, AuditContext, LeverRefused, failed
from stackview.aws.session import AwsSession
from stackview.models.functions import Alias, AliasChange

#: Lambda's answer when the RevisionId sent is not the alias' current one.
CONFLICT_CODES = ("PreconditionFailedException",)
#: Removes the routing entirely (Lambda's way to say "no second version").
NO_ROUTING: dict[str, Any] = {"AdditionalVersionWeights": {}}


def _current(session: AwsSession, function: str, alias: str,
             expected_revision_id: str | None) -> Alias:
    before = get_alias(session, function, alias)
    if expected_revision_id and before.revision_id and before.revision_id != expected_revision_id:
        raise AliasConflict(f"the alias {alias} of {function} was changed by someone else since it "
                            f"was read (now on version {before.function_version}"
                            + (f" + {before.additional_version} at {before.additional_percent:g}%"
                               if before.additional_version else "") + "); reload it")
    return before


def _update(session: AwsSession, function: str, action: str, before: Alias,
            expected_revision_id: str | None, **changes: Any) -> AliasChange:
    ctx = AuditContext.of(session)
    revision = expected_revision_id or before.revision_id
    kwargs: dict[str, Any] = {"FunctionName": function, "Name": before.name, **changes}
    if revision:
        kwargs["RevisionId"] = revision
    try:
        raw = session.client("lambda").update_alias(**kwargs)
    except ClientError as exc:
        ctx.record(action, before.arn or before.name, asdict(before), asdict(before),
                   failed(exc, session), function=function)
        if error_code(exc) in CONFLICT_CODES:
            raise AliasConflict(f"the alias {before.name} of {function} was changed by someone "
                                "else; nothing was changed, reload it") from None
        raise
    after = parse_alias(raw)
    ctx.record(action, after.arn or before.arn or before.name, asdict(before), asdict(after),
               function=function)
    return AliasChange(function, action, before, after)


def _published(version: str, what: str) -> str:
    if not version.isdigit():
        raise LeverRefused(f"{what} must be a published version number, not {version!r}",
                           kind="invalid")
    return version


def set_alias_weight(session: AwsSession, function: str, alias: str, percent: float,
                     expected_revision_id: str | None = None, *,
                     additional_version: str | None = None) -> AliasChange:
    """Send `percent` (0-100) of the alias' traffic to its second version.

    The second version is the alias' current one unless `additional_version` names another.
    0 keeps the second version configured at weight 0 (rollback_alias removes it).
    """
    if isinstance(percent, bool) or not isinstance(percent, (int, float)) or not 0 <= percent <= 100:
        raise LeverRefused(f"the weight must be a percentage from 0 to 100, not {percent!r}",
                           kind="invalid")
    before = _current(session, function, alias, expected_revision_id)
    second = additional_version or before.additional_version
    if not second:
        raise LeverRefused(f"the alias {alias} has no second version; name the version to shift to",
                           kind="invalid")
    second = _published(str(second), "the second version")
    if second == before.function_version:
        raise LeverRefused(f"version {second} is already the alias' main version", kind="invalid")
    weight = round(float(percent) / 100, 4)
    return _update(session, function, "alias-weight", before, expected_revision_id,
                   RoutingConfig={"AdditionalVersionWeights": {second: weight}})


def promote_alias(session: AwsSession, function: str, alias: str,
                  expected_revision_id: str | None = None) -> AliasChange:
    """Put the alias fully on its second version, routing removed."""
    before = _current(session, function, alias, expected_revision_id)
    if not before.additional_version:
        raise LeverRefused(f"the alias {alias} has no second version to promote", kind="invalid")
    second = _published(before.additional_version, "the second version")
    return _update(session, function, "alias-promote", before, expected_revision_id,
                   FunctionVersion=second, RoutingConfig=NO_ROUTING)


def rollback_alias(session: AwsSession, function: str, alias: str,
                   expected_revision_id: str | None = None) -> AliasChange:
    """Send all traffic back to the alias' main version, routing removed."""
    before = _current(session, function, alias, expected_revision_id)
    return _update(session, function, "alias-rollback", before, expected_revision_id,
                   RoutingConfig=NO_ROUTING)
