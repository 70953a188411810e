"""The App: session, clock, theme variables, global keys, first screen. Kept thin on purpose:
screens own their views, the AWS layer owns the calls."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive

from stackview.aws.session import AwsSession
from stackview.models import Identity
from stackview.widgets.styles import variable_defaults


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class StackviewApp(App[int]):
    CSS_PATH = "stackview.tcss"
    TITLE = "stackview"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "toggle_keys", "Keys", id="app.keys"),
    ]

    identity: reactive[Identity | None] = reactive(None)

    def __init__(
        self,
        session: AwsSession,
        *,
        read_only: bool = False,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        super().__init__()
        self.session = session
        self.read_only = read_only
        #: Injectable so snapshot tests render the same relative times on every run.
        self.clock = clock

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return variable_defaults(self.current_theme.to_color_system().generate())

    def on_mount(self) -> None:
        from stackview.screens.stacks import StacksScreen

        self.identity = self.session.known_identity()
        if self.identity is None:
            self.run_worker(self._resolve_identity, thread=True, exit_on_error=False)
        self.push_screen(StacksScreen())

    def _resolve_identity(self) -> None:
        try:
            identity = self.session.identity()
        except Exception:  # noqa: BLE001 - the header keeps showing "…"; panels report errors
            return
        self.call_from_thread(setattr, self, "identity", identity)

    def action_toggle_keys(self) -> None:
        """`?`: the keys of the current view, generated from its bindings."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def notify_error(self, message: str) -> None:
        self.notify(message, severity="error", markup=False, timeout=8)


def create_app(
    session: AwsSession,
    *,
    read_only: bool = False,
    clock: Callable[[], datetime] = utc_now,
) -> StackviewApp:
    """The one factory the CLI and the tests use to build the app."""
    return StackviewApp(session, read_only=read_only, clock=clock)
