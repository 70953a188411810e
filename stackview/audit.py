"""The local audit log: one JSON line per mutation (throttle, concurrency, alias weights, invoke).

Written before the UI shows the outcome, readable with `stackview audit`. It is also the fallback
record of a function's prior reserved concurrency when the function's own tag cannot be read.
No Textual, no boto3: callers pass what they know.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from stackview import locations

_lock = threading.Lock()


@dataclass(frozen=True)
class AuditEntry:
    action: str  # throttle, unthrottle, set-reserved-concurrency, alias-weight, invoke, ...
    target: str  # usually an ARN
    before: Any = None
    after: Any = None
    outcome: str = "ok"  # "ok", or "failed: <message>"
    caller: str = ""
    account: str = ""
    region: str = ""
    profile: str = ""
    time: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="milliseconds"))
    details: dict[str, Any] = field(default_factory=dict)


def record(entry: AuditEntry, path: Path | None = None) -> None:
    """Append one entry (one line, one write call, under a lock: lines never interleave)."""
    target = path or locations.audit_log_file()
    line = json.dumps(asdict(entry), default=str, sort_keys=True) + "\n"
    with _lock:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("a", encoding="utf-8") as handle:
            handle.write(line)


def entries(path: Path | None = None) -> Iterator[dict[str, Any]]:
    """Every entry, oldest first. A line that is not valid JSON (a torn write) is skipped."""
    source = path or locations.audit_log_file()
    if not source.exists():
        return
    with source.open(encoding="utf-8") as handle:
        for line in handle:
            try:
                value = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(value, dict):
                yield value
