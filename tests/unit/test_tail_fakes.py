"""Test doubles for the tail engine, and tests that they behave like CloudWatch.

`FakeCloudWatch` is an in-memory FilterLogEvents with what makes tailing hard on AWS: events that
become visible up to 30 s after their timestamp, tokens that resume after the last key scanned
(events appearing behind the token are missed by that query, as on AWS), pages cut at 10,000
events / 1 MB, short or empty pages while a token follows (`slice_ms`), injected throttling and
access errors. botocore's real paginator runs over it. `FakeClock` moves only when slept on.
`FakeLiveClient` answers StartLiveTail with a scripted event stream.

Other test modules import this one (`sys.path` holds this directory, see their imports).
"""

from __future__ import annotations

import base64
import bisect
import json
import random
import threading
from collections import Counter
from dataclasses import dataclass, field

import botocore.session
from botocore.exceptions import ClientError
from botocore.paginate import Paginator

from stackview.logs.budget import RequestBudget
from stackview.logs.engine import TailEngine

_BOTOCORE = botocore.session.get_session()
_MODEL = _BOTOCORE.get_service_model("logs").operation_model("FilterLogEvents")
_PAGING = _BOTOCORE.get_paginator_model("logs").get_paginator("FilterLogEvents")
_DESCRIBE_MODEL = _BOTOCORE.get_service_model("logs").operation_model("DescribeLogGroups")
_DESCRIBE_PAGING = _BOTOCORE.get_paginator_model("logs").get_paginator("DescribeLogGroups")


class FakeClock:
    """Seconds since the epoch, advanced only by `sleep`. Thread-safe."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start
        self._lock = threading.Lock()

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.now += max(0.0, seconds)

    def wall_ms(self) -> int:
        return int(self.now * 1000)


def client_error(code: str, message: str = "") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message or code}}, "FilterLogEvents")


@dataclass(order=True)
class StoredEvent:
    key: tuple[int, int, str]
    stream: str = field(compare=False)
    message: str = field(compare=False)
    visible_at: int = field(compare=False)


class FakeCloudWatch:
    """FilterLogEvents over an in-memory store, through botocore's real paginator."""

    def __init__(
        self,
        now_ms,
        *,
        page_limit: int = 10_000,
        page_bytes: int = 1024 * 1024,
        slice_ms: int | None = None,
        throttle=None,
        denied: tuple[str, ...] = (),
    ) -> None:
        self.now_ms = now_ms
        self.page_limit = page_limit
        self.page_bytes = page_bytes
        self.slice_ms = slice_ms  # a page scans at most this much time: empty pages with tokens
        self.throttle = throttle or (lambda call: False)
        self.denied = set(denied)
        self.groups: dict[str, list[StoredEvent]] = {}
        self.calls = 0
        self.page_sizes: list[int] = []
        self._ids = 0
        self._lock = threading.RLock()

    def create_group(self, group: str) -> None:
        self.groups.setdefault(group, [])

    def put(self, group: str, stream: str, timestamp: int, message: str, *, lag_ms: int = 0) -> str:
        """Store an event that becomes visible `lag_ms` after its timestamp."""
        with self._lock:
            self._ids += 1
            event_id = f"{self._ids:056d}"
            visible = timestamp + lag_ms
            bisect.insort(
                self.groups.setdefault(group, []),
                StoredEvent((timestamp, visible, event_id), stream, message, visible),
            )
            return event_id

    def get_paginator(self, name: str) -> Paginator:
        if name == "describe_log_groups":
            return Paginator(self.describe_log_groups, _DESCRIBE_PAGING, _DESCRIBE_MODEL)
        assert name == "filter_log_events"
        return Paginator(self.filter_log_events, _PAGING, _MODEL)

    def arn(self, group: str) -> str:
        return f"arn:aws:logs:us-east-1:123456789012:log-group:{group}"

    def describe_log_groups(self, **kwargs) -> dict:
        prefix = kwargs.get("logGroupNamePrefix", "")
        return {
            "logGroups": [
                {"logGroupName": g, "arn": self.arn(g) + ":*", "logGroupArn": self.arn(g)}
                for g in sorted(self.groups)
                if g.startswith(prefix)
            ]
        }

    def filter_log_events(self, **kwargs) -> dict:
        with self._lock:
            self.calls += 1
            if self.throttle(self.calls):
                raise client_error("ThrottlingException", "Rate exceeded")
            group = kwargs["logGroupName"]
            if group in self.denied:
                raise client_error("AccessDeniedException", "not authorized")
            if group not in self.groups:
                raise client_error("ResourceNotFoundException", "The specified log group does not exist.")
            limit = kwargs.get("limit", 10_000)
            assert 1 <= limit <= 10_000
            start = kwargs.get("startTime", 0)
            end = kwargs.get("endTime")  # inclusive, as on AWS
            token = kwargs.get("nextToken")
            after = tuple(json.loads(base64.b64decode(token))) if token else (start, -1, "")
            events = self.groups[group]
            now = self.now_ms()
            scan_end = after[0] + self.slice_ms if self.slice_ms else None
            index = bisect.bisect_right(events, StoredEvent(after, "", "", 0))
            page, size, last = [], 0, None
            while index < len(events):
                stored = events[index]
                if end is not None and stored.key[0] > end:
                    last = None  # the range is scanned: no next page
                    break
                if scan_end is not None and stored.key[0] >= scan_end:
                    last = (scan_end - 1, 2**62, "~")  # the slice is scanned; more may follow
                    break
                index += 1
                last = stored.key
                if stored.key[0] < start or stored.visible_at > now:
                    continue
                page.append(
                    {
                        "logStreamName": stored.stream,
                        "timestamp": stored.key[0],
                        "message": stored.message,
                        "ingestionTime": stored.visible_at,
                        "eventId": stored.key[2],
                    }
                )
                size += len(stored.message) + 26
                if len(page) >= limit or size >= self.page_bytes:
                    break
            else:
                last = None
            self.page_sizes.append(len(page))
            answer: dict = {"events": page, "searchedLogStreams": []}
            if last is not None:
                answer["nextToken"] = base64.b64encode(json.dumps(list(last)).encode()).decode()
            return answer


class StandInMatcher:
    """The filter engine's batch API (`filter(messages) -> indexes`) for a plain term."""

    def __init__(self, term: str) -> None:
        self.term = term

    def filter(self, messages):
        return (i for i, m in enumerate(messages) if self.term in m)


def make_engine(clock: FakeClock, cw: FakeCloudWatch, groups, *, follow: bool, start_ms: int, **kwargs):
    budget = RequestBudget(4.0, clock=clock.time, sleep=clock.sleep, rng=random.Random(1))
    return TailEngine(
        cw,
        groups,
        start_ms=start_ms,
        follow=follow,
        budget=budget,
        clock=clock.time,
        wall_ms=clock.wall_ms,
        **kwargs,
    )


def drive(engine: TailEngine, clock: FakeClock, until_s: float) -> list:
    delivered = []
    while clock.time() < until_s:
        if not engine.step(clock.sleep):
            break
        delivered.extend(engine.release())
    delivered.extend(engine.release())
    return delivered


def assert_exactly_once(delivered, expected_ids) -> None:
    ids = [e.event_id for e in delivered]
    repeats = [i for i, n in Counter(ids).items() if n > 1]
    assert repeats == [], f"{len(repeats)} events delivered twice"
    missing = set(expected_ids) - set(ids)
    assert not missing, f"{len(missing)} of {len(expected_ids)} events lost"
    assert len(ids) == len(expected_ids)



class FakeLiveStream:
    """A StartLiveTail event stream: scripted items (dicts, or exceptions to raise), then
    either the end of the stream or, with `hold`, a wait until closed (a live session)."""

    def __init__(self, items, *, hold: bool = False) -> None:
        self.items = list(items)
        self.hold = hold
        self.closed = threading.Event()

    def __iter__(self):
        for item in self.items:
            if self.closed.is_set():
                raise ConnectionError("stream closed")
            if isinstance(item, BaseException):
                raise item
            if callable(item):
                item = item()
            yield item
        if self.hold:
            self.closed.wait(10)
            raise ConnectionError("stream closed")

    def close(self) -> None:
        self.closed.set()


class FakeLiveClient:
    """`start_live_tail` returning the next scripted stream (or raising a scripted error)."""

    def __init__(self, *streams) -> None:
        self.streams = list(streams)
        self.calls: list[dict] = []

    def start_live_tail(self, **kwargs):
        self.calls.append(kwargs)
        stream = self.streams.pop(0)
        if isinstance(stream, BaseException):
            raise stream
        return {"responseStream": stream}


class FakeSession:
    """What `Tail` needs of an AwsSession: `client("logs", ...)` and an endpoint."""

    def __init__(self, logs: FakeCloudWatch, live: FakeLiveClient | None = None) -> None:
        self.logs = logs
        self.live = live
        self.endpoint_url = "http://fake"
        self.profile = None

    def client(self, service: str, **config):
        assert service == "logs"
        if "read_timeout" in config and self.live is not None:
            return self.live
        return self.logs


def live_result(group_arn: str, stream: str, timestamp: int, message: str, ingestion: int) -> dict:
    return {
        "logGroupIdentifier": group_arn,
        "logStreamName": stream,
        "timestamp": timestamp,
        "message": message,
        "ingestionTime": ingestion,
    }


# -- the fake itself ------------------------------------------------------------------------


def _pages(cw: FakeCloudWatch, **kwargs):
    return list(cw.get_paginator("filter_log_events").paginate(logGroupName="/g", **kwargs))


def test_fake_hides_events_until_visible_and_pages_by_limit() -> None:
    clock = FakeClock()
    t0 = clock.wall_ms()
    cw = FakeCloudWatch(clock.wall_ms)
    for n in range(25):
        cw.put("/g", "s", t0 - 1000 + n, f"m{n}", lag_ms=0 if n < 20 else 5_000)
    pages = _pages(cw, PaginationConfig={"PageSize": 8})
    assert [len(p["events"]) for p in pages] == [8, 8, 4]
    assert "nextToken" not in pages[-1]
    clock.sleep(5)
    assert sum(len(p["events"]) for p in _pages(cw)) == 25


def test_fake_token_skips_events_appearing_behind_it_and_slices_give_empty_pages() -> None:
    clock = FakeClock()
    t0 = clock.wall_ms()
    cw = FakeCloudWatch(clock.wall_ms, slice_ms=1_000)
    cw.put("/g", "s", t0 - 10_000, "old", lag_ms=0)
    cw.put("/g", "s", t0 - 1_000, "new", lag_ms=0)
    pages = iter(cw.get_paginator("filter_log_events").paginate(logGroupName="/g", startTime=t0 - 10_000))
    first = next(pages)
    assert [e["message"] for e in first["events"]] == ["old"] and first.get("nextToken")
    cw.put("/g", "s", t0 - 9_999, "behind the token", lag_ms=0)
    rest = list(pages)
    assert any(p["events"] == [] and p.get("nextToken") for p in rest)  # empty pages, token follows
    assert [e["message"] for p in rest for e in p["events"]] == ["new"]
