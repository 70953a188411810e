"""One rule for control characters (stackview.models.controls) in its three uses: the screen
(widgets.literal), `stackview logs`' text and JSON output (logs.output), the commands' values
(commands.safe_text); and `--output json` saying which request each line belongs to."""

from __future__ import annotations

import io
import json

import pytest

from stackview.commands.safe_text import clean, one_line
from stackview.logs.output import EventWriter
from stackview.models import LogEvent
from stackview.widgets.literal import neutralize

HOSTILE = "esc \x1b[31m bel \x07 nul \x00 csi \x9b2J rlo \u202eevil\u202c isolate \u2066x\u2069 lre \u202a"
RAW = ["\x1b", "\x07", "\x00", "\x9b", "\u202e", "\u202c", "\u2066", "\u2069", "\u202a"]


def event(ts: int, message: str, stream: str = "s") -> LogEvent:
    return LogEvent(ts, ts, "/aws/lambda/f", stream, str(ts), message)


def written(events: list[LogEvent], output: str) -> str:
    stream = io.StringIO()
    EventWriter(stream, output=output).write(events)
    return stream.getvalue()


@pytest.mark.parametrize("render", [
    lambda text: neutralize(text),
    lambda text: neutralize(text, keep_newlines=True),
    clean,
    one_line,
    lambda text: written([event(1, text)], "text"),
    lambda text: written([event(1, text)], "json"),
], ids=["screen", "screen-multiline", "clean", "one_line", "logs-text", "logs-json"])
def test_no_control_or_bidi_character_gets_through(render) -> None:
    out = render(HOSTILE)
    assert not [c for c in RAW if c in out]


def test_how_they_are_shown() -> None:
    assert neutralize("a\x1bb\u202ec") == "a␛b\\u202ec"
    assert clean("a\x1bb\u202ec\td\ne") == "a\\x1bb\\u202ec\td\ne"
    assert "\\u202e" in written([event(1, "x\u202ey")], "text")


def test_json_output_decodes_to_the_message_as_it_was() -> None:
    line = written([event(1, HOSTILE)], "json")
    assert json.loads(line)["message"] == HOSTILE


def test_json_output_ties_every_line_to_its_request() -> None:
    events = [event(1, "START RequestId: r1 Version: $LATEST\n"),
              event(2, "[ERROR] Boom: no\nTraceback (most recent call last):\n"),
              event(3, "print\n", stream="other"),
              event(4, "END RequestId: r1\n"),
              event(5, "after\n")]
    rows = [json.loads(line) for line in written(events, "json").splitlines()]
    assert [(r.get("requestId"), r.get("requestIdFrom")) for r in rows] == [
        ("r1", "line"), ("r1", "stream"), (None, None), ("r1", "line"), (None, None)]
