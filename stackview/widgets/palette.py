"""Command palette (Ctrl+P): jump to any stack or function by fuzzy name, switch region, profile
and theme, and run the current screen's own commands. The entries come from the screen registry
and the app's catalog of names (filled by workers), so searching never calls AWS."""

from __future__ import annotations

from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode


class NavigationProvider(Provider):
    """Stacks, functions, logs, regions, profiles and themes as palette entries."""

    def _entries(self) -> list[tuple[str, str, str]]:
        """(title, help, `:` command) for everything the palette can jump to (the screen registry
        and the names the app knows)."""
        return self.app.palette_entries()  # type: ignore[attr-defined]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, command in self._entries():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self.app.jump, command), help=help_text)

    async def discover(self) -> Hits:
        for title, help_text, command in self._entries()[:1]:
            yield DiscoveryHit(title, partial(self.app.jump, command), help=help_text)


class ScreenCommandsProvider(Provider):
    """The keys of the screen the palette was opened on, as commands: what `?` lists, runnable
    by name. Built from the screen's active bindings, so a lever hidden in read-only mode (its
    `check_action` says no) is not offered here either."""

    def _entries(self) -> list[tuple[str, str, partial]]:
        """(title, help, what to run) for each distinct enabled action of the screen's keys."""
        entries = []
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not active.enabled or not binding.description or binding.action in seen:
                continue
            if active.node is self.app:
                continue  # quit, keys, jump and the palette itself are the app's, not this screen's
            seen.add(binding.action)
            title = f"{binding.description} ({self.app.get_key_display(binding)})"
            help_text = binding.tooltip or f"a key of {type(self.screen).__name__}"
            entries.append((title, help_text, partial(self._run, active.node, binding)))
        return entries

    async def _run(self, node: DOMNode, binding: Binding) -> None:
        await self.app.run_action(binding.action, node)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, run in self._entries():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), run, help=help_text)

    async def discover(self) -> Hits:
        for title, help_text, run in self._entries():
            yield DiscoveryHit(title, run, help=help_text)
