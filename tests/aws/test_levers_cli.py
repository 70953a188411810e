"""`stackview throttle` / `unthrottle` / `audit` against the demo world: in this process, and in
new processes (a restart, another machine) that must still restore exactly."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from stackview import cli
from stackview.aws.functions import reserved_concurrency
from tests.aws.functions_helpers import delete_stack, invoke_status, make_function, make_stack

pytestmark = pytest.mark.demo
REPO = Path(__file__).resolve().parents[2]
#: The CLI with the lever commands registered (cli.COMMANDS is the lead's to extend).
SCRIPT = ("import sys, stackview.cli as cli; cli.COMMANDS = ('throttle', 'audit'); "
          "sys.exit(cli.main(sys.argv[1:]))")


class Terminal(io.StringIO):
    """Standard input that says it is a terminal, with the answers already typed."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def env(demo_endpoint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The environment of a shell pointed at the demo world, for this process and children."""
    values = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    values.update(
        AWS_ACCESS_KEY_ID=demo_endpoint.credentials[0],
        AWS_SECRET_ACCESS_KEY=demo_endpoint.credentials[1],
        AWS_CONFIG_FILE=str(tmp_path / "no-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        STACKVIEW_STATE_DIR=str(tmp_path / "state"),
        STACKVIEW_CONFIG=str(tmp_path / "no-stackview-config.yaml"),
    )
    for name in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(name)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(cli, "COMMANDS", ("throttle", "audit"))
    return values


@pytest.fixture
def where(demo_endpoint) -> list[str]:
    return ["--endpoint-url", demo_endpoint.endpoint, "--region", demo_endpoint.region]


@pytest.fixture
def lam(demo_endpoint):
    return demo_endpoint.client("lambda")


def stackview(env: dict[str, str], *args: str, state: Path | None = None) -> subprocess.CompletedProcess:
    """The CLI in a new process (stdin is not a terminal: no confirmation is asked)."""
    child = dict(env, **({"STACKVIEW_STATE_DIR": str(state)} if state else {}))
    return subprocess.run([sys.executable, "-c", SCRIPT, *args], env=child, cwd=REPO, text=True,
                          capture_output=True, stdin=subprocess.DEVNULL, timeout=120)


@pytest.mark.parametrize("prior", [3, None], ids=["reserved-3", "no-reservation"])
def test_restore_is_exact_across_processes_and_machines(env, where, demo_session, lam, tmp_path, prior) -> None:
    name = make_function(demo_session)
    if prior is not None:
        lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=prior)
    throttled = stackview(env, *where, "throttle", name)
    assert throttled.returncode == 0, throttled.stderr
    assert f"throttled {name}" in throttled.stdout
    assert invoke_status(lam, name) == "TooManyRequestsException"

    # A teammate on another machine (no audit log of ours) undoes it in a new process.
    restored = stackview(env, *where, "unthrottle", name, state=tmp_path / "teammate")
    assert restored.returncode == 0, restored.stderr
    assert "from the tag" in restored.stdout
    assert reserved_concurrency(demo_session, name) == prior
    assert invoke_status(lam, name) == 200

    log = stackview(env, "audit")
    assert log.returncode == 0 and name in log.stdout and " throttle " in log.stdout
    expected = "none" if prior is None else str(prior)
    assert f"{expected} -> 0  ok" in log.stdout
    lam.delete_function(FunctionName=name)


def test_kill_switch_from_the_shell(env, where, demo_session, lam, capsys) -> None:
    stack, names = make_stack(demo_session, functions=2)
    try:
        lam.put_function_concurrency(FunctionName=names[0], ReservedConcurrentExecutions=7)
        assert cli.main([*where, "throttle", "--stack", stack, "--yes"]) == 0
        out = capsys.readouterr().out
        assert f"throttle --stack {stack}: 2 changed, 0 unchanged, 0 failed" in out
        assert f"changed    {names[0]}  7 -> 0" in out and f"changed    {names[1]}  none -> 0" in out
        assert all(invoke_status(lam, n) == "TooManyRequestsException" for n in names)

        assert cli.main([*where, "unthrottle", "--stack", stack, "--yes"]) == 0
        assert "2 changed, 0 unchanged, 0 failed" in capsys.readouterr().out
        assert [reserved_concurrency(demo_session, n) for n in names] == [7, None]

        lam.put_function_concurrency(FunctionName=names[1], ReservedConcurrentExecutions=0)
        assert cli.main([*where, "unthrottle", "--stack", stack, "--yes"]) == cli.EXIT_FAILURE
        out = capsys.readouterr().out
        assert f"FAILED     {names[1]}  no prior state" in out and "1 unchanged" in out
        assert f"unchanged  {names[0]}  not throttled (reserved concurrency 7)" in out
    finally:
        delete_stack(demo_session, stack)


def test_confirmation_on_a_terminal(env, where, demo_session, monkeypatch, capsys) -> None:
    name = make_function(demo_session)
    monkeypatch.setattr(sys, "stdin", Terminal("n\n"))
    assert cli.main([*where, "throttle", name]) == cli.EXIT_FAILURE
    captured = capsys.readouterr()
    assert f"Throttle the function {name}" in captured.err
    assert "account  123456789012" in captured.err and "region   us-east-1" in captured.err
    assert "reserved concurrency now  none" in captured.err and "cancelled" in captured.err
    assert reserved_concurrency(demo_session, name) is None

    monkeypatch.setattr(sys, "stdin", Terminal("y\n"))
    assert cli.main([*where, "throttle", name]) == 0
    assert f"throttled {name}" in capsys.readouterr().out
    assert reserved_concurrency(demo_session, name) == 0

    monkeypatch.setattr(sys, "stdin", Terminal("yes\n"))
    assert cli.main([*where, "unthrottle", name]) == 0
    captured = capsys.readouterr()
    assert "reservation to restore    none (from the tag)" in captured.err
    assert reserved_concurrency(demo_session, name) is None
    demo_session.client("lambda").delete_function(FunctionName=name)


def test_the_stack_form_asks_to_type_the_stack_name(env, where, demo_session, monkeypatch, capsys) -> None:
    stack, names = make_stack(demo_session, functions=1)
    try:
        monkeypatch.setattr(sys, "stdin", Terminal("y\n"))
        assert cli.main([*where, "throttle", "--stack", stack]) == cli.EXIT_FAILURE
        captured = capsys.readouterr()
        assert f"Type the stack name ({stack}) to confirm:" in captured.err
        assert f"{names[0]}  reserved concurrency none" in captured.err and "cancelled" in captured.err
        assert reserved_concurrency(demo_session, names[0]) is None

        monkeypatch.setattr(sys, "stdin", Terminal(f"{stack}\n"))
        assert cli.main([*where, "throttle", "--stack", stack]) == 0
        assert reserved_concurrency(demo_session, names[0]) == 0
        assert cli.main([*where, "unthrottle", "--stack", stack, "--yes"]) == 0
    finally:
        delete_stack(demo_session, stack)


def test_read_only_refuses_and_changes_nothing(env, where, demo_session, capsys) -> None:
    name = make_function(demo_session)
    assert cli.main(["--read-only", *where, "throttle", name, "--yes"]) == cli.EXIT_FAILURE
    assert "read-only mode" in capsys.readouterr().err
    assert reserved_concurrency(demo_session, name) is None
    demo_session.client("lambda").delete_function(FunctionName=name)


def test_failures_are_one_line_and_non_zero(env, where) -> None:
    result = stackview(env, *where, "throttle", "no-such-function-here")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    (line,) = [line for line in result.stderr.splitlines() if not line.endswith("...")]
    assert line.startswith("stackview: ") and "not found" in line.lower()


def test_read_only_for_the_implicit_default_profile(env, where, demo_session, tmp_path) -> None:
    """No --profile, no AWS_PROFILE: the profile in use is "default", and its read_only holds."""
    name = make_function(demo_session)
    config = tmp_path / "stackview.yaml"
    config.write_text("profiles:\n  default:\n    read_only: true\n")
    try:
        result = stackview(dict(env, STACKVIEW_CONFIG=str(config)), *where, "throttle", name, "--yes")
        assert result.returncode == 1
        assert "read-only mode" in result.stderr and "profile default read-only" in result.stderr
        assert reserved_concurrency(demo_session, name) is None
    finally:
        demo_session.client("lambda").delete_function(FunctionName=name)


def test_the_profile_judged_is_the_profile_used(env, where, demo_session, tmp_path) -> None:
    """The config's default_profile is judged for read-only and then used to connect (it used to
    be judged and then ignored: the command ran on the AWS default profile)."""
    name = make_function(demo_session)
    aws_config = tmp_path / "aws-config"
    key, secret = demo_session._credentials
    aws_config.write_text(f"[profile dev]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n")
    config = tmp_path / "stackview.yaml"
    config.write_text("default_profile: dev\nprofiles:\n  default:\n    read_only: true\n")
    child = dict(env, STACKVIEW_CONFIG=str(config), AWS_CONFIG_FILE=str(aws_config))
    del child["AWS_ACCESS_KEY_ID"], child["AWS_SECRET_ACCESS_KEY"]
    try:
        result = stackview(child, *where, "throttle", name, "--yes")
        assert result.returncode == 0, result.stderr
        assert reserved_concurrency(demo_session, name) == 0
        audit_log = (Path(env["STACKVIEW_STATE_DIR"]) / "audit.jsonl").read_text().splitlines()
        assert json.loads(audit_log[-1])["profile"] == "dev"
    finally:
        demo_session.client("lambda").delete_function(FunctionName=name)
