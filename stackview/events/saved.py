"""Test events saved per function in the user's data directory.

Layout: `<data_dir>/events/<function name>/<event name>.json`, one pretty-printed JSON file per
event, so users can read, diff and copy them with ordinary tools. Names are checked before they
touch the filesystem (no separators, no dot files, no traversal), and writes go through a
temporary file and `os.replace`, so a crash never leaves half an event behind.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from stackview import locations
from stackview.events import validate
from stackview.models.arns import bare_function_name
from stackview.models.invoke import SAVED, TestEvent

#: Letters, digits, dot, hyphen, underscore; not starting with a dot. The Lambda console allows
#: the same characters for test event names (25 at most there; shared events check that).
_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*$")
MAX_NAME = 64
_FUNCTION = re.compile(r"^[A-Za-z0-9_-]{1,140}$")
SUFFIX = ".json"


class EventStoreError(Exception):
    """A problem with a saved event, phrased for the user."""


class InvalidName(EventStoreError, ValueError):
    pass


class EventNotFound(EventStoreError, LookupError):
    pass


class EventExists(EventStoreError):
    pass


def check_name(name: str, *, max_length: int = MAX_NAME) -> str:
    """Return `name` if it is a valid event name, else raise InvalidName saying why."""
    if not name:
        raise InvalidName("an event name cannot be empty")
    if len(name) > max_length:
        raise InvalidName(f"event names have at most {max_length} characters ({name[:20]}… has {len(name)})")
    if not _NAME.match(name):
        raise InvalidName(
            f"'{name}' is not a valid event name: use letters, digits, '.', '-' and '_' "
            "(not starting with '.')"
        )
    return name


def function_name(function: str) -> str:
    """The bare function name of a name, `name:qualifier`, full or partial ARN.

    Events belong to the function, not to one of its versions or aliases: the same event is
    sent to `$LATEST` and to `live`.
    """
    name = bare_function_name(function)
    if not _FUNCTION.match(name):
        raise InvalidName(f"'{function}' is not a Lambda function name or ARN")
    return name


def events_dir(function: str) -> Path:
    return locations.data_dir() / "events" / function_name(function)


def _path(function: str, name: str) -> Path:
    return events_dir(function) / f"{check_name(name)}{SUFFIX}"


def list_names(function: str) -> list[str]:
    """The saved event names of a function, sorted case-insensitively."""
    folder = events_dir(function)
    if not folder.is_dir():
        return []
    names = [p.name[: -len(SUFFIX)] for p in folder.iterdir() if p.name.endswith(SUFFIX) and p.is_file()]
    return sorted((n for n in names if _NAME.match(n)), key=lambda n: (n.lower(), n))


def list_events(function: str) -> list[TestEvent]:
    """Every saved event of a function, loaded (a file that cannot be read is skipped)."""
    events = []
    for name in list_names(function):
        try:
            events.append(load(function, name))
        except EventStoreError:
            continue
    return events


def load(function: str, name: str) -> TestEvent:
    path = _path(function, name)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EventNotFound(f"no saved event '{name}' for {function_name(function)}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EventStoreError(f"cannot read {path}: {exc}") from None
    return TestEvent(name=name, source=SAVED, text=text, description=str(path))


def save(function: str, name: str, text: str, *, overwrite: bool = True) -> Path:
    """Save `text` (valid JSON, stored pretty-printed) as `name`; returns the file's path.

    Invalid JSON is refused with its line and column: a saved event must be sendable.
    """
    path = _path(function, name)
    checked = validate.check(text)
    if checked.problem is not None:
        raise EventStoreError(f"not saved: {checked.problem.describe()}")
    if not overwrite and path.exists():
        raise EventExists(f"an event named '{name}' already exists for {function_name(function)}")
    _write_atomically(path, validate.dumps(checked.value))
    return path


def rename(function: str, old: str, new: str) -> Path:
    source, target = _path(function, old), _path(function, new)
    if not source.exists():
        raise EventNotFound(f"no saved event '{old}' for {function_name(function)}")
    if old == new:
        return source
    if target.exists() and not _same_file(source, target):
        raise EventExists(f"an event named '{new}' already exists for {function_name(function)}")
    os.replace(source, target)  # same directory: atomic; also handles a change of case only
    return target


def delete(function: str, name: str) -> None:
    path = _path(function, name)
    try:
        path.unlink()
    except FileNotFoundError:
        raise EventNotFound(f"no saved event '{name}' for {function_name(function)}") from None
    try:
        path.parent.rmdir()  # drop the function's folder once it is empty
    except OSError:
        pass


def _same_file(a: Path, b: Path) -> bool:
    """True on case-insensitive filesystems when only the case of the name changes."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=SUFFIX, dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
