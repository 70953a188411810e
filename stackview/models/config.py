"""The settings read from stackview's config file, and the problems found in config and theme files.

Plain frozen dataclasses (stdlib only) so every layer can take a `Config` without importing the
YAML reader. Validation lives in `stackview.config`; theme files in `stackview.themes`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

TIMESTAMP_MODES = ("relative", "local", "utc")
DEFAULT_THEME = "stackview-dark"
#: The same figures as `stackview.logs.buffer.DEFAULT_CAPACITY` and `stackview.logs.budget.
#: DEFAULT_RATE` (a unit test keeps them equal; models import nothing of ours).
DEFAULT_BUFFER_LINES = 100_000
DEFAULT_REQUESTS_PER_SECOND = 4.0


def _short(path: Path) -> str:
    """`~/.config/stackview/config.yaml` rather than the full home path (messages stay short)."""
    try:
        return f"~/{path.relative_to(Path.home())}"
    except (ValueError, RuntimeError):  # not under home, or no home directory at all
        return str(path)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a config or theme file, phrased for the person who wrote the file."""

    file: Path
    key: str
    """Where in the file: a key path such as `profiles.prod.theme` or `keymap["app.quit"]`
    (empty when the problem concerns the whole file)."""
    message: str
    line: int | None = None
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = f"{_short(self.file)}:{self.line}" if self.line else _short(self.file)
        key = f" {self.key}:" if self.key else ""
        label = " warning:" if self.severity == "warning" else ""
        return f"{where}:{key}{label} {self.message}"


@dataclass(frozen=True)
class ProfileSettings:
    """Settings that apply only while stackview uses one AWS profile."""

    theme: str | None = None
    """Theme for this profile (for example red accents for production); unset: the global theme."""
    read_only: bool | None = None
    """Hide every action that changes something in AWS; unset: the global `read_only`."""


@dataclass(frozen=True)
class LogSettings:
    buffer_lines: int = DEFAULT_BUFFER_LINES
    """Log events kept in memory per log view; the oldest are dropped (and counted) beyond it."""
    requests_per_second: float = DEFAULT_REQUESTS_PER_SECOND
    """FilterLogEvents calls per second shared by every group a tail follows (the account's
    quota is about 5/s, shared with every other tool using the account)."""


@dataclass(frozen=True)
class HealthSettings:
    window_minutes: int = 15
    """Health figures (Stacks list, Functions tabs, `:functions`, the pulse) cover this many
    minutes, ending now."""
    refresh_seconds: int = 60
    """Seconds between two health sweeps (GetMetricData) of the screen on top; a sweep starts
    only when the previous one has finished."""
    error_rate_threshold: float = 5.0
    """A stack or function whose error rate reaches this percentage stands out (as one with an
    alarm in ALARM does)."""
    detail_calls_per_minute: int = 60
    """Per-function calls (GetFunctionConcurrency, for rows on screen) allowed per minute."""


@dataclass(frozen=True)
class Config:
    """The effective settings: what the file says where it is valid, defaults elsewhere."""

    default_profile: str | None = None
    """AWS profile used when --profile is not given (as if it were given)."""
    default_region: str | None = None
    """Region used when --region is not given (as if it were given)."""
    theme: str = DEFAULT_THEME
    """Theme name: one of stackview's, your own (themes directory) or one of Textual's."""
    read_only: bool = False
    """Hide every mutating action for every profile (--read-only always wins)."""
    timestamps: str = "local"
    """How log times are first shown: relative, local or utc (`t` cycles in the log view)."""
    logs: LogSettings = field(default_factory=LogSettings)
    health: HealthSettings = field(default_factory=HealthSettings)
    keymap: Mapping[str, str] = field(default_factory=dict)
    """Binding id -> comma-separated keys, as Textual's `App.set_keymap` expects."""
    profiles: Mapping[str, ProfileSettings] = field(default_factory=dict)
    """AWS profile name -> settings for that profile only."""
    queries: Mapping[str, str] = field(default_factory=dict)
    """Your own Logs Insights queries: name -> query text (`:insights` lists them, `stackview
    query --canned NAME` runs them; a name shared with a canned query means yours)."""


@dataclass(frozen=True)
class Known:
    """Names to cross-check a config file's references against; `None` skips that check."""

    themes: frozenset[str] | None = None
    broken_themes: frozenset[str] = frozenset()
    """Themes whose files have errors (reported with their own problems)."""
    binding_ids: frozenset[str] | None = None
    aws_profiles: frozenset[str] | None = None
