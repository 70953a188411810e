"""The stack kill switch from the UI: throttle every function of a stack (nested stacks too)
after the user types the stack's name, and the restore that puts each function back to its own
recorded prior state. Both go through `LeverRunner` like the function levers; the result is a
summary of what changed and what failed, one line per function.
"""

from __future__ import annotations

from stackview.aws import levers
from stackview.aws.functions import stack_functions
from stackview.aws.lever_state import recorded_priors
from stackview.models.functions import FunctionSummary, PriorReservation, reservation_text
from stackview.screens.levers.runner import LeverRunner


def _stack_details(runner: LeverRunner, stack: str, account: str,
                   functions: list[FunctionSummary]) -> list[tuple[str, str]]:
    details = [("Stack", stack), *runner.where(account)]
    for summary in functions:
        details.append((summary.name, reservation_text(summary.reserved_concurrency)
                        if summary.reserved_known else f"? ({summary.error or 'unknown'})"))
    return details


def _read_stack(runner: LeverRunner, stack_ref: str) -> tuple[str, list[FunctionSummary]]:
    """(account, the stack's functions): what both stack dialogs show; runs in the worker."""
    return runner.session.identity().account, stack_functions(runner.session, stack_ref)


def throttle_stack(runner: LeverRunner, stack_ref: str, stack: str) -> None:
    """The kill switch: every function of the stack (nested stacks included) to 0, after the
    user types the stack's name."""
    def ask(found: tuple[str, list[FunctionSummary]]) -> None:
        account, functions = found
        if not functions:
            runner.app.notify(f"{stack} has no functions to throttle", markup=False, timeout=5)
            return
        runner.confirm(
            f"Throttle all {len(functions)} functions of {stack}?",
            _stack_details(runner, stack, account, functions),
            "Throttle all",
            lambda: levers.throttle_stack(runner.session, stack_ref),
            lambda result: runner.report_stack(stack, result),
            type_to_confirm=stack,
            warning="Every invocation of these functions will be refused (429) until restored; each "
                    "one's current reservation is recorded so the restore puts it back.",
        )

    runner.in_thread(lambda: _read_stack(runner, stack_ref), ask)


def restore_text(summary: FunctionSummary, priors: dict[str, PriorReservation]) -> str:
    """What the restore does to one function: `0 -> 4 (recorded in the tag)`, or why not."""
    if not summary.reserved_known:
        return f"? ({summary.error or 'unknown'})"
    if not summary.throttled:
        return f"{reservation_text(summary.reserved_concurrency)}, not throttled: unchanged"
    known, prior, source = priors.get(summary.name, PriorReservation())
    if not known:
        return "0, no prior state recorded: stays throttled"
    return f"0 -> {reservation_text(prior)} (recorded in the {source})"


def unthrottle_stack(runner: LeverRunner, stack_ref: str, stack: str) -> None:
    """Undo the kill switch: each function back to its own recorded prior state, which the
    dialog shows per function before anything is done."""
    def read() -> tuple[str, list[FunctionSummary], dict[str, PriorReservation]]:
        account, functions = _read_stack(runner, stack_ref)
        return account, functions, recorded_priors(runner.session, functions)

    def ask(found: tuple[str, list[FunctionSummary], dict[str, PriorReservation]]) -> None:
        account, functions, priors = found
        throttled = [f for f in functions if f.throttled]
        if not throttled:
            runner.app.notify(f"no function of {stack} is throttled; nothing to restore",
                              markup=False, timeout=5)
            return
        runner.confirm(
            f"Restore {len(throttled)} throttled functions of {stack}?",
            [("Stack", stack), *runner.where(account),
             *((summary.name, restore_text(summary, priors)) for summary in functions)],
            "Restore",
            lambda: levers.unthrottle_stack(runner.session, stack_ref),
            lambda result: runner.report_stack(stack, result),
            warning="Each throttled function gets back the reservation recorded when it was throttled.",
        )

    runner.in_thread(read, ask)
