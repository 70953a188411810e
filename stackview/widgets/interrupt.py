"""Ctrl+C in a dialog: it closes the dialog, changing nothing, and says how to quit.

Elsewhere Ctrl+C is Textual's: it copies selected text, or says which key quits (it never
quits: a reflexive Ctrl+C must not end an incident console). In a modal dialog Textual did
nothing at all, which left a person who pressed it in a kill-switch confirmation unsure whether
anything happened. In every stackview dialog it now does what a terminal prompt does with Ctrl+C
(`stackview throttle` asks the same question on the terminal): it cancels, exactly like Esc,
and a notification says so and names the quit key. With text selected in a field, Ctrl+C still
copies it (the field's own binding comes first).
"""

from __future__ import annotations

from textual.binding import Binding

NOTICE = "Ctrl+C closed the dialog; nothing was changed. (q quits stackview.)"


def interrupt_binding(prefix: str) -> Binding:
    """The dialog's Ctrl+C binding, with the id `<prefix>.interrupt`."""
    return Binding("ctrl+c", "interrupt", "Cancel", show=False, id=f"{prefix}.interrupt")


class Interruptible:
    """Mixin for a ModalScreen whose `interrupt_action` (default `cancel`) closes it unchanged;
    add `interrupt_binding(...)` to its BINDINGS."""

    interrupt_action = "cancel"

    async def action_interrupt(self) -> None:
        await self.run_action(self.interrupt_action)  # type: ignore[attr-defined]
        self.app.notify(NOTICE, timeout=4, markup=False)  # type: ignore[attr-defined]
