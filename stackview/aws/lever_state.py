"""What a lever's dialogs show before it is pulled, read fresh, and the arithmetic on it.

A dialog that names a stale reservation makes the user decide on wrong facts, so the UI reads
this state just before each dialog opens (in a thread): the reservation now, what an unthrottle
would restore, and, for the reserve lever, the account's pool and how much of it one function
may take (Lambda keeps `MIN_UNRESERVED` executions unreserved per account).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from stackview.aws import levers
from stackview.aws.functions import account_concurrency, get_function, reserved_concurrency
from stackview.aws.session import AwsSession
from stackview.models.functions import (
    AccountConcurrency,
    FunctionSummary,
    PriorReservation,
    Unavailable,
    version_sort_key,
)


@dataclass(frozen=True)
class FunctionState:
    """The facts a function lever's dialogs show, read just before they open."""

    account: str
    region: str
    reserved: int | None
    #: What an unthrottle restores; read only when throttled.
    prior: PriorReservation = PriorReservation()
    pool: AccountConcurrency | Unavailable | None = None


def read_function_state(session: AwsSession, function: str, *, pool: bool = False) -> FunctionState:
    identity = session.identity()
    reserved = reserved_concurrency(session, function)
    prior = PriorReservation()
    if reserved == 0:
        prior = levers.recorded_prior(session, get_function(session, function).arn)
    return FunctionState(identity.account, session.region or "", reserved, prior,
                         account_concurrency(session) if pool else None)


def recorded_priors(session: AwsSession, functions: list[FunctionSummary]) -> dict[str, PriorReservation]:
    """What a restore would put back on each throttled function of `functions`, by name (a
    few at a time: one ListTags call each). A function whose record cannot be read gets
    "nothing recorded", which the dialog shows and the lever itself will refuse."""
    throttled = [f for f in functions if f.throttled and f.arn]

    def prior(summary: FunctionSummary) -> PriorReservation:
        try:
            return levers.recorded_prior(session, summary.arn)
        except Exception:  # noqa: BLE001 - shown as unknown; the restore reports its own failure
            return PriorReservation()

    if not throttled:
        return {}
    with ThreadPoolExecutor(max_workers=min(levers.STACK_WORKERS, len(throttled))) as pool:
        return dict(zip((f.name for f in throttled), pool.map(prior, throttled)))


def most_reservable(pool: AccountConcurrency | Unavailable | None, reserved: int | None) -> int | None:
    """The largest reservation the account allows this function, when the pool is known."""
    if isinstance(pool, AccountConcurrency):
        return max(pool.unreserved + (reserved or 0) - levers.MIN_UNRESERVED, 0)
    return None


def newest_other_version(versions: list[str], main: str) -> str:
    """The newest published version other than `main` ("" if none): the canary candidate."""
    return max((v for v in versions if v.isdigit() and v != main), key=version_sort_key, default="")
