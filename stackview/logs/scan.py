"""One FilterLogEvents query paged to its end: a piece of history, a follow cycle, a back-fill.

A `Scan` asks for the events of one group in [start_ms, end_ms) (end None: up to now) matching
one pattern, one page per request, resuming from its token after an error. Pages come in
timestamp order, so `progress_ms` (the timestamp of the last event seen) says how far the scan is
complete; a scan that starts at a split point skips the events of that very millisecond it has
already delivered (`skip`), which is how a scan can be cut in two without repeating or losing
the millisecond it was cut at (FilterLogEvents has no "after this event" parameter).

`split()` cuts the rest of a scan into pieces that later requests fetch side by side; how many
comes from the density the pages have shown so far (see `pieces_for`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from stackview.aws.logs import LogPage

# Scan kinds.
HISTORY = "history"  # the window's past, possibly in pieces
SHORT = "short"  # a follow cycle re-reading only a little before the last cycle's start
SWEEP = "sweep"  # a follow cycle re-reading the whole overlap: late arrivals
BACKFILL = "backfill"  # what a new filter pattern wants of a range fetched with another

PIECE_PAGES = 0.8  # a piece should fit in one page (a second, short page would cost a request)
MAX_SPLIT = 16  # pieces one split makes at most
MIN_PIECE_MS = 2_000  # never cut finer than this
DENSE_PAGE = 1_000  # a page this full (or half the page size) shows a dense stretch


@dataclass(eq=False)
class Scan:
    group: str
    start_ms: int
    end_ms: int | None  # exclusive; None: open-ended (up to whatever is visible)
    pattern: str
    kind: str
    skip: frozenset[str] = frozenset()  # ids at `start_ms` already delivered
    token: str | None = None
    pages: Iterator[LogPage] | None = None
    progress_ms: int = 0
    started_local_ms: int | None = None  # local time of the first request (cursor of a cycle)
    done: bool = False
    busy: bool = False
    cancelled: bool = False  # a new pattern replaced it: an answer in flight is thrown away
    not_before: float = 0.0  # engine clock: retry after a failure no sooner than this
    seen: int = 0  # events returned so far
    ids_at_progress: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.progress_ms = self.start_ms

    @property
    def in_flight(self) -> bool:
        """Started and not finished (a token to resume from, or pages left)."""
        return not self.done and (self.pages is not None or self.token is not None)

    def open_pages(self, client: Any, page_source: Any, limit: int) -> Iterator[LogPage]:
        if self.pages is None:
            self.pages = page_source(
                client,
                self.group,
                start_ms=self.start_ms,
                end_ms=None if self.end_ms is None else self.end_ms - 1,
                pattern=self.pattern,
                next_token=self.token,
                limit=limit,
            )
        return self.pages

    def took(self, page: LogPage) -> list:
        """Fold a page in: returns its events minus those skipped at the start."""
        events = page.events
        if self.skip and events and events[0].timestamp == self.start_ms:
            skip = self.skip
            events = [e for e in events if not (e.timestamp == self.start_ms and e.event_id in skip)]
        if page.events:
            last = page.events[-1].timestamp
            if last != self.progress_ms:
                self.ids_at_progress = set()
            self.progress_ms = last
            self.ids_at_progress.update(e.event_id for e in page.events if e.timestamp == last)
        self.seen += len(page.events)
        if page.next_token:
            self.token = page.next_token
        else:
            self.token = None
            self.pages = None
            self.done = True
        return events

    def restart(self) -> None:
        """Forget the pagination (a stale token): ask again from the start."""
        self.pages = None
        self.token = None
        self.progress_ms = self.start_ms
        self.ids_at_progress = set()

    def pieces_for(self, page_events: int, page_size: int, end_estimate: int) -> int:
        """How many pieces the rest of this scan is worth, from the density seen so far. Only a
        page that came back full says much is left (a short or empty page with a token says
        nothing: the service pages by the time it scanned, too)."""
        if self.done or not self.token or page_events < min(DENSE_PAGE, page_size // 2):
            return 1
        end = self.end_ms if self.end_ms is not None else end_estimate
        rest = end - self.progress_ms
        span = self.progress_ms - self.start_ms + 1
        if rest < 2 * MIN_PIECE_MS or span <= 0:
            return 1
        expected = self.seen * rest / span
        pieces = math.ceil(expected / (PIECE_PAGES * page_events))
        return max(1, min(MAX_SPLIT, pieces, rest // MIN_PIECE_MS))

    def split(self, pieces: int, end_estimate: int) -> list[Scan]:
        """The rest of this scan as `pieces` scans from its progress on (this one is spent).
        The first starts at the millisecond reached and skips the events already taken there;
        an open-ended scan's last piece stays open."""
        start = self.progress_ms
        end = self.end_ms if self.end_ms is not None else end_estimate
        step = (end - start) / pieces
        bounds = [start + round(step * n) for n in range(pieces)] + [self.end_ms]
        out = []
        for n in range(pieces):
            out.append(Scan(self.group, bounds[n], bounds[n + 1], self.pattern, self.kind,
                            skip=frozenset(self.ids_at_progress) if n == 0 else frozenset()))
        self.done = True
        self.pages = None
        self.token = None
        return out
