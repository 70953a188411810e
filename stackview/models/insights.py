"""CloudWatch Logs Insights: a query, where it stands, and what it answered.

Insights answers every value as a string and names each field as the query wrote it (`count(*)`,
an `as` alias, `bin(5m)`); rows may lack fields another row has. The models keep exactly that:
a row is the ordered (field, value) pairs AWS sent, nothing converted, so the table, the chart
and `stackview query --output json` all start from what AWS said.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

#: GetQueryResults statuses; the last four end a query.
SCHEDULED, RUNNING, COMPLETE, FAILED, CANCELLED, TIMEOUT, UNKNOWN = (
    "Scheduled", "Running", "Complete", "Failed", "Cancelled", "Timeout", "Unknown")
FINISHED = frozenset({COMPLETE, FAILED, CANCELLED, TIMEOUT, UNKNOWN})
#: The field Insights adds to rows that come from one event (a pointer for GetLogRecord).
PTR = "@ptr"


@dataclass(frozen=True)
class QueryStatistics:
    """What the query has read so far (updated while it runs, final once it is Complete)."""

    records_matched: float = 0.0
    records_scanned: float = 0.0
    bytes_scanned: float = 0.0
    log_groups_scanned: float | None = None

    @classmethod
    def from_api(cls, raw: dict | None) -> QueryStatistics:
        raw = raw or {}

        def number(key: str) -> float:
            value = raw.get(key)
            return float(value) if isinstance(value, (int, float)) else 0.0

        groups = raw.get("logGroupsScanned")
        return cls(number("recordsMatched"), number("recordsScanned"), number("bytesScanned"),
                   float(groups) if isinstance(groups, (int, float)) else None)


@dataclass(frozen=True)
class ResultRow:
    """One result row: (field, value) pairs in the order AWS sent them, values as strings."""

    cells: tuple[tuple[str, str], ...]

    @classmethod
    def from_api(cls, raw: Iterable[dict]) -> ResultRow:
        return cls(tuple((str(cell.get("field", "")), str(cell.get("value", ""))) for cell in raw))

    def get(self, name: str, default: str | None = None) -> str | None:
        for key, value in self.cells:
            if key == name:
                return value
        return default

    def as_dict(self) -> dict[str, str]:
        return dict(self.cells)

    def fields(self) -> Iterator[str]:
        return (key for key, _ in self.cells)


def columns_of(rows: Sequence[ResultRow], *, hidden: frozenset[str] = frozenset({PTR})) -> list[str]:
    """Every field name in the rows, in the order first met (Insights leaves out a row's null
    fields, so one row rarely has them all), without the `hidden` ones."""
    seen: dict[str, None] = {}
    for row in rows:
        for name in row.fields():
            if name not in hidden:
                seen.setdefault(name, None)
    return list(seen)


@dataclass(frozen=True)
class QueryResults:
    """One GetQueryResults answer (all its pages)."""

    status: str
    rows: tuple[ResultRow, ...] = ()
    statistics: QueryStatistics = field(default_factory=QueryStatistics)

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def columns(self) -> list[str]:
        return columns_of(self.rows)


@dataclass(frozen=True)
class QueryInfo:
    """A query DescribeQueries knows of (this account's recent and running queries)."""

    query_id: str
    query: str
    status: str
    create_time_ms: int | None = None
    log_group: str = ""


@dataclass(frozen=True)
class QueryScope:
    """The log groups a query runs over: at most `limit` (StartQuery takes 50); the rest are
    named in `left_out`, so the UI and the CLI can say which were not queried."""

    groups: tuple[str, ...]
    left_out: tuple[str, ...] = ()

    @classmethod
    def of(cls, groups: Iterable[str], limit: int) -> QueryScope:
        unique = list(dict.fromkeys(groups))
        return cls(tuple(unique[:limit]), tuple(unique[limit:]))

    def note(self) -> str:
        """One line on what was left out, or ""."""
        if not self.left_out:
            return ""
        total = len(self.groups) + len(self.left_out)
        return (f"querying {len(self.groups)} of {total} log groups (a query takes at most "
                f"{len(self.groups)}); left out: {', '.join(self.left_out[:3])}"
                + (" ..." if len(self.left_out) > 3 else ""))


@dataclass(frozen=True)
class SavedQuery:
    """A query with a name: one of stackview's canned queries or one of the user's own."""

    name: str
    query: str
    title: str = ""
    #: "canned" (stackview's) or "saved" (the user's config).
    origin: str = "canned"
