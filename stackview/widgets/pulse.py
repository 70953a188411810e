"""The account pulse: one line above the Stacks list and `:functions`.

    concurrency 3 of 1,000 (995 unreserved) · last 15 min 1,204 invocations 31 errors 0 throttles · 1 ALARM orders-prod-worker-errors

It answers "is the account itself in trouble?" (near its concurrency limit, throttling, alarms
firing) before any row is read. Polled like the health columns (every `health.refresh_seconds`,
never overlapping, not while unseen).
"""

from __future__ import annotations

from datetime import timedelta

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from stackview.aws.pulse import account_pulse
from stackview.models.health import AccountPulse, count_text
from stackview.widgets.data_panel import DataPanel
from stackview.widgets.literal import literal_text
from stackview.widgets.styles import style_for


class PulsePanel(DataPanel):
    DEFAULT_CSS = """
    PulsePanel { height: auto; padding: 0 1; }
    PulsePanel > #pulse { height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    @property
    def auto_refresh(self) -> float:  # type: ignore[override]
        return float(self.host.config.health.refresh_seconds)

    def compose_content(self) -> ComposeResult:
        yield Static(id="pulse")

    def fetch(self) -> AccountPulse:
        window = timedelta(minutes=self.host.config.health.window_minutes)
        return account_pulse(self.host.session, now=self.host.clock(), window=window)

    def show(self, pulse: AccountPulse) -> None:
        self.query_one("#pulse", Static).update(pulse_text(self.app, pulse))


def pulse_text(app, pulse: AccountPulse) -> Text:
    muted = style_for(app, "sv-muted")
    alarm = style_for(app, "sv-health-alarm", bold=True)
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    text.append("concurrency ", style=muted)
    text.append(count_text(pulse.concurrency_max if pulse.concurrency_max is not None else 0))
    if pulse.limit is not None:
        near = pulse.concurrency_max is not None and pulse.concurrency_max >= 0.8 * pulse.limit
        text.append(" of ", style=muted)
        text.append(f"{pulse.limit:,}", style=alarm if near else "")
        text.append(f" ({pulse.unreserved:,} unreserved)", style=muted)
    else:
        text.append(" (limit unknown: no GetAccountSettings here)", style=muted)
    minutes = int((pulse.end - pulse.start).total_seconds() // 60) if pulse.start and pulse.end else 0
    text.append(f"  ·  last {minutes} min ", style=muted)
    text.append(count_text(pulse.invocations))
    text.append(" invocations ", style=muted)
    text.append(count_text(pulse.errors), style=alarm if pulse.errors else "")
    text.append(" errors ", style=muted)
    text.append(count_text(pulse.throttles), style=alarm if pulse.throttles else "")
    text.append(" throttles", style=muted)
    if pulse.counted_from == "account":
        text.append(" (account-wide metrics)", style=muted)
    text.append("  ·  ", style=muted)
    if pulse.alarms_firing:
        count = len(pulse.alarms_firing)
        text.append(f" {count} ALARM ", style=alarm + Style(reverse=True))
        text.append(" ")
        text.append_text(literal_text(", ".join(a.name for a in pulse.alarms_firing), alarm))
    else:
        text.append("no alarm in ALARM", style=muted)
    return text
