"""One request budget for every log group a tail follows.

FilterLogEvents is limited to about 5 requests per second per account and Region, shared by
every tool using that account: following ten groups must not mean ten times the calls. Every
poller takes a slot from one `RequestBudget` before each request.

Slots are handed out in the order they are asked for (each caller reserves the next free slot,
then sleeps until it), so a group paging through a large backlog does not starve the others.

On throttling the budget backs off for everyone: it waits an exponentially growing delay with
jitter (so several clients throttled together do not retry in lockstep) and halves its rate.
Unlike a tailer that squares its interval and never recovers, each success brings the level and
the rate back up step by step, so a brief burst of throttling costs seconds, not the session.

Time is injected (`clock` in seconds, `sleep`), so tests drive it without waiting.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable

DEFAULT_RATE = 4.0  # requests per second, under the ~5/s account quota
BASE_BACKOFF = 0.5
MAX_BACKOFF = 20.0


class RequestBudget:
    """A paced, shared slot dispenser with throttling backoff. Thread-safe."""

    def __init__(
        self,
        rate: float = DEFAULT_RATE,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
        rng: random.Random | None = None,
        base_backoff: float = BASE_BACKOFF,
        max_backoff: float = MAX_BACKOFF,
    ) -> None:
        if rate <= 0:
            raise ValueError("the request rate must be positive")
        self.rate = rate
        self.clock = clock
        self.sleep = sleep
        self._rng = rng or random.Random()
        self._base = base_backoff
        self._max = max_backoff
        self._lock = threading.Lock()
        self._next_slot = clock()
        self._level = 0  # consecutive-throttle level; 0 = not backing off
        self._current_rate = rate
        self._backoff = 0.0
        self.requests = 0
        self.throttled = 0

    def reserve(self) -> float:
        """Reserve the next slot; returns how long the caller must wait before using it."""
        with self._lock:
            now = self.clock()
            slot = max(now, self._next_slot)
            self._next_slot = slot + 1.0 / self._current_rate
            self.requests += 1
            return slot - now

    def acquire(self) -> None:
        """Reserve a slot and sleep until it comes."""
        wait = self.reserve()
        if wait > 0:
            self.sleep(wait)

    def on_throttle(self) -> float:
        """A request was throttled: push every later slot back. Returns the delay chosen."""
        with self._lock:
            self.throttled += 1
            self._level += 1
            ceiling = min(self._max, self._base * 2 ** (self._level - 1))
            # "Equal jitter": at least half the ceiling, so the pause is never ~0.
            delay = ceiling / 2 + self._rng.random() * ceiling / 2
            self._backoff = delay
            self._current_rate = max(self.rate / 16, self._current_rate / 2)
            self._next_slot = max(self._next_slot, self.clock() + delay)
            return delay

    def on_success(self) -> None:
        """A request went through: step the backoff level and the rate back toward normal."""
        with self._lock:
            if self._level:
                self._level -= 1
                self._backoff = (
                    0.0 if self._level == 0 else min(self._max, self._base * 2 ** (self._level - 1))
                )
            if self._current_rate < self.rate:
                self._current_rate = min(self.rate, self._current_rate + self.rate / 8)

    @property
    def backoff(self) -> float:
        """The current backoff delay in seconds (0 when not backing off)."""
        return self._backoff

    @property
    def current_rate(self) -> float:
        return self._current_rate
