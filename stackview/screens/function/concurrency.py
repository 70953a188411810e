"""The function screen's Concurrency tab: reserved concurrency (with what an unthrottle would
restore), the account's pool, and provisioned concurrency per alias or version."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from stackview.aws.functions import account_concurrency, get_function, provisioned_concurrency, reserved_concurrency
from stackview.aws.levers import recorded_prior
from stackview.models.functions import (
    AccountConcurrency,
    PriorReservation,
    ProvisionedConcurrency,
    Unavailable,
    reservation_text,
)
from stackview.widgets.badges import reservation_cell
from stackview.widgets.data_panel import DataPanel
from stackview.widgets.literal import literal_text
from stackview.widgets.record_table import Record, RecordTable
from stackview.widgets.styles import style_for
from stackview.widgets.tabbed import TAB_PANEL, TableTab


@dataclass(frozen=True)
class ConcurrencyView:
    """What the Concurrency tab shows, read in one worker.

    `prior` is the state an unthrottle would restore, read only when
    the function is throttled."""

    function_arn: str
    reserved: int | None
    provisioned: list[ProvisionedConcurrency] | Unavailable
    account: AccountConcurrency | Unavailable
    prior: PriorReservation = PriorReservation()


def read_concurrency(session, function: str) -> ConcurrencyView:
    config = get_function(session, function)
    reserved = reserved_concurrency(session, function)
    prior = recorded_prior(session, config.arn) if reserved == 0 else PriorReservation()
    return ConcurrencyView(config.arn, reserved, provisioned_concurrency(session, function),
                           account_concurrency(session), prior)


class ConcurrencyPanel(TableTab, DataPanel):
    """Reserved concurrency (with what an unthrottle would restore), the account's pool, and
    provisioned concurrency per alias or version; "not available on this endpoint" where the
    endpoint lacks a call."""

    DEFAULT_CSS = "ConcurrencyPanel #concurrency-summary { padding: 0 1 1 1; }"

    tab_title = "Concurrency"

    def __init__(self, function: str) -> None:
        super().__init__(classes=TAB_PANEL, id="concurrency-panel")
        self.function = function

    def compose_content(self) -> ComposeResult:
        yield Static(id="concurrency-summary")
        yield RecordTable(("Qualifier", "Requested", "Allocated", "Available", "Status", "Reason"))
        yield Static(classes="empty-note", id="provisioned-note")

    def fetch(self) -> ConcurrencyView:
        return read_concurrency(self.host.session, self.function)

    def show(self, view: ConcurrencyView) -> None:
        self.query_one("#concurrency-summary", Static).update(self.summary(view))
        table = self.query_one(RecordTable)
        note = self.query_one("#provisioned-note", Static)
        if isinstance(view.provisioned, Unavailable):
            table.set_records([])
            table.display = False
            note.update(literal_text(f"Provisioned concurrency: {view.provisioned.reason}"))
            note.display = True
        else:
            table.display = bool(view.provisioned)
            table.set_records(self._provisioned_records(view.provisioned))
            note.update("No provisioned concurrency on any alias or version." if not view.provisioned else "")
            note.display = not view.provisioned
        self.refresh_title()

    def summary(self, view: ConcurrencyView) -> Text:
        muted = style_for(self.app, "sv-muted")
        text = Text(end="")
        text.append(f"{'Reserved':<14}", style=muted)
        text.append_text(reservation_cell(self.app, view.reserved))
        if view.reserved is None:
            text.append("  (draws from the account's unreserved pool)", style=muted)
        known, prior, source = view.prior
        if view.reserved == 0:
            if known:
                text.append_text(literal_text(
                    f"   unthrottle restores {reservation_text(prior)} (recorded in the {source})", muted))
            else:
                text.append("   no prior state recorded: unthrottle cannot restore it", style=muted)
        text.append("\n")
        text.append(f"{'Account':<14}", style=muted)
        account = view.account
        if isinstance(account, Unavailable):
            text.append_text(literal_text(account.reason, muted))
        else:
            text.append_text(literal_text(
                f"{account.unreserved} unreserved of {account.limit} ({account.reserved} reserved)"))
        return text

    def _provisioned_records(self, configs: list[ProvisionedConcurrency]) -> list[Record]:
        muted = style_for(self.app, "sv-muted")
        failed = style_for(self.app, "sv-status-failed")
        ready = style_for(self.app, "sv-status-complete")
        records = []
        for config in configs:
            status_style = ready if config.status == "READY" else failed if config.status == "FAILED" else ""
            records.append(Record(
                key=config.qualifier,
                cells=(literal_text(config.qualifier, "bold"), literal_text(str(config.requested)),
                       literal_text(str(config.allocated)), literal_text(str(config.available)),
                       literal_text(config.status, status_style), literal_text(config.reason, muted)),
                value=config,
            ))
        return records

    def refresh_title(self) -> None:
        """"Concurrency": the table counts provisioned configs, which is not this tab's subject."""
        self.border_title = self.tab_title

    def copy_value(self) -> str | None:
        config: ProvisionedConcurrency | None = self.selected_value()
        view: ConcurrencyView | None = self.data
        if view is None:
            return None
        return f"{view.function_arn}:{config.qualifier}" if config else view.function_arn
