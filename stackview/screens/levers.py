"""The levers from the UI: read the current state, ask for a value, confirm, pull, report, reload.

Every lever follows the same steps, so they live here once rather than in each screen:
1. the current state is read in a thread (reserved concurrency, what an unthrottle would
   restore, the account's pool, who and where we are), because a dialog that names a stale
   reservation would make the user decide on wrong facts;
2. a value is asked for where the lever needs one (InputDialog);
3. ConfirmScreen names the function (or stack), account, region and what changes, with Cancel
   focused (the stack kill switch also asks to type the stack's name);
4. the lever of `stackview.aws.levers` runs in a thread worker of the app (it finishes even if
   the user leaves the screen) and audits itself;
5. the result is a notification, every panel of the screen is reloaded, and a failure or a
   refusal is one line from `describe()` (never a traceback).
The screens decide which levers exist at all: in read-only mode they hide these actions. The
stack kill switch and its restore are in `stackview.screens.stack_levers`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.screen import Screen

from stackview.aws import levers
from stackview.aws.errors import describe
from stackview.aws.functions import account_concurrency, get_function, list_versions, reserved_concurrency
from stackview.models.functions import (
    AccountConcurrency,
    Alias,
    AliasChange,
    ConcurrencyChange,
    StackLeverResult,
    Unavailable,
    reservation_text,
)
from stackview.screens.lever_dialog import Answer, Field, InputDialog, parse_percent, parse_reservation, parse_version
from stackview.widgets.alias_bar import routing_text
from stackview.widgets.confirm import ConfirmScreen


@dataclass(frozen=True)
class FunctionState:
    """The facts a function lever's dialogs show, read just before they open."""

    account: str
    region: str
    reserved: int | None
    prior: tuple[bool, int | None, str] = (False, None, "")
    pool: AccountConcurrency | Unavailable | None = None


def read_function_state(session, function: str, *, pool: bool = False) -> FunctionState:
    identity = session.identity()
    reserved = reserved_concurrency(session, function)
    prior: tuple[bool, int | None, str] = (False, None, "")
    if reserved == 0:
        prior = levers.recorded_prior(session, get_function(session, function).arn)
    return FunctionState(identity.account, session.region or "", reserved, prior,
                         account_concurrency(session) if pool else None)


class LeverRunner:
    """Runs a screen's levers: one at a time, in thread workers, reporting as notifications."""

    def __init__(self, screen: Screen, reload: Callable[[], None]) -> None:
        self.screen = screen
        self.reload = reload
        self.busy = False

    @property
    def app(self) -> Any:
        return self.screen.app

    @property
    def session(self) -> Any:
        return self.app.session

    def where(self, account: str) -> list[tuple[str, str]]:
        return [("Account", account), ("Region", self.session.region or "-")]

    def in_thread(self, work: Callable[[], Any], then: Callable[[Any], None], *, after: bool = False) -> None:
        """`work()` in a thread, `then(result)` on the UI thread; a failure is one notified line.
        With `after`, the screen's panels reload whatever the outcome (a lever was pulled)."""
        if self.busy:
            self.app.notify_error("a lever is still running; wait for its result")
            return
        self.busy = True
        app, session = self.app, self.session

        def body() -> None:
            try:
                result = work()
            except Exception as exc:  # noqa: BLE001 - every failure is reported as one line
                message = describe(exc, profile=session.profile).one_line()
                app.call_from_thread(self._finish, lambda: app.notify_error(message), after)
                return
            app.call_from_thread(self._finish, lambda: then(result), after)

        app.run_worker(body, thread=True, exit_on_error=False, group="lever")

    def _finish(self, report: Callable[[], None], after: bool) -> None:
        self.busy = False
        report()
        if after and self.screen in self.app.screen_stack:
            self.reload()

    def confirm(self, title: str, details: list[tuple[str, str]], action_label: str,
                work: Callable[[], Any], report: Callable[[Any], None], *,
                type_to_confirm: str | None = None, warning: str = "") -> None:
        def decided(confirmed: bool | None) -> None:
            if confirmed:
                self.in_thread(work, report, after=True)

        self.app.push_screen(ConfirmScreen(title, details, action_label=action_label,
                                           type_to_confirm=type_to_confirm, warning=warning), decided)

    # -- reports --------------------------------------------------------------------------------
    def report_change(self, change: ConcurrencyChange) -> None:
        message = change.message or f"{change.function}: {change.action}"
        if change.warnings:
            message += "\n" + "\n".join(change.warnings)
        severity = "warning" if change.warnings or not change.changed else "information"
        self.app.notify(message, severity=severity, markup=False, timeout=10)

    def report_alias(self, change: AliasChange) -> None:
        self.app.notify(f"{change.function} alias {change.after.name}: {routing_text(change.before)} -> "
                        f"{routing_text(change.after)}", markup=False, timeout=10)

    def report_stack(self, stack: str, result: StackLeverResult) -> None:
        message, severity = stack_summary(stack, result)
        self.app.notify(message, severity=severity, markup=False, timeout=20)


def stack_summary(stack: str, result: StackLeverResult) -> tuple[str, str]:
    """What the kill switch (or its restore) did, one line per function, and how bad it is."""
    changed = [c for c in result.changes if c.changed]
    unchanged = [c for c in result.changes if not c.changed]
    total = len(result.changes) + len(result.failures)
    verb = "throttled" if result.action == "throttle" else "restored"
    head = f"{stack}: {verb} {len(changed)} of {total} functions"
    if result.failures:
        head += f", {len(result.failures)} failed"
    lines = [head]
    lines += [f"{c.function}: {reservation_text(c.before)} -> {reservation_text(c.after)}" for c in changed]
    lines += [f"{c.function}: unchanged, {c.message}" for c in unchanged]
    lines += [f"{f.function}: FAILED, {f.message}" for f in result.failures]
    if not result.failures:
        severity = "information"
    else:
        severity = "warning" if changed else "error"
    return "\n".join(lines), severity


# -- function levers ------------------------------------------------------------------------------

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
            runner.app.notify_error(f"no prior state is recorded for {function}; it stays throttled. "
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


def most_reservable(pool: AccountConcurrency | Unavailable | None, reserved: int | None) -> int | None:
    """The largest reservation the account allows this function, when the pool is known."""
    if isinstance(pool, AccountConcurrency):
        return max(pool.unreserved + (reserved or 0) - levers.MIN_UNRESERVED, 0)
    return None


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



# -- alias levers ---------------------------------------------------------------------------------
# Each carries the RevisionId of the alias as the user saw it in the table: if someone changed
# the alias since, the lever reports a conflict instead of overwriting their change.

def _newest_other(versions: list[str], main: str) -> str:
    published = sorted((int(v) for v in versions if v.isdigit() and v != main), reverse=True)
    return str(published[0]) if published else ""


def shift_alias(runner: LeverRunner, function: str, alias: Alias) -> None:
    def ask(found: tuple[str, list[str]]) -> None:
        account, versions = found
        second = alias.additional_version or _newest_other(versions, alias.function_version)

        def parse(values: dict[str, str]) -> tuple[str, float]:
            version = parse_version(values["version"])
            if version == alias.function_version:
                raise ValueError(f"version {version} is already the alias' main version")
            if version not in versions:
                raise ValueError(f"{function} has no published version {version}")
            return version, parse_percent(values["percent"])

        def chosen(answer: Answer | None) -> None:
            if answer is None:
                return
            version, percent = answer.value
            after = Alias(alias.name, alias.function_version, version, round(percent / 100, 4))
            runner.confirm(
                f"Shift traffic of {function} alias {alias.name}?",
                [("Function", function), ("Alias", alias.name), *runner.where(account),
                 ("Now", routing_text(alias)), ("After", routing_text(after))],
                "Shift",
                lambda: levers.set_alias_weight(runner.session, function, alias.name, percent,
                                                alias.revision_id or None, additional_version=version),
                runner.report_alias,
            )

        runner.app.push_screen(InputDialog(
            f"Traffic of {function} alias {alias.name} (main version {alias.function_version})",
            [Field("version", "Second version", second, "a published version"),
             Field("percent", "Share of traffic for the second version (0-100 %)",
                   f"{alias.additional_percent:g}" if alias.is_weighted else "", "10")],
            parse, focus="percent",
        ), chosen)

    runner.in_thread(lambda: (runner.session.identity().account,
                              [v.version for v in list_versions(runner.session, function)]), ask)


def promote_alias(runner: LeverRunner, function: str, alias: Alias) -> None:
    if not alias.additional_version:
        runner.app.notify_error(f"the alias {alias.name} has no second version to promote")
        return
    after = Alias(alias.name, alias.additional_version)
    _confirm_alias(runner, function, alias, "Promote", after,
                   lambda: levers.promote_alias(runner.session, function, alias.name, alias.revision_id or None))


def rollback_alias(runner: LeverRunner, function: str, alias: Alias) -> None:
    if not alias.is_weighted:
        runner.app.notify(f"the alias {alias.name} sends all its traffic to version "
                          f"{alias.function_version} already; nothing to roll back", markup=False, timeout=5)
        return
    after = Alias(alias.name, alias.function_version)
    _confirm_alias(runner, function, alias, "Roll back", after,
                   lambda: levers.rollback_alias(runner.session, function, alias.name, alias.revision_id or None))


def _confirm_alias(runner: LeverRunner, function: str, alias: Alias, verb: str, after: Alias,
                   work: Callable[[], AliasChange]) -> None:
    def ask(account: str) -> None:
        runner.confirm(
            f"{verb} {function} alias {alias.name}?",
            [("Function", function), ("Alias", alias.name), *runner.where(account),
             ("Now", routing_text(alias)), ("After", routing_text(after))],
            verb, work, runner.report_alias,
        )

    runner.in_thread(lambda: runner.session.identity().account, ask)
