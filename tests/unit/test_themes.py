"""Theme files: strict validation (every problem of every file together) and the mapping to
Textual `Theme` objects, without running an app."""

from __future__ import annotations

import textwrap
from pathlib import Path

from textual.theme import BUILTIN_THEMES, Theme

from stackview.config import read_yaml
from stackview.themes import (
    ThemeCatalog,
    effective_variables,
    load_settings,
    load_theme_file,
    load_themes,
    parse_theme,
)
from stackview.widgets.styles import VARIABLE_SOURCES

GOOD = """
name: ocean
description: Blue and calm
dark: true
primary: "#0077be"
secondary: "#20b2aa"
background: "#001f3f"
variables:
  sv-status-failed: "#ff6347"
  block-cursor-text-style: bold underline
  text-muted: auto 60%
"""


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def parse(tmp_path: Path, text: str):
    path = write(tmp_path, "theme.yaml", text)
    data, problems = read_yaml(path)
    assert problems == []
    theme, problems = parse_theme(data, path)
    return theme, problems, path


def test_a_valid_file_becomes_a_textual_theme(tmp_path):
    theme, problems, _ = parse(tmp_path, GOOD)
    assert problems == []
    assert isinstance(theme, Theme)
    assert (theme.name, theme.primary, theme.secondary, theme.background, theme.dark) == (
        "ocean", "#0077be", "#20b2aa", "#001f3f", True)
    assert theme.description == "Blue and calm"
    assert theme.variables == {"sv-status-failed": "#ff6347",
                               "block-cursor-text-style": "bold underline", "text-muted": "auto 60%"}
    variables = effective_variables(theme)
    assert variables["sv-status-failed"] == "#ff6347"  # the theme's own value
    assert variables["sv-status-complete"] == variables["success"]  # derived default


def test_dark_is_inferred_from_the_background_when_not_given(tmp_path):
    light, problems, _ = parse(tmp_path, 'name: paper\nprimary: "#1d4ed8"\nbackground: "#fafafa"\n')
    assert problems == [] and light.dark is False
    dark, problems, _ = parse(tmp_path, 'name: night\nprimary: "#1d4ed8"\nbackground: "#101010"\n')
    assert problems == [] and dark.dark is True


def test_unknown_key_names_the_file_the_key_and_a_close_match(tmp_path):
    theme, problems, path = parse(tmp_path, 'name: x\nprimary: "#123456"\nbackgroud: "#000000"\n')
    assert theme is None
    (problem,) = problems
    assert (problem.file, problem.key, problem.line) == (path, "backgroud", 3)
    assert problem.message == "unknown key (did you mean 'background'?)"


def test_bad_colour_names_the_key_and_textual_suggestion(tmp_path):
    theme, problems, _ = parse(tmp_path, "name: x\nprimary: bleu\nerror: 12\n")
    assert theme is None
    first, second = problems
    assert (first.key, first.line) == ("primary", 2)
    assert first.message.startswith("'bleu' is not a colour (did you mean 'blue'?)")
    assert (second.key, second.message) == ("error", 'expected a colour such as "#1e90ff", got the number 12')


def test_unquoted_hash_colour_is_explained(tmp_path):
    theme, problems, _ = parse(tmp_path, "name: x\nprimary: #ff0000\n")
    assert theme is None
    (problem,) = problems
    assert problem.key == "primary"
    assert "quote colours that start with #" in problem.message


def test_unknown_sv_variable_is_an_error_with_a_suggestion(tmp_path):
    text = 'name: x\nprimary: "#123456"\nvariables:\n  sv-status-faild: "#ff0000"\n'
    theme, problems, _ = parse(tmp_path, text)
    assert theme is None
    (problem,) = problems
    assert (problem.key, problem.line) == ("variables.sv-status-faild", 4)
    assert problem.message.startswith("unknown stackview variable (did you mean 'sv-status-failed'?)")


def test_every_sv_variable_is_accepted(tmp_path):
    lines = "".join(f'  {name}: "#808080"\n' for name in VARIABLE_SOURCES)
    theme, problems, _ = parse(tmp_path, f'name: x\nprimary: "#123456"\nvariables:\n{lines}')
    assert problems == []
    assert set(theme.variables) == set(VARIABLE_SOURCES)


def test_variable_values_are_checked_by_kind(tmp_path):
    text = """
    name: x
    primary: "#123456"
    variables:
      sv-muted: auto 60%
      block-cursor-text-style: red
      border: nope
      no-such-variable: "#ffffff"
      primary: "#000000"
    """
    theme, problems, _ = parse(tmp_path, text)
    assert theme is None
    messages = {problem.key: problem.message for problem in problems}
    assert set(messages) == {"variables.sv-muted", "variables.block-cursor-text-style",
                             "variables.border", "variables.no-such-variable", "variables.primary"}
    assert messages["variables.sv-muted"].startswith("'auto 60%' is not a colour")  # sv-* are colours
    assert messages["variables.block-cursor-text-style"].startswith("expected text style words")
    assert messages["variables.border"].startswith("'nope' is not a colour")
    assert messages["variables.no-such-variable"].startswith("unknown variable")
    assert messages["variables.primary"] == (
        "'primary' is a theme field: set it at the top level, not under variables")


def test_missing_name_and_primary_are_both_reported(tmp_path):
    theme, problems, _ = parse(tmp_path, 'background: "#000000"\n')
    assert theme is None
    assert [(p.key, p.message) for p in problems] == [
        ("name", "is missing (every theme needs `name` and `primary`)"),
        ("primary", "is missing (every theme needs `name` and `primary`)"),
    ]


def test_other_field_types(tmp_path):
    text = 'name: "two words"\nprimary: "#123456"\ndark: "yes"\ntext_alpha: 2\nvariables: [1]\n'
    theme, problems, _ = parse(tmp_path, text)
    assert theme is None
    assert [p.key for p in problems] == ["name", "dark", "text_alpha", "variables"]
    assert problems[0].message.startswith("expected a name of letters, digits")


def test_empty_or_non_mapping_file(tmp_path):
    theme, problems, _ = parse(tmp_path, "# nothing\n")
    assert theme is None and problems[0].message.startswith("is empty")
    theme, problems, _ = parse(tmp_path, "- a\n- b\n")
    assert theme is None and "got a list" in problems[0].message


def test_yaml_syntax_error_in_a_theme_has_its_line(tmp_path):
    path = write(tmp_path, "file.yaml", 'name: broken\nprimary: "#123456"\n  secondary: "#000000"\n')
    theme, problems, name = load_theme_file(path)
    assert theme is None and name == "broken"  # read from its name: line
    (problem,) = problems
    assert problem.file == path and problem.line == 3
    assert problem.message.startswith("is not valid YAML")


def test_all_bad_files_are_reported_together_and_good_ones_still_load(tmp_path):
    builtin = tmp_path / "builtin"
    user = tmp_path / "user"
    write(builtin, "base.yaml", 'name: base\nprimary: "#123456"\n')
    write(user, "a-good.yaml", GOOD)
    write(user, "b-colour.yaml", "name: b\nprimary: notacolour\n")
    write(user, "c-key.yaml", 'name: c\nprimary: "#123456"\nprimery: "#000000"\n')
    write(user, "d-syntax.yaml", "name: d\nprimary: [\n")
    write(user, "e-variable.yml", 'name: e\nprimary: "#123456"\nvariables:\n  sv-nope: "#fff"\n')
    (user / "notes.txt").write_text("not a theme")
    catalog = load_themes(builtin, user)
    assert sorted(catalog.themes) == ["base", "ocean"]
    assert sorted(p.file.name for p in catalog.problems) == [
        "b-colour.yaml", "c-key.yaml", "d-syntax.yaml", "e-variable.yml"]
    assert catalog.broken == {"b", "c", "d", "e"}
    assert catalog.files["ocean"] == user / "a-good.yaml"


def test_a_user_theme_replaces_a_builtin_of_the_same_name(tmp_path):
    write(tmp_path / "builtin", "dark.yaml", 'name: stackview-dark\nprimary: "#111111"\n')
    write(tmp_path / "user", "mine.yaml", 'name: stackview-dark\nprimary: "#222222"\n')
    catalog = load_themes(tmp_path / "builtin", tmp_path / "user")
    assert catalog.themes["stackview-dark"].primary == "#222222"
    assert catalog.files["stackview-dark"] == tmp_path / "user" / "mine.yaml"


def test_two_user_files_with_one_name(tmp_path):
    user = tmp_path / "user"
    write(user, "a.yaml", 'name: twin\nprimary: "#111111"\n')
    write(user, "b.yaml", 'name: twin\nprimary: "#222222"\n')
    catalog = load_themes(tmp_path / "none", user)
    assert catalog.themes["twin"].primary == "#111111"
    (problem,) = catalog.problems
    assert (problem.file.name, problem.key) == ("b.yaml", "name")
    assert problem.message == "'twin' is already the name of a.yaml; this file is ignored"


def test_textual_builtin_themes_stay_selectable():
    catalog = ThemeCatalog()
    assert set(BUILTIN_THEMES) <= catalog.names()
    assert {"nord", "textual-dark", "textual-light"} <= catalog.names()


def test_settings_cross_check_the_config_against_loaded_themes(tmp_path):
    user = tmp_path / "user"
    write(user, "mine.yaml", "name: mine\nprimary: bad\n")
    config_file = write(tmp_path, "config.yaml", "theme: mine\nprofiles:\n  prod:\n    theme: red-alert\n")
    settings = load_settings(config_file, user_dir=user)
    assert settings.config.theme == "stackview-dark"  # mine is broken: the default is used
    assert settings.config.profiles["prod"].theme == "red-alert"  # a built-in theme
    keys = [(p.file.name, p.key) for p in settings.problems]
    assert keys == [("config.yaml", "theme"), ("mine.yaml", "primary")]
    assert "has errors in its file" in settings.problems[0].message
    notice = settings.notice()
    assert notice.startswith("2 problems in your stackview settings")
    assert notice.endswith("Run `stackview config` to see them all.")


def test_settings_without_problems_have_no_notice(tmp_path):
    settings = load_settings(tmp_path / "absent.yaml", user_dir=tmp_path / "themes")
    assert settings.problems == [] and settings.notice() is None


def test_theme_problems_render_as_file_line_key_message(tmp_path):
    path = write(tmp_path, "t.yaml", 'name: t\nprimary: "#123456"\nsurface: nope\n')
    _, problems, _ = load_theme_file(path)
    assert str(problems[0]).startswith(f"{path}:3: surface: 'nope' is not a colour")
