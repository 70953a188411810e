"""Saving log lines to a file (stackview.logs.save): the format of `stackview logs`, and the
fallback folder when the first cannot take the file."""

from __future__ import annotations

import pytest

from stackview.logs.parse import LogParser
from stackview.logs.save import SaveError, save_events
from stackview.models import LogEvent


def test_save_falls_back_to_the_next_folder(tmp_path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    events = [LogEvent(1_795_000_000_000, 0, "/aws/lambda/fn", "s", "1", "line \x1b[31m\n")]
    path = save_events(events, "fn / prod", LogParser(), folders=[blocked, tmp_path / "data"])
    assert path.parent == tmp_path / "data" and path.name.startswith("stackview-logs-fn-prod-")
    assert path.read_text().rstrip("\n").endswith("line \\x1b[31m")
    with pytest.raises(SaveError, match="a-file"):
        save_events(events, "fn", LogParser(), folders=[blocked])
