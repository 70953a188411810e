"""The keymap section: key names checked against Textual's vocabulary, binding ids against the
app's, and the result accepted by Textual's `set_keymap`."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from stackview.config import Known, check_key, check_key_list, load_config

IDS = frozenset({"app.quit", "stacks.filter", "stack.filter", "table.down"})


def load(tmp_path: Path, text: str, known: Known = Known(binding_ids=IDS)):
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path, known=known)


@pytest.mark.parametrize(
    ("key", "normalized"),
    [
        ("f", "f"),
        ("G", "G"),
        ("?", "?"),  # Textual names single characters itself (question_mark)
        ("ctrl+q", "ctrl+q"),
        ("shift+ctrl+up", "ctrl+shift+up"),  # the order Textual writes modifiers in
        ("ctrl+?", "ctrl+question_mark"),
        ("f12", "f12"),
        ("escape", "escape"),
        ("pageup", "pageup"),
        ("question_mark", "question_mark"),
        ("space", "space"),
        ("alt+enter", "alt+enter"),
    ],
)
def test_keys_textual_knows(key, normalized):
    assert check_key(key) == (normalized, None)


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("pgup", "'pgup' is not a key name Textual knows (did you mean 'pageup'?)"),
        ("Escape", "key names are lower case: 'escape'"),
        ("ctrl+Q", "after a modifier write the letter in lower case: 'ctrl+q' (add shift+ for the shifted key)"),
        ("cmd+q", "'cmd' in 'cmd+q' is not a modifier (modifiers: alt, ctrl, hyper, meta, shift, super)"),
        ("contrl+q", "'contrl' in 'contrl+q' is not a modifier (did you mean 'ctrl'?) "
                     "(modifiers: alt, ctrl, hyper, meta, shift, super)"),
        ("ctrl++", "'ctrl++' has an empty part; write 'plus' for the + key, 'comma' for ,"),
        ("ctrl+ctrl+q", "'ctrl+ctrl+q' repeats a modifier"),
        (" ", "use the name 'space' (or 'tab') for a blank key"),
    ],
)
def test_keys_textual_cannot_parse(key, message):
    assert check_key(key)[1] == message


def test_key_lists():
    assert check_key_list("f, slash") == ("f,slash", [])
    assert check_key_list("") == ("", ['expected at least one key, such as "ctrl+q"'])
    assert check_key_list("f,,g")[1] == ["'f,,g' has an empty entry; write 'comma' for the , key"]
    normalized, errors = check_key_list("pgup,Home")
    assert len(errors) == 2


def test_keymap_entries_are_normalized_for_set_keymap(tmp_path):
    config, problems = load(tmp_path, 'keymap:\n  stacks.filter: "f, slash"\n  app.quit: shift+ctrl+x\n')
    assert problems == []
    assert config.keymap == {"stacks.filter": "f,slash", "app.quit": "ctrl+shift+x"}


def test_keymap_accepts_a_yaml_list(tmp_path):
    config, problems = load(tmp_path, "keymap:\n  app.quit: [q, ctrl+q]\n")
    assert problems == [] and config.keymap == {"app.quit": "q,ctrl+q"}


def test_bad_key_is_an_error_naming_the_binding_and_the_line(tmp_path):
    config, problems = load(tmp_path, "keymap:\n  stacks.filter: f\n  app.quit: ctrl+Q\n")
    (problem,) = problems
    assert (problem.key, problem.line, problem.severity) == ('keymap["app.quit"]', 3, "error")
    assert "'ctrl+q'" in problem.message
    assert config.keymap == {"stacks.filter": "f"}  # the broken entry keeps its default key


def test_unquoted_yes_no_value_asks_for_quotes(tmp_path):
    _, problems = load(tmp_path, "keymap:\n  app.quit: on\n")
    (problem,) = problems
    assert problem.message == ('expected keys as text such as "ctrl+q" or "f,slash" (quote it), '
                               "got true (a yes/no value)")


def test_unknown_binding_id_is_a_warning_and_the_entry_is_kept(tmp_path):
    config, problems = load(tmp_path, "keymap:\n  stack.flter: f\n")
    (problem,) = problems
    assert (problem.key, problem.severity) == ('keymap["stack.flter"]', "warning")
    assert problem.message == ("no key binding has this id (did you mean 'stack.filter'?); "
                               "`stackview config --keys` lists them")
    assert config.keymap == {"stack.flter": "f"}


def test_binding_ids_are_not_checked_without_a_list(tmp_path):
    config, problems = load(tmp_path, "keymap:\n  whatever.id: f\n", known=Known())
    assert problems == [] and config.keymap == {"whatever.id": "f"}


class KeymapApp(App):
    BINDINGS = [Binding("x", "hit('quit')", "Quit", id="app.quit"),
                Binding("y", "hit('filter')", "Filter", id="stacks.filter")]

    def __init__(self) -> None:
        super().__init__()
        self.hits: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static("keys")

    def action_hit(self, name: str) -> None:
        self.hits.append(name)


async def test_a_validated_keymap_drives_textual_bindings(tmp_path):
    config, problems = load(tmp_path, 'keymap:\n  app.quit: "ctrl+?"\n  stacks.filter: "?, f"\n')
    assert problems == []
    app = KeymapApp()
    async with app.run_test() as pilot:
        app.set_keymap(dict(config.keymap))
        await pilot.press("x", "y", "question_mark", "f", "ctrl+question_mark")
        await pilot.pause()
    assert app.hits == ["filter", "filter", "quit"]
