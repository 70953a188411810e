"""`stackview sources` without an endpoint: read-only refuses every queue lever before anything
is called (the listing is allowed), and bad values exit 2 before connecting."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackview import cli
from stackview.commands.sources import parse_words, Usage


@pytest.fixture(autouse=True)
def commands(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(cli, "COMMANDS", ("sources",))
    monkeypatch.setenv("STACKVIEW_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("STACKVIEW_CONFIG", str(tmp_path / "config.yaml"))
    for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


LEVERS = [["disable", "worker"], ["enable", "worker", "--uuid", "u"], ["max-concurrency", "worker", "5"],
          ["restore-max-concurrency", "worker", "--yes"], ["redrive", "worker", "--wait"],
          ["cancel-redrive", "worker"]]


@pytest.mark.parametrize("words", LEVERS)
def test_read_only_flag_refuses_every_lever(words, capsys) -> None:
    assert cli.main(["--read-only", "sources", *words]) == cli.EXIT_FAILURE
    err = capsys.readouterr().err
    assert f"`sources {words[0]}` changes AWS" in err and "credentials" not in err


@pytest.mark.parametrize("config,argv,reason", [
    ("read_only: true\n", [], "the config file sets read_only"),
    ("profiles:\n  prod:\n    read_only: true\n", ["--profile", "prod"], "makes the profile prod read-only"),
    ("default_profile: prod\nprofiles:\n  prod:\n    read_only: true\n", [], "makes the profile prod read-only"),
    ("read_only: maybe\n", [], "cannot be trusted"),
])
def test_read_only_from_the_config_file(tmp_path, capsys, config, argv, reason) -> None:
    (tmp_path / "config.yaml").write_text(config)
    assert cli.main([*argv, "sources", "disable", "worker"]) == cli.EXIT_FAILURE
    err = capsys.readouterr().err
    assert "read-only mode" in err and reason in err


def test_the_listing_is_not_a_lever(capsys) -> None:
    assert cli.main(["--read-only", "sources", "worker", "--region", "eu-west-1"]) == cli.EXIT_FAILURE
    err = capsys.readouterr().err
    assert "read-only" not in err and "no AWS credentials" in err  # past the guard, then no keys


@pytest.mark.parametrize("words,message", [
    (["max-concurrency", "worker", "1"], "from 2 to 1000"),
    (["max-concurrency", "worker"], "takes FUNCTION N|none"),
    (["disable", "worker", "extra"], "takes FUNCTION"),
    (["redrive", "worker", "--rate", "0"], "--rate must be from 1 to 500"),
])
def test_bad_values_exit_2_before_connecting(words, message, capsys) -> None:
    assert cli.main(["sources", *words]) == 2
    err = capsys.readouterr().err
    assert message in err and "credentials" not in err


def test_words() -> None:
    assert parse_words(["worker"]) == ("list", "worker", None)
    assert parse_words(["list", "worker"]) == ("list", "worker", None)
    assert parse_words(["disable", "worker"]) == ("disable", "worker", None)
    assert parse_words(["max-concurrency", "worker", "none"]) == ("max-concurrency", "worker", "none")
    assert parse_words(["disable"]) == ("list", "disable", None)  # a function named like an action
    with pytest.raises(Usage):
        parse_words(["worker", "extra"])
