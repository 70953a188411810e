"""A panel whose content comes from AWS: fetched in a thread worker, shown on the UI thread.

This is the one place where panels meet workers and failures:
- `fetch()` runs in a thread (boto3 never runs on the UI thread) and returns plain data;
- the result comes back as a message and `show(data)` draws it;
- a failure becomes a short message in the panel (`describe()`), the previous content stays;
- with `auto_refresh`, the next poll is scheduled only when the current one has finished, so
  polls never overlap;
- a result that arrives after a newer request was made is dropped (thread workers cannot be
  cancelled, so "exclusive" alone does not stop a stale answer from landing).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Static

from stackview.aws.errors import UserError, describe
from stackview.widgets.literal import literal_text


class DataPanel(Vertical):
    """Base class: subclasses implement `fetch`, `show` and `compose_content`."""

    DEFAULT_CSS = """
    DataPanel { height: 1fr; }
    DataPanel > .panel-error { color: $error; height: auto; padding: 0 1; display: none; }
    DataPanel.-failed > .panel-error { display: block; }
    """

    #: Seconds between automatic refreshes (None: only on `r`).
    auto_refresh: ClassVar[float | None] = None

    @dataclass
    class Loaded(Message, bubble=False):
        generation: int
        data: Any

    @dataclass
    class Failed(Message, bubble=False):
        generation: int
        error: UserError

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._generation = 0
        self._timer: Timer | None = None
        self.data: Any = None
        self.error: UserError | None = None

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
        self.reload()

    def _on_theme_changed(self, _theme: object) -> None:
        if self.data is not None:
            self.show(self.data)

    def reload(self) -> None:
        """Fetch again (in a thread). The current content stays until the answer arrives."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._generation += 1
        generation = self._generation
        if self.data is None:
            self.loading = True
        self.run_worker(
            lambda: self._fetch_in_thread(generation),
            thread=True,
            exclusive=True,
            group=f"panel-{id(self)}",
            exit_on_error=False,
        )

    def _fetch_in_thread(self, generation: int) -> None:
        try:
            data = self.fetch()
        except Exception as exc:  # noqa: BLE001 - every failure is shown in the panel
            profile = getattr(getattr(self.app, "session", None), "profile", None)
            self.post_message(self.Failed(generation, describe(exc, profile=profile)))
        else:
            self.post_message(self.Loaded(generation, data))

    def on_data_panel_loaded(self, message: Loaded) -> None:
        if message.generation != self._generation:
            return
        self.loading = False
        self.error = None
        self.remove_class("-failed")
        self.data = message.data
        self.show(message.data)
        self._schedule_next()

    def on_data_panel_failed(self, message: Failed) -> None:
        if message.generation != self._generation:
            return
        self.loading = False
        self.error = message.error
        error = self.query_one(".panel-error", Static)
        text = literal_text(f"⚠ {message.error.one_line()}")
        text.append("   r: retry", style="dim")
        error.update(text)
        self.add_class("-failed")
        self._schedule_next()

    def _schedule_next(self) -> None:
        if self.auto_refresh and self.is_mounted:
            self._timer = self.set_timer(self.auto_refresh, self.reload)
