"""The alias levers from the UI: shift traffic to a second version, promote it, roll it back.

Each carries the RevisionId of the alias as the user saw it in the table: if someone changed the
alias since, the lever reports a conflict instead of overwriting their change. Before a shift,
a promotion or a rollback of a canary, the dialog shows each version's figures over the health
window (errors, error %, duration per executed version), read fresh with the alias' state, so
the decision is made on figures.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from stackview.aws import levers
from stackview.aws.canary import canary_health
from stackview.aws.errors import describe
from stackview.aws.functions import list_versions
from stackview.aws.lever_state import newest_other_version
from stackview.models.canary import canary_lines
from stackview.models.functions import Alias, AliasChange
from stackview.screens.levers.dialog import Answer, Field, InputDialog, parse_percent, parse_version
from stackview.screens.levers.runner import LeverRunner
from stackview.widgets.alias_bar import routing_text


def canary_rows(runner: LeverRunner, function: str, alias: Alias) -> list[tuple[str, str]]:
    """The canary's figures as (label, value) rows for a dialog, one per version (runs in the
    worker; never raises: the figures help the decision, their absence must not block it)."""
    if not alias.is_weighted:
        return []
    try:
        health = canary_health(runner.session, function, alias, now=runner.host.clock(),
                               window=timedelta(minutes=runner.host.config.health.window_minutes))
    except Exception as exc:  # noqa: BLE001 - see above
        return [("Figures", f"unavailable: {describe(exc, profile=runner.session.profile).one_line()}")]
    rows = [("Figures", f"last {health.minutes} min, per executed version")]
    for line in canary_lines(health):
        label, _, value = line.partition(": ")
        rows.append((label, value) if value and label.startswith("v") else ("", line))
    return rows


def _hint(rows: list[tuple[str, str]]) -> str:
    """The rows on one line (the dialog's hint is one paragraph)."""
    return "; ".join(f"{label}: {value}" if label else value for label, value in rows)


def shift_alias(runner: LeverRunner, function: str, alias: Alias) -> None:
    def ask(found: tuple[str, list[str], list[tuple[str, str]]]) -> None:
        account, versions, figures = found
        second = alias.additional_version or newest_other_version(versions, alias.function_version)

        def parse(values: dict[str, str]) -> tuple[str, float]:
            version = parse_version(values["version"])
            if version == alias.function_version:
                raise ValueError(f"version {version} is already the alias' main version")
            if version not in versions:
                raise ValueError(f"{function} has no published version {version}")
            return version, parse_percent(values["percent"])

        def chosen(answer: Answer | None) -> None:
            if answer is None:
                return
            version, percent = answer.value
            after = Alias(alias.name, alias.function_version, version, round(percent / 100, 4))
            runner.confirm(
                f"Shift traffic of {function} alias {alias.name}?",
                [("Function", function), ("Alias", alias.name), *runner.where(account),
                 ("Now", routing_text(alias)), ("After", routing_text(after)), *figures],
                "Shift",
                lambda: levers.set_alias_weight(runner.session, function, alias.name, percent,
                                                alias.revision_id or None, additional_version=version),
                runner.report_alias,
            )

        runner.app.push_screen(InputDialog(
            f"Traffic of {function} alias {alias.name} (main version {alias.function_version})",
            [Field("version", "Second version", second, "a published version"),
             Field("percent", "Share of traffic for the second version (0-100 %)",
                   f"{alias.additional_percent:g}" if alias.is_weighted else "", "10")],
            parse, focus="percent", hint=_hint(figures),
        ), chosen)

    runner.in_thread(lambda: (runner.session.identity().account,
                              [v.version for v in list_versions(runner.session, function)],
                              canary_rows(runner, function, alias)), ask)


def promote_alias(runner: LeverRunner, function: str, alias: Alias) -> None:
    if not alias.additional_version:
        runner.host.notify_error(f"the alias {alias.name} has no second version to promote")
        return
    after = Alias(alias.name, alias.additional_version)
    _confirm_alias(runner, function, alias, "Promote", after,
                   lambda: levers.promote_alias(runner.session, function, alias.name, alias.revision_id or None))


def rollback_alias(runner: LeverRunner, function: str, alias: Alias) -> None:
    if not alias.is_weighted:
        runner.app.notify(f"the alias {alias.name} sends all its traffic to version "
                          f"{alias.function_version} already; nothing to roll back", markup=False, timeout=5)
        return
    after = Alias(alias.name, alias.function_version)
    _confirm_alias(runner, function, alias, "Roll back", after,
                   lambda: levers.rollback_alias(runner.session, function, alias.name, alias.revision_id or None))


def _confirm_alias(runner: LeverRunner, function: str, alias: Alias, verb: str, after: Alias,
                   work: Callable[[], AliasChange]) -> None:
    def ask(found: tuple[str, list[tuple[str, str]]]) -> None:
        account, figures = found
        runner.confirm(
            f"{verb} {function} alias {alias.name}?",
            [("Function", function), ("Alias", alias.name), *runner.where(account),
             ("Now", routing_text(alias)), ("After", routing_text(after)), *figures],
            verb, work, runner.report_alias,
        )

    runner.in_thread(lambda: (runner.session.identity().account, canary_rows(runner, function, alias)), ask)
