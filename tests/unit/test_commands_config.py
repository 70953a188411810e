"""`stackview config`: paths, effective settings, per-profile resolution, problems, exit status."""

from __future__ import annotations

import sys
import textwrap

import pytest
import yaml

from stackview import cli
from stackview.commands import config as config_command


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A private config file, data/state dirs and AWS config; `config` registered as a command."""
    config_file = tmp_path / "conf" / "config.yaml"
    config_file.parent.mkdir()
    aws = tmp_path / "aws-config"
    aws.write_text("[default]\nregion = eu-west-1\n[profile prod]\nregion = eu-west-1\n")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # paths below print in full, not as ~/...
    monkeypatch.setenv("STACKVIEW_CONFIG", str(config_file))
    monkeypatch.setenv("STACKVIEW_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("STACKVIEW_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(aws))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_PROFILE", raising=False)
    monkeypatch.setattr(cli, "COMMANDS", ("config",))
    return config_file


def run(capsys, *argv: str) -> tuple[int, str]:
    status = cli.main(["config", *argv])
    return status, capsys.readouterr().out


def settings_yaml(out: str) -> dict:
    block = out.split("Settings in effect (valid as a config file)\n", 1)[1].split("\n\n", 1)[0]
    return yaml.safe_load(textwrap.dedent(block))


def test_no_config_file_prints_defaults_and_exits_0(home, capsys):
    status, out = run(capsys)
    assert status == 0
    assert f"config file      {home}  [not found, from STACKVIEW_CONFIG; defaults in use]" in out
    assert f"user themes      {home.parent / 'themes'}  [not found]" in out
    assert "4 theme files" in out
    assert "data             " in out and "[not created yet]" in out
    assert settings_yaml(out) == {
        "default_profile": None, "default_region": None, "theme": "stackview-dark",
        "read_only": False, "timestamps": "local",
        "logs": {"buffer_lines": 100000, "requests_per_second": 4.0},
        "health": {"window_minutes": 15, "refresh_seconds": 60, "error_rate_threshold": 5.0,
                   "detail_calls_per_minute": 60},
        "keymap": {}, "profiles": {}, "queries": {},
    }
    # No --profile, no AWS_PROFILE: botocore's profile named "default" is the one in use.
    assert "  default (in use): theme stackview-dark, read-only no" in out
    themes = out.split("\nThemes\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert [line.split()[0] for line in themes[:4]] == [
        "red-alert", "stackview-dark", "stackview-high-contrast", "stackview-light"]
    assert themes[1] == "  stackview-dark           Default dark theme  [built-in]"
    assert themes[4].startswith("  Textual's: ") and "nord" in themes[4]
    assert out.rstrip().endswith("No problems found.")


def test_effective_settings_and_profile_resolution(home, capsys, tmp_path):
    home.write_text(textwrap.dedent("""
        default_profile: prod
        theme: nord
        keymap:
          app.quit: ctrl+q
        profiles:
          prod:
            theme: red-alert
            read_only: true
          default:
            read_only: false
    """))
    (tmp_path / "data").mkdir()
    status, out = run(capsys)
    assert status == 0, out
    assert f"config file      {home}  [found, from STACKVIEW_CONFIG]" in out
    assert f"data             {tmp_path / 'data'}  [exists]" in out
    settings = settings_yaml(out)
    assert settings["theme"] == "nord"
    assert settings["keymap"] == {"app.quit": "ctrl+q"}
    assert settings["profiles"] == {"prod": {"theme": "red-alert", "read_only": True},
                                    "default": {"read_only": False}}
    assert "  prod (in use): theme red-alert, read-only yes" in out
    assert "  default: theme nord, read-only no" in out


def test_profile_option_and_read_only_flag_are_reflected(home, capsys):
    home.write_text("profiles:\n  prod:\n    theme: red-alert\n")
    status = cli.main(["--read-only", "--profile", "default", "config"])
    out = capsys.readouterr().out
    assert status == 0
    assert "  default (in use): theme stackview-dark, read-only yes" in out
    assert "  prod: theme red-alert, read-only yes" in out


@pytest.mark.parametrize("text", ["read_only: maybe\n", "profiles:\n  default: yes\n", "read_only: [\n"])
def test_an_unreadable_read_only_setting_shows_as_read_only(home, capsys, text):
    """What the levers do (they refuse) is what `stackview config` says."""
    home.write_text(text)
    status, out = run(capsys)
    assert status == 1
    assert settings_yaml(out)["read_only"] is True
    assert "read_only: true  # the file's read-only setting cannot be read: read-only holds" in out
    assert "  default (in use): theme stackview-dark, read-only yes" in out


def test_the_profile_in_use_follows_the_environment(home, capsys, monkeypatch):
    home.write_text("profiles:\n  prod:\n    read_only: true\n")
    monkeypatch.setenv("AWS_PROFILE", "prod")
    status, out = run(capsys)
    assert status == 0
    assert "  prod (in use): theme stackview-dark, read-only yes" in out


def test_problems_from_config_and_themes_are_all_printed_and_exit_1(home, capsys):
    home.write_text("them: nord\ntheme: mine\nkeymap:\n  stack.flter: f\nprofiles:\n  prdo:\n    read_only: true\n")
    themes = home.parent / "themes"
    themes.mkdir()
    (themes / "mine.yaml").write_text("name: mine\nprimary: bleu\n")
    (themes / "other.yaml").write_text('name: other\nprimary: "#123456"\nvariables:\n  sv-nope: "#fff"\n')
    status, out = run(capsys)
    assert status == 1
    problems = out.split("Problems (6)\n", 1)[1].splitlines()
    assert problems == [
        f"  {home}:1: them: unknown key (did you mean 'theme'?)",
        f"  {home}:2: theme: theme 'mine' has errors in its file (reported separately); "
        "the default theme is used",
        f"  {home}:4: keymap[\"stack.flter\"]: warning: no key binding has this id "
        "(did you mean 'stack.filter'?); `stackview config --keys` lists them",
        f"  {home}:6: profiles.prdo: warning: no AWS profile named 'prdo' in your AWS config files "
        "(did you mean 'prod'?)",
        f"  {themes / 'mine.yaml'}:2: primary: 'bleu' is not a colour (did you mean 'blue'?); "
        'expected "#rrggbb", rgb(...), hsl(...) or a name',
        f"  {themes / 'other.yaml'}:4: variables.sv-nope: unknown stackview variable; "
        f"stackview's variables: {', '.join(config_command_variables())}",
    ]
    assert "2 theme files" in out
    assert settings_yaml(out)["theme"] == "stackview-dark"


def config_command_variables() -> list[str]:
    from stackview.widgets.styles import VARIABLE_SOURCES

    return list(VARIABLE_SOURCES)


def test_yaml_syntax_error_is_printed_with_its_line(home, capsys):
    home.write_text("theme: nord\nlogs: {buffer_lines: 5000\n")
    status, out = run(capsys)
    assert status == 1
    assert f"  {home}:3: is not valid YAML" in out


def test_user_theme_is_listed_and_selectable(home, capsys):
    themes = home.parent / "themes"
    themes.mkdir()
    (themes / "ocean.yaml").write_text('name: ocean\nprimary: "#0077be"\n')
    (themes / "sand.yaml").write_text('name: sand\ndescription: Warm\nprimary: "#c2b280"\n')
    home.write_text("theme: ocean\n")
    status, out = run(capsys)
    assert status == 0, out
    assert f"  ocean                    [{themes / 'ocean.yaml'}]" in out
    assert f"  sand                     Warm  [{themes / 'sand.yaml'}]" in out
    assert out.index("stackview-light") < out.index("  ocean")  # built-in themes first
    assert settings_yaml(out)["theme"] == "ocean"


def test_keys_lists_every_binding_with_overrides(home, capsys):
    home.write_text("keymap:\n  stacks.filter: f\n")
    status, out = run(capsys, "--keys")
    assert status == 0
    keys = out.split("Key bindings (binding id, keys in effect, what it does)\n", 1)[1]
    rows = {line.split()[0]: line for line in keys.splitlines() if line.startswith("  ")}
    assert {"app.quit", "app.keys", "stacks.filter", "stack.back", "table.down", "filter.cancel"} <= set(rows)
    assert "f  (default slash)" in rows["stacks.filter"]
    assert rows["app.quit"].split()[1:] == ["q", "Quit"]


def test_binding_catalog_reads_the_ui_classes():
    catalog = {info.id: info for info in config_command.binding_catalog()}
    assert catalog["app.quit"].key == "q"
    assert catalog["app.quit"].owner == "stackview.app.StackviewApp"
    assert catalog["stacks.filter"].owner == "stackview.screens.stacks.StacksScreen"
    assert {f"stack.tab.{tab}" for tab in ("resources", "outputs")} <= set(catalog)
    assert list(catalog) == sorted(catalog)


def test_binding_catalog_walks_subpackages_at_any_depth(tmp_path, monkeypatch):
    """Screens grouped in subpackages (screens/stack/...) keep their bindings in the catalog."""
    root = tmp_path / "fake_ui"
    (root / "area" / "deeper").mkdir(parents=True)
    for package in (root, root / "area", root / "area" / "deeper"):
        (package / "__init__.py").write_text("")
    (root / "top.py").write_text("")
    (root / "area" / "deeper" / "leaf.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m == "fake_ui" or m.startswith("fake_ui.")]:
        monkeypatch.delitem(sys.modules, name)
    assert sorted(config_command.ui_modules(("fake_ui",))) == [
        "fake_ui.area", "fake_ui.area.deeper", "fake_ui.area.deeper.leaf", "fake_ui.top"]


def test_aws_profiles_come_from_the_aws_config_files(home):
    assert sorted(config_command.aws_profile_names()) == ["default", "prod"]
