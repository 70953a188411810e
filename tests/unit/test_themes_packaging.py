"""The built-in themes reach an installed (non-editable) package.

`themes/` sits at the top of the repository, beside the code; pyproject.toml installs it as the
package `stackview.builtin_themes`, which needs an explicit package list (setuptools cannot map a
directory into a package found by `packages.find`). This test keeps that list complete.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import stackview

ROOT = Path(stackview.__file__).resolve().parent.parent


def packages_on_disk() -> set[str]:
    found = set()
    for directory in [ROOT / "stackview", *(ROOT / "stackview").rglob("*")]:
        if directory.is_dir() and directory.name != "__pycache__" and any(directory.glob("*.py")):
            found.add(".".join(directory.relative_to(ROOT).parts))
    return found


def test_pyproject_installs_every_package_and_the_builtin_themes():
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    packages = setuptools.get("packages")
    if not isinstance(packages, list):
        pytest.skip("pyproject.toml does not list its packages yet: themes/ is not installed "
                    "with the package (see the proposed pyproject change)")
    assert setuptools["package-dir"]["stackview.builtin_themes"] == "themes"
    assert "*.yaml" in setuptools["package-data"]["*"]
    missing = packages_on_disk() - set(packages)
    assert missing == set(), f"add to [tool.setuptools] packages in pyproject.toml: {sorted(missing)}"
    assert "stackview.builtin_themes" in packages


def test_the_package_list_check_sees_real_packages():
    """The helper above finds packages, so an empty `missing` set means something."""
    assert {"stackview", "stackview.models", "stackview.widgets"} <= packages_on_disk()
