"""What every lever shares: the audit context of a mutation and the ways a lever is refused.

Refusals subclass AwsError so `stackview.aws.errors.describe()` passes their message through
unchanged; the UI tells them apart by class (or by `error.kind`: "conflict" means "changed by
someone else, reload").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stackview import audit
from stackview.aws.errors import AwsError, UserError, describe
from stackview.aws.session import AwsSession


class LeverRefused(AwsError):
    """A lever that was not pulled, and why (nothing changed)."""

    def __init__(self, message: str, *, kind: str = "refused", hint: str = "") -> None:
        super().__init__(UserError(message, kind=kind, hint=hint))


class NoPriorState(LeverRefused):
    """Unthrottle without a known prior state: neither a tag nor an audit entry records it."""


class ConcurrencyRefused(LeverRefused):
    """A reservation the account cannot give (fewer than 100 would stay unreserved)."""


class AliasConflict(LeverRefused):
    """The alias changed since it was read: reload it and decide again."""

    def __init__(self, message: str = "the alias was changed by someone else; reload it") -> None:
        super().__init__(message, kind="conflict", hint="reload and try again")


@dataclass(frozen=True)
class AuditContext:
    """Who pulls the lever, where: what every audit entry carries."""

    caller: str
    account: str
    region: str
    profile: str

    @classmethod
    def of(cls, session: AwsSession) -> AuditContext:
        identity = session.identity()
        return cls(identity.arn, identity.account, session.region or "", session.target.label)

    def record(self, action: str, target: str, before: Any, after: Any, outcome: str = "ok",
               **details: Any) -> None:
        audit.record(audit.AuditEntry(
            action=action, target=target, before=before, after=after, outcome=outcome,
            caller=self.caller, account=self.account, region=self.region, profile=self.profile,
            details={k: v for k, v in details.items() if v not in (None, "", ())},
        ))


def failed(exc: BaseException, session: AwsSession) -> str:
    return "failed: " + describe(exc, profile=session.profile).one_line()
