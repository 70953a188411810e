"""What screens and widgets may ask of the app: a typed contract instead of `self.app.<attr>`.

The app (`stackview.app.StackviewApp`) sits above the screens in the layers, so a screen cannot
import it to type `self.app`: that import is how cycles start. `Host` names, in the widgets
layer, exactly what the app offers its screens (the session, the clock, read-only, the name
catalog, how to open another screen, how to describe an error); `host(node)` returns the app
typed as a `Host`. A test checks that the app class satisfies the protocol.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast, runtime_checkable

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.screen import Screen

    from stackview.aws.errors import UserError
    from stackview.aws.session import AwsSession
    from stackview.models import Identity
    from stackview.models.config import Config


@runtime_checkable
class Host(Protocol):
    """The app as its screens see it."""

    session: AwsSession
    read_only: bool
    identity: Identity | None
    #: Names for `:` and the palette ("stacks", "functions", ...), filled by workers.
    catalog: dict[str, list[str]]
    #: The SAM project whose events the invoke screen offers (None: the current directory).
    project_dir: Path | None
    #: Now, in UTC (injectable: snapshot tests fix it).
    clock: Callable[[], datetime]

    @property
    def config(self) -> Config: ...

    @property
    def screen(self) -> Screen[Any]:
        """The screen on top (whose `log_scope()` `:logs` asks)."""

    def notify_error(self, message: str) -> None: ...

    def describe_error(self, exc: BaseException, *, profile: str | None = None) -> UserError: ...

    def open(self, kind: str, target: str = "", **options: Any) -> None:
        """Open a registered screen (`function`, `logs`, `invoke`, ...) the way `:` does."""

    def run_in_thread(self, job: str, work: Callable[[], Any], done: Callable[[Any], None] | None = None,
                      *, failed: Callable[[UserError], None] | None = None) -> None:
        """Background work owned by the app, for work that must outlive the screen asking."""


def host(node: DOMNode) -> Host:
    """The app of `node`, typed as what screens may use."""
    return cast(Host, node.app)
