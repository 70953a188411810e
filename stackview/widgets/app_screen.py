"""The base of stackview's full screens: what every screen offers the rest of the app.

The header reads each screen's `crumb`; `:logs` and `l` ask the screen on top for its
`log_scope()`; `c` copies the screen's `copy_value()`. These used to be found by `getattr`;
declaring them here makes them a contract a new screen can see and a checker can follow.
Blocking work runs through `Background.run_in_thread` (inherited).
"""

from __future__ import annotations

from dataclasses import dataclass

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer

from stackview.widgets.background import Background
from stackview.widgets.data_panel import DataPanel
from stackview.widgets.host import Host


@dataclass(frozen=True)
class LogScope:
    """What `l` / `:logs` tails from a screen: a whole stack, or some functions."""

    stack: str | None = None
    functions: tuple[str, ...] = ()


class AppScreen(Background, Screen):
    """A full screen of stackview (dialogs are ModalScreens and need none of this)."""

    #: The breadcrumb naming this screen in the header.
    crumb: str = ""

    @classmethod
    def create(cls, host: Host, target: str = "", **options: Any) -> AppScreen | None:
        """The screen `host.open(kind, target, **options)` pushes (see screens/registry.py), or
        None when it cannot open here (the screen says why). By default the target, if any, is
        the first argument of the constructor."""
        return cls(target, **options) if target else cls(**options)

    def log_scope(self) -> LogScope | None:
        """What `l` and `:logs` tail from here (None: this screen has no logs of its own)."""
        return None

    #: What `c` says once `copy_value()` is on the clipboard.
    copied: str = "Copied"

    def copy_value(self) -> str | None:
        """What `c` copies from here (None: nothing selected)."""
        return None

    def action_copy(self) -> None:
        value = self.copy_value()
        if value:
            self.app.copy_to_clipboard(value)
            self.notify(self.copied, timeout=2)

    def action_back(self) -> None:
        self.app.pop_screen()

    def on_screen_resume(self) -> None:
        """Back on top: panels whose polls fell due while hidden fetch now (widgets/data_panel.py)."""
        for panel in self.query(DataPanel):
            panel.wake()

    def on_resize(self) -> None:
        """Below NARROW columns the footer packs its keys closer and leaves out the palette hint
        (Ctrl+P still opens it, `?` lists every key), so the screen's own keys stay in view."""
        narrow = self.size.width < NARROW
        for footer in self.query(Footer):
            footer.compact = narrow
            footer.show_command_palette = not narrow


#: Terminals narrower than this get the compact footer.
NARROW = 100
