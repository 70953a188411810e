"""`o`: the AWS console page of what is on screen, copied to the clipboard and shown.

Every screen that shows a stack, a function, an alarm or a queue offers it; the link itself is
built by `stackview.models.console` (no AWS call). In the demo world the link is still the real
console's: it names the demo's resources, which exist only locally, and the notice says so.
"""

from __future__ import annotations

from textual.dom import DOMNode

from stackview.widgets.host import host


def show_console_url(node: DOMNode, url: str, what: str = "") -> None:
    """Copy `url` and show it in a notification (never as markup: names can hold anything)."""
    app = node.app
    if not url:
        app.notify("no console page for this", severity="warning", markup=False, timeout=4)
        return
    app.copy_to_clipboard(url)
    demo = getattr(host(node).session.target, "demo", False)
    note = "\n(the demo world's resources exist only here: the page will not find them)" if demo else ""
    app.notify(f"Copied the console link{' of ' + what if what else ''}:\n{url}{note}",
               markup=False, timeout=12)
