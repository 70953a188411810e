"""Themes: YAML files turned into Textual `Theme` objects, validated strictly.

stackview's own themes live in the repository's top-level `themes/` directory (installed as the
`stackview.builtin_themes` package data); a user's themes in `locations.user_themes_dir()`.
Textual's built-in themes stay selectable by name. A user theme with the name of a built-in one
replaces it, so a user can adjust `stackview-dark` without renaming it.

Every problem in every file is collected (an unknown key, a colour Textual cannot parse, an
unknown `sv-*` variable, a missing `name`), so one run of `stackview config` shows them all. A
file with an error is not registered at all: half a theme is harder to notice than a message.

Loading and validation need no running app; `ThemeCatalog.register(app)` is the only step that
does. `load_settings()` reads the config file and the themes together, because a config's theme
names can only be checked against the themes that actually loaded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from textual.app import App
from textual.color import Color, ColorParseError
from textual.css.constants import VALID_STYLE_FLAGS
from textual.design import ColorSystem
from textual.theme import BUILTIN_THEMES, Theme

from stackview import locations
from stackview.config import YamlMapping, describe, key_path, load_config, read_yaml, suggest
from stackview.models.config import Config, Known, Problem
from stackview.widgets.styles import VARIABLE_SOURCES, variable_defaults

#: The colour fields of a Textual theme (all optional but `primary`).
COLOR_FIELDS = ("primary", "secondary", "accent", "foreground", "background", "surface", "panel",
                "boost", "success", "warning", "error")
THEME_KEYS = ("name", "description", "dark", *COLOR_FIELDS, "luminosity_spread", "text_alpha",
              "variables")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_AUTO = re.compile(r"^auto( \d{1,3}%)?$")


@dataclass
class StackviewTheme(Theme):
    """A Textual theme that remembers the description its file gives (shown by `stackview
    config`); Textual treats it as any other theme."""

    description: str = ""


@lru_cache(maxsize=1)
def textual_variables() -> dict[str, str]:
    """Textual's own design variables a theme may override, with their defaults (the names a
    `ColorSystem` generates, less the base colours, which are top-level fields)."""
    generated = ColorSystem(primary="#0178D4").generate()
    return {name: value for name, value in generated.items() if name not in COLOR_FIELDS}


def effective_variables(theme: Theme) -> dict[str, str]:
    """Every CSS variable the app has under `theme`, merged as `App.get_css_variables` merges
    them: stackview's derived defaults, then Textual's generated colours, then the theme's own."""
    generated = theme.to_color_system().generate()
    return {**variable_defaults(generated), **generated, **theme.variables}


def builtin_themes_dir(package: Path | None = None) -> Path:
    """stackview's own theme files: packaged beside the code when installed from a wheel
    (`stackview/builtin_themes/`), else the checkout's top-level `themes/`."""
    package = package or Path(__file__).resolve().parent
    installed = package / "builtin_themes"
    return installed if installed.is_dir() else package.parent / "themes"


def theme_files(directory: Path) -> list[Path]:
    """The theme files of a directory, in a stable order (a missing directory has none)."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


# -- validation -------------------------------------------------------------------------------
def colour_error(value: object) -> str | None:
    """Why `value` is not a colour Textual can use, or None."""
    if not isinstance(value, str):
        return f"expected a colour such as \"#1e90ff\", got {describe(value)}"
    try:
        Color.parse(value)
    except ColorParseError as exc:
        hint = f" (did you mean '{exc.suggested_color}'?)" if exc.suggested_color else ""
        return f"'{value}' is not a colour{hint}; expected \"#rrggbb\", rgb(...), hsl(...) or a name"
    return None


def _variable_error(name: str, value: object) -> str | None:
    """Why `value` cannot be given to Textual's variable `name`, or None."""
    default = textual_variables()[name]
    if "style" in name:  # block-cursor-text-style, link-style-hover, ...
        words = value.split() if isinstance(value, str) else []
        if not words or any(word not in VALID_STYLE_FLAGS for word in words):
            return f"expected text style words ({', '.join(sorted(VALID_STYLE_FLAGS))}), got {describe(value)}"
        return None
    if isinstance(value, str) and (_AUTO.match(value) or (value == default and not default.startswith("#"))):
        return None  # "auto 87%": a contrasting colour; "initial" where Textual's default is so
    return colour_error(value)


@dataclass
class _ThemeCheck:
    file: Path
    problems: list[Problem] = field(default_factory=list)

    def add(self, data: YamlMapping | None, path: tuple, message: str) -> None:
        line = data.line_of(path[-1]) if isinstance(data, YamlMapping) and path else None
        self.problems.append(Problem(self.file, key_path(path), message, line))

    def duplicates(self, data: YamlMapping, path: tuple) -> None:
        for key, line in data.duplicates:
            self.problems.append(Problem(self.file, key_path(path + (key,)),
                                         "is given twice; only the last one is used", line))


def _no_value(key: str) -> str:
    return "has no value; quote colours that start with # (a bare # starts a YAML comment): " \
           f'{key}: "#1e90ff"'


def _variables(check: _ThemeCheck, data: object) -> dict[str, str]:
    if not isinstance(data, YamlMapping):
        return {}
    check.duplicates(data, ("variables",))
    textual = textual_variables()
    variables: dict[str, str] = {}
    for name, value in data.items():
        path = ("variables", name)
        if not isinstance(name, str):
            check.add(data, path, f"a variable name must be text, got {describe(name)}")
        elif name in COLOR_FIELDS:
            check.add(data, path, f"'{name}' is a theme field: set it at the top level, not under variables")
        elif name.startswith("sv-") and name not in VARIABLE_SOURCES:
            check.add(data, path, f"unknown stackview variable{suggest(name, VARIABLE_SOURCES)}; "
                      f"stackview's variables: {', '.join(VARIABLE_SOURCES)}")
        elif not name.startswith("sv-") and name not in textual:
            check.add(data, path, f"unknown variable{suggest(name, [*VARIABLE_SOURCES, *textual])}; "
                      "expected an sv-* variable of stackview or one of Textual's design variables")
        elif value is None:
            check.add(data, path, _no_value(name))
        elif error := (colour_error(value) if name.startswith("sv-") else _variable_error(name, value)):
            check.add(data, path, error)
        else:
            variables[name] = value
    return variables


def parse_theme(data: Any, file: Path) -> tuple[Theme | None, list[Problem]]:
    """A Textual `Theme` from a parsed theme document, or None and every problem found."""
    check = _ThemeCheck(file)
    if not isinstance(data, YamlMapping):
        message = "is empty" if data is None else f"expected a mapping (key: value lines), got {describe(data)}"
        return None, [Problem(file, "", f"{message}; a theme needs at least `name` and `primary`")]
    check.duplicates(data, ())
    fields: dict[str, Any] = {}
    for key, value in data.items():
        if key not in THEME_KEYS:
            hint = suggest(str(key), THEME_KEYS) or f"; expected one of: {', '.join(THEME_KEYS)}"
            check.add(data, (key,), f"unknown key{hint}")
        elif key in COLOR_FIELDS:
            error = _no_value(key) if value is None else colour_error(value)
            if error:
                check.add(data, (key,), error)
            else:
                fields[key] = value
        elif key == "name":
            if not isinstance(value, str) or not _NAME.match(value):
                check.add(data, (key,), "expected a name of letters, digits, '-', '_' or '.' "
                          f"(used as `:theme NAME`), got {describe(value)}")
            else:
                fields[key] = value
        elif key == "description":
            if not isinstance(value, str):
                check.add(data, (key,), f"expected text, got {describe(value)}")
            else:
                fields[key] = value.strip()
        elif key == "dark":
            if not isinstance(value, bool):
                check.add(data, (key,), f"expected true (light text on a dark background) or false, "
                          f"got {describe(value)}")
            else:
                fields[key] = value
        elif key in ("luminosity_spread", "text_alpha"):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                check.add(data, (key,), f"expected a number from 0 to 1, got {describe(value)}")
            else:
                fields[key] = float(value)
        elif key == "variables":
            if not isinstance(value, YamlMapping):
                check.add(data, (key,), f"expected a mapping of variable: value, got {describe(value)}")
            fields[key] = _variables(check, value)
    for required in ("name", "primary"):
        if required not in data:
            check.problems.append(Problem(file, required, "is missing (every theme needs `name` and `primary`)",
                                          data.line))
    if check.problems:
        return None, check.problems
    if "dark" not in fields:  # said nothing: judge by the background
        fields["dark"] = Color.parse(fields.get("background", "#000000")).brightness < 0.5
    theme = StackviewTheme(**fields)
    try:
        theme.to_color_system().generate()
    except Exception as exc:  # noqa: BLE001 - any refusal by Textual is the file's problem
        return None, [Problem(file, "", f"Textual cannot build colours from this theme: {exc}")]
    return theme, []


def load_theme_file(path: Path) -> tuple[Theme | None, list[Problem], str]:
    """(theme or None, problems, the name the file declares, else its stem). The name of a file
    that is not valid YAML is read from its `name:` line, so a config naming that theme can
    say "has errors" rather than "no such theme"."""
    data, problems = read_yaml(path)
    declared = data.get("name") if isinstance(data, dict) else None
    if problems and declared is None:
        try:
            found = re.search(r"^name:\s*['\"]?([A-Za-z0-9._-]+)", path.read_text(encoding="utf-8"), re.M)
        except (OSError, UnicodeDecodeError):
            found = None
        declared = found.group(1) if found else None
    name = declared if isinstance(declared, str) and declared else path.stem
    if problems:
        return None, problems, name
    theme, problems = parse_theme(data, path)
    return theme, problems, name


# -- the catalog ------------------------------------------------------------------------------
@dataclass
class ThemeCatalog:
    """The themes that loaded (stackview's and the user's) and every problem found."""

    themes: dict[str, Theme] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    """Theme name -> the file it came from."""
    problems: list[Problem] = field(default_factory=list)
    broken: set[str] = field(default_factory=set)
    """Names of themes whose files have errors (not registered)."""

    def names(self) -> frozenset[str]:
        """Every selectable theme: ours, the user's and Textual's built-in ones."""
        return frozenset(self.themes) | frozenset(BUILTIN_THEMES)

    def register(self, app: App) -> None:
        for theme in self.themes.values():
            app.register_theme(theme)

    def add_directory(self, directory: Path, *, replace_existing: bool) -> None:
        seen: dict[str, Path] = {}
        for path in theme_files(directory):
            theme, problems, name = load_theme_file(path)
            if name in seen:
                problems = [*problems, Problem(path, "name", f"'{name}' is already the name of "
                                               f"{seen[name].name}; this file is ignored")]
            seen.setdefault(name, path)
            self.problems.extend(problems)
            if problems:
                self.broken.add(name)
            elif theme is not None and (replace_existing or theme.name not in self.themes):
                self.themes[theme.name] = theme
                self.files[theme.name] = path
                self.broken.discard(theme.name)


def load_themes(builtin_dir: Path | None = None, user_dir: Path | None = None) -> ThemeCatalog:
    """stackview's themes, then the user's (which replace built-ins of the same name)."""
    catalog = ThemeCatalog()
    catalog.add_directory(builtin_dir or builtin_themes_dir(), replace_existing=False)
    catalog.add_directory(user_dir or locations.user_themes_dir(), replace_existing=True)
    return catalog


@dataclass
class Settings:
    """The effective configuration, the themes, and every problem in the files behind them."""

    config: Config
    catalog: ThemeCatalog
    problems: list[Problem]

    def notice(self, limit: int = 3) -> str | None:
        """The one notification the app shows at start (None when all is well): the first
        problems, and where to see them all."""
        if not self.problems:
            return None
        count = len(self.problems)
        lines = [f"{count} problem{'s' if count != 1 else ''} in your stackview settings "
                 "(defaults are used for those parts):"]
        lines += [f"- {problem}" for problem in self.problems[:limit]]
        if count > limit:
            lines.append(f"... and {count - limit} more")
        lines.append("Run `stackview config` to see them all.")
        return "\n".join(lines)


def load_settings(
    config_path: Path | None = None,
    *,
    builtin_dir: Path | None = None,
    user_dir: Path | None = None,
    binding_ids: Iterable[str] | None = None,
    aws_profiles: Iterable[str] | None = None,
) -> Settings:
    """Read the config file and the themes, cross-checking the config's theme names (and binding
    ids and AWS profile names, when given). Never raises for a user's mistake."""
    catalog = load_themes(builtin_dir, user_dir)
    known = Known(
        themes=catalog.names(),
        broken_themes=frozenset(catalog.broken - set(catalog.themes)),
        binding_ids=frozenset(binding_ids) if binding_ids is not None else None,
        aws_profiles=frozenset(aws_profiles) if aws_profiles is not None else None,
    )
    config, problems = load_config(config_path, known=known)
    return Settings(config, catalog, [*problems, *catalog.problems])
