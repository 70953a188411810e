"""The import contracts in pyproject.toml (`[tool.importlinter]`) hold: layers, no Textual below
the UI, no AWS SDK in the UI, moto only in the demo server, no import cycles.

Each contract runs as its own test (`lint-imports --contract ID`, the tool's command line, in a
subprocess), so a broken one names itself and prints import-linter's report. The contracts are
static: import-linter reads every import statement, deferred ones included, without running them.
What only running code shows, that `stackview --help` loads none of the heavy packages, is checked
here by importing in a fresh interpreter.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import grimp
import pytest

import stackview

ROOT = Path(stackview.__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

#: Contracts known to be broken until the UI restructuring of issue 10 lands, with the reason.
#: Remove an entry once its contract is kept.
KNOWN_BROKEN: dict[str, str] = {}


def contract_ids() -> list[str]:
    config = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
    return [contract["id"] for contract in config["contracts"]]


def lint_imports(config: Path, *contracts: str, path: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` on `config`, importing the root package from `path` (not from elsewhere)."""
    env = {**os.environ, "PYTHONPATH": str(path)}
    args = [str(LINT_IMPORTS), "--no-cache", "--no-logo", *(f"--contract={c}" for c in contracts), str(config)]
    return subprocess.run(args, capture_output=True, text=True, cwd=path, env=env, timeout=120)


@pytest.mark.parametrize("contract", [
    pytest.param(c, marks=pytest.mark.xfail(strict=False, reason=KNOWN_BROKEN[c])) if c in KNOWN_BROKEN else c
    for c in contract_ids()
])
def test_import_contract_is_kept(contract: str) -> None:
    result = lint_imports(PYPROJECT, contract, path=ROOT)
    assert result.returncode == 0 and "Contracts: 1 kept, 0 broken." in result.stdout, (
        f"import contract {contract!r} is broken:\n{result.stdout}{result.stderr}")


def test_known_broken_contracts_exist() -> None:
    assert set(KNOWN_BROKEN) <= set(contract_ids())


def test_the_check_can_fail(tmp_path: Path) -> None:
    """A package that breaks a layers contract, a forbidden contract and the acyclic one: each
    is reported broken, and the same checks on a package that respects them are kept."""
    package = tmp_path / "demo_arch"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "high.py").write_text("import demo_arch.low\n")
    (package / "low.py").write_text("def f():\n    import demo_arch.high\n")  # deferred: still seen
    (package / "pure.py").write_text("import json\n")
    config = tmp_path / ".importlinter"
    config.write_text(textwrap.dedent("""\
        [importlinter]
        root_package = demo_arch
        include_external_packages = True

        [importlinter:contract:layers]
        name = high above low
        type = layers
        layers =
            demo_arch.high
            demo_arch.low

        [importlinter:contract:pure]
        name = pure imports no json
        type = forbidden
        source_modules = demo_arch.pure
        forbidden_modules = json

        [importlinter:contract:acyclic]
        name = no cycles
        type = acyclic_siblings
        ancestors = demo_arch
    """))
    for contract in ("layers", "pure", "acyclic"):
        result = lint_imports(config, contract, path=tmp_path)
        assert result.returncode != 0 and "1 broken" in result.stdout, result.stdout + result.stderr
    (package / "low.py").write_text("X = 1\n")
    (package / "pure.py").write_text("X = 1\n")
    result = lint_imports(config, "layers", "pure", "acyclic", path=tmp_path)
    assert result.returncode == 0 and "Contracts: 3 kept, 0 broken." in result.stdout, result.stdout + result.stderr


#: What stackview.config may take from Textual: its tables of key names (imported lazily).
KEY_NAME_MODULES = ("textual.keys", "textual._keyboard_protocol")


def test_config_takes_only_key_names_from_textual() -> None:
    """stackview.config sits below the UI but checks keymap keys against Textual's key names;
    "no-textual-below-ui" leaves it out for that alone, so nothing else of Textual may come in."""
    graph = grimp.build_graph("stackview", include_external_packages=True, cache_dir=None)
    details = graph.get_import_details(importer="stackview.config", imported="textual")
    lines = {detail["line_contents"] for detail in details}
    assert lines, "stackview.config no longer imports Textual: add it to the no-textual-below-ui contract"
    allowed = tuple(f"from {module} import " for module in KEY_NAME_MODULES)
    assert [line for line in sorted(lines) if not line.startswith(allowed)] == []


def test_the_command_line_parser_loads_no_heavy_package() -> None:
    """Deferred imports stay deferred: `stackview --help` (and a mistyped option) builds the parser
    of every command without loading Textual, the AWS SDK or moto, which all take long to import."""
    program = textwrap.dedent("""\
        import sys
        import stackview.cli
        stackview.cli.build_parser()
        print(" ".join(sorted({m.split(".")[0] for m in sys.modules} & {"textual", "boto3", "botocore", "moto"})))
    """)
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
    # ... and the probe sees such an import when there is one.
    program = program.replace("stackview.cli.build_parser()", "import stackview.aws.session")
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["boto3", "botocore"]
