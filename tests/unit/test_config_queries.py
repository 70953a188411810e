"""`queries:` in the config file: the user's own Logs Insights queries, validated like the rest."""

from __future__ import annotations

import textwrap

import yaml

from stackview import cli
from stackview.config import load_config


def load(tmp_path, text: str):
    path = tmp_path / "config.yaml"
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return load_config(path)


def test_saved_queries_are_read_in_order(tmp_path) -> None:
    config, problems = load(tmp_path, """
        theme: nord
        queries:
          payment-errors: |
            filter @message like /declined/
            | stats count(*) by bin(5m)
          slow: "filter @duration > 1000 | sort @duration desc"
    """)
    assert problems == []
    assert list(config.queries) == ["payment-errors", "slow"]
    assert config.queries["payment-errors"] == "filter @message like /declined/\n| stats count(*) by bin(5m)"
    assert config.theme == "nord"


def test_bad_entries_are_reported_and_the_good_ones_kept(tmp_path) -> None:
    config, problems = load(tmp_path, f"""
        queries:
          ok: fields @message
          "two words": fields @message
          empty: ""
          number: 12
          huge: "{'x' * 10_001}"
    """)
    assert config.queries == {"ok": "fields @message"}
    by_key = {p.key: p for p in problems}
    assert set(by_key) == {'queries["two words"]', "queries.empty", "queries.number", "queries.huge"}
    assert "a query name is a word" in by_key['queries["two words"]'].message
    assert "expected the query's text" in by_key["queries.empty"].message
    assert "the number 12" in by_key["queries.number"].message
    assert "at most 10,000" in by_key["queries.huge"].message
    assert by_key["queries.number"].line == 5


def test_queries_must_be_a_mapping(tmp_path) -> None:
    config, problems = load(tmp_path, "queries:\n  - fields @message\n")
    assert config.queries == {}
    assert [p.key for p in problems] == ["queries"]


def test_stackview_config_shows_them_as_blocks_valid_as_a_config_file(tmp_path, monkeypatch, capsys) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("queries:\n  errors: |\n    filter @message like /ERROR/\n    | limit 5\n", encoding="utf-8")
    monkeypatch.setenv("STACKVIEW_CONFIG", str(path))
    monkeypatch.setenv("STACKVIEW_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("STACKVIEW_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setattr(cli, "COMMANDS", ("config",))
    assert cli.main(["config"]) == 0
    out = capsys.readouterr().out
    assert "  queries:\n    errors: |-\n      filter @message like /ERROR/\n      | limit 5\n" in out
    block = out.split("Settings in effect (valid as a config file)\n", 1)[1].split("\n\n", 1)[0]
    assert yaml.safe_load(textwrap.dedent(block))["queries"] == {"errors": "filter @message like /ERROR/\n| limit 5"}
