"""FilterLogEvents in the demo world evaluates filter patterns as CloudWatch Logs does.

moto's `EventMessageFilter` understands a bare term or a quoted phrase and lets every other
pattern (JSON `{ $.level = "ERROR" }`, space-delimited `[ip, user, ...]`, `?a ?b`, `-term`,
`%regex%`) match every event, and never rejects an invalid one. Tools pointed at the demo world
(stackview's own log view, the AWS CLI, saw, ...) would then show unfiltered logs. This module
swaps moto's class for an adapter over stackview's engine (`stackview.logs.filter_pattern`,
which follows AWS's recorded behaviour) and answers an invalid pattern with AWS's
`InvalidParameterException` (HTTP 400).

`install()` must run before `stackview.demo.server.backends.apply()`, whose FilterLogEvents
replacement binds the class when it is applied; the demo server does it in that order.
"""

from __future__ import annotations

from typing import Any

_installed = False


class PatternFilter:
    """What moto calls `EventMessageFilter(pattern).matches(message)`, on our engine."""

    def __init__(self, pattern: str) -> None:
        from moto.logs.exceptions import InvalidParameterException

        from stackview.logs.filter_pattern import FilterPatternError, compile_pattern

        try:
            self._matcher = compile_pattern(pattern or "")
        except FilterPatternError as error:
            raise InvalidParameterException(msg=f"Invalid filter pattern: {error.message}") from None

    def matches(self, message: str) -> bool:
        return self._matcher.matches(message)


def install() -> None:
    """Replace moto's filter class wherever moto's logs package looks it up (idempotent)."""
    global _installed
    if _installed:
        return
    import moto.logs.models as models
    import moto.logs.utils as utils

    replacement: Any = PatternFilter
    utils.EventMessageFilter = replacement
    models.EventMessageFilter = replacement
    _installed = True
