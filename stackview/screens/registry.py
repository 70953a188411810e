"""Every place `:`, the palette and the screens can go, in one table.

A new screen is one module (an `AppScreen` subclass with a `create` class method) plus one line
here: its kind, the words that open it from `:`, whether a name follows and which pools of names
it is resolved in (the app's catalog: stacks, functions, ...), its palette title, and the class
as `module:Class` (imported when first opened, so start-up does not pay for every screen).
From this table the app derives `:` parsing and completion (`stackview.navigation`), `App.open`
and `App.go`, the palette's entries and the `:` prompt's hint. Screens open each other by kind
(`host(self).open("function", name)`), never by importing each other's modules.

Entries without a screen are the app's own commands (switch region, profile or theme; quit):
the app carries them out itself.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from stackview.navigation import NO_NAME, OPTIONAL, REQUIRED, Command, noun, usage

if TYPE_CHECKING:
    from stackview.widgets.app_screen import AppScreen


@dataclass(frozen=True)
class Entry:
    command: Command
    #: `module:Class` of the screen; "" for a command the app carries out itself.
    screen: str = ""
    #: Palette title: "Function" gives one entry per function, "Function: NAME"; "" keeps it out.
    title: str = ""
    #: Palette help; `{noun}` becomes the name's kind (`tail the logs of the function`).
    help: str = ""
    #: From `:` and the palette, open it on top of the stacks screen (not on the current one).
    from_root: bool = False

    @property
    def kind(self) -> str:
        return self.command.kind

    def screen_class(self) -> type[AppScreen]:
        module, _, name = self.screen.partition(":")
        return getattr(importlib.import_module(module), name)


def _entry(kind: str, words: tuple[str, ...], screen: str = "", *, name: str = NO_NAME,
           pools: tuple[str, ...] = (), title: str = "", help: str = "", free: bool = False,
           bare: bool = False, from_root: bool = False) -> Entry:
    return Entry(Command(kind, words, name, pools, free=free, bare=bare), screen, title, help, from_root)


ENTRIES: tuple[Entry, ...] = (
    _entry("stacks", ("stacks",), "stackview.screens.stacks:StacksScreen",
           title="Stacks", help="the list of stacks", from_root=True),
    _entry("stack", ("stack", "st"), "stackview.screens.stack.screen:StackScreen", name=REQUIRED,
           pools=("stacks",), bare=True, title="Stack", help="open the stack", from_root=True),
    _entry("functions", ("functions",), "stackview.screens.functions:FunctionsScreen",
           title="Functions", help="every function of the region with its health", from_root=True),
    _entry("function", ("fn", "function", "lambda"), "stackview.screens.function.screen:FunctionScreen",
           name=REQUIRED, pools=("functions",), bare=True, title="Function", help="open the function"),
    _entry("logs", ("logs", "log"), "stackview.screens.logs.screen:LogsScreen", name=OPTIONAL,
           pools=("stacks", "functions"), title="Logs", help="tail the logs of the {noun}"),
    _entry("invoke", (), "stackview.screens.invoke.screen:InvokeScreen", name=REQUIRED, pools=("functions",)),
    _entry("alarms", ("alarms",), "stackview.screens.alarms.screen:AlarmsScreen", title="Alarms",
           help="the region's CloudWatch alarms, ALARM first"),
    _entry("alarm", ("alarm",), "stackview.screens.alarm.screen:AlarmScreen", name=REQUIRED, free=True),
    _entry("insights", ("insights", "query"), "stackview.screens.insights.screen:InsightsScreen", name=OPTIONAL,
           pools=("stacks", "functions"), title="Insights", help="query the logs of the {noun} with Logs Insights"),
    _entry("request", (), "stackview.screens.logs.request:RequestScreen", name=REQUIRED),
    _entry("region", ("region",), name=REQUIRED, pools=("regions",), free=True, title="Region", help="switch region"),
    _entry("profile", ("profile",), name=REQUIRED, pools=("profiles",), free=True, title="Profile",
           help="switch profile"),
    _entry("theme", ("theme",), name=REQUIRED, pools=("themes",), title="Theme", help="switch theme"),
    _entry("quit", ("q", "quit")),
)


class Registry:
    """The table the app works from (tests build one with an extra line)."""

    def __init__(self, entries: tuple[Entry, ...] = ENTRIES) -> None:
        self.entries = entries
        self._by_kind = {entry.kind: entry for entry in entries}
        self.commands: tuple[Command, ...] = tuple(entry.command for entry in entries)

    def __getitem__(self, kind: str) -> Entry:
        """The entry of `kind` (KeyError for a kind nobody registered: a programming error)."""
        return self._by_kind[kind]

    def jump_hint(self) -> str:
        """The `:` prompt's placeholder: every command with its name, e.g. `:fn NAME`."""
        return "  ".join(f":{usage(c)}" for c in self.commands if c.words)

    def palette(self, names: Mapping[str, Sequence[str]]) -> list[tuple[str, str, str]]:
        """(title, help, `:` command) of every palette entry, in the table's order, pool by pool."""
        found: list[tuple[str, str, str]] = []
        for entry in self.entries:
            command = entry.command
            if not entry.title or not command.words:
                continue
            word = command.words[0]
            if command.name == NO_NAME:
                found.append((entry.title, entry.help, f":{word}"))
            for pool in command.pools:
                help_text = entry.help.format(noun=noun(pool))
                found += [(f"{entry.title}: {name}", help_text, f":{word} {name}") for name in names.get(pool, ())]
        return found
