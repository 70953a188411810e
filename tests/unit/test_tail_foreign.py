"""The tail never delivers an event of a log group it was not asked to follow.

Seen in the demo's log screen: the view of one function showed another function's lines. moto 5.2
answers StartLiveTail with the events of the last log group it holds, whatever ARNs were asked for,
and the session used to name an unknown ARN's group after the ARN, so the engine took them in.
Now the session leaves such results out (counted in `LiveUpdate.foreign`), and the engine drops
any event of a group it does not follow, whichever source hands it in.
"""

from __future__ import annotations

import sys
from pathlib import Path

from stackview.aws.logs import LogPage
from stackview.logs import livetail
from stackview.logs.livetail import LiveTailSession, LiveUpdate
from stackview.models import LogEvent

sys.path.insert(0, str(Path(__file__).parent))
from test_tail_fakes import (  # noqa: E402
    FakeClock,
    FakeCloudWatch,
    FakeLiveClient,
    FakeLiveStream,
    drive,
    live_result,
    make_engine,
)

START = {"sessionStart": {"sessionId": "s-1"}}


def test_a_session_leaves_out_results_of_groups_it_did_not_ask_for() -> None:
    arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/mine"
    other = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/theirs"
    session = LiveTailSession(FakeLiveClient(), {"/aws/lambda/mine": arn})
    update = session._update({"sessionResults": [
        live_result(arn, "s", 1, "by arn", 2),
        live_result(arn + ":*", "s", 2, "by arn with :*", 3),
        live_result("/aws/lambda/mine", "s", 3, "by name", 4),
        live_result(arn.replace("123456789012", "210987654321"), "s", 4, "same name, other spelling", 5),
        live_result(other, "s", 5, "another group", 6),
        live_result("/aws/lambda/theirs", "s", 6, "another group by name", 7),
        live_result("", "s", 7, "no group at all", 8),
    ]})
    assert [(e.log_group, e.message) for e in update.events] == [
        ("/aws/lambda/mine", "by arn"),
        ("/aws/lambda/mine", "by arn with :*"),
        ("/aws/lambda/mine", "by name"),
        ("/aws/lambda/mine", "same name, other spelling"),
    ]
    assert update.foreign == 3


def test_a_snapshot_of_another_group_is_not_delivered() -> None:
    """moto's answer: the session asked for /a, the snapshot holds /b's fresh events."""
    clock = FakeClock()
    t0 = clock.wall_ms()
    cw = FakeCloudWatch(clock.wall_ms)
    cw.put("/a", "s", t0 - 5_000, "mine", lag_ms=20)
    cw.create_group("/b")
    engine = make_engine(clock, cw, ["/a"], follow=True, start_ms=t0 - 900_000, live=True)
    delivered = drive(engine, clock, clock.time() + 3)
    now = clock.wall_ms()
    theirs = [live_result(cw.arn("/b"), "s", now - 500 + n, f"theirs {n}", now - 400 + n) for n in range(5)]
    snapshot = {"sessionUpdate": {"sessionMetadata": {"sampled": False}, "sessionResults": theirs}}
    session = LiveTailSession(FakeLiveClient(FakeLiveStream([START, snapshot])), {"/a": cw.arn("/a")},
                              clock=clock.time)
    end = session.run(lambda: engine.on_live_started(["/a"]), engine.on_live_update)
    assert end.reason == livetail.ENDED
    engine.on_live_ended(give_up=True, note="not live")
    delivered.extend(drive(engine, clock, clock.time() + 10))
    assert [e.message for e in delivered] == ["mine"]
    assert engine.foreign == 5


def test_the_engine_drops_other_groups_events_from_any_source() -> None:
    """Defence in depth: even a source that names a group wrongly cannot reach the view."""
    clock = FakeClock()
    t0 = clock.wall_ms()

    def stray(group: str) -> LogEvent:
        return LogEvent(t0 - 1_000, t0 - 900, group, "s", f"id-{group}", f"from {group}")

    def pages(client, group, **kwargs):
        # A page source that answers for the group asked, plus one event of another group.
        yield LogPage([stray(group), stray("/elsewhere")], None)

    cw = FakeCloudWatch(clock.wall_ms)
    engine = make_engine(clock, cw, ["/a"], follow=False, start_ms=t0 - 60_000, pages=pages)
    delivered = drive(engine, clock, clock.time() + 5)
    assert [e.message for e in delivered] == ["from /a"]
    live = make_engine(clock, cw, ["/a"], follow=True, start_ms=t0 - 60_000, live=True, pages=pages)
    live.on_live_started(["/a"])
    live.on_live_update(LiveUpdate([stray("/elsewhere")], sampled=False, foreign=2))
    assert len(live.reorder) == 0 and live.foreign == 3
    assert engine.foreign == 1
