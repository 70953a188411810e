"""A panel whose content comes from AWS: fetched in a thread worker, shown on the UI thread.

Panels are the commonest user of `Background` (widgets/background.py):
- `fetch()` runs in a thread and returns plain data; `show(data)` draws it on the UI thread;
- a failure (of the fetch, or of drawing its result) becomes a short message in the panel, and
  the previous content stays;
- with `auto_refresh`, the next poll is scheduled only when the current one has finished, so
  polls never overlap;
- a result that arrives after a newer request was made is dropped (Background's generations);
- a panel that cannot be seen does not poll: when its timer falls due while its screen is under
  another one, or while it sits in a tab that is not shown, it only notes that it is stale, and
  fetches when it is seen again (its screen back on top: `AppScreen` wakes its panels; its tab
  shown: Textual's Show event). With `load_when_shown`, even the first fetch waits until the
  panel is seen (a tab that is never opened costs no request);
- with `progressive`, `fetch()` yields the data so far several times (the first page of a long
  listing, then more): each is drawn as it comes, and `data` holds the last one.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Static

from stackview.aws.errors import UserError
from stackview.widgets.background import Background
from stackview.widgets.literal import literal_text

FETCH = "fetch"


class DataPanel(Background, Vertical):
    """Base class: subclasses implement `fetch`, `show` and `compose_content`."""

    DEFAULT_CSS = """
    DataPanel { height: 1fr; }
    DataPanel > .panel-error { color: $error; height: auto; padding: 0 1; display: none; }
    DataPanel.-failed > .panel-error { display: block; }
    """

    #: Seconds between automatic refreshes (None: only on `r`).
    auto_refresh: ClassVar[float | None] = None
    #: Fetch for the first time when first seen, not when mounted.
    load_when_shown: ClassVar[bool] = False
    #: `fetch()` yields successive states of the data (see the module docstring).
    progressive: ClassVar[bool] = False

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._timer: Timer | None = None
        self.data: Any = None
        self.error: UserError | None = None
        #: A poll fell due (or the first load waits) while the panel could not be seen.
        self.stale = False
        #: Fetches started so far (tests and benchmarks count them).
        self.fetches = 0
        self._partial_shown: Any = None

    # -- to implement -------------------------------------------------------------------------
    def compose_content(self) -> ComposeResult:
        yield from ()

    def fetch(self) -> Any:  # runs in a worker thread
        raise NotImplementedError

    def show(self, data: Any) -> None:  # runs on the UI thread
        raise NotImplementedError

    # -- machinery ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(classes="panel-error")
        yield from self.compose_content()

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._on_theme_changed)
        if self.load_when_shown:
            self.stale = True
            self.call_after_refresh(self.wake)  # once laid out: is it in the tab shown?
        else:
            self.reload()

    def seen(self) -> bool:
        """On the screen the user sees (on top, or under a dialog) and not in a hidden tab."""
        screen = self.screen
        stack = self.app.screen_stack
        if screen not in stack or not all(isinstance(s, ModalScreen) for s in stack[stack.index(screen) + 1:]):
            return False
        node: Any = self
        while node is not None and node is not screen:
            if not node.display:
                return False
            node = node.parent
        return True

    def wake(self) -> None:
        """Seen again: fetch if a poll fell due meanwhile (or the first load waited)."""
        if self.stale and self.seen():
            self.reload()

    def on_show(self) -> None:
        self.wake()

    def _due(self) -> None:
        self._timer = None
        if self.seen():
            self.reload()
        else:
            self.stale = True

    def _on_theme_changed(self, _theme: object) -> None:
        if self.data is not None:
            self.show(self.data)

    def reload(self) -> None:
        """Fetch again (in a thread). The current content stays until the answer arrives."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.stale = False
        self.fetches += 1
        if self.data is None:
            self.loading = True
        if self.progressive:
            self._partial_shown = None
            self.run_in_thread(FETCH, self.fetch, self._loaded, failed=self._failed, each=self._partial)
        else:
            self.run_in_thread(FETCH, self.fetch, self._loaded, failed=self._failed)

    def _partial(self, data: Any) -> None:
        self.loading = False
        self._partial_shown = data
        self.show(data)

    def _loaded(self, data: Any) -> None:
        self.loading = False
        self.error = None
        self.remove_class("-failed")
        self.data = data
        self._schedule_next()  # before show: a failure drawing the data must not stop the polls
        if not (self.progressive and data is self._partial_shown):
            self.show(data)

    def _failed(self, error: UserError) -> None:
        self.loading = False
        self.error = error
        text = literal_text(f"⚠ {error.one_line()}")
        text.append("   r: retry", style="dim")
        self.query_one(".panel-error", Static).update(text)
        self.add_class("-failed")
        if self._timer is None:
            self._schedule_next()

    def _schedule_next(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.auto_refresh and self.is_mounted:
            self._timer = self.set_timer(self.auto_refresh, self._due)
