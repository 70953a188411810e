"""The function levers from the UI: throttle (reserved concurrency 0), unthrottle (back to the
exact prior state), reserve N (checked against the account's pool). Steps in `levers.runner`."""

from __future__ import annotations

from stackview.aws import levers
from stackview.aws.lever_state import FunctionState, most_reservable, read_function_state
from stackview.models.functions import AccountConcurrency, Unavailable, reservation_text
from stackview.screens.levers.dialog import Answer, Field, InputDialog, parse_reservation
from stackview.screens.levers.runner import LeverRunner


def throttle_function(runner: LeverRunner, function: str) -> None:
    def ask(state: FunctionState) -> None:
        if state.reserved == 0:
            runner.app.notify(f"{function} is already throttled", markup=False, timeout=5)
            return
        runner.confirm(
            f"Throttle {function}?",
            [("Function", function), *runner.where(state.account),
             ("Reserved now", reservation_text(state.reserved)), ("After", "0 (throttled)")],
            "Throttle",
            lambda: levers.throttle(runner.session, function),
            runner.report_change,
            warning="Every invocation will be refused (429) until it is unthrottled; "
                    "the current reservation is recorded on the function so `u` restores it.",
        )

    runner.in_thread(lambda: read_function_state(runner.session, function), ask)


def unthrottle_function(runner: LeverRunner, function: str) -> None:
    def ask(state: FunctionState) -> None:
        if state.reserved != 0:
            runner.app.notify(f"{function} is not throttled (reserved concurrency "
                              f"{reservation_text(state.reserved)}); nothing to restore",
                              markup=False, timeout=5)
            return
        known, prior, source = state.prior
        if not known:
            runner.host.notify_error(f"no prior state is recorded for {function}; it stays throttled. "
                                    "Set its reserved concurrency explicitly (n)")
            return
        runner.confirm(
            f"Unthrottle {function}?",
            [("Function", function), *runner.where(state.account),
             ("Reserved now", reservation_text(0)),
             ("Restores", f"{reservation_text(prior)} (recorded in the {source})")],
            "Unthrottle",
            lambda: levers.unthrottle(runner.session, function),
            runner.report_change,
        )

    runner.in_thread(lambda: read_function_state(runner.session, function), ask)


def pool_text(pool: AccountConcurrency | Unavailable | None, reserved: int | None) -> str:
    if isinstance(pool, AccountConcurrency):
        return (f"The account has {pool.unreserved} of {pool.limit} executions unreserved; at most "
                f"{most_reservable(pool, reserved)} can be reserved for this function "
                f"({levers.MIN_UNRESERVED} must stay unreserved).")
    if isinstance(pool, Unavailable):
        return f"The account's pool: {pool.reason}; Lambda itself will check the value."
    return ""


def _checked_reservation(text: str, state: FunctionState) -> int | None:
    """The typed reservation, refused in the dialog when the account's pool cannot give it
    (Lambda would refuse it too; the levers layer checks again against a fresh pool)."""
    value = parse_reservation(text)
    most = most_reservable(state.pool, state.reserved)
    if value is not None and most is not None and value > most:
        raise ValueError(f"at most {most} can be reserved for this function "
                         f"({levers.MIN_UNRESERVED} executions must stay unreserved)")
    return value


def reserve_function(runner: LeverRunner, function: str) -> None:
    def ask(state: FunctionState) -> None:
        def chosen(answer: Answer | None) -> None:
            if answer is None:
                return
            value = answer.value
            if value == state.reserved:
                runner.app.notify(f"{function} already has reserved concurrency {reservation_text(value)}",
                                  markup=False, timeout=5)
                return
            runner.confirm(
                f"Set the reserved concurrency of {function}?",
                [("Function", function), *runner.where(state.account),
                 ("Reserved now", reservation_text(state.reserved)), ("After", reservation_text(value))],
                "Set",
                lambda: levers.set_reserved_concurrency(runner.session, function, value),
                runner.report_change,
                warning=pool_text(state.pool, state.reserved),
            )

        current = "" if state.reserved is None else str(state.reserved)
        runner.app.push_screen(InputDialog(
            f"Reserved concurrency of {function}",
            [Field("n", "A whole number (0 throttles), or none to remove the reservation", current, "none")],
            lambda values: _checked_reservation(values["n"], state),
            hint=pool_text(state.pool, state.reserved),
        ), chosen)

    runner.in_thread(lambda: read_function_state(runner.session, function, pool=True), ask)
