"""CloudWatch Logs filter patterns, evaluated locally exactly as AWS evaluates them.

stackview sends the user's pattern to CloudWatch *and* runs it here: to re-filter the buffered
events when the pattern changes (no new query), to highlight what matched, and because emulators
(moto) ignore most of the syntax. So this matcher follows AWS's recorded behaviour, quirks
included; the rules are in `shared/guides/filter-patterns.md`.

    matcher = compile_pattern('{ $.level = "ERROR" && $.latency_ms > 500 }')
    matcher.matches(message)          # one event
    list(matcher.filter(messages))    # indexes of the matching events (fast path)
    matcher.spans(message)            # [start, end) ranges to highlight (term patterns)

The kind is chosen by the first character, as AWS does: `{` JSON, `[` space-delimited, anything
else a term pattern (a lone `%regex%` included); an empty pattern matches everything. Invalid
patterns raise `FilterPatternError` with the offending token's offset.

Implementation: `matcher` (Matcher, compile_pattern), `terms`, `json_parse` + `json_eval`,
`delimited`, `regex`, `values`, `errors`. Import from this package, not from its modules.
"""

from stackview.logs.filter_pattern.errors import MAX_PATTERN_LENGTH, FilterPatternError
from stackview.logs.filter_pattern.matcher import Matcher, compile_pattern

__all__ = ["MAX_PATTERN_LENGTH", "FilterPatternError", "Matcher", "compile_pattern"]
