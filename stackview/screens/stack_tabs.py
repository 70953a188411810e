"""The tabs of the stack screen. Each tab carries the class `stack-tab` and offers `copy_value()`
(what `c` copies) and `refresh_title()` (its border title, with the active `/` filter)."""

from __future__ import annotations

from rich.syntax import Syntax
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from stackview.aws.errors import describe
from stackview.aws.functions import stack_functions
from stackview.aws.stacks import stack_events, stack_resources, stack_template
from stackview.models import Page, Stack, StackEvent, StackResource, StackTemplate, StatusFamily
from stackview.models.functions import FunctionSummary
from stackview.widgets.data_panel import DataPanel
from stackview.widgets.format import relative_time, short_time
from stackview.widgets.literal import literal_text, neutralize
from stackview.widgets.record_table import Record, RecordTable
from stackview.widgets.styles import status_style, style_for


class TableTab:
    """Shared by the tabs that show a RecordTable: title with counts and the active filter."""

    tab_title = ""

    def refresh_title(self) -> None:
        table = self.query_one(RecordTable)  # type: ignore[attr-defined]
        title = f"{self.tab_title} ({len(table.shown)}"
        title += f" of {len(table.records)})" if table.filter_text else ")"
        if table.filter_text:
            title += f"  /{table.filter_text}"
        self.border_title = literal_text(title)  # type: ignore[attr-defined]

    def selected_value(self):
        record = self.query_one(RecordTable).selected  # type: ignore[attr-defined]
        return record.value if record else None


class ResourcesPanel(TableTab, DataPanel):
    tab_title = "Resources"

    def __init__(self, stack_ref: str) -> None:
        super().__init__(classes="stack-tab", id="resources-panel")
        self.stack_ref = stack_ref

    def compose_content(self) -> ComposeResult:
        yield RecordTable(("Logical ID", "Type", "Physical ID", "Status", "Reason"),
                          max_widths={"Logical ID": 32, "Type": 30, "Physical ID": 36})

    def fetch(self) -> list[StackResource]:
        return stack_resources(self.app.session, self.stack_ref)

    def show(self, resources: list[StackResource]) -> None:
        muted = style_for(self.app, "sv-muted")
        records = [
            Record(
                key=r.logical_id,
                cells=(
                    literal_text(r.logical_id),
                    literal_text(r.resource_type, muted),
                    literal_text(r.physical_id),
                    literal_text(r.status, status_style(self.app, r.family)),
                    literal_text(r.status_reason, status_style(self.app, r.family)),
                ),
                value=r,
            )
            for r in sorted(resources, key=lambda r: (r.resource_type, r.logical_id))
        ]
        self.query_one(RecordTable).set_records(records)
        self.refresh_title()

    def copy_value(self) -> str | None:
        resource: StackResource | None = self.selected_value()
        return resource.physical_id if resource else None

    def on_record_table_chosen(self, event: RecordTable.Chosen) -> None:
        resource: StackResource = event.record.value
        if resource.is_nested_stack and resource.physical_id:
            from stackview.screens.stack import StackScreen

            name = resource.physical_id.split("/")[1] if "/" in resource.physical_id else resource.physical_id
            self.app.push_screen(StackScreen(resource.physical_id, name))
        elif resource.is_function and resource.physical_id:
            self.app.open_function(resource.physical_id)


class FunctionsPanel(TableTab, DataPanel):
    """The stack's functions (nested stacks' too) with their reserved concurrency; a THROTTLED
    badge where it is 0, so a kill switch left on is seen at a glance. Enter opens one."""

    tab_title = "Functions"

    def __init__(self, stack_ref: str) -> None:
        super().__init__(classes="stack-tab", id="functions-panel")
        self.stack_ref = stack_ref

    def compose_content(self) -> ComposeResult:
        yield RecordTable(("Function", "Logical ID", "Runtime", "Memory", "Timeout", "Modified", "Reserved", "Note"))
        yield Static(classes="empty-note", id="functions-empty")

    def fetch(self) -> list[FunctionSummary]:
        return stack_functions(self.app.session, self.stack_ref)

    def show(self, functions: list[FunctionSummary]) -> None:
        from stackview.screens.function_tabs import reservation_cell

        muted = style_for(self.app, "sv-muted")
        failed = style_for(self.app, "sv-status-failed")
        now = self.app.clock()
        records = [
            Record(
                key=f.logical_id or f.name,
                cells=(
                    literal_text(f.name, "bold"),
                    literal_text(f.logical_id, muted),
                    literal_text(f.runtime),
                    literal_text(f"{f.memory} MB" if f.memory else "-"),
                    literal_text(f"{f.timeout} s" if f.timeout else "-"),
                    literal_text(relative_time(f.last_modified, now), muted),
                    reservation_cell(self.app, f.reserved_concurrency, f.reserved_known),
                    literal_text(f.error, failed),
                ),
                value=f,
            )
            for f in functions
        ]
        self.query_one(RecordTable).set_records(records)
        note = self.query_one("#functions-empty", Static)
        note.update("No functions in this stack." if not functions else "")
        note.display = not functions
        self.refresh_title()

    def copy_value(self) -> str | None:
        function: FunctionSummary | None = self.selected_value()
        return (function.arn or function.name) if function else None

    def on_record_table_chosen(self, event: RecordTable.Chosen) -> None:
        function: FunctionSummary = event.record.value
        self.app.open_function(function.name)


class OutputsPanel(TableTab, Vertical):
    """Filled from the stack summary's DescribeStacks answer (no call of its own)."""

    tab_title = "Outputs"

    def __init__(self) -> None:
        super().__init__(classes="stack-tab", id="outputs-panel")

    def compose(self) -> ComposeResult:
        yield RecordTable(("Key", "Value", "Description", "Export name"),
                          max_widths={"Value": 60, "Description": 40})

    def show_stack(self, stack: Stack) -> None:
        muted = style_for(self.app, "sv-muted")
        self.query_one(RecordTable).set_records(
            Record(
                key=o.key,
                cells=(
                    literal_text(o.key),
                    literal_text(o.value),
                    literal_text(o.description, muted),
                    literal_text(o.export_name, muted),
                ),
                value=o,
            )
            for o in stack.outputs
        )
        self.refresh_title()

    def copy_value(self) -> str | None:
        output = self.selected_value()
        return output.value if output else None


class ParametersPanel(TableTab, Vertical):
    tab_title = "Parameters"

    def __init__(self) -> None:
        super().__init__(classes="stack-tab", id="parameters-panel")

    def compose(self) -> ComposeResult:
        yield RecordTable(("Key", "Value", "Resolved value"))

    def show_stack(self, stack: Stack) -> None:
        muted = style_for(self.app, "sv-muted")
        self.query_one(RecordTable).set_records(
            Record(
                key=p.key,
                cells=(
                    literal_text(p.key),
                    literal_text(p.value, muted if p.no_echo else ""),
                    literal_text(p.resolved_value, muted),
                ),
                value=p,
            )
            for p in stack.parameters
        )
        self.refresh_title()

    def copy_value(self) -> str | None:
        parameter = self.selected_value()
        return parameter.resolved_value or parameter.value if parameter else None


class EventsPanel(TableTab, DataPanel):
    """Newest first; refreshes itself; `o` fetches older pages. Failures stand out."""

    tab_title = "Events"
    auto_refresh = 10.0
    BINDINGS = [Binding("o", "older", "Older events", id="stack.events.older")]

    def __init__(self, stack_ref: str) -> None:
        super().__init__(classes="stack-tab", id="events-panel")
        self.stack_ref = stack_ref
        self.events: dict[str, StackEvent] = {}
        self.older_token: str | None = None
        self._older_loaded = False

    def compose_content(self) -> ComposeResult:
        yield RecordTable(("Time", "Logical ID", "Type", "Status", "Reason"),
                          max_widths={"Logical ID": 32, "Type": 30})

    def fetch(self) -> Page[StackEvent]:
        return stack_events(self.app.session, self.stack_ref)

    def show(self, page: Page[StackEvent]) -> None:
        for event in page.items:
            self.events[event.event_id] = event
        if not self._older_loaded:
            self.older_token = page.next_token
        self._draw()

    def _draw(self) -> None:
        now = self.app.clock()
        muted = style_for(self.app, "sv-muted")
        records = []
        for event in sorted(self.events.values(), key=lambda e: e.timestamp, reverse=True):
            style = status_style(self.app, event.family)
            failed = event.family is StatusFamily.FAILED
            records.append(
                Record(
                    key=event.event_id,
                    cells=(
                        literal_text(f"{short_time(event.timestamp)} ({relative_time(event.timestamp, now)})", muted),
                        literal_text(event.logical_id, style if failed else ""),
                        literal_text(event.resource_type, muted),
                        literal_text(event.status, style),
                        literal_text(event.status_reason, style if failed else muted),
                    ),
                    value=event,
                )
            )
        self.query_one(RecordTable).set_records(records)
        self.refresh_title()
        if self.older_token:
            self.border_subtitle = "o: older events"
        else:
            self.border_subtitle = ""

    def action_older(self) -> None:
        token = self.older_token
        if not token:
            self.notify("No older events", timeout=2)
            return
        self.run_worker(lambda: self._fetch_older(token), thread=True, exclusive=True, group="older")

    def _fetch_older(self, token: str) -> None:
        try:
            page = stack_events(self.app.session, self.stack_ref, token)
        except Exception as exc:  # noqa: BLE001 - reported, the table stays as it is
            self.app.call_from_thread(self.app.notify_error, describe(exc).one_line())
            return
        self.app.call_from_thread(self._merge_older, page)

    def _merge_older(self, page: Page[StackEvent]) -> None:
        self._older_loaded = True
        self.older_token = page.next_token
        for event in page.items:
            self.events[event.event_id] = event
        self._draw()

    def copy_value(self) -> str | None:
        event: StackEvent | None = self.selected_value()
        return event.status_reason or event.physical_id if event else None


class TemplatePanel(DataPanel):
    """The template, syntax-highlighted (JSON or YAML), shown literally."""

    def __init__(self, stack_ref: str) -> None:
        super().__init__(classes="stack-tab", id="template-panel")
        self.stack_ref = stack_ref
        self.template: StackTemplate | None = None

    def compose_content(self) -> ComposeResult:
        with VerticalScroll(id="template-scroll"):
            yield Static(id="template-body")

    def fetch(self) -> StackTemplate:
        return stack_template(self.app.session, self.stack_ref)

    def show(self, template: StackTemplate) -> None:
        self.template = template
        self.border_title = f"Template ({template.language.upper()}, {template.body.count(chr(10)) + 1} lines)"
        syntax = Syntax(
            neutralize(template.body, keep_newlines=True),
            template.language,
            theme="monokai" if self.app.current_theme.dark else "friendly",
            line_numbers=True,
            background_color="default",
            word_wrap=False,
        )
        self.query_one("#template-body", Static).update(syntax)

    def copy_value(self) -> str | None:
        return self.template.body if self.template else None

    def refresh_title(self) -> None:  # no table to filter here
        pass
