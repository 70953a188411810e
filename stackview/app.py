"""The App: session, clock, theme variables, global keys, first screen. Kept thin on purpose:
screens own their views, the AWS layer owns the calls."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive

from stackview.aws.errors import AwsError, UserError, describe
from stackview.aws.inventory import inventory
from stackview.aws.session import AwsSession
from stackview.config import read_only_reason, theme_for
from stackview.models import Identity
from stackview.models.config import Config
from stackview.navigation import Jump, JumpError, parse
from stackview.screens.registry import Registry
from stackview.themes import Settings, load_themes
from stackview.widgets.background import Background
from stackview.widgets.palette import NavigationProvider, ScreenCommandsProvider
from stackview.widgets.styles import variable_defaults


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class StackviewApp(Background, App[int]):
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
        registry: Registry | None = None,
    ) -> None:
        super().__init__()
        #: The SAM project whose events the invoke screen offers (None: the current directory).
        self.project_dir = project_dir
        self.session = session
        self.settings = settings or default_settings()
        #: --read-only (or a caller that wants read-only whatever the config says).
        self.read_only_flag = read_only
        #: Whether mutating actions are hidden: decided for the profile the session uses.
        self.read_only = self.read_only_for(session) is not None
        self.settings.catalog.register(self)
        self.theme = theme_for(self.config, session.settings_profile)
        #: Injectable so snapshot tests render the same relative times on every run.
        self.clock = clock
        #: Where `:`, the palette and the screens can go.
        self.registry = registry or Registry()
        #: Names for `:` and the palette, filled by the screens' workers (never fetched on demand).
        self.catalog: dict[str, list[str]] = {"stacks": [], "functions": []}

    @property
    def config(self) -> Config:
        return self.settings.config

    def read_only_for(self, session: AwsSession) -> str | None:
        """Why `session` is read-only (the flag, the config, the profile's own setting, or a config
        whose read-only setting cannot be read), or None: the same decision as the shell levers'."""
        config_problems = [p for p in self.settings.problems if p not in self.settings.catalog.problems]
        return read_only_reason(self.config, config_problems, session.settings_profile, self.read_only_flag)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return variable_defaults(self.current_theme.to_color_system().generate())

    def on_mount(self) -> None:
        if self.config.keymap:
            self.set_keymap(dict(self.config.keymap))
        notice = self.settings.notice()
        if notice:
            self.notify(notice, severity="warning", markup=False, timeout=12)

        self.identity = self.session.known_identity()
        if self.identity is None:
            # On failure the header keeps showing "…"; the panels report the error.
            self.run_in_thread("identity", self.session.identity, self._identified, failed=_ignore)
        self.load_function_names()
        self.open("stacks")

    def _identified(self, identity: Identity) -> None:
        self.identity = identity

    def load_function_names(self) -> None:
        """Fill the `:fn` / palette catalog with the region's functions, in the background."""
        session = self.session

        def names() -> list[str]:  # the session's ListFunctions, shared with the function tables
            return sorted(inventory(session).functions())

        def fill(found: list[str]) -> None:
            if session is self.session:
                self.catalog["functions"] = found

        # On failure `:fn` completes nothing; the panels report the error.
        self.run_in_thread("function-names", names, fill, failed=_ignore)

    def action_toggle_keys(self) -> None:
        """`?`: the keys of the current view, generated from its bindings."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def notify_error(self, message: str) -> None:
        self.notify(message, severity="error", markup=False, timeout=8)

    def describe_error(self, exc: BaseException, *, profile: str | None = None) -> UserError:
        """Any exception described for a person, with the profile in use (SSO hints name it)."""
        return describe(exc, profile=profile if profile is not None else self.session.profile)

    # -- `:`, the palette and the screens --------------------------------------------------------
    def jump_names(self) -> dict[str, list[str]]:
        return {
            "stacks": self.catalog["stacks"],
            "functions": self.catalog["functions"],
            "regions": self.session.available_regions(),
            "profiles": self.session.available_profiles(),
            "themes": sorted(self.settings.catalog.names()),
        }

    def palette_entries(self) -> list[tuple[str, str, str]]:
        """(title, help, `:` command) of everything the palette can jump to."""
        return self.registry.palette(self.jump_names())

    def action_jump_prompt(self) -> None:
        from stackview.widgets.jump_bar import JumpScreen

        def done(command: str | None) -> None:
            if command and command.strip(": "):
                self.jump(command)

        self.push_screen(JumpScreen(self.registry.commands, self.jump_names, self.registry.jump_hint()), done)

    def jump(self, command: str) -> None:
        """Carry out a `:` command (also what palette entries call)."""
        try:
            target = parse(command, self.registry.commands, self.jump_names())
        except JumpError as exc:
            self.notify_error(str(exc))
            return
        self.go(target)

    def go(self, jump: Jump) -> None:
        entry = self.registry[jump.kind]
        if not entry.screen:
            self._command(jump)
            return
        if entry.from_root:
            self._pop_to_root()
        self.open(jump.kind, jump.target)

    def open(self, kind: str, target: str = "", **options: Any) -> None:
        """Open the registered screen `kind` on top of the current one (the screen may refuse,
        saying why: invoking in read-only mode, `:logs` where there is nothing to tail)."""
        screen = self.registry[kind].screen_class().create(self, target, **options)
        if screen is not None:
            self.push_screen(screen)

    def _command(self, jump: Jump) -> None:
        if jump.kind == "quit":
            self.exit()
        elif jump.kind == "theme":
            self.theme = jump.target
        elif jump.kind in ("region", "profile"):
            self.switch_target(**{jump.kind: jump.target})

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

        def check() -> tuple[AwsSession, Identity]:
            try:
                session = self.session.with_target(new_target)
                return session, session.identity()
            except Exception as exc:  # noqa: BLE001 - described with the profile switched to
                raise AwsError(self.describe_error(exc, profile=new_target.profile)) from exc

        def failed(error: UserError) -> None:  # the current session stays
            self.notify_error(error.one_line())

        self.run_in_thread("switch", check, lambda found: self._switched(*found), failed=failed)

    def _switched(self, session: AwsSession, identity: Identity) -> None:
        self.session = session
        self.read_only = self.read_only_for(session) is not None
        self.catalog = {"stacks": [], "functions": []}
        self.identity = identity
        self.theme = theme_for(self.config, session.settings_profile)
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.load_function_names()
        self.open("stacks")


def _ignore(_error: UserError) -> None:
    """For background work whose failure another part of the screen reports."""


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
    registry: Registry | None = None,
) -> StackviewApp:
    """The one factory the CLI and the tests use to build the app."""
    return StackviewApp(session, read_only=read_only, settings=settings, clock=clock,
                        project_dir=project_dir, registry=registry)
