"""`stackview invoke` before anything is contacted: refusals, malformed and oversized events,
and the printing of results (built here, no server)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from stackview import cli
from stackview.commands import invoke as command
from stackview.events import saved
from stackview.models.invoke import FunctionError, InvokeReport, InvokeRequest, InvokeResult, Throttle


@pytest.fixture(autouse=True)
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(cli, "COMMANDS", ("invoke",))
    monkeypatch.setenv("STACKVIEW_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("STACKVIEW_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("STACKVIEW_CONFIG", str(tmp_path / "config.yaml"))  # read-only is judged from it

    def no_connection(*args, **kwargs):
        raise AssertionError("connect() must not be called: nothing may be sent")

    monkeypatch.setattr(command, "connect", no_connection)


def test_read_only_refuses_before_reading_anything(capsys) -> None:
    assert cli.main(["--read-only", "invoke", "fn", "--event", "/no/such/file"]) == cli.EXIT_FAILURE
    err = capsys.readouterr().err
    assert "read-only mode: `invoke` runs the function" in err and "Traceback" not in err


def test_malformed_json_is_shown_with_line_column_and_caret(tmp_path: Path, capsys) -> None:
    event = tmp_path / "event.json"
    event.write_text('{\n  "orderId": "o-1",\n  "qty": 2,\n}\n')
    assert cli.main(["invoke", "fn", "--event", str(event)]) == 2
    err = capsys.readouterr().err
    assert f"the event in {event} is not valid JSON: line 4, column 1:" in err
    assert "nothing was sent" in err
    assert err.splitlines()[-2:] == ["  }", "  ^"]


def test_malformed_json_from_stdin(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO('{"a": 1 "b": 2}'))
    assert cli.main(["invoke", "fn", "--event", "-"]) == 2
    err = capsys.readouterr().err
    assert "the event is not valid JSON: line 1, column 9: Expecting ','" in err
    assert err.splitlines()[-1] == "          ^"


def test_oversized_event_is_refused_before_connecting(tmp_path: Path, capsys) -> None:
    event = tmp_path / "big.json"
    event.write_text(json.dumps({"blob": "x" * (1024 * 1024)}))
    assert cli.main(["invoke", "fn", "--event", str(event), "--type", "Event"]) == 2
    err = capsys.readouterr().err
    assert "the event is 1.00 MB (1,048,588 bytes); Lambda accepts at most 1.00 MB (1,048,576 bytes) for " \
           "an asynchronous (Event) invoke: nothing was sent" in err


def test_missing_file_and_missing_saved_event(capsys) -> None:
    assert cli.main(["invoke", "fn", "--event", "/no/such/event.json"]) == 2
    assert "no event file /no/such/event.json" in capsys.readouterr().err
    assert cli.main(["invoke", "fn", "--saved", "nope"]) == 2
    assert "no saved event 'nope' for fn" in capsys.readouterr().err


def test_sources_are_exclusive_and_kinds_are_checked(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["invoke", "fn", "--saved", "a", "--generate", "sqs"])
    assert exit_.value.code == 2
    with pytest.raises(SystemExit):
        cli.main(["invoke", "fn", "--generate", "pigeon"])
    assert "invalid choice: 'pigeon'" in capsys.readouterr().err


def test_read_event_sources(tmp_path: Path) -> None:
    saved.save("fn", "created", '{"id": 1}')
    parser = cli.build_parser()
    args = parser.parse_args(["invoke", "arn:aws:lambda:us-east-1:123456789012:function:fn", "--saved", "created"])
    text, label = command.read_event(args)
    assert json.loads(text) == {"id": 1} and label == "saved:created"
    assert command.read_event(parser.parse_args(["invoke", "fn"])) == ("{}", "")
    assert command.read_event(parser.parse_args(["invoke", "fn", "--generate", "sqs"])) is None
    assert command.read_event(parser.parse_args(["invoke", "fn", "-e", "-"]), io.StringIO("[1]")) == ("[1]", "stdin")


def result(**fields) -> InvokeResult:
    request = InvokeRequest("orders-worker", b"{}", qualifier="live")
    base = dict(request=request, status_code=200, request_id="rid-1", executed_version="3", duration_ms=41.6,
                payload=b'{"ok": true}', log_tail="START RequestId: rid-1 Version: 3\nEND RequestId: rid-1\n",
                report=InvokeReport(12.34, 13, 128, 70, 250.12))
    base.update(fields)
    return InvokeResult(**base)


def test_text_output_of_a_success() -> None:
    out = io.StringIO()
    command.print_text(result(), out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "orders-worker:live  RequestResponse  200  version 3  request rid-1  42 ms"
    assert lines[1] == "REPORT  12.34 ms (billed 13 ms) · 70/128 MB · cold start 250.12 ms"
    assert lines[2:6] == ["--- response ---", "{", '  "ok": true', "}"]
    assert lines[6] == "--- log tail ---" and lines[-1] == "END RequestId: rid-1"


def test_text_output_of_a_function_error_neutralizes_escapes() -> None:
    error = FunctionError("Unhandled", "ValueError", "boom \x1b[31mred",
                          ('  File "/var/task/app.py", line 3, in handler\n    raise ValueError()\n',))
    out = io.StringIO()
    command.print_text(result(function_error=error, payload=b"{}"), out)
    text = out.getvalue()
    assert "FUNCTION ERROR (Unhandled): ValueError: boom \\x1b[31mred" in text
    assert '    File "/var/task/app.py", line 3, in handler\n      raise ValueError()\n' in text
    assert "--- response ---" not in text and "\x1b" not in text


def test_json_document_of_a_throttle() -> None:
    throttle = Throttle("ReservedFunctionConcurrentInvocationLimitExceeded", "throttled: reserved concurrency is 0",
                        1, 0)
    document = command.result_document(result(status_code=429, throttled=throttle, payload=b"", log_tail=None,
                                              report=None, executed_version=None))
    assert document["outcome"] == "throttled" and document["statusCode"] == 429
    assert document["throttled"]["reservedConcurrency"] == 0 and document["payload"] == ""
    assert document["payloadIsJson"] is False and document["report"] is None
    json.dumps(document)  # serializable as is
