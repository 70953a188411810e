"""Logs Insights for Lambda, without AWS: the canned queries, the language's words, completion.

The canned queries are the questions the Lambda console's Monitor tab answers with Insights,
written against the fields Insights discovers in Lambda logs (`@type`, `@duration`,
`@maxMemoryUsed` ... from REPORT lines) so they run on any Lambda log group, text or JSON format.
The vocabulary (commands, functions, Lambda's fields) is what the query editor completes; JSON
fields of the groups' own events are added by the caller (GetLogGroupFields where it exists).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence

from stackview.models.insights import SavedQuery

CANNED: tuple[SavedQuery, ...] = (
    SavedQuery(
        "recent-errors", title="Recent errors",
        query=("fields @timestamp, @requestId, @logStream, @message\n"
               "| filter @message like /ERROR|Task timed out|Runtime exited/\n"
               "| sort @timestamp desc\n"
               "| limit 100"),
    ),
    SavedQuery(
        "errors-by-message", title="Errors grouped by message",
        query=("filter @message like /ERROR/\n"
               "| parse @message /\\[ERROR\\]\\s+(?:\\d{4}-\\d\\d-\\d\\dT\\S+\\s+\\S+\\s+)?(?<textError>[^\\n]+)/\n"
               "| fields coalesce(textError, errorMessage, message) as error\n"
               "| stats count(*) as errors by error\n"
               "| sort errors desc\n"
               "| limit 50"),
    ),
    SavedQuery(
        "slowest-invocations", title="Slowest invocations",
        query=("filter @type = \"REPORT\"\n"
               "| fields @timestamp, @requestId, @duration, @billedDuration, @initDuration, @logStream\n"
               "| sort @duration desc\n"
               "| limit 25"),
    ),
    SavedQuery(
        "cold-starts", title="Cold starts over time",
        query=("filter @type = \"REPORT\"\n"
               "| stats count(*) as invocations, count(@initDuration) as coldStarts, "
               "avg(@initDuration) as avgInitMs by bin(5m)"),
    ),
    SavedQuery(
        "memory", title="Memory used vs configured",
        query=("filter @type = \"REPORT\"\n"
               "| stats max(@memorySize / 1000 / 1000) as configuredMB, "
               "max(@maxMemoryUsed / 1000 / 1000) as maxUsedMB, "
               "avg(@maxMemoryUsed / 1000 / 1000) as avgUsedMB, "
               "pct(@maxMemoryUsed / 1000 / 1000, 95) as p95UsedMB by @log"),
    ),
    SavedQuery(
        "timeouts", title="Timeouts",
        query=("fields @timestamp, @requestId, @logStream, @message\n"
               "| filter @message like /Task timed out|\"status\": ?\"timeout\"/\n"
               "| sort @timestamp desc\n"
               "| limit 100"),
    ),
    SavedQuery(
        "invocations-over-time", title="Invocations and duration over time",
        query=("filter @type = \"REPORT\"\n"
               "| stats count(*) as invocations, avg(@duration) as avgMs, max(@duration) as maxMs by bin(5m)"),
    ),
)

#: The fields Insights discovers in Lambda log groups (REPORT lines give most of them).
LAMBDA_FIELDS = ("@timestamp", "@message", "@logStream", "@log", "@ingestionTime", "@requestId",
                 "@type", "@duration", "@billedDuration", "@memorySize", "@maxMemoryUsed",
                 "@initDuration", "@xrayTraceId", "@ptr")
COMMANDS = ("fields", "filter", "stats", "sort", "limit", "parse", "display", "dedup", "unmask")
KEYWORDS = ("by", "as", "asc", "desc", "and", "or", "not", "like", "in", "bin(")
FUNCTIONS = ("count(", "count_distinct(", "sum(", "avg(", "min(", "max(", "pct(", "stddev(",
             "earliest(", "latest(", "sortsFirst(", "sortsLast(", "ispresent(", "isempty(",
             "isblank(", "coalesce(", "concat(", "strlen(", "toupper(", "tolower(", "trim(",
             "replace(", "abs(", "ceil(", "floor(", "greatest(", "least(", "datefloor(",
             "dateceil(", "fromMillis(", "toMillis(", "isValidIp(")

#: A word being typed: letters, digits, `_`, `.` (JSON paths), `@` (system fields), `$`.
_WORD = re.compile(r"[@$\w.]+$")


def all_queries(saved: Mapping[str, str] | None = None) -> list[SavedQuery]:
    """The user's saved queries (from the config, in its order), then the canned ones."""
    own = [SavedQuery(name, text, title=name, origin="saved") for name, text in (saved or {}).items()]
    return own + list(CANNED)


def find_query(name: str, saved: Mapping[str, str] | None = None) -> SavedQuery | None:
    """The query called `name`: a saved one first (the user's own wins), then a canned one."""
    for query in all_queries(saved):
        if query.name == name:
            return query
    return None


def vocabulary(fields: Iterable[str] = ()) -> list[str]:
    """Everything the editor completes: commands, keywords, functions, Lambda's fields and
    the `fields` discovered in the groups, each once."""
    return list(dict.fromkeys([*COMMANDS, *KEYWORDS, *FUNCTIONS, *LAMBDA_FIELDS, *fields]))


def word_before(line: str, column: int) -> str:
    """The word (as completion sees words) that ends at `column` of `line`."""
    match = _WORD.search(line[:column])
    return match.group() if match else ""


def completions(prefix: str, words: Sequence[str], *, limit: int = 12) -> list[str]:
    """Words that complete `prefix` (case-insensitive, shortest first), the prefix itself
    excluded. Nothing for an empty prefix: completion is offered once something is typed."""
    if not prefix:
        return []
    needle = prefix.lower()
    found = [w for w in words if w.lower().startswith(needle) and w.lower() != needle]
    found.sort(key=lambda w: (len(w), w.lower()))
    return found[:limit]


def json_fields(messages: Iterable[str], *, depth: int = 4, limit: int = 200) -> list[str]:
    """Dotted paths of the fields in JSON object messages (`record.metrics.durationMs`), most
    frequent first: what Insights discovers in JSON events, found from a sample of them where the
    endpoint cannot say itself (GetLogGroupFields)."""
    counts: dict[str, int] = {}

    def walk(value: object, prefix: str, level: int) -> None:
        if not isinstance(value, dict) or level > depth:
            return
        for key, inner in value.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(inner, dict) and inner:
                walk(inner, path, level + 1)
            else:
                counts[path] = counts.get(path, 0) + 1

    for message in messages:
        text = message.strip()
        if not text.startswith("{"):
            continue
        try:
            walk(json.loads(text), "", 1)
        except ValueError:
            continue
    return sorted(counts, key=lambda path: (-counts[path], path))[:limit]
