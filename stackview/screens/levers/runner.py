"""Running the levers from the UI: confirm, pull in a thread, report, reload.

Every lever follows the same steps, so they live here once rather than in each screen:
1. the current state is read in a thread (`stackview.aws.lever_state`), because a dialog that
   names a stale reservation would make the user decide on wrong facts;
2. a value is asked for where the lever needs one (`levers.dialog.InputDialog`);
3. ConfirmScreen names the function (or stack), account, region and what changes, with Cancel
   focused (the stack kill switch also asks to type the stack's name);
4. the lever of `stackview.aws.levers` runs in a thread (it finishes even if the user leaves the
   screen) and audits itself;
5. the result is a notification, the screen's panels reload, and a failure or a refusal is one
   line described with the profile in use (never a traceback).
The screens decide which levers exist at all: in read-only mode they hide these actions. The
flows are in `levers.function` (throttle, unthrottle, reserve), `levers.alias` (traffic shifts)
and `levers.stack` (the kill switch).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stackview.aws.errors import UserError
from stackview.aws.session import AwsSession
from stackview.models.functions import AliasChange, ConcurrencyChange, StackLeverResult, reservation_text
from stackview.widgets.alias_bar import routing_text
from stackview.widgets.app_screen import AppScreen
from stackview.widgets.confirm import ConfirmScreen
from stackview.widgets.host import Host

LEVER = "lever"


class LeverRunner:
    """Runs a screen's levers: one at a time, in thread workers, reporting as notifications."""

    def __init__(self, screen: AppScreen, reload: Callable[[], None]) -> None:
        self.screen = screen
        self.reload = reload
        self.busy = False

    @property
    def app(self) -> Any:
        return self.screen.app

    @property
    def host(self) -> Host:
        return self.screen.host

    @property
    def session(self) -> AwsSession:
        return self.host.session

    def where(self, account: str) -> list[tuple[str, str]]:
        return [("Account", account), ("Region", self.session.region or "-")]

    def in_thread(self, work: Callable[[], Any], then: Callable[[Any], None], *, after: bool = False) -> None:
        """`work()` in a thread, `then(result)` on the UI thread; a failure is one notified line.
        With `after`, the screen's panels reload whatever the outcome (a lever was pulled)."""
        if self.busy:
            self.host.notify_error("a lever is still running; wait for its result")
            return
        self.busy = True

        def done(result: Any) -> None:
            self._finish(lambda: then(result), after)

        def failed(error: UserError) -> None:
            self._finish(lambda: self.host.notify_error(error.one_line()), after)

        # On the app, not the screen: a lever pulled finishes and reports even if the user has left.
        self.host.run_in_thread(f"{LEVER}-{id(self)}", work, done, failed=failed)

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
