"""The AWS, log and demo layers never import Textual (nor our UI packages).

Checked in a fresh interpreter per package so that nothing imported by the test run itself
(pytest plugins import Textual) can hide a violation.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import stackview

ROOT = Path(stackview.__file__).parent
LAYERS = ("stackview.models", "stackview.aws", "stackview.logs")
FORBIDDEN = ("textual", "stackview.screens", "stackview.widgets", "stackview.app")


def modules_of(package: str) -> list[str]:
    """The package and every module below it, subpackages included (walk_packages imports only
    the subpackages' __init__ modules to look inside them)."""
    path = ROOT.joinpath(*package.split(".")[1:])
    if path.with_suffix(".py").exists():
        return [package]
    return [package] + [m.name for m in pkgutil.walk_packages([str(path)], prefix=f"{package}.")]


@pytest.mark.parametrize("package", LAYERS)
def test_layer_imports_no_textual(package: str) -> None:
    modules = modules_of(package)
    program = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] == 'textual' or m.startswith({FORBIDDEN[1:]!r}))\n"
        "print('\\n'.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"{package} pulls in: {result.stdout.split()}"


def test_demo_world_imports_no_textual() -> None:
    # The handlers' modules are the demo functions' code: they run in execution environments and
    # read their configuration from the environment when imported.
    modules = [m for m in modules_of("stackview.demo")
               if m != "stackview.demo.handlers" and not m.startswith("stackview.demo.handlers.")]
    assert {"stackview.demo.process", "stackview.demo.server.endpoint", "stackview.demo.runtime.runner",
            "stackview.demo.seed.stacks", "stackview.demo.history.write"} <= set(modules)
    program = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(any(m.split('.')[0] == 'textual' for m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_the_check_can_fail() -> None:
    """The probe itself detects a Textual import (so the tests above are not vacuous)."""
    program = "import sys, stackview.widgets.literal\nprint(any(m.split('.')[0] == 'textual' for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    # literal.py imports rich only; widgets/__init__ is empty: so this must be False ...
    assert result.stdout.strip() == "False"
    program = "import sys, stackview.widgets.styles\nprint(any(m.split('.')[0] == 'textual' for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    # ... and styles.py imports Textual, which the probe must see.
    assert result.stdout.strip() == "True"
