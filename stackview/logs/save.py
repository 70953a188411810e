"""Saving log lines to a file (Ctrl+S in the log view writes the lines shown, filter applied).

The format is `stackview logs`' text output (UTC times, function, message; control characters
as visible `\\xNN`), so a saved file and a piped tail read the same. The file goes to the current
directory, where the user ran stackview and will look for it; if that is not writable, to
stackview's data directory. No UI here: the log screen calls it from a thread worker (100,000
lines take a moment).
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from pathlib import Path

from stackview.logs.output import EventWriter
from stackview.logs.parse import LogParser
from stackview.models import LogEvent


class SaveError(OSError):
    """No folder could take the file; the message names each folder and why."""


def save_events(events: Sequence[LogEvent], scope: str, parser: LogParser, *, function_width: int = 20,
                folders: Sequence[Path] | None = None) -> Path:
    """Write `events` to a new file named after `scope` and the time; returns its path."""
    from stackview.locations import data_dir

    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", scope)[:60].strip("-") or "logs"
    name = f"stackview-logs-{slug}-{time.strftime('%Y%m%d-%H%M%S')}.log"
    problems = []
    for folder in folders if folders is not None else (Path.cwd(), data_dir()):
        path = folder / name
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with path.open("w", encoding="utf-8") as stream:
                writer = EventWriter(stream, output="text", parser=parser, function_width=function_width)
                writer.write(list(events))
                writer.flush()
        except OSError as exc:
            problems.append(f"{folder}: {exc.strerror or exc}")
            continue
        return path
    raise SaveError("; ".join(problems))
