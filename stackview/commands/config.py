"""`stackview config`: where settings come from, what they add up to, and what is wrong in them.

Needs no AWS connection. It prints the paths in use (and whether each exists), the effective
settings as YAML (valid as a config file; a read-only setting that cannot be read shows as
read-only, which is what the levers do), how each configured profile and the one in use resolve
(theme, read-only), the themes available, and every problem in the config file and theme files; it exits
1 when there is any problem, so it can guard a dotfiles repository in CI. `--keys` lists every
key binding id with its keys: the vocabulary of the `keymap` section.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from stackview import locations
from stackview.commands.guard import profile_in_effect
from stackview.config import read_only_reason, read_only_unreadable, theme_for
from stackview.models.config import Config, Problem

if TYPE_CHECKING:
    from stackview.themes import ThemeCatalog

#: Packages whose classes carry the app's key bindings (imported to find every binding id).
UI_PACKAGES = ("stackview.screens", "stackview.widgets")


def add_parser(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "config",
        parents=parents,
        help="show the config and theme files, the effective settings and any problems",
        description="Show where stackview reads its settings from, the settings in effect, and "
        "every problem in the config file and theme files (exit status 1 if there is any).",
    )
    parser.add_argument("--keys", action="store_true",
                        help="also list every key binding id and its keys (for the keymap section)")
    parser.set_defaults(run=run)


@dataclass(frozen=True)
class BindingInfo:
    id: str
    key: str
    description: str
    owner: str
    """The class that declares the binding, e.g. `stackview.screens.stacks.StacksScreen`."""


def binding_catalog() -> list[BindingInfo]:
    """Every key binding with an id in stackview's UI, sorted by id. Found by importing the app,
    its screens and widgets and reading their classes' BINDINGS, so the list cannot fall behind
    the code (and a keymap entry for a screen not opened yet is still recognised)."""
    from textual.binding import Binding
    from textual.dom import DOMNode

    importlib.import_module("stackview.app")
    for name in ui_modules(UI_PACKAGES):
        importlib.import_module(name)
    found: dict[str, BindingInfo] = {}
    pending: list[type] = [DOMNode]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if not cls.__module__.startswith("stackview."):
            continue
        for binding in cls.__dict__.get("BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id:
                owner = f"{cls.__module__}.{cls.__qualname__}"
                found.setdefault(binding.id, BindingInfo(binding.id, binding.key, binding.description, owner))
    return sorted(found.values(), key=lambda info: info.id)


def ui_modules(packages: tuple[str, ...]) -> list[str]:
    """Every module of `packages`, subpackages included at any depth (a screen in
    `screens/stack/tabs.py` carries bindings too). Imports the packages to walk them."""
    names = []
    for package_name in packages:
        package = importlib.import_module(package_name)
        names.extend(info.name for info in pkgutil.walk_packages(package.__path__, f"{package_name}."))
    return names


def aws_profile_names() -> list[str] | None:
    """Profiles in the AWS config and credentials files (botocore reads them; no network).
    None when the files cannot be read, so the check is skipped rather than wrong."""
    try:
        import botocore.session

        return list(botocore.session.Session().available_profiles)
    except Exception:  # noqa: BLE001 - a malformed AWS config is botocore's to report, not ours
        return None


def _describe_path(path: Path, *, themes: bool = False) -> str:
    if path.is_file():
        return "found"
    if path.is_dir():
        if themes:
            count = sum(1 for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
            return f"{count} theme file{'s' if count != 1 else ''}"
        return "exists"
    return "not found" if themes or path.suffix else "not created yet"


def _paths_section(builtin_dir: Path) -> list[str]:
    config_file = locations.config_file()
    state = _describe_path(config_file)
    if os.environ.get("STACKVIEW_CONFIG"):
        state += ", from STACKVIEW_CONFIG"
    if not config_file.is_file():
        state += "; defaults in use"
    rows = [
        ("config file", config_file, state),
        ("user themes", locations.user_themes_dir(), _describe_path(locations.user_themes_dir(), themes=True)),
        ("built-in themes", builtin_dir, _describe_path(builtin_dir, themes=True)),
        ("data", locations.data_dir(), _describe_path(locations.data_dir())),
        ("state", locations.state_dir(), _describe_path(locations.state_dir())),
    ]
    return ["Files"] + [f"  {label:<16} {path}  [{state}]" for label, path, state in rows]


def config_as_dict(config: Config) -> dict[str, Any]:
    """The settings as plain data in the config file's own shape and order."""
    return {
        "default_profile": config.default_profile,
        "default_region": config.default_region,
        "theme": config.theme,
        "read_only": config.read_only,
        "timestamps": config.timestamps,
        "logs": {"buffer_lines": config.logs.buffer_lines,
                 "requests_per_second": config.logs.requests_per_second},
        "health": {"window_minutes": config.health.window_minutes,
                   "refresh_seconds": config.health.refresh_seconds,
                   "error_rate_threshold": config.health.error_rate_threshold,
                   "detail_calls_per_minute": config.health.detail_calls_per_minute},
        "keymap": dict(config.keymap),
        "profiles": {name: {key: value for key, value in vars(settings).items() if value is not None}
                     for name, settings in config.profiles.items()},
        "queries": dict(config.queries),
    }


class _Dumper(yaml.SafeDumper):
    """Multi-line text (a saved query) as a `|` block, as one would write it in the file."""


_Dumper.add_representer(str, lambda dumper, text: dumper.represent_scalar(
    "tag:yaml.org,2002:str", text, style="|" if "\n" in text else None))


def _settings_section(config: Config, problems: list[Problem]) -> list[str]:
    settings = config_as_dict(config)
    unreadable = read_only_unreadable(problems)
    if unreadable is not None:  # what the levers do: a read-only setting that cannot be read holds
        settings["read_only"] = True
    text = yaml.dump(settings, Dumper=_Dumper, sort_keys=False, default_flow_style=False)
    lines = ["", "Settings in effect (valid as a config file)"]
    for line in text.splitlines():
        if unreadable is not None and line == "read_only: true":
            line += "  # the file's read-only setting cannot be read: read-only holds"
        lines.append(f"  {line}")
    return lines


def _profiles_section(config: Config, problems: list[Problem], args: argparse.Namespace) -> list[str]:
    chosen = profile_in_effect(args, config.default_profile)
    names = list(config.profiles)
    if chosen and chosen not in names:
        names.insert(0, chosen)
    flag = bool(getattr(args, "read_only", False))
    lines = ["", "Per profile"]
    for name in names:
        marker = " (in use)" if name == chosen else ""
        read_only = "yes" if read_only_reason(config, problems, name, flag) else "no"
        lines.append(f"  {name}{marker}: theme {theme_for(config, name)}, read-only {read_only}")
    if not names:
        read_only = "yes" if read_only_reason(config, problems, None, flag) else "no"
        lines.append(f"  every profile: theme {config.theme}, read-only {read_only}")
    return lines


def _themes_section(catalog: ThemeCatalog, builtin_dir: Path) -> list[str]:
    from textual.theme import BUILTIN_THEMES

    lines = ["", "Themes"]
    width = max((len(name) for name in catalog.themes), default=0)
    for name in sorted(catalog.themes, key=lambda n: (catalog.files[n].parent != builtin_dir, n)):
        path = catalog.files[name]
        origin = "built-in" if path.parent == builtin_dir else str(path)
        description = getattr(catalog.themes[name], "description", "")
        detail = f"{description}  " if description else ""
        lines.append(f"  {name:<{width}}  {detail}[{origin}]")
    textual = sorted(name for name in BUILTIN_THEMES if name not in catalog.themes)
    lines.append(f"  Textual's: {', '.join(textual)}")
    return lines


def _keys_section(config: Config, bindings: list[BindingInfo]) -> list[str]:
    lines = ["", "Key bindings (binding id, keys in effect, what it does)"]
    width = max((len(info.id) for info in bindings), default=10)
    for info in bindings:
        keys = config.keymap.get(info.id)
        shown = f"{keys}  (default {info.key})" if keys else info.key
        lines.append(f"  {info.id:<{width}}  {shown:<24}  {info.description}")
    return lines


def report(args: argparse.Namespace) -> tuple[list[str], int]:
    """The lines `stackview config` prints and its exit status."""
    from stackview.themes import builtin_themes_dir, load_settings

    bindings = binding_catalog()
    builtin_dir = builtin_themes_dir()
    settings = load_settings(binding_ids=[info.id for info in bindings], aws_profiles=aws_profile_names())
    lines = _paths_section(builtin_dir)
    config_problems = [p for p in settings.problems if p not in settings.catalog.problems]
    lines += _settings_section(settings.config, config_problems)
    lines += _profiles_section(settings.config, config_problems, args)
    lines += _themes_section(settings.catalog, builtin_dir)
    if getattr(args, "keys", False):
        lines += _keys_section(settings.config, bindings)
    problems = settings.problems
    if problems:
        lines += ["", f"Problems ({len(problems)})"] + [f"  {problem}" for problem in problems]
    else:
        lines += ["", "No problems found."]
    return lines, 1 if problems else 0


def run(args: argparse.Namespace) -> int:
    lines, status = report(args)
    print("\n".join(lines))
    return status
