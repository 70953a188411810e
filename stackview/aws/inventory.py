"""What changes rarely, read once per session and kept: the region's functions, each stack's
functions, and reserved concurrency per function, within a request budget.

Lambda's control-plane quotas are far below its invoke rate, and a table of 200 functions must
not cost 400 calls each time it is drawn. So:
- the bulk configuration (runtime, memory, timeout, last change) comes from ListFunctions, all
  pages, kept for `FUNCTIONS_MAX_AGE` seconds and shared by every screen of the session;
- a stack's functions come from ListStackResources, kept until the stack changes (the Stacks
  list knows when each stack last changed) or `STACK_MAX_AGE` passes;
- reserved concurrency (ListFunctions does not return it) is read per function with
  GetFunctionConcurrency only for the rows asked for (those on screen), only when not known yet,
  and at most `budget` calls per minute. A value read is kept until it can have changed: a
  reservation changed through this session (the levers: a botocore hook on the Lambda client sees
  PutFunctionConcurrency and DeleteFunctionConcurrency go by), `forget` (the user pressed `r`), or
  `RESERVATION_MAX_AGE` (a change made elsewhere is seen within that time).
One `Inventory` per `AwsSession` (`inventory(session)`); safe to use from several worker threads.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from stackview.aws.errors import describe
from stackview.aws.functions import list_functions, reserved_concurrency, stack_function_names
from stackview.aws.session import AwsSession
from stackview.aws.stacks import stack_resources
from stackview.models.arns import bare_function_name
from stackview.models.functions import FunctionSummary
from stackview.models.health import StackContents

FUNCTIONS_MAX_AGE = 300.0
STACK_MAX_AGE = 900.0
RESERVATION_MAX_AGE = 600.0
#: GetFunctionConcurrency calls per minute, by default (config: health.detail_calls_per_minute).
DEFAULT_BUDGET = 60
#: Per-function detail calls run this many at a time.
DETAIL_WORKERS = 4
_CHANGES = ("PutFunctionConcurrency", "DeleteFunctionConcurrency")


@dataclass(frozen=True)
class BudgetUse:
    """Detail calls made in the last minute against the budget, and rows still waiting."""

    used: int
    budget: int
    waiting: int = 0

    def text(self) -> str:
        waiting = f", {self.waiting} waiting" if self.waiting else ""
        return f"details {self.used}/{self.budget} calls/min{waiting}"


@dataclass(frozen=True)
class Reservation:
    value: int | None
    error: str = ""


class Inventory:
    """The session's caches; see the module docstring."""

    def __init__(self, session: AwsSession, clock: Callable[[], float] = time.monotonic) -> None:
        self.session = session
        self.clock = clock
        self.budget = DEFAULT_BUDGET
        self._lock = threading.Lock()
        self._functions: tuple[float, dict[str, FunctionSummary]] | None = None
        self._functions_lock = threading.Lock()
        self._stacks: dict[str, tuple[float, object, Any]] = {}
        self._reserved: dict[str, tuple[float, Reservation]] = {}
        self._generation: dict[str, int] = {}
        self._calls: deque[float] = deque()
        self._hooked = False

    # -- the region's functions ------------------------------------------------------------------
    def functions(self, *, max_age: float = FUNCTIONS_MAX_AGE) -> dict[str, FunctionSummary]:
        """Every function of the region by name (ListFunctions, all pages), at most `max_age` old."""
        with self._functions_lock:  # one listing at a time; the others wait for it
            cached = self._functions
            if cached is not None and self.clock() - cached[0] < max_age:
                return cached[1]
            found = {summary.name: summary for summary in list_functions(self.session)}
            self._functions = (self.clock(), found)
            return found

    def known_functions(self) -> dict[str, FunctionSummary] | None:
        cached = self._functions
        return cached[1] if cached else None

    # -- a stack's functions -------------------------------------------------------------------
    def stack_functions(self, stack: str, changed: object = None, *, nested: bool = False,
                        refresh: bool = False) -> list[tuple[str, str]]:
        """(logical id, function name) of the stack's functions, read again only when `changed`
        (the stack's last change, as the caller knows it) differs or the entry is old."""
        key = f"{stack}\0{nested}"
        with self._lock:
            cached = self._stacks.get(key)
        if cached and not refresh and cached[1] == changed and self.clock() - cached[0] < STACK_MAX_AGE:
            return cached[2]
        pairs = stack_function_names(self.session, stack, nested=nested)
        with self._lock:
            self._stacks[key] = (self.clock(), changed, pairs)
        return pairs

    def known_stack_functions(self, stack: str, changed: object = None, *, nested: bool = False) -> list[tuple[str, str]] | None:
        with self._lock:
            cached = self._stacks.get(f"{stack}\0{nested}")
        return cached[2] if cached and cached[1] == changed else None

    def stack_contents(self, stack: str, changed: object = None) -> StackContents:
        """The stack's own functions, alarms and queues (one ListStackResources listing), read
        again only when `changed` differs from what was seen or the entry is old."""
        key = f"{stack}\0contents"
        with self._lock:
            cached = self._stacks.get(key)
        if cached and cached[1] == changed and self.clock() - cached[0] < STACK_MAX_AGE:
            return cached[2]  # type: ignore[return-value]
        resources = [r for r in stack_resources(self.session, stack) if r.physical_id]
        contents = StackContents(
            functions=tuple((r.logical_id, r.physical_id) for r in resources if r.is_function),
            alarms=tuple(r.physical_id for r in resources if r.resource_type == "AWS::CloudWatch::Alarm"),
            queues=tuple(r.physical_id.rstrip("/").rsplit("/", 1)[-1] for r in resources
                         if r.resource_type == "AWS::SQS::Queue"),
        )
        with self._lock:
            self._stacks[key] = (self.clock(), changed, contents)  # type: ignore[assignment]
        return contents

    def known_stack_contents(self, stack: str, changed: object = None) -> StackContents | None:
        with self._lock:
            cached = self._stacks.get(f"{stack}\0contents")
        return cached[2] if cached and cached[1] == changed else None  # type: ignore[return-value]

    # -- reserved concurrency, within a budget ---------------------------------------------------
    def _hook(self) -> None:
        """Forget a function's reservation whenever this session changes it."""
        if self._hooked:
            return
        self._hooked = True
        events = self.session.client("lambda").meta.events

        def before(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
            name = bare_function_name(str(params.get("FunctionName", "")))
            context["stackview_reservation_of"] = name
            self.forget([name])

        def after(context: dict[str, Any], **_: Any) -> None:
            name = context.get("stackview_reservation_of")
            if name:
                self.forget([name])

        for operation in _CHANGES:
            events.register(f"provide-client-params.lambda.{operation}", before, unique_id=f"sv-inv-b-{operation}")
            events.register(f"after-call.lambda.{operation}", after, unique_id=f"sv-inv-a-{operation}")

    def forget(self, names: Iterable[str]) -> None:
        """Read these functions' reservations again next time they are asked for."""
        with self._lock:
            for name in names:
                self._reserved.pop(name, None)
                self._generation[name] = self._generation.get(name, 0) + 1

    def use(self) -> BudgetUse:
        with self._lock:
            self._expire_calls()
            return BudgetUse(len(self._calls), self.budget)

    def _expire_calls(self) -> None:
        now = self.clock()
        while self._calls and now - self._calls[0] >= 60.0:
            self._calls.popleft()

    def known_reservations(self, names: Iterable[str]) -> dict[str, Reservation]:
        now = self.clock()
        with self._lock:
            return {name: entry[1] for name in names
                    if (entry := self._reserved.get(name)) is not None and now - entry[0] < RESERVATION_MAX_AGE}

    def reservations(self, names: Sequence[str]) -> tuple[dict[str, Reservation], BudgetUse]:
        """The reservations of `names` that are known or could be read within the budget (the
        first names first), and the budget's use. Names left out are still unknown."""
        self._hook()
        names = list(dict.fromkeys(names))
        known = self.known_reservations(names)
        missing = [name for name in names if name not in known]
        with self._lock:
            self._expire_calls()
            room = max(0, self.budget - len(self._calls))
            chosen = missing[:room]
            now = self.clock()
            self._calls.extend([now] * len(chosen))
            generations = {name: self._generation.get(name, 0) for name in chosen}
        if chosen:
            with ThreadPoolExecutor(max_workers=min(DETAIL_WORKERS, len(chosen))) as pool:
                read = list(pool.map(self._read_reservation, chosen))
            with self._lock:
                now = self.clock()
                for name, reservation in zip(chosen, read):
                    if self._generation.get(name, 0) == generations[name] and not reservation.error:
                        self._reserved[name] = (now, reservation)
                    known[name] = reservation
        use = self.use()
        return known, BudgetUse(use.used, use.budget, len(missing) - len(chosen))

    def _read_reservation(self, name: str) -> Reservation:
        try:
            return Reservation(reserved_concurrency(self.session, name))
        except Exception as exc:  # noqa: BLE001 - described on the row, the others still load
            return Reservation(None, describe(exc, profile=self.session.profile).message)


_inventories: weakref.WeakKeyDictionary[AwsSession, Inventory] = weakref.WeakKeyDictionary()
_inventories_lock = threading.Lock()


def inventory(session: AwsSession) -> Inventory:
    """The session's inventory (created on first use)."""
    with _inventories_lock:
        found = _inventories.get(session)
        if found is None:
            found = _inventories[session] = Inventory(session)
        return found
