"""The header: where you are (breadcrumbs) and against what (account, region, profile, read-only).

On a narrow terminal the current screen's name and the READ-ONLY badge stay: the context on
the right gives up its labels, then the account, the region and the profile, before the
breadcrumbs lose the current screen (`context_text`)."""

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
        self._refresh_context()

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
        badge_text = badge(self.app, "READ-ONLY", "sv-badge-read-only") if app.read_only else None
        facts = [("account", identity.account if identity else "…"), ("region", session.region or "-"),
                 ("profile", session.label)]
        room = self.size.width - 2 - self._crumb_room() if self.size.width else 10_000
        text = context_text(facts, badge_text, room)
        targets.first(Static).update(text)
        self.call_after_refresh(self._refresh_crumbs)

    def _crumb_room(self) -> int:
        """What the current screen's name needs (at most CRUMB_ROOM), kept free of the context."""
        current = self.screen.crumb if isinstance(self.screen, AppScreen) else ""
        return min(len(neutralize(current)), CRUMB_ROOM) + 2


#: The current screen's name keeps at least this many columns of the header, however narrow.
CRUMB_ROOM = 24


def context_text(facts: list[tuple[str, str]], read_only: Text | None, room: int) -> Text:
    """`account A  region R  profile P  READ-ONLY` in at most `room` columns: narrower headers
    drop the labels, then the account, then the region, then the profile; the READ-ONLY badge
    (the mode that decides what the keys do) is the last thing to go."""
    for labels, keep in ((True, 3), (False, 3), (False, 2), (False, 1), (False, 0)):
        text = Text()
        for label, value in facts[len(facts) - keep:]:
            separator = "  " if text else ""
            if labels:
                text.append(f"{separator}{label} ", style="dim")
            else:
                text.append(separator)
            text.append(neutralize(value))
        if read_only is not None:
            if text:
                text.append("  ")
            text.append_text(read_only)
        if text.cell_len <= room:
            return text
    return text
