"""The function screen's Triggers tab: what invokes the function and where its failures go.

One table holds every trigger: event source mappings (state, batch size, SQS maximum
concurrency, the queue's depth and oldest message, a stream's iterator age, the last processing
result), each SQS queue's dead-letter queue under its mapping (depth, a redrive's progress),
the services the resource policy lets in (API Gateway, S3, EventBridge, SNS, with the source
ARN), and the function's own dead-letter queue or topic. Asynchronous invocation settings are
the line above the table; the selected row's full details are below it. The queue levers act on
the selected row (flows in `stackview.screens.levers.sources`). The tab polls every 30 s, and
every 3 s while a redrive runs (its progress moves) or a mapping is
Enabling or Disabling.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from stackview.aws.sources import read_triggers
from stackview.models.functions import Unavailable
from stackview.models.sources import (
    AsyncConfig,
    DeadLetterTarget,
    EventSourceMapping,
    MappingSource,
    PolicyTrigger,
    QueueDepth,
    RedriveTask,
    Triggers,
    age_text,
    arn_resource_name,
    max_concurrency_text,
    messages_text,
)
from stackview.widgets.alarm_table import state_cell
from stackview.widgets.data_panel import DataPanel
from stackview.widgets.format import short_time
from stackview.widgets.literal import literal_text
from stackview.widgets.record_table import Record, RecordTable
from stackview.widgets.styles import style_for
from stackview.widgets.tabbed import TAB_PANEL, TableTab

COLUMNS = ("Trigger", "Source", "State", "Batch", "Max conc.", "Messages", "Oldest", "Last result")
#: Seconds between polls, and while a redrive runs or a mapping changes state.
POLL = 30.0
POLL_REDRIVE = 3.0
TRANSITIONAL = ("Creating", "Enabling", "Disabling", "Updating", "Deleting")
KIND_LABELS = {"sqs": "SQS", "kinesis": "Kinesis", "dynamodb": "DynamoDB", "kafka": "Kafka",
               "mq": "MQ", "docdb": "DocumentDB"}


@dataclass(frozen=True)
class TriggerRow:
    """What a row of the table stands for: a mapping (with its source), a mapping's dead-letter
    queue, a resource-policy trigger, or the function's own dead-letter target."""

    kind: str  # mapping, dead-letter, policy, function-dead-letter
    source: MappingSource | None = None
    policy: PolicyTrigger | None = None
    target: DeadLetterTarget | None = None
    redrive: RedriveTask | None = None

    @property
    def mapping(self) -> EventSourceMapping | None:
        return self.source.mapping if self.source else None

    @property
    def queue(self) -> QueueDepth | None:
        """The queue this row shows (the source queue, a DLQ), for `o` and the detail."""
        if self.kind == "mapping" and self.source:
            return self.source.queue
        if self.kind == "dead-letter" and self.source:
            return self.source.dead_letter
        if self.kind == "function-dead-letter" and self.target:
            return self.target.queue
        return None


# -- pure text (tested without a screen) -------------------------------------------------------

def event_age_text(seconds: int | None) -> str:
    return "6 h (default)" if seconds is None else age_text(seconds)


def async_text(config: AsyncConfig) -> str:
    """`$LATEST: retries 2, max event age 6 h (default), on failure -, on success -`."""
    retries = "2 (default)" if config.max_retries is None else str(config.max_retries)
    return (f"{config.qualifier}: retries {retries}, max event age {event_age_text(config.max_event_age)}, "
            f"on failure {arn_resource_name(config.on_failure) if config.on_failure else '-'}, "
            f"on success {arn_resource_name(config.on_success) if config.on_success else '-'}")


def policy_source(trigger: PolicyTrigger) -> str:
    """What the statement lets in: the source ARN's resource, or `any of account N`."""
    if trigger.source_arn:
        parts = trigger.source_arn.split(":", 5)
        return parts[5] if len(parts) == 6 else trigger.source_arn
    if trigger.source_account:
        return f"any in account {trigger.source_account}"
    return "any source"


def redrive_cell(task: RedriveTask) -> str:
    """The redrive in a narrow cell: `redriving 3/10`, `redriven 60`, `redrive stopped 3/10`,
    `redrive FAILED` (the detail below the table has the whole story)."""
    of = f"/{task.to_move}" if task.to_move is not None else ""
    if task.status == "RUNNING":
        return f"redriving {task.moved}{of}"
    if task.status == "COMPLETED":
        return f"redriven {task.moved}"
    if task.status in ("CANCELLED", "CANCELLING"):
        return f"redrive stopped {task.moved}{of}"
    return f"redrive {task.status}"


def _invokes(qualifier: str) -> str:
    return f" -> {qualifier}" if qualifier else ""


def rows_of(triggers: Triggers) -> list[tuple[str, tuple[str, ...], TriggerRow]]:
    """(key, plain cells, row) for every row of the table, in order."""
    rows: list[tuple[str, tuple[str, ...], TriggerRow]] = []
    if not isinstance(triggers.mappings, Unavailable):
        for source in triggers.mappings:
            m = source.mapping
            oldest = age_text(source.queue.oldest_age) if source.queue else (
                f"iterator {age_text(source.iterator_age / 1000)}" if source.iterator_age is not None else "-")
            rows.append((m.uuid, (
                KIND_LABELS.get(m.kind, m.kind), m.source_name + _invokes(m.qualifier), m.state,
                "-" if m.batch_size is None else str(m.batch_size),
                max_concurrency_text(m.max_concurrency) if m.is_sqs else "-",
                messages_text(source.queue), oldest, m.last_processing_result or "-"),
                TriggerRow("mapping", source)))
            if source.dead_letter is not None:
                dead = source.dead_letter
                task = triggers.redrive_of(dead.arn)
                state = redrive_cell(task) if task else "-"
                rows.append((f"dlq:{m.uuid}", (
                    "└ DLQ", dead.name, state, "-", "-", messages_text(dead), age_text(dead.oldest_age), "-"),
                    TriggerRow("dead-letter", source, redrive=task)))
    if not isinstance(triggers.policy, Unavailable):
        for index, trigger in enumerate(triggers.policy):
            rows.append((f"policy:{index}:{trigger.sid}:{trigger.qualifier}", (
                trigger.kind, policy_source(trigger) + _invokes(trigger.qualifier), "allowed",
                "-", "-", "-", "-", "-"), TriggerRow("policy", policy=trigger)))
    target = triggers.dead_letter
    if target is not None:
        kind = "SQS" if target.kind == "sqs" else "SNS" if target.kind == "sns" else target.kind
        rows.append(("function-dlq", (
            f"Async DLQ ({kind})", arn_resource_name(target.arn), "-", "-", "-",
            messages_text(target.queue) if target.queue else "- (topic)",
            age_text(target.queue.oldest_age) if target.queue else "-", "-"),
            TriggerRow("function-dead-letter", target=target)))
    return rows


def detail_lines(row: TriggerRow) -> list[str]:
    """The selected row's full details, plain (ARNs whole: the table cuts them)."""
    lines: list[str] = []
    if row.kind == "mapping" and row.source:
        m = row.source.mapping
        lines.append(f"Mapping {m.uuid}  {m.state}" + (f" ({m.state_reason})" if m.state_reason else "")
                     + f", modified {short_time(m.last_modified)}")
        lines.append(f"Source  {m.source_arn}")
        lines.append(f"Invokes {m.function_arn}")
        extras = []
        if m.batching_window:
            extras.append(f"batching window {m.batching_window} s")
        if m.filters:
            extras.append(f"{m.filters} filter" + ("s" if m.filters > 1 else ""))
        if m.starting_position:
            extras.append(f"starting position {m.starting_position}")
        if m.on_failure:
            extras.append(f"on failure {m.on_failure}")
        queue = row.source.queue
        if queue is not None:
            if queue.error:
                extras.append(f"queue depth unknown: {queue.error}")
            elif queue.delayed:
                extras.append(f"{queue.delayed} delayed")
            if queue.dead_letter_arn:
                extras.append(f"dead-letter queue after {queue.max_receive_count} receives")
        if extras:
            lines.append(", ".join(extras))
    elif row.kind == "dead-letter" and row.source and row.source.dead_letter:
        dead = row.source.dead_letter
        lines.append(f"Dead-letter queue {dead.arn}")
        lines.append(f"of {row.source.mapping.source_arn}")
        if row.redrive:
            task = row.redrive
            lines.append(f"Redrive {task.progress_text()}, to {task.destination_arn or 'the source queues'}"
                         + (f", started {short_time(task.started)}" if task.started else ""))
    elif row.kind == "policy" and row.policy:
        p = row.policy
        lines.append(f"{p.kind}: {p.principal} may {p.action}" + (f" on {p.qualifier}" if p.qualifier else ""))
        lines.append(f"Source  {p.source_arn or '-'}" + (f"  account {p.source_account}" if p.source_account else ""))
        lines.append(f"Statement {p.sid}")
    elif row.kind == "function-dead-letter" and row.target:
        lines.append("The function's dead-letter target (asynchronous invocations that failed every retry)")
        lines.append(row.target.arn)
        if row.target.queue is None:
            lines.append("A topic holds no messages: its subscribers received them.")
    return lines


class TriggersPanel(TableTab, DataPanel):
    """Event source mappings, queues, policy triggers, async settings and dead letters."""

    DEFAULT_CSS = """
    TriggersPanel #triggers-summary { padding: 0 1; height: auto; }
    TriggersPanel #trigger-detail { padding: 0 1; height: auto; max-height: 6; color: $foreground-muted; }
    """

    tab_title = "Triggers"
    auto_refresh = POLL
    load_when_shown = True  # a tab never opened costs no request

    def __init__(self, function: str) -> None:
        super().__init__(classes=TAB_PANEL, id="triggers-panel")
        self.function = function

    def compose_content(self) -> ComposeResult:
        yield Static(id="triggers-summary")
        yield RecordTable(COLUMNS, max_widths={"Source": 44, "Last result": 24, "State": 30})
        yield Static(classes="empty-note", id="triggers-empty")
        yield Static(id="trigger-detail")

    def fetch(self) -> Triggers:
        return read_triggers(self.host.session, self.function, now=self.host.clock())

    def show(self, triggers: Triggers) -> None:
        running = not isinstance(triggers.redrives, Unavailable) and any(t.running for t in triggers.redrives)
        changing = not isinstance(triggers.mappings, Unavailable) and any(
            s.mapping.state in TRANSITIONAL for s in triggers.mappings)
        running = running or changing  # Disabling -> Disabled takes seconds: show when it is done
        if running != (self.auto_refresh == POLL_REDRIVE):
            self.auto_refresh = POLL_REDRIVE if running else POLL
            self._schedule_next()
        self.query_one("#triggers-summary", Static).update(self._summary(triggers))
        records = [Record(key, self._cells(cells, row), row) for key, cells, row in rows_of(triggers)]
        self.query_one(RecordTable).set_records(records)
        note = self.query_one("#triggers-empty", Static)
        note.update("Nothing invokes this function: no event source mapping, no resource policy."
                    if not records and not isinstance(triggers.mappings, Unavailable) else "")
        note.display = bool(str(note.render()))
        self.refresh_title()
        self._show_selected()

    def _cells(self, cells: tuple[str, ...], row: TriggerRow) -> tuple[Text, ...]:
        muted = style_for(self.app, "sv-muted")
        bad = style_for(self.app, "sv-level-error")
        warn = style_for(self.app, "sv-level-warn")
        styles: list[Any] = ["bold", "", "", muted, "", "", "", muted]
        mapping = row.mapping
        if row.kind == "mapping" and mapping is not None:
            styles[2] = style_for(self.app, "sv-status-complete") if mapping.state == "Enabled" else warn
            if mapping.last_processing_result.startswith("PROBLEM"):
                styles[7] = bad
        if row.kind in ("dead-letter", "function-dead-letter"):
            styles[0] = muted
            queue = row.queue
            if queue is not None and queue.visible:
                styles[5] = bad
            if row.redrive is not None and row.redrive.running:
                styles[2] = style_for(self.app, "sv-status-in-progress")
        if row.kind == "policy":
            styles[2] = muted
        return tuple(literal_text(cell, style) for cell, style in zip(cells, styles))

    def _summary(self, triggers: Triggers) -> Text:
        muted = style_for(self.app, "sv-muted")
        warn = style_for(self.app, "sv-level-warn")
        text = Text(end="")
        text.append("Async  ", style=muted)
        configs = triggers.async_configs
        if isinstance(configs, Unavailable):
            text.append_text(literal_text(f"asynchronous settings unknown: {configs.reason}", warn))
        elif not configs:
            text.append("defaults: 2 retries, max event age 6 h, no destinations", style=muted)
        else:
            text.append_text(literal_text("; ".join(async_text(c) for c in configs)))
        alarms = triggers.alarms
        if not isinstance(alarms, Unavailable) and alarms:
            text.append("\nAlarms ", style=muted)
            for index, alarm in enumerate(alarms):
                text.append(" " if index == 0 else ", ")
                text.append_text(literal_text(alarm.name))
                text.append(" ")
                text.append_text(state_cell(self.app, alarm.state))
        for label, part in (("Mappings", triggers.mappings), ("Resource policy", triggers.policy),
                            ("Redrive progress", triggers.redrives), ("Alarms", triggers.alarms)):
            if isinstance(part, Unavailable):
                text.append("\n")
                text.append_text(literal_text(f"{label}: {part.reason}", warn))
        if triggers.metrics_error:
            text.append("\n")
            text.append_text(literal_text(f"Ages unknown (CloudWatch): {triggers.metrics_error}", warn))
        return text

    def _show_selected(self) -> None:
        row: TriggerRow | None = self.selected_value()
        detail = self.query_one("#trigger-detail", Static)
        detail.update(literal_text("\n".join(detail_lines(row)), keep_newlines=True) if row else "")

    def on_data_table_row_highlighted(self, _event) -> None:
        self._show_selected()

    def selected_row(self) -> TriggerRow | None:
        return self.selected_value()

    def copy_value(self) -> str | None:
        row = self.selected_row()
        if row is None:
            return None
        if row.kind == "mapping" and row.mapping:
            return row.mapping.arn or row.mapping.uuid
        if row.queue is not None:
            return row.queue.arn
        if row.policy is not None:
            return row.policy.source_arn or row.policy.principal
        if row.target is not None:
            return row.target.arn
        return None
