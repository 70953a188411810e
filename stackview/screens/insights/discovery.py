"""What the Insights screen learns in threads before a query: the groups, and their fields.

The groups come from `stackview.aws.log_sources` as the log view's do. The fields come from
GetLogGroupFields where the endpoint has it; elsewhere (emulators) from a sample of the groups'
recent events, whose JSON fields are listed by dotted path (`stackview.logs.insights.json_fields`).
Both run through `run_in_thread`; these functions block.
"""

from __future__ import annotations

from collections.abc import Sequence

from stackview.aws.insights import log_group_fields
from stackview.aws.log_sources import resolve_sources
from stackview.aws.recent_events import read_back
from stackview.aws.session import AwsSession
from stackview.logs.insights import json_fields

#: Groups whose fields are asked for (each one a call), and the sample read where that fails.
FIELD_GROUPS = 10
SAMPLE_GROUPS = 3
SAMPLE_EVENTS = 200
SAMPLE_LOOK_BACK_MS = 3_600_000


def resolve_groups(session: AwsSession, stack: str | None,
                   functions: Sequence[str]) -> tuple[list[str], dict[str, str], list[str]]:
    """(groups, group -> function label, warnings) of a stack or of functions."""
    resolution = resolve_sources(session, stack=stack, functions=functions)
    return [s.log_group for s in resolution.sources], resolution.functions_by_group, list(resolution.warnings)


def discover_fields(session: AwsSession, groups: Sequence[str], now_ms: int) -> list[str]:
    """Field names found in the groups (most frequent first); [] when nothing can be learnt."""
    try:
        return log_group_fields(session, groups[:FIELD_GROUPS])
    except Exception:  # noqa: BLE001 - not every endpoint has GetLogGroupFields: sample instead
        pass
    messages: list[str] = []
    for group in groups[:SAMPLE_GROUPS]:
        try:
            found = read_back(session, group, now_ms=now_ms, max_look_back_ms=SAMPLE_LOOK_BACK_MS,
                              max_events=SAMPLE_EVENTS, enough=lambda events: len(events) >= SAMPLE_EVENTS)
        except Exception:  # noqa: BLE001 - completion is a convenience: a group that fails is skipped
            continue
        messages.extend(event.message for event in found.events)
    return json_fields(messages)
