"""stackview's configuration file: one YAML file, validated strictly, never fatal.

Why a small hand-written validator rather than pydantic: a broken file must not stop the app, so
every valid setting has to survive next to a broken one (pydantic validates a model all or
nothing), and each message must name the file, the line, the key path and what was expected, in
words a user acts on ("did you mean 'theme'?"). The schema is a dozen fields; a table of
converters says it more plainly than a model plus an error translator would.

`load_config()` returns the effective settings (defaults wherever the file is missing, empty or
wrong) and the list of `Problem`s, which the app shows once and `stackview config` prints.
Cross-checks that need the UI (theme names, binding ids) or AWS (profile names) are passed in as
`Known` sets, so importing this module pulls in neither Textual nor boto3 (key names are Textual's
vocabulary: `textual.keys` is imported only when a keymap is checked).

The YAML reader (with line numbers) and the message helpers are shared with `stackview.themes`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from stackview import locations
from stackview.models.config import (  # noqa: F401 - re-exported: `from stackview.config import Config`
    DEFAULT_THEME,
    TIMESTAMP_MODES,
    Config,
    HealthSettings,
    Known,
    LogSettings,
    Problem,
    ProfileSettings,
)

BUFFER_LINES_RANGE = (1_000, 2_000_000)
REQUESTS_PER_SECOND_RANGE = (0.1, 25.0)
HEALTH_WINDOW_MINUTES_RANGE = (1, 1440)
HEALTH_REFRESH_SECONDS_RANGE = (10, 3600)
ERROR_RATE_THRESHOLD_RANGE = (0.0, 100.0)
DETAIL_CALLS_RANGE = (0, 1000)
_REGION = re.compile(r"^[a-z]{2,}(-[a-z]+)+-\d+$")


# -- shared with stackview.themes: messages and YAML with line numbers ------------------------
def key_path(parts: Iterable[object]) -> str:
    """`profiles.prod.theme`; parts that are not plain words are quoted: `keymap["app.quit"]`."""
    text = ""
    for part in parts:
        if isinstance(part, str) and re.fullmatch(r"[A-Za-z0-9_-]+", part):
            text += f".{part}" if text else part
        else:
            text += f'["{part}"]' if isinstance(part, str) else f"[{part!r}]"
    return text


def suggest(name: str, choices: Iterable[str]) -> str:
    """A ` (did you mean 'x'?)` hint for a misspelt name, or an empty string."""
    choices = list(choices)
    folded = {choice.lower(): choice for choice in choices}
    match = folded.get(name.lower()) or next(iter(difflib.get_close_matches(name, choices, 1, 0.6)), None)
    return f" (did you mean '{match}'?)" if match else ""


def describe(value: object) -> str:
    """What a YAML value is, for "expected X, got Y" messages."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f'the text "{value}"'
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping (key: value lines)"
    return type(value).__name__


class YamlMapping(dict):
    """A YAML mapping that remembers where it and each of its keys are (1-based lines), and
    which keys were given twice (YAML keeps the last one silently; we report it)."""

    line: int | None = None

    def __init__(self) -> None:
        super().__init__()
        self.key_lines: dict[object, int] = {}
        self.duplicates: list[tuple[object, int]] = []

    def line_of(self, key: object) -> int | None:
        return self.key_lines.get(key, self.line)


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode):
    data = YamlMapping()
    data.line = node.start_mark.line + 1
    yield data
    own = sum(1 for key_node, _ in node.value if key_node.tag != "tag:yaml.org,2002:merge")
    loader.flatten_mapping(node)  # `<<: *anchor` pairs come first; overriding them is no mistake
    first_own = len(node.value) - own
    own_keys: set[object] = set()
    for index, (key_node, value_node) in enumerate(node.value):
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be text, not a list or mapping", key_node.start_mark
            ) from None
        line = key_node.start_mark.line + 1
        if index >= first_own:
            if key in own_keys:
                data.duplicates.append((key, line))
            own_keys.add(key)
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = line


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def read_yaml(path: Path) -> tuple[Any, list[Problem]]:
    """The parsed document (mappings as `YamlMapping`) and the problems of reading it. A missing
    file is `(None, [])`: absence is not a mistake. Syntax errors carry their line number."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, []
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return None, [Problem(path, "", f"cannot be read: {reason}")]
    loader = _Loader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        context = f" ({exc.context})" if exc.context else ""
        message = f"is not valid YAML{context}: {exc.problem}"
        return None, [Problem(path, "", message, mark.line + 1 if mark else None)]
    except yaml.YAMLError as exc:
        return None, [Problem(path, "", f"is not valid YAML: {exc}")]
    finally:
        loader.dispose()
    return data, []


# -- key names (Textual's vocabulary) ---------------------------------------------------------
#: Modifiers in the order Textual writes them in key events (sorted): "ctrl+shift+up".
MODIFIERS = ("alt", "ctrl", "hyper", "meta", "shift", "super")


@lru_cache(maxsize=1)
def key_names() -> frozenset[str]:
    """Every multi-character key name a Textual key event can carry. Imported lazily: Textual
    is the authority on key names, and this module must stay importable without it."""
    import string

    from textual.keys import Keys, _character_to_key

    names = {key.value.rsplit("+", 1)[-1] for key in Keys if not key.value.startswith("<")}
    names |= {_character_to_key(char) for char in string.punctuation + " "}
    try:  # the kitty keyboard protocol's extra keys (keypad, media); a private table
        from textual._keyboard_protocol import FUNCTIONAL_KEYS

        names |= set(FUNCTIONAL_KEYS.values())
    except ImportError:  # pragma: no cover - older or newer Textual without the table
        pass
    return frozenset(name for name in names if len(name) > 1)


def check_key(key: str) -> tuple[str, str | None]:
    """(the key as Textual writes it, or an error message). Single characters are always
    keys (Textual names them itself: "?" becomes question_mark); modifiers are put in order."""
    if len(key) == 1:
        if key.isspace() or not key.isprintable():
            return key, "use the name 'space' (or 'tab') for a blank key"
        return key, None
    *modifiers, base = key.split("+")
    if not base or any(not part for part in modifiers):
        return key, f"'{key}' has an empty part; write 'plus' for the + key, 'comma' for ,"
    for modifier in modifiers:
        if modifier not in MODIFIERS:
            return key, f"'{modifier}' in '{key}' is not a modifier{suggest(modifier, MODIFIERS)} " \
                        f"(modifiers: {', '.join(MODIFIERS)})"
    if len(set(modifiers)) < len(modifiers):
        return key, f"'{key}' repeats a modifier"
    if modifiers and len(base) == 1 and base.isupper():
        return key, f"after a modifier write the letter in lower case: " \
                    f"'{'+'.join(modifiers + [base.lower()])}' (add shift+ for the shifted key)"
    if modifiers and len(base) == 1 and not base.isalnum():
        from textual.keys import _character_to_key

        base = _character_to_key(base)  # Textual names "ctrl+?" ctrl+question_mark
    if len(base) > 1 and base != base.lower():
        return key, f"key names are lower case: '{'+'.join(modifiers + [base.lower()])}'"
    if len(base) > 1 and base not in key_names():
        from textual.keys import key_to_character

        if key_to_character(base) is None:
            return key, f"'{base}' is not a key name Textual knows{suggest(base, key_names())}"
    return "+".join(sorted(modifiers) + [base]), None


def check_key_list(keys: str) -> tuple[str, list[str]]:
    """Validate a comma-separated key list (a keymap value): (normalized list, errors)."""
    parts = [part.strip() for part in keys.split(",")]
    if not any(parts):
        return keys, ["expected at least one key, such as \"ctrl+q\""]
    if not all(parts):
        return keys, [f"'{keys}' has an empty entry; write 'comma' for the , key"]
    results = [check_key(part) for part in parts]
    return ",".join(key for key, _ in results), [error for _, error in results if error]


# -- resolution -------------------------------------------------------------------------------
def effective_read_only(config: Config, profile: str | None, flag: bool = False) -> bool:
    """--read-only wins; then the profile's own setting; then the global one. `profile` is the
    AWS profile in effect (None, e.g. in the demo world: global settings only)."""
    if flag:
        return True
    own = config.profiles.get(profile) if profile is not None else None
    return own.read_only if own is not None and own.read_only is not None else config.read_only


def read_only_unreadable(problems: Iterable[Problem]) -> Problem | None:
    """The first problem that may hide a read-only setting (None: the setting was read).

    A config file that cannot be read at all, an invalid `read_only` anywhere, a broken
    `profiles` map or profile entry, or a broken `default_profile` (which decides the profile in
    effect): whether read-only was meant is unknown, so read-only holds (a safety setting fails
    closed)."""
    for problem in problems:
        if problem.severity == "error" and _hides_read_only(problem.key):
            return problem
    return None


def _hides_read_only(key: str) -> bool:
    if not key or key in ("read_only", "default_profile", "profiles") or key.endswith(".read_only"):
        return True
    parts = key.split(".")
    return parts[0] == "profiles" and len(parts) == 2


def read_only_reason(config: Config, problems: Iterable[Problem], profile: str | None,
                     flag: bool = False) -> str | None:
    """Why mutations are refused ("--read-only is given", "the config file sets read_only", ...),
    or None. The one decision the app and every shell lever share; `profile` is the AWS profile
    in effect, as the session resolves it ("default" when nothing chose one; None in the demo
    world, where only the global settings apply)."""
    if flag:
        return "--read-only is given"
    unreadable = read_only_unreadable(problems)
    if unreadable is not None:
        return f"the config file's read-only setting cannot be trusted ({unreadable})"
    if effective_read_only(config, profile):
        own = config.profiles.get(profile) if profile is not None else None
        if own is not None and own.read_only:
            return f"the config file makes the profile {profile} read-only"
        return "the config file sets read_only"
    return None


def theme_for(config: Config, profile: str | None) -> str:
    """The theme for the AWS profile in effect: its own if set, else the global theme."""
    own = config.profiles.get(profile) if profile is not None else None
    return own.theme if own is not None and own.theme else config.theme


# -- validation -------------------------------------------------------------------------------
class _Invalid(Exception):
    """A value that cannot be used; the message says what was expected."""


@dataclass
class _Check:
    file: Path
    known: Known
    problems: list[Problem] = field(default_factory=list)

    def add(self, path: tuple, message: str, line: int | None, severity: str = "error") -> None:
        self.problems.append(Problem(self.file, key_path(path), message, line, severity))  # type: ignore[arg-type]

    def mapping(self, value: object, path: tuple, line: int | None) -> YamlMapping | None:
        if isinstance(value, dict) and not isinstance(value, YamlMapping):  # built in code
            value, plain = YamlMapping(), value
            value.update(plain)
        if isinstance(value, YamlMapping):
            for key, dup_line in value.duplicates:
                self.add(path + (key,), "is given twice; only the last one is used", dup_line)
            return value
        if value is not None:
            self.add(path, f"expected a mapping (key: value lines), got {describe(value)}", line)
        return None

    def fields(self, data: YamlMapping, path: tuple, spec: Mapping[str, Callable]) -> dict[str, Any]:
        """Convert each known key with its converter; report unknown keys and bad values."""
        valid: dict[str, Any] = {}
        for key, value in data.items():
            line = data.line_of(key)
            if not isinstance(key, str):
                self.add(path + (key,), f'a key must be text: quote it ("{key}")', line)
            elif key not in spec:
                hint = suggest(key, spec) or f"; expected one of: {', '.join(spec)}"
                self.add(path + (key,), f"unknown key{hint}", line)
            elif value is not None:  # `key:` with nothing after it means "not set"
                try:
                    valid[key] = spec[key](self, value, path + (key,), line)
                except _Invalid as exc:
                    self.add(path + (key,), str(exc), line)
        return valid


def _text(check: _Check, value: object, path: tuple, line: int | None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Invalid(f"expected text, got {describe(value)}")
    return value.strip()


def _flag(check: _Check, value: object, path: tuple, line: int | None) -> bool:
    if not isinstance(value, bool):
        raise _Invalid(f"expected true or false, got {describe(value)}")
    return value


def _region(check: _Check, value: object, path: tuple, line: int | None) -> str:
    region = _text(check, value, path, line)
    if not _REGION.match(region):
        raise _Invalid(f"expected an AWS region such as eu-west-1, got {describe(value)}")
    return region


def _aws_profile(check: _Check, value: object, path: tuple, line: int | None) -> str:
    name = _text(check, value, path, line)
    _check_profile_exists(check, name, path, line)
    return name


def _check_profile_exists(check: _Check, name: str, path: tuple, line: int | None) -> None:
    known = check.known.aws_profiles
    if known is not None and name not in known:
        hint = suggest(name, known) or (f" (known: {', '.join(sorted(known))})" if known else "")
        check.add(path, f"no AWS profile named '{name}' in your AWS config files{hint}", line, "warning")


def _theme(check: _Check, value: object, path: tuple, line: int | None) -> str:
    name = _text(check, value, path, line)
    known = check.known.themes
    fallback = "the default theme" if len(path) == 1 else "the global theme"
    if name in check.known.broken_themes:
        raise _Invalid(f"theme '{name}' has errors in its file (reported separately); {fallback} is used")
    if known is not None and name not in known:
        raise _Invalid(f"no theme named '{name}'{suggest(name, known)}; {fallback} is used")
    return name


def _timestamps(check: _Check, value: object, path: tuple, line: int | None) -> str:
    if value not in TIMESTAMP_MODES:
        raise _Invalid(f"expected one of {', '.join(TIMESTAMP_MODES)}, got {describe(value)}")
    return str(value)


def _number(low: float, high: float, *, integer: bool) -> Callable:
    kind = "a whole number" if integer else "a number"
    span = f"{low:.0f} to {high:.0f}" if integer else f"{low:g} to {high:g}"

    def convert(check: _Check, value: object, path: tuple, line: int | None) -> float:
        types = (int,) if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, types) or not low <= value <= high:
            raise _Invalid(f"expected {kind} from {span}, got {describe(value)}")
        return value if integer else float(value)

    return convert


def _logs(check: _Check, value: object, path: tuple, line: int | None) -> LogSettings:
    data = check.mapping(value, path, line)
    spec = {
        "buffer_lines": _number(*BUFFER_LINES_RANGE, integer=True),
        "requests_per_second": _number(*REQUESTS_PER_SECOND_RANGE, integer=False),
    }
    return LogSettings(**check.fields(data, path, spec)) if data is not None else LogSettings()


def _health(check: _Check, value: object, path: tuple, line: int | None) -> HealthSettings:
    data = check.mapping(value, path, line)
    spec = {
        "window_minutes": _number(*HEALTH_WINDOW_MINUTES_RANGE, integer=True),
        "refresh_seconds": _number(*HEALTH_REFRESH_SECONDS_RANGE, integer=True),
        "error_rate_threshold": _number(*ERROR_RATE_THRESHOLD_RANGE, integer=False),
        "detail_calls_per_minute": _number(*DETAIL_CALLS_RANGE, integer=True),
    }
    return HealthSettings(**check.fields(data, path, spec)) if data is not None else HealthSettings()


def _profiles(check: _Check, value: object, path: tuple, line: int | None) -> dict[str, ProfileSettings]:
    data = check.mapping(value, path, line)
    profiles: dict[str, ProfileSettings] = {}
    for name, settings in (data or {}).items():
        where = data.line_of(name)  # type: ignore[union-attr]
        if not isinstance(name, str):
            check.add(path + (name,), f'a profile name must be text: quote it ("{name}")', where)
            continue
        _check_profile_exists(check, name, path + (name,), where)
        mapping = check.mapping(settings, path + (name,), where)
        if mapping is not None:
            own = check.fields(mapping, path + (name,), {"theme": _theme, "read_only": _flag})
            profiles[name] = ProfileSettings(**own)
    return profiles


def _keymap(check: _Check, value: object, path: tuple, line: int | None) -> dict[str, str]:
    data = check.mapping(value, path, line)
    keymap: dict[str, str] = {}
    known = check.known.binding_ids
    for binding_id, keys in (data or {}).items():
        where = data.line_of(binding_id)  # type: ignore[union-attr]
        here = path + (binding_id,)
        if not isinstance(binding_id, str):
            check.add(here, f'a binding id must be text, got {describe(binding_id)}', where)
            continue
        if isinstance(keys, list) and all(isinstance(key, str) for key in keys):
            keys = ",".join(keys)
        if not isinstance(keys, str):
            quote = " (quote it)" if isinstance(keys, (bool, int, float)) else ""
            check.add(here, f"expected keys as text such as \"ctrl+q\" or \"f,slash\"{quote}, "
                      f"got {describe(keys)}", where)
            continue
        normalized, errors = check_key_list(keys)
        for error in errors:
            check.add(here, error, where)
        if not errors:
            keymap[binding_id] = normalized
        if known is not None and binding_id not in known:
            check.add(here, f"no key binding has this id{suggest(binding_id, known)}; "
                      "`stackview config --keys` lists them", where, "warning")
    return keymap


#: StartQuery's longest query string; a query name stays one short line.
MAX_QUERY_LENGTH = 10_000
_QUERY_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")


def _queries(check: _Check, value: object, path: tuple, line: int | None) -> dict[str, str]:
    data = check.mapping(value, path, line)
    queries: dict[str, str] = {}
    for name, text in (data or {}).items():
        where = data.line_of(name)  # type: ignore[union-attr]
        here = path + (name,)
        if not isinstance(name, str) or not _QUERY_NAME.match(name):
            check.add(here, f"a query name is a word of letters, digits, '-', '_', '.' or ':' "
                      f"(up to 64), got {describe(name)}", where)
            continue
        if not isinstance(text, str) or not text.strip():
            check.add(here, f"expected the query's text (a Logs Insights query), got {describe(text)}", where)
            continue
        if len(text) > MAX_QUERY_LENGTH:
            check.add(here, f"the query has {len(text):,} characters; Logs Insights takes at most "
                      f"{MAX_QUERY_LENGTH:,}", where)
            continue
        queries[name] = text.strip()
    return queries


_TOP: dict[str, Callable] = {
    "default_profile": _aws_profile,
    "default_region": _region,
    "theme": _theme,
    "read_only": _flag,
    "timestamps": _timestamps,
    "logs": _logs,
    "health": _health,
    "keymap": _keymap,
    "profiles": _profiles,
    "queries": _queries,
}


def parse_config(data: object, file: Path, known: Known = Known()) -> tuple[Config, list[Problem]]:
    """Validate an already-parsed document (what `read_yaml` returns)."""
    check = _Check(file, known)
    top = check.mapping(data, (), getattr(data, "line", None))
    if top is None:
        return Config(), check.problems
    config = replace(Config(), **check.fields(top, (), _TOP))
    return config, sorted(check.problems, key=lambda problem: problem.line or 0)


def load_config(path: Path | None = None, *, known: Known = Known()) -> tuple[Config, list[Problem]]:
    """The effective configuration and every problem in the file (defaults for the broken parts).
    `path` defaults to `locations.config_file()` (STACKVIEW_CONFIG or the XDG config dir)."""
    path = path or locations.config_file()
    data, problems = read_yaml(path)
    if problems:
        return Config(), problems
    return parse_config(data, path, known)
