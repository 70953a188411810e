"""The `:` command language: parse what the user typed and complete it. Pure: no Textual, no AWS.

The commands themselves are data (`Command`): the screen registry (`stackview.screens.registry`)
and the app's own commands (region, profile, theme, quit) describe their words, whether a name
follows and which pools of names it is looked up in. So this module knows no screen:

    :stacks                 the stacks screen
    :stack NAME | :NAME     a stack (by name, fuzzy)
    :fn NAME                a function (fuzzy)
    :logs [NAME]            logs of the current stack/function, or of a named one
    :region R   :profile P  switch where stackview points
    :theme T                switch theme
    :q | :quit              quit
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

#: Whether a name follows a command's word.
NO_NAME, OPTIONAL, REQUIRED = "none", "optional", "required"


@dataclass(frozen=True)
class Command:
    """One kind of `:` command."""

    kind: str
    #: The words that start it (`fn`, `function`, `lambda`); the first is the one completed.
    words: tuple[str, ...]
    name: str = NO_NAME
    #: The pools of names (keys of the names mapping) the name is resolved in, in order.
    pools: tuple[str, ...] = ()
    #: With an empty pool, the name is taken as typed (regions or profiles not listed locally).
    free: bool = False
    #: `:NAME` alone tries this command's pools (stacks, then functions).
    bare: bool = False


@dataclass(frozen=True)
class Jump:
    """What a `:` command asks for. `target` is a resolved name or "" (e.g. `:logs` alone)."""

    kind: str
    target: str = ""


class JumpError(ValueError):
    """The command cannot be resolved; the message says why (unknown, ambiguous, missing name)."""


def best_matches(query: str, names: Iterable[str]) -> list[str]:
    """Names matching `query`, best first: exact, then prefix, then substring, then subsequence
    (each case-insensitive); ties broken by length then alphabetically."""
    needle = query.lower()
    scored: list[tuple[int, int, str]] = []
    for name in names:
        lower = name.lower()
        if lower == needle:
            rank = 0
        elif lower.startswith(needle):
            rank = 1
        elif needle in lower:
            rank = 2
        elif _is_subsequence(needle, lower):
            rank = 3
        else:
            continue
        scored.append((rank, len(name), name))
    return [name for _, _, name in sorted(scored)]


def _is_subsequence(needle: str, haystack: str) -> bool:
    position = 0
    for char in needle:
        position = haystack.find(char, position) + 1
        if position == 0:
            return False
    return True


def resolve(query: str, names: Sequence[str], what: str) -> str:
    """The one name `query` designates; an exact or single best match wins, else JumpError."""
    matches = best_matches(query, names)
    if not matches:
        raise JumpError(f"no {what} matches '{query}'")
    exact = [m for m in matches if m.lower() == query.lower()]
    if exact:
        return exact[0]
    if len(matches) == 1:
        return matches[0]
    # Prefer a unique prefix match over many substring matches.
    prefixed = [m for m in matches if m.lower().startswith(query.lower())]
    if len(prefixed) == 1:
        return prefixed[0]
    shown = ", ".join(matches[:4]) + (", ..." if len(matches) > 4 else "")
    raise JumpError(f"'{query}' matches several {what}s: {shown}")


def noun(pool: str) -> str:
    """What one name of a pool is called in messages: `stacks` -> `stack`."""
    return pool.removesuffix("s")


def _find(word: str, commands: Sequence[Command]) -> Command | None:
    lower = word.lower()
    return next((c for c in commands if lower in c.words), None)


def _resolve_in(query: str, pools: Sequence[str], names: Mapping[str, Sequence[str]]) -> str:
    """The name `query` designates in the first pool where it designates one."""
    if len(pools) == 1:
        return resolve(query, names.get(pools[0], ()), noun(pools[0]))
    for pool in pools:
        try:
            return resolve(query, names.get(pool, ()), noun(pool))
        except JumpError:
            continue
    raise JumpError(f"no {' or '.join(noun(p) for p in pools)} matches '{query}'")


def parse(text: str, commands: Sequence[Command], names: Mapping[str, Sequence[str]]) -> Jump:
    """Parse a `:` command (with or without the colon) against the known names."""
    stripped = text.strip().lstrip(":").strip()
    words = stripped.split(maxsplit=1)
    if not words:
        raise JumpError("type a command: " + ", ".join(usage(c) for c in commands if c.words))
    head, rest = words[0], (words[1].strip() if len(words) > 1 else "")
    command = _find(head, commands)
    if command is None:
        # `:orders-api` alone: a stack, or else a function, by name.
        for candidate in (c for c in commands if c.bare):
            for pool in candidate.pools:
                try:
                    return Jump(candidate.kind, resolve(stripped, names.get(pool, ()), noun(pool)))
                except JumpError:
                    continue
        raise JumpError(f"unknown command or name '{stripped}'")
    if command.name == NO_NAME:
        return Jump(command.kind)
    if not rest:
        if command.name == OPTIONAL:
            return Jump(command.kind)
        raise JumpError(f":{head} needs a name")
    if command.free and not any(names.get(pool) for pool in command.pools):
        return Jump(command.kind, rest)
    return Jump(command.kind, _resolve_in(rest, command.pools, names))


def usage(command: Command) -> str:
    word = command.words[0]
    if command.name == REQUIRED:
        return f"{word} NAME"
    return f"{word} [NAME]" if command.name == OPTIONAL else word


def complete(text: str, commands: Sequence[Command], names: Mapping[str, Sequence[str]]) -> str | None:
    """The best completion of a partly typed command (for the prompt's suggestion), or None."""
    stripped = text.lstrip(":")
    words = stripped.split(" ", 1)
    prefix = text[: len(text) - len(stripped)]
    if len(words) == 1:
        typed = words[0].lower()
        heads = sorted({c.words[0] for c in commands if c.words}, key=lambda w: (len(w), w))
        bare = [name for c in commands if c.bare for pool in c.pools for name in names.get(pool, ())]
        for candidate in [*heads, *bare]:
            lower = candidate.lower()
            if typed and lower.startswith(typed) and lower != typed:
                return prefix + candidate
        return None
    head, rest = words
    command = _find(head, commands)
    if command is None or not rest:
        return None
    for pool in command.pools:
        for name in names.get(pool, ()):
            if name.lower().startswith(rest.lower()):
                return text[: len(text) - len(rest)] + name
    return None
