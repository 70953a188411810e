"""Where stackview keeps its files (XDG directories through platformdirs).

| what | default on Linux | override |
|---|---|---|
| config file | ~/.config/stackview/config.yaml | STACKVIEW_CONFIG (a file) |
| user themes | ~/.config/stackview/themes/*.yaml | (beside the config file) |
| data (saved test events) | ~/.local/share/stackview | STACKVIEW_DATA_DIR |
| state (audit log, history) | ~/.local/state/stackview | STACKVIEW_STATE_DIR |

Directories are created when something is written, never on import.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "stackview"


def config_file() -> Path:
    override = os.environ.get("STACKVIEW_CONFIG")
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_config_dir(APP)) / "config.yaml"


def config_dir() -> Path:
    return config_file().parent


def user_themes_dir() -> Path:
    return config_dir() / "themes"


def data_dir() -> Path:
    override = os.environ.get("STACKVIEW_DATA_DIR")
    return Path(override).expanduser() if override else Path(platformdirs.user_data_dir(APP))


def state_dir() -> Path:
    override = os.environ.get("STACKVIEW_STATE_DIR")
    return Path(override).expanduser() if override else Path(platformdirs.user_state_dir(APP))


def audit_log_file() -> Path:
    return state_dir() / "audit.jsonl"
