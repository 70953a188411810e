"""The config file: strict validation with messages naming file, line, key and expectation, and
the effective settings (defaults for the broken parts only)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from stackview import locations
from stackview.config import (
    Config,
    HealthSettings,
    Known,
    LogSettings,
    ProfileSettings,
    effective_read_only,
    key_path,
    load_config,
    theme_for,
)
from stackview.models import config as config_models

KNOWN = Known(
    themes=frozenset({"stackview-dark", "stackview-light", "red-alert", "nord"}),
    binding_ids=frozenset({"app.quit", "stacks.filter", "stack.filter", "table.down"}),
    aws_profiles=frozenset({"default", "dev", "prod", "staging", "sandbox"}),
)


def write(tmp_path: Path, text: str, name: str = "config.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def load(tmp_path: Path, text: str, known: Known = KNOWN):
    path = write(tmp_path, text)
    config, problems = load_config(path, known=known)
    return config, problems, path


def only(problems):
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


# -- a good file ------------------------------------------------------------------------------
FULL = """
default_profile: dev
default_region: eu-west-1
theme: nord
read_only: false
timestamps: utc
logs:
  buffer_lines: 50000
  requests_per_second: 2.5
health:
  window_minutes: 30
  refresh_seconds: 120
  error_rate_threshold: 2.5
  detail_calls_per_minute: 20
keymap:
  stacks.filter: f
  app.quit: "ctrl+q"
profiles:
  prod:
    theme: red-alert
    read_only: true
  dev:
    theme: stackview-light
"""


def test_every_key_of_a_valid_file_is_applied(tmp_path):
    config, problems, _ = load(tmp_path, FULL)
    assert problems == []
    assert config == Config(
        default_profile="dev",
        default_region="eu-west-1",
        theme="nord",
        read_only=False,
        timestamps="utc",
        logs=LogSettings(buffer_lines=50_000, requests_per_second=2.5),
        health=HealthSettings(window_minutes=30, refresh_seconds=120, error_rate_threshold=2.5,
                              detail_calls_per_minute=20),
        keymap={"stacks.filter": "f", "app.quit": "ctrl+q"},
        profiles={"prod": ProfileSettings(theme="red-alert", read_only=True),
                  "dev": ProfileSettings(theme="stackview-light")},
    )


def test_missing_file_gives_defaults_and_no_problem(tmp_path):
    config, problems = load_config(tmp_path / "absent.yaml")
    assert (config, problems) == (Config(), [])
    assert config.theme == "stackview-dark" and config.logs.buffer_lines == 100_000
    assert config.logs.requests_per_second == 4.0 and config.timestamps == "local"


def test_empty_file_gives_defaults(tmp_path):
    config, problems, _ = load(tmp_path, "# nothing yet\n")
    assert (config, problems) == (Config(), [])


def test_stackview_config_points_at_another_file(tmp_path, monkeypatch):
    path = write(tmp_path, "theme: red-alert\n", name="elsewhere.yaml")
    monkeypatch.setenv("STACKVIEW_CONFIG", str(path))
    assert locations.config_file() == path
    config, problems = load_config()
    assert config.theme == "red-alert" and problems == []


def test_defaults_match_the_log_pipeline_and_the_log_view():
    from stackview.logs.budget import DEFAULT_RATE
    from stackview.logs.buffer import DEFAULT_CAPACITY
    from stackview.widgets.log_format import TIMESTAMP_MODES

    assert config_models.DEFAULT_BUFFER_LINES == DEFAULT_CAPACITY
    assert config_models.DEFAULT_REQUESTS_PER_SECOND == DEFAULT_RATE
    assert config_models.TIMESTAMP_MODES == TIMESTAMP_MODES


# -- unknown keys -----------------------------------------------------------------------------
def test_unknown_key_names_file_line_and_a_close_match(tmp_path):
    config, problems, path = load(tmp_path, "read_only: true\nthem: nord\n")
    problem = only(problems)
    assert (problem.file, problem.line, problem.key) == (path, 2, "them")
    assert "unknown key" in problem.message and "did you mean 'theme'?" in problem.message
    assert str(problem) == f"{path}:2: them: unknown key (did you mean 'theme'?)"
    assert config.read_only is True  # the rest of the file still applies
    assert config.theme == "stackview-dark"


def test_unknown_key_without_a_close_match_lists_the_valid_ones(tmp_path):
    _, problems, _ = load(tmp_path, "logs:\n  colour: blue\n")
    problem = only(problems)
    assert problem.key == "logs.colour"
    assert problem.message == "unknown key; expected one of: buffer_lines, requests_per_second"


def test_case_slip_is_suggested(tmp_path):
    _, problems, _ = load(tmp_path, "Theme: nord\n")
    assert "did you mean 'theme'?" in only(problems).message


def test_unknown_key_inside_a_profile(tmp_path):
    config, problems, _ = load(tmp_path, "profiles:\n  prod:\n    readonly: true\n    theme: red-alert\n")
    problem = only(problems)
    assert (problem.key, problem.line) == ("profiles.prod.readonly", 3)
    assert "did you mean 'read_only'?" in problem.message
    assert config.profiles["prod"] == ProfileSettings(theme="red-alert", read_only=None)


# -- wrong types and values -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "key", "expected"),
    [
        ("read_only: maybe\n", "read_only", 'expected true or false, got the text "maybe"'),
        ("read_only: 1\n", "read_only", "expected true or false, got the number 1"),
        ("theme: 42\n", "theme", "expected text, got the number 42"),
        ("timestamps: UTC\n", "timestamps", 'expected one of relative, local, utc, got the text "UTC"'),
        ("default_region: eu-west1\n", "default_region",
         'expected an AWS region such as eu-west-1, got the text "eu-west1"'),
        ("logs:\n  buffer_lines: 10\n", "logs.buffer_lines",
         "expected a whole number from 1000 to 2000000, got the number 10"),
        ("logs:\n  buffer_lines: 5000.5\n", "logs.buffer_lines",
         "expected a whole number from 1000 to 2000000, got the number 5000.5"),
        ("logs:\n  buffer_lines: true\n", "logs.buffer_lines",
         "expected a whole number from 1000 to 2000000, got true (a yes/no value)"),
        ("logs:\n  requests_per_second: 0\n", "logs.requests_per_second",
         "expected a number from 0.1 to 25, got the number 0"),
        ("logs:\n  requests_per_second: fast\n", "logs.requests_per_second",
         'expected a number from 0.1 to 25, got the text "fast"'),
        ("logs: 5\n", "logs", "expected a mapping (key: value lines), got the number 5"),
        ("health:\n  window_minutes: 0\n", "health.window_minutes",
         "expected a whole number from 1 to 1440, got the number 0"),
        ("health:\n  refresh_seconds: 5\n", "health.refresh_seconds",
         "expected a whole number from 10 to 3600, got the number 5"),
        ("health:\n  error_rate_threshold: high\n", "health.error_rate_threshold",
         'expected a number from 0 to 100, got the text "high"'),
        ("health:\n  detail_calls_per_minute: -1\n", "health.detail_calls_per_minute",
         "expected a whole number from 0 to 1000, got the number -1"),
        ("profiles:\n  prod: true\n", "profiles.prod", "expected a mapping (key: value lines), got true (a yes/no value)"),
        ("profiles:\n  prod:\n    read_only: yes please\n", "profiles.prod.read_only",
         'expected true or false, got the text "yes please"'),
    ],
)
def test_wrong_type_names_the_key_path_and_what_was_expected(tmp_path, text, key, expected):
    config, problems, path = load(tmp_path, text)
    problem = only(problems)
    assert (problem.file, problem.key, problem.message, problem.severity) == (path, key, expected, "error")
    assert problem.line == text.count("\n")  # the offending key is on the last line
    assert config.logs == LogSettings() and config.read_only is False  # defaults for broken parts


def test_numbers_in_range_are_kept_with_their_type(tmp_path):
    config, problems, _ = load(tmp_path, "logs:\n  buffer_lines: 1000\n  requests_per_second: 5\n")
    assert problems == []
    assert config.logs.buffer_lines == 1000
    assert config.logs.requests_per_second == 5.0 and isinstance(config.logs.requests_per_second, float)


def test_top_level_must_be_a_mapping(tmp_path):
    config, problems, path = load(tmp_path, "- theme: nord\n")
    problem = only(problems)
    assert (problem.key, problem.message) == ("", "expected a mapping (key: value lines), got a list")
    assert config == Config()


def test_a_key_without_a_value_means_not_set(tmp_path):
    config, problems, _ = load(tmp_path, "theme:\nread_only:\n")
    assert (config, problems) == (Config(), [])


def test_non_text_key_is_reported_with_a_hint_to_quote_it(tmp_path):
    _, problems, _ = load(tmp_path, "profiles:\n  2024:\n    read_only: true\n")
    problem = only(problems)
    assert problem.key == "profiles[2024]"
    assert problem.message == 'a profile name must be text: quote it ("2024")'


def test_a_key_given_twice_is_reported_and_the_last_one_wins(tmp_path):
    config, problems, _ = load(tmp_path, "theme: nord\nread_only: true\ntheme: red-alert\n")
    problem = only(problems)
    assert (problem.key, problem.line) == ("theme", 3)
    assert problem.message == "is given twice; only the last one is used"
    assert config.theme == "red-alert"


def test_yaml_merge_keys_are_not_duplicates(tmp_path):
    text = """
    profiles:
      prod: &strict
        theme: red-alert
        read_only: true
      staging:
        <<: *strict
        theme: nord
    """
    config, problems, _ = load(tmp_path, text)
    assert problems == []
    assert config.profiles["staging"] == ProfileSettings(theme="nord", read_only=True)


def test_many_problems_are_all_reported_in_line_order(tmp_path):
    text = """
    them: nord
    read_only: perhaps
    logs:
      buffer_lines: 3
    profiles:
      prod:
        theme: 7
    """
    _, problems, _ = load(tmp_path, text)
    assert [(p.line, p.key) for p in problems] == [
        (1, "them"), (2, "read_only"), (4, "logs.buffer_lines"), (7, "profiles.prod.theme")]


# -- YAML syntax and unreadable files ---------------------------------------------------------
def test_yaml_syntax_error_has_the_line_number(tmp_path):
    config, problems, path = load(tmp_path, "theme: nord\nkeymap: [app.quit\nread_only: true\n")
    problem = only(problems)
    assert problem.file == path and problem.key == ""
    assert problem.line == 3
    assert problem.message.startswith("is not valid YAML")
    assert str(problem).startswith(f"{path}:3: is not valid YAML")
    assert config == Config()


def test_tab_indentation_is_a_syntax_error_with_its_line(tmp_path):
    _, problems, _ = load(tmp_path, "logs:\n\tbuffer_lines: 5000\n")
    problem = only(problems)
    assert problem.line == 2 and "not valid YAML" in problem.message


def test_a_directory_in_place_of_the_file_is_reported(tmp_path):
    (tmp_path / "config.yaml").mkdir()
    config, problems = load_config(tmp_path / "config.yaml")
    assert config == Config()
    assert "cannot be read" in only(problems).message


def test_invalid_utf8_is_reported(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_bytes(b"theme: \xff\xfe\n")
    _, problems = load_config(path)
    assert "cannot be read" in only(problems).message


# -- cross-checks: themes, profiles, binding ids ----------------------------------------------
def test_unknown_theme_falls_back_with_a_suggestion(tmp_path):
    config, problems, _ = load(tmp_path, "theme: nrod\nprofiles:\n  prod:\n    theme: red-alrt\n")
    first, second = problems
    assert first.key == "theme"
    assert first.message == "no theme named 'nrod' (did you mean 'nord'?); the default theme is used"
    assert second.key == "profiles.prod.theme"
    assert "did you mean 'red-alert'?" in second.message and "the global theme is used" in second.message
    assert config.theme == "stackview-dark"
    assert theme_for(config, "prod") == "stackview-dark"


def test_a_theme_whose_file_is_broken_is_named_as_such(tmp_path):
    known = Known(themes=KNOWN.themes, broken_themes=frozenset({"mine"}))
    _, problems, _ = load(tmp_path, "theme: mine\n", known=known)
    assert only(problems).message == (
        "theme 'mine' has errors in its file (reported separately); the default theme is used")


def test_theme_names_are_not_checked_without_a_theme_list(tmp_path):
    config, problems, _ = load(tmp_path, "theme: anything\n", known=Known())
    assert problems == [] and config.theme == "anything"


def test_unknown_aws_profile_is_a_warning(tmp_path):
    config, problems, _ = load(tmp_path, "default_profile: prd\nprofiles:\n  qa:\n    read_only: true\n")
    first, second = problems
    assert (first.key, first.severity) == ("default_profile", "warning")
    assert "no AWS profile named 'prd'" in first.message and "did you mean 'prod'?" in first.message
    assert (second.key, second.severity) == ("profiles.qa", "warning")
    assert str(second).endswith("profiles.qa: warning: no AWS profile named 'qa' in your "
                                "AWS config files (known: default, dev, prod, sandbox, staging)")
    # Warnings do not discard the setting: the profile may be created later.
    assert config.default_profile == "prd" and config.profiles["qa"].read_only is True


# -- resolution -------------------------------------------------------------------------------
def test_per_profile_theme_and_read_only_resolution(tmp_path):
    text = """
    theme: nord
    read_only: false
    profiles:
      prod: {theme: red-alert, read_only: true}
      dev: {theme: stackview-light}
      sandbox: {read_only: false}
    """
    config, problems, _ = load(tmp_path, text)
    assert problems == []
    assert theme_for(config, "prod") == "red-alert"
    assert theme_for(config, "dev") == "stackview-light"
    assert theme_for(config, "sandbox") == "nord"  # no theme of its own
    assert theme_for(config, "other") == "nord"
    assert theme_for(config, None) == "nord"
    assert effective_read_only(config, "prod", False) is True
    assert effective_read_only(config, "dev", False) is False
    assert effective_read_only(config, "other", False) is False
    assert effective_read_only(config, "dev", True) is True  # --read-only always wins


def test_a_profile_can_lift_the_global_read_only(tmp_path):
    config, _, _ = load(tmp_path, "read_only: true\nprofiles:\n  sandbox:\n    read_only: false\n")
    assert effective_read_only(config, "sandbox", False) is False
    assert effective_read_only(config, "prod", False) is True
    assert effective_read_only(config, None, False) is True
    assert effective_read_only(config, "sandbox", True) is True


def test_key_path_quotes_parts_that_are_not_plain_words():
    assert key_path(["profiles", "prod", "theme"]) == "profiles.prod.theme"
    assert key_path(["keymap", "app.quit"]) == 'keymap["app.quit"]'
    assert key_path(["profiles", 2024]) == "profiles[2024]"
    assert key_path([]) == ""


def test_problem_paths_under_home_are_shortened(monkeypatch, tmp_path):
    from stackview.models.config import Problem

    monkeypatch.setenv("HOME", str(tmp_path))
    problem = Problem(tmp_path / ".config" / "stackview" / "config.yaml", "theme", "bad", 3)
    assert str(problem) == "~/.config/stackview/config.yaml:3: theme: bad"
    elsewhere = Problem(Path("/etc/stackview.yaml"), "", "cannot be read: Permission denied")
    assert str(elsewhere) == "/etc/stackview.yaml: cannot be read: Permission denied"
