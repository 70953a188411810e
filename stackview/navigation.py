"""The `:` command language: parse what the user typed and complete it. Pure: no Textual, no AWS.

    :stacks                 the stacks screen
    :stack NAME | :NAME     a stack (by name, fuzzy)
    :fn NAME                a function (fuzzy)
    :logs [NAME]            logs of the current stack/function, or of a named one
    :region R   :profile P  switch where stackview points
    :theme T                switch theme
    :audit                  the audit log
    :q | :quit              quit
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

KINDS = {
    "stacks": "stacks",
    "stack": "stack",
    "st": "stack",
    "fn": "function",
    "function": "function",
    "functions": "function",
    "lambda": "function",
    "logs": "logs",
    "log": "logs",
    "region": "region",
    "profile": "profile",
    "theme": "theme",
    "q": "quit",
    "quit": "quit",
}

#: The words offered for completion, in the order they are offered.
COMMAND_WORDS = ("stack", "stacks", "fn", "logs", "region", "profile", "theme", "quit")


@dataclass(frozen=True)
class Jump:
    """What a `:` command asks for. `target` is a resolved name or "" (e.g. `:logs` alone)."""

    kind: str  # stacks, stack, function, logs, region, profile, theme, quit
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


def parse(
    text: str,
    *,
    stacks: Sequence[str] = (),
    functions: Sequence[str] = (),
    regions: Sequence[str] = (),
    profiles: Sequence[str] = (),
    themes: Sequence[str] = (),
) -> Jump:
    """Parse a `:` command (with or without the colon) against the known names."""
    words = text.strip().lstrip(":").split(maxsplit=1)
    if not words:
        raise JumpError("type a command: stacks, stack NAME, fn NAME, logs, region R, profile P, theme T")
    head, rest = words[0], (words[1].strip() if len(words) > 1 else "")
    kind = KINDS.get(head.lower())
    if kind is None:
        # `:orders-api` alone: a stack, or else a function, by name.
        query = text.strip().lstrip(":").strip()
        for names, found_kind, what in ((stacks, "stack", "stack"), (functions, "function", "function")):
            try:
                return Jump(found_kind, resolve(query, names, what))
            except JumpError:
                continue
        raise JumpError(f"unknown command or name '{query}'")
    if kind in ("stacks", "quit"):
        return Jump(kind)
    if kind == "logs":
        if not rest:
            return Jump("logs")
        for names, what in ((stacks, "stack"), (functions, "function")):
            try:
                return Jump("logs", resolve(rest, names, what))
            except JumpError:
                continue
        raise JumpError(f"no stack or function matches '{rest}'")
    choices = {"stack": stacks, "function": functions, "region": regions, "profile": profiles, "theme": themes}[kind]
    if not rest:
        raise JumpError(f":{head} needs a name")
    if kind in ("region", "profile") and not choices:
        return Jump(kind, rest)
    return Jump(kind, resolve(rest, choices, kind))


def complete(
    text: str,
    *,
    stacks: Sequence[str] = (),
    functions: Sequence[str] = (),
    regions: Sequence[str] = (),
    profiles: Sequence[str] = (),
    themes: Sequence[str] = (),
) -> str | None:
    """The best completion of a partly typed command (for the prompt's suggestion), or None."""
    stripped = text.lstrip(":")
    words = stripped.split(" ", 1)
    if len(words) == 1:
        candidates = list(COMMAND_WORDS) + list(stacks)
        for candidate in candidates:
            lower, typed = candidate.lower(), words[0].lower()
            if typed and lower.startswith(typed) and lower != typed:
                return text[: len(text) - len(stripped)] + candidate
        return None
    head, rest = words
    kind = KINDS.get(head.lower())
    pools = {
        "stack": stacks,
        "function": functions,
        "logs": list(stacks) + list(functions),
        "region": regions,
        "profile": profiles,
        "theme": themes,
    }
    for name in pools.get(kind or "", ()):
        if rest and name.lower().startswith(rest.lower()):
            return text[: len(text) - len(rest)] + name
    return None
