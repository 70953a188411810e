import json
import threading
from pathlib import Path

from stackview import audit, locations


def test_records_are_json_lines_in_the_state_dir(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("STACKVIEW_STATE_DIR", str(tmp_path / "state"))
    audit.record(audit.AuditEntry("throttle", "arn:fn", before=None, after=0, caller="arn:me",
                                  account="1", region="eu-west-1"))
    audit.record(audit.AuditEntry("unthrottle", "arn:fn", before=0, after=None, outcome="failed: denied"))
    path = locations.audit_log_file()
    assert path == tmp_path / "state" / "audit.jsonl"
    lines = path.read_text().splitlines()
    assert [json.loads(line)["action"] for line in lines] == ["throttle", "unthrottle"]
    first, second = audit.entries()
    assert first["after"] == 0 and first["before"] is None and first["caller"] == "arn:me"
    assert second["outcome"] == "failed: denied"
    assert first["time"].endswith("+00:00")


def test_concurrent_writers_never_interleave(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    threads = [
        threading.Thread(target=lambda n=n: [audit.record(audit.AuditEntry("invoke", f"fn-{n}", details={"pad": "x" * 5000}), path) for _ in range(50)])
        for n in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(list(audit.entries(path))) == 200


def test_torn_lines_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    path.write_text('{"action": "throttle"}\n{"action": "unthr\n[1,2]\n{"action": "invoke"}\n')
    assert [e["action"] for e in audit.entries(path)] == ["throttle", "invoke"]
