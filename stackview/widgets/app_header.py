"""The header: where you are (breadcrumbs) and against what (account, region, profile, read-only)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from stackview.models import Identity
from stackview.widgets.app_screen import AppScreen
from stackview.widgets.badges import badge
from stackview.widgets.host import host
from stackview.widgets.literal import neutralize


class AppHeader(Horizontal):
    DEFAULT_CSS = """
    AppHeader { dock: top; height: 1; background: $panel; }
    AppHeader > #crumbs { width: 1fr; padding: 0 1; text-style: bold; text-wrap: nowrap; text-overflow: ellipsis; }
    AppHeader > #context { width: auto; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="crumbs")
        yield Static(id="context")

    def on_resize(self) -> None:
        self.call_after_refresh(self._refresh_crumbs)

    def on_mount(self) -> None:
        self.watch(self.app, "identity", self._refresh_context)
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._refresh_context())
        self._refresh_crumbs()

    def _refresh_crumbs(self) -> None:
        crumbs = [neutralize(s.crumb) for s in self.app.screen_stack if isinstance(s, AppScreen) and s.crumb]
        # The last crumbs matter most: when the path is too long, drop crumbs from the left, then the
        # "stackview" brand, then the elision mark, so that the screen you are on is always named.
        targets = self.query("#crumbs")
        if not targets:
            return
        width = targets.first(Static).size.width
        room = width - 2 if width else 10_000  # not laid out yet: on_resize comes back
        elided = False
        brand = True

        def parts() -> list[str]:
            return (["stackview"] if brand else []) + (["…"] if elided else []) + crumbs

        def length() -> int:
            return sum(map(len, parts())) + 5 * (len(parts()) - 1)

        while len(crumbs) > 1 and length() > room:
            crumbs = crumbs[1:]
            elided = True
        if crumbs and length() > room:
            brand = False
        if crumbs and length() > room:
            elided = False
        text = Text(no_wrap=True, overflow="ellipsis")
        for index, part in enumerate(parts()):
            if index:
                text.append("  ›  ", style="dim")
            text.append(part, style="bold" if brand and index == 0 else "")
        targets.first(Static).update(text)

    def _refresh_context(self, _identity: Identity | None = None) -> None:
        # The identity and theme signals can arrive while this header's screen is being torn down.
        targets = self.query("#context")
        if not targets:
            return
        app = host(self)
        session = app.session
        identity: Identity | None = app.identity
        text = Text()
        text.append("account ", style="dim")
        text.append(identity.account if identity else "…")
        text.append("  region ", style="dim")
        text.append(neutralize(session.region or "-"))
        text.append("  profile ", style="dim")
        text.append(neutralize(session.label))
        if app.read_only:
            text.append("  ")
            text.append_text(badge(self.app, "READ-ONLY", "sv-badge-read-only"))
        targets.first(Static).update(text)
