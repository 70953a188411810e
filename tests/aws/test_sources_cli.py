"""`stackview sources` against the demo world: the listing (text and JSON) and the queue levers
(disable / enable, maximum concurrency and its exact restore), refused in read-only mode."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from stackview import audit, cli
from tests.aws.functions_helpers import session_on
from tests.aws.sources_helpers import stays_visible, wire_queue

pytestmark = pytest.mark.demo


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _env(endpoint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    for name in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", endpoint.credentials[0])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", endpoint.credentials[1])
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("STACKVIEW_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("STACKVIEW_CONFIG", str(tmp_path / "no-stackview-config.yaml"))
    monkeypatch.setattr(cli, "COMMANDS", ("sources", "audit"))
    return ["--endpoint-url", endpoint.endpoint, "--region", endpoint.region]


@pytest.fixture
def seeded(demo_endpoint, tmp_path, monkeypatch) -> list[str]:
    return _env(demo_endpoint, tmp_path, monkeypatch)


@pytest.fixture
def scratch(scratch_endpoint, tmp_path, monkeypatch) -> list[str]:
    return _env(scratch_endpoint, tmp_path, monkeypatch)


@pytest.fixture
def session(scratch_endpoint):
    return session_on(scratch_endpoint.endpoint, scratch_endpoint.region, scratch_endpoint.credentials)


def test_listing_in_text_and_json(seeded, capsys) -> None:
    assert cli.main(["sources", "orders-prod-worker", *seeded]) == 0
    text = capsys.readouterr().out
    assert "sqs  orders-prod-OrdersQueue-" in text and "-> live  Enabled  batch 10  max concurrency none" in text
    assert "dead-letter queue orders-prod-OrdersDeadLetterQueue-" in text
    assert cli.main(["sources", "list", "thumbnails-prod-convert-file", "--output", "json", *seeded]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert listing["function"] == "thumbnails-prod-convert-file" and listing["mappings"] == []
    assert [p["kind"] for p in listing["policy"]] == ["S3"]
    assert listing["async"][0]["maximumRetryAttempts"] == 2
    assert listing["deadLetter"]["targetArn"].startswith("arn:aws:sns:")


def test_a_missing_function_is_one_line(seeded, capsys) -> None:
    assert cli.main(["sources", "no-such-function", *seeded]) == 1
    err = [line for line in capsys.readouterr().err.splitlines() if "checking credentials" not in line]
    assert len(err) == 1 and "Function not found" in err[0]


def test_disable_and_enable_from_the_shell(scratch, session, capsys, monkeypatch) -> None:
    wired = wire_queue(session)
    # On a terminal it asks; "n" changes nothing.
    monkeypatch.setattr("sys.stdin", Terminal("n\n"))
    assert cli.main(["sources", "disable", wired.function, *scratch]) == 1
    assert "cancelled; nothing changed" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", Terminal("y\n"))
    assert cli.main(["sources", "disable", wired.function, "--uuid", wired.uuid, *scratch]) == 0
    captured = capsys.readouterr()
    assert "State now" not in captured.err and "state now    Enabled" in captured.err
    assert "disabled the mapping of " + wired.function in captured.out
    session.client("sqs").send_message(QueueUrl=wired.queue_url, MessageBody="{}")
    assert stays_visible(session, wired.queue_url, 1)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # a pipe: no question asked
    assert cli.main(["sources", "enable", wired.function, *scratch]) == 0
    assert "enabled the mapping" in capsys.readouterr().out
    assert [e["action"] for e in audit.entries()] == ["mapping-disable", "mapping-enable"]


def test_maximum_concurrency_round_trip_from_the_shell(scratch, session, capsys) -> None:
    wired = wire_queue(session, ScalingConfig={"MaximumConcurrency": 50})
    lam = session.client("lambda")
    assert cli.main(["sources", "max-concurrency", wired.function, "none", "--yes", *scratch]) == 0
    assert "50 -> none" in capsys.readouterr().out
    assert not (lam.get_event_source_mapping(UUID=wired.uuid).get("ScalingConfig") or {}).get("MaximumConcurrency")
    assert cli.main(["sources", "max-concurrency", wired.function, "4", "--yes", *scratch]) == 0
    assert cli.main(["sources", "restore-max-concurrency", wired.function, "--yes", *scratch]) == 0
    assert "4 -> 50 (restored from the tag)" in capsys.readouterr().out
    assert lam.get_event_source_mapping(UUID=wired.uuid)["ScalingConfig"] == {"MaximumConcurrency": 50}


def test_several_mappings_need_a_uuid(scratch, session, capsys) -> None:
    wired = wire_queue(session)
    other = wire_queue(session)
    session.client("lambda").create_event_source_mapping(EventSourceArn=other.queue_arn, FunctionName=wired.function)
    assert cli.main(["sources", "disable", wired.function, "--yes", *scratch]) == 1
    err = capsys.readouterr().err
    assert "has 2 event source mappings" in err and "name one with --uuid" in err and wired.uuid in err


def test_redrive_from_the_shell_waits_for_its_end(scratch, session, capsys) -> None:
    wired = wire_queue(session)
    session.client("lambda").update_event_source_mapping(UUID=wired.uuid, Enabled=False)
    sqs = session.client("sqs")
    for index in range(3):
        sqs.send_message(QueueUrl=wired.dlq_url, MessageBody=f"dead {index}")
    assert cli.main(["sources", "redrive", wired.function, "--wait", "--yes", *scratch]) == 0
    captured = capsys.readouterr()
    assert "started (3 messages)" in captured.out
    assert captured.err.strip().splitlines()[-1] == "COMPLETED 3 of 3 moved"
    assert cli.main(["sources", "cancel-redrive", wired.function, "--yes", *scratch]) == 0
    assert "nothing to stop" in capsys.readouterr().out
    assert [e["action"] for e in audit.entries()] == ["sqs-redrive"]
