"""Command palette (Ctrl+P): jump to any stack or function by fuzzy name, switch region, profile
and theme. Names come from the app's catalog (filled by workers), so searching never calls AWS."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class NavigationProvider(Provider):
    """Stacks, functions, logs, regions, profiles and themes as palette entries."""

    def _entries(self) -> list[tuple[str, str, str]]:
        """(title, help, `:` command) for everything the palette can jump to."""
        names = self.app.jump_names()
        entries: list[tuple[str, str, str]] = [("Stacks", "the list of stacks", ":stacks")]
        entries += [(f"Stack: {n}", "open the stack", f":stack {n}") for n in names["stacks"]]
        entries += [(f"Function: {n}", "open the function", f":fn {n}") for n in names["functions"]]
        entries += [(f"Logs: {n}", "tail the logs of the stack", f":logs {n}") for n in names["stacks"]]
        entries += [(f"Logs: {n}", "tail the logs of the function", f":logs {n}") for n in names["functions"]]
        entries += [(f"Region: {n}", "switch region", f":region {n}") for n in names["regions"]]
        entries += [(f"Profile: {n}", "switch profile", f":profile {n}") for n in names["profiles"]]
        entries += [(f"Theme: {n}", "switch theme", f":theme {n}") for n in names["themes"]]
        return entries

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, command in self._entries():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self.app.jump, command), help=help_text)

    async def discover(self) -> Hits:
        for title, help_text, command in self._entries()[:1]:
            yield DiscoveryHit(title, partial(self.app.jump, command), help=help_text)
