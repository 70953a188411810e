"""The lever commands without an endpoint: read-only refuses before anything is called, usage
errors are one line, and `stackview audit` prints the log readably, raw, or only its end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stackview import audit, cli


@pytest.fixture(autouse=True)
def commands(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(cli, "COMMANDS", ("throttle", "audit"))
    monkeypatch.setenv("STACKVIEW_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("STACKVIEW_CONFIG", str(tmp_path / "config.yaml"))
    # No credentials anywhere: a command that tried to connect would fail on them.
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                 "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.mark.parametrize("argv", [
    ["--read-only", "throttle", "orders"],
    ["throttle", "--read-only", "orders"],
    ["--read-only", "unthrottle", "orders", "--yes"],
    ["--read-only", "throttle", "--stack", "shop"],
    ["unthrottle", "--stack", "shop", "--read-only", "--region", "eu-west-1"],
])
def test_read_only_refuses_before_connecting(argv, capsys) -> None:
    assert cli.main(argv) == cli.EXIT_FAILURE
    err = capsys.readouterr().err
    assert "read-only mode" in err and "refused" in err
    assert "credentials" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("config,argv,reason", [
    ("read_only: true\n", ["throttle", "orders"], "the config file sets read_only"),
    ("profiles:\n  prod:\n    read_only: true\n", ["--profile", "prod", "unthrottle", "--stack", "shop"],
     "makes the profile prod read-only"),
    ("default_profile: prod\nprofiles:\n  prod:\n    read_only: true\n", ["throttle", "orders"],
     "makes the profile prod read-only"),
    ("read_only: [\n", ["throttle", "orders"], "cannot be trusted"),
    ("read_only: maybe\n", ["throttle", "orders"], "cannot be trusted"),
    # A broken profiles map or profile entry may be hiding a read_only: fail closed.
    ("profiles: [prod]\n", ["throttle", "orders"], "cannot be trusted"),
    ("profiles:\n  prod: yes\n", ["--profile", "prod", "throttle", "orders"], "cannot be trusted"),
    ("default_profile: [prod]\n", ["throttle", "orders"], "cannot be trusted"),
])
def test_read_only_from_the_config_file(tmp_path, capsys, config, argv, reason) -> None:
    (tmp_path / "config.yaml").write_text(config)
    assert cli.main(argv) == cli.EXIT_FAILURE
    err = capsys.readouterr().err
    assert "read-only mode" in err and reason in err and "credentials" not in err


DEFAULT_READ_ONLY = "profiles:\n  default:\n    read_only: true\n"
PROD_READ_ONLY = "profiles:\n  prod:\n    read_only: true\n"


@pytest.mark.parametrize("config,env,argv,profile", [
    # Nothing chooses a profile: botocore uses the one named "default", and so does read-only.
    (DEFAULT_READ_ONLY, {}, ["throttle", "orders", "--yes"], "default"),
    (DEFAULT_READ_ONLY, {}, ["unthrottle", "--stack", "shop", "--yes"], "default"),
    (DEFAULT_READ_ONLY, {}, ["--profile", "default", "throttle", "orders"], "default"),
    (PROD_READ_ONLY, {"AWS_PROFILE": "prod"}, ["throttle", "orders"], "prod"),
    (PROD_READ_ONLY, {"AWS_DEFAULT_PROFILE": "prod"}, ["throttle", "orders"], "prod"),
    ("default_profile: prod\n" + PROD_READ_ONLY, {"AWS_PROFILE": "dev"}, ["throttle", "orders"], "prod"),
], ids=["implicit-default", "implicit-default-stack", "flag", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
        "default_profile-over-AWS_PROFILE"])
def test_read_only_holds_however_the_profile_is_chosen(tmp_path, monkeypatch, capsys, config, env, argv,
                                                       profile) -> None:
    (tmp_path / "config.yaml").write_text(config)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert cli.main(argv) == cli.EXIT_FAILURE
    err = capsys.readouterr().err
    assert f"the config file makes the profile {profile} read-only" in err and "credentials" not in err


def test_invoke_is_refused_by_the_config_too(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(cli, "COMMANDS", ("invoke",))
    (tmp_path / "config.yaml").write_text(DEFAULT_READ_ONLY)
    assert cli.main(["invoke", "orders"]) == cli.EXIT_FAILURE
    err = capsys.readouterr().err
    assert "read-only mode: `invoke` runs the function" in err and "profile default read-only" in err


def test_headless_commands_use_the_config_default_region(tmp_path, capsys) -> None:
    """Without the config's default_region the command stops at "no AWS region"; with it, it
    goes on (and stops here only for want of credentials)."""
    (tmp_path / "config.yaml").write_text("default_region: eu-west-1\n")
    assert cli.main(["throttle", "orders", "--yes"]) == cli.EXIT_FAILURE
    err = capsys.readouterr().err
    assert "no AWS region" not in err and "no AWS credentials" in err


def test_a_read_only_profile_does_not_bind_another(tmp_path, capsys) -> None:
    (tmp_path / "config.yaml").write_text("profiles:\n  prod:\n    read_only: true\n")
    (tmp_path / "no-config").write_text("[profile dev]\nregion = eu-west-1\n")
    assert cli.main(["--profile", "dev", "throttle", "orders"]) == cli.EXIT_FAILURE
    err = capsys.readouterr().err
    assert "read-only" not in err and "no AWS credentials" in err  # past the guard, then no keys


@pytest.mark.parametrize("argv", [["throttle"], ["unthrottle", "orders", "--stack", "shop"]])
def test_a_function_or_a_stack_is_needed(argv, capsys) -> None:
    assert cli.main(argv) == cli.EXIT_FAILURE
    assert "needs a FUNCTION or --stack S" in capsys.readouterr().err


def entries() -> None:
    audit.record(audit.AuditEntry("throttle", "arn:aws:lambda:eu-west-1:1:function:orders", before=None,
                                  after=0, caller="arn:aws:iam::1:user/ana", account="1",
                                  region="eu-west-1", profile="prod", time="2026-11-23T10:00:00.000+00:00"))
    audit.record(audit.AuditEntry(
        "alias-weight", "arn:aws:lambda:eu-west-1:1:function:orders:live",
        before={"function_version": "4", "additional_version": None, "additional_weight": 0.0},
        after={"function_version": "4", "additional_version": "5", "additional_weight": 0.1},
        caller="arn:aws:iam::1:user/ana", account="1", region="eu-west-1",
        time="2026-11-23T10:01:00.000+00:00"))
    audit.record(audit.AuditEntry("unthrottle", "arn:aws:lambda:eu-west-1:1:function:orders", before=0,
                                  after=0, outcome="failed: \x1b[31mdenied\x1b[0m\nsecond line",
                                  time="2026-11-23T10:02:00.000+00:00"))


def test_audit_prints_one_readable_line_per_entry(capsys) -> None:
    entries()
    assert cli.main(["audit"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    first, second, third = lines
    assert first.startswith("2026-11-23T10:00:00.000+00:00  throttle")
    assert "function:orders  none -> 0  ok  by arn:aws:iam::1:user/ana  (1 eu-west-1, profile prod)" in first
    assert "alias-weight" in second and "v4 -> v4 + v5 at 10%" in second
    assert "\x1b" not in third and "\\x1b[31mdenied" in third and "second line" in third


def test_audit_limit_keeps_the_newest(capsys) -> None:
    entries()
    assert cli.main(["audit", "--limit", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in lines] == ["alias-weight", "unthrottle"]


def test_audit_json_prints_the_raw_entries(capsys) -> None:
    entries()
    assert cli.main(["audit", "--json", "--limit", "1"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line) == list(audit.entries())[-1]


def test_audit_of_an_empty_log(capsys) -> None:
    assert cli.main(["audit"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and "audit log is empty" in captured.err


def test_audit_limit_must_be_positive(capsys) -> None:
    assert cli.main(["audit", "--limit", "0"]) == cli.EXIT_FAILURE
    assert "--limit must be 1 or more" in capsys.readouterr().err


def test_audit_shows_what_an_invoke_sent(capsys) -> None:
    audit.record(audit.AuditEntry(
        "invoke", "arn:aws:lambda:eu-west-1:1:function:orders:live", outcome="ok",
        caller="arn:aws:iam::1:user/ana", account="1", region="eu-west-1", profile="demo",
        time="2026-11-23T10:03:00.000+00:00",
        details={"invocation_type": "RequestResponse", "event": "generated:sqs", "request_id": "r-1"}))
    assert cli.main(["audit"]) == 0
    line = capsys.readouterr().out.strip()
    assert "function:orders:live  RequestResponse generated:sqs request r-1  ok" in line
    assert "none -> none" not in line and "(1 eu-west-1, profile demo)" in line
