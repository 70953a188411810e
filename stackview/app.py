"""The App: session, clock, theme variables, global keys, first screen. Kept thin on purpose:
screens own their views, the AWS layer owns the calls."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive

from stackview.aws.errors import describe
from stackview.aws.session import AwsSession
from stackview.config import theme_for
from stackview.models import Identity
from stackview.models.config import Config
from stackview.navigation import Jump, JumpError, parse
from stackview.themes import Settings, load_themes
from stackview.widgets.palette import NavigationProvider, ScreenCommandsProvider
from stackview.widgets.styles import variable_defaults


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class StackviewApp(App[int]):
    CSS_PATH = "stackview.tcss"
    TITLE = "stackview"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "toggle_keys", "Keys", id="app.keys"),
        Binding("colon", "jump_prompt", "Jump", id="app.jump"),
    ]
    COMMANDS = App.COMMANDS | {NavigationProvider, ScreenCommandsProvider}

    identity: reactive[Identity | None] = reactive(None)

    def __init__(
        self,
        session: AwsSession,
        *,
        read_only: bool = False,
        settings: Settings | None = None,
        clock: Callable[[], datetime] = utc_now,
        project_dir: Path | None = None,
    ) -> None:
        super().__init__()
        #: The SAM project whose events the invoke screen offers (None: the current directory).
        self.project_dir = project_dir
        self.session = session
        self.read_only = read_only
        self.settings = settings or default_settings()
        self.settings.catalog.register(self)
        self.theme = theme_for(self.config, session.profile)
        #: Injectable so snapshot tests render the same relative times on every run.
        self.clock = clock
        #: Names for `:` and the palette, filled by the screens' workers (never fetched on demand).
        self.catalog: dict[str, list[str]] = {"stacks": [], "functions": []}

    @property
    def config(self) -> Config:
        return self.settings.config

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return variable_defaults(self.current_theme.to_color_system().generate())

    def on_mount(self) -> None:
        from stackview.screens.stacks import StacksScreen

        if self.config.keymap:
            self.set_keymap(dict(self.config.keymap))
        notice = self.settings.notice()
        if notice:
            self.notify(notice, severity="warning", markup=False, timeout=12)

        self.identity = self.session.known_identity()
        if self.identity is None:
            self.run_worker(self._resolve_identity, thread=True, exit_on_error=False)
        self.load_function_names()
        self.push_screen(StacksScreen())

    def load_function_names(self) -> None:
        """Fill the `:fn` / palette catalog with the region's functions, in the background."""
        self.run_worker(self._list_function_names, thread=True, exit_on_error=False,
                        group="function-names", exclusive=True)

    def _list_function_names(self) -> None:
        from stackview.aws.functions import list_functions

        session = self.session
        try:
            names = sorted(summary.name for summary in list_functions(session))
        except Exception:  # noqa: BLE001 - `:fn` then completes nothing; panels report errors
            return
        if session is self.session:
            self.call_from_thread(self.catalog.__setitem__, "functions", names)

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

    # -- `:` and the palette ----------------------------------------------------------------------
    def jump_names(self) -> dict[str, list[str]]:
        return {
            "stacks": self.catalog["stacks"],
            "functions": self.catalog["functions"],
            "regions": self.session.available_regions(),
            "profiles": self.session.available_profiles(),
            "themes": sorted(self.settings.catalog.names()),
        }

    def action_jump_prompt(self) -> None:
        from stackview.widgets.jump_bar import JumpScreen

        def done(command: str | None) -> None:
            if command and command.strip(": "):
                self.jump(command)

        self.push_screen(JumpScreen(self.jump_names), done)

    def jump(self, command: str) -> None:
        """Carry out a `:` command (also what palette entries call)."""
        try:
            target = parse(command, **self.jump_names())
        except JumpError as exc:
            self.notify_error(str(exc))
            return
        self.go(target)

    def go(self, jump: Jump) -> None:
        from stackview.screens.stack import StackScreen

        if jump.kind == "quit":
            self.exit()
        elif jump.kind == "stacks":
            self._pop_to_root()
        elif jump.kind == "stack":
            self._pop_to_root()
            self.push_screen(StackScreen(jump.target, jump.target))
        elif jump.kind == "theme":
            self.theme = jump.target
        elif jump.kind in ("region", "profile"):
            self.switch_target(**{jump.kind: jump.target})
        else:
            opener = getattr(self, f"open_{jump.kind}", None)
            if opener is None:
                self.notify_error(f":{jump.kind} is not available yet in this view")
            else:
                opener(jump.target)

    # -- the screens other screens open ---------------------------------------------------------
    def open_function(self, name: str) -> None:
        """The function screen (`:fn NAME`, Enter on a function anywhere)."""
        from stackview.screens.function import FunctionScreen

        self.push_screen(FunctionScreen(name))

    def open_logs(self, target: str = "", *, pattern: str = "", since: str | None = None) -> None:
        """The log view. `target` names a stack or a function; "" asks the current screen what
        it shows (`log_scope()` returning (stack, functions)), as `:logs` alone does."""
        from stackview.screens.logs import LogsScreen

        stack: str | None = None
        functions: list[str] = []
        if not target:
            scope = getattr(self.screen, "log_scope", None)
            if scope is None:
                self.notify_error(":logs needs a stack or function here (:logs NAME)")
                return
            stack, functions = scope()
        elif target in self.catalog["stacks"]:
            stack = target
        else:
            functions = [target]
        self.push_screen(LogsScreen(stack=stack, functions=functions, pattern=pattern, since=since))

    def open_invoke(self, function: str, qualifier: str | None = None) -> None:
        """The invoke screen for a function (`i`), optionally on a version or alias."""
        if self.read_only:
            self.notify_error("read-only: invoking is a mutation and is turned off")
            return
        from stackview.screens.invoke import InvokeScreen

        self.push_screen(InvokeScreen(function, qualifier=qualifier, project_dir=self.project_dir))

    def _pop_to_root(self) -> None:
        while len(self.screen_stack) > 2:  # the default screen and the stacks screen stay
            self.pop_screen()

    def switch_target(self, *, region: str | None = None, profile: str | None = None) -> None:
        """Point stackview at another region or profile; checked in a worker before switching."""
        target = self.session.target
        if target.demo and profile:
            self.notify_error("the demo world has no profiles")
            return
        new_target = type(target)(
            profile=profile if profile is not None else target.profile,
            region=region if region is not None else self.session.region,
            endpoint_url=target.endpoint_url,
            demo=target.demo,
        )
        self.notify(f"switching to {new_target.label} / {new_target.region} ...", timeout=3, markup=False)
        self.run_worker(lambda: self._check_and_switch(new_target), thread=True, exit_on_error=False)

    def _check_and_switch(self, target) -> None:
        try:
            session = self.session.with_target(target)
            identity = session.identity()
        except Exception as exc:  # noqa: BLE001 - reported; the current session stays
            self.call_from_thread(self.notify_error, describe(exc, profile=target.profile).one_line())
            return
        self.call_from_thread(self._switched, session, identity)

    def _switched(self, session: AwsSession, identity: Identity) -> None:
        from stackview.screens.stacks import StacksScreen

        self.session = session
        self.catalog = {"stacks": [], "functions": []}
        self.identity = identity
        self.theme = theme_for(self.config, session.profile)
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.load_function_names()
        self.push_screen(StacksScreen())


def default_settings() -> Settings:
    """No config file: defaults, with stackview's built-in themes (and the user's, if any)."""
    return Settings(Config(), load_themes(), [])


def create_app(
    session: AwsSession,
    *,
    read_only: bool = False,
    settings: Settings | None = None,
    clock: Callable[[], datetime] = utc_now,
    project_dir: Path | None = None,
) -> StackviewApp:
    """The one factory the CLI and the tests use to build the app."""
    return StackviewApp(session, read_only=read_only, settings=settings, clock=clock,
                        project_dir=project_dir)
