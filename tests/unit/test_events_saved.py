"""Saved events per function in the data directory: names, atomic writes, rename, delete."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stackview.events import saved


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STACKVIEW_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_save_load_list_in_the_function_folder(data_dir: Path) -> None:
    path = saved.save("orders-api", "created", '{"b":1,"a":[1,2]}')
    assert path == data_dir / "events" / "orders-api" / "created.json"
    assert path.read_text() == '{\n  "b": 1,\n  "a": [\n    1,\n    2\n  ]\n}\n'
    saved.save("orders-api", "Bad-input_2", "[]")
    saved.save("other", "x", "{}")
    assert saved.list_names("orders-api") == ["Bad-input_2", "created"]
    event = saved.load("orders-api", "created")
    assert event.source == "saved" and event.name == "created"
    assert json.loads(event.text) == {"b": 1, "a": [1, 2]}
    assert [e.name for e in saved.list_events("orders-api")] == ["Bad-input_2", "created"]


def test_events_belong_to_the_function_not_its_qualifier_or_arn() -> None:
    saved.save("arn:aws:lambda:us-east-1:123456789012:function:orders-api:live", "e1", "{}")
    saved.save("orders-api:7", "e2", "{}")
    saved.save("123456789012:function:orders-api", "e3", "{}")
    assert saved.list_names("orders-api") == ["e1", "e2", "e3"]


@pytest.mark.parametrize("name", ["", "../escape", "a/b", ".hidden", "with space", "x" * 65, "é"])
def test_invalid_names_are_refused_before_touching_disk(name: str, data_dir: Path) -> None:
    with pytest.raises(saved.InvalidName):
        saved.save("orders-api", name, "{}")
    assert not data_dir.exists()


def test_invalid_function_names_are_refused() -> None:
    with pytest.raises(saved.InvalidName):
        saved.save("../../etc", "x", "{}")


def test_invalid_json_is_not_saved(data_dir: Path) -> None:
    with pytest.raises(saved.EventStoreError, match=r"line 1, column 9"):
        saved.save("orders-api", "broken", '{"a": 1,}')
    assert saved.list_names("orders-api") == []


def test_overwrite_or_refuse() -> None:
    saved.save("fn", "e", '{"v": 1}')
    with pytest.raises(saved.EventExists):
        saved.save("fn", "e", '{"v": 2}', overwrite=False)
    saved.save("fn", "e", '{"v": 3}')
    assert json.loads(saved.load("fn", "e").text) == {"v": 3}


def test_rename_and_delete(data_dir: Path) -> None:
    saved.save("fn", "one", "{}")
    saved.save("fn", "two", "[]")
    with pytest.raises(saved.EventExists):
        saved.rename("fn", "one", "two")
    saved.rename("fn", "one", "three")
    assert saved.list_names("fn") == ["three", "two"]
    with pytest.raises(saved.EventNotFound):
        saved.rename("fn", "one", "four")
    saved.delete("fn", "three")
    saved.delete("fn", "two")
    assert saved.list_names("fn") == []
    assert not (data_dir / "events" / "fn").exists()  # the empty folder goes too
    with pytest.raises(saved.EventNotFound):
        saved.delete("fn", "two")
    with pytest.raises(saved.EventNotFound):
        saved.load("fn", "two")


def test_a_failed_write_leaves_the_old_file_and_no_temporary(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    saved.save("fn", "e", '{"v": 1}')

    def broken_replace(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(saved.os, "replace", broken_replace)
    with pytest.raises(OSError):
        saved.save("fn", "e", '{"v": 2}')
    folder = data_dir / "events" / "fn"
    assert sorted(p.name for p in folder.iterdir()) == ["e.json"]
    assert json.loads((folder / "e.json").read_text()) == {"v": 1}


def test_stray_files_are_ignored(data_dir: Path) -> None:
    saved.save("fn", "ok", "{}")
    folder = data_dir / "events" / "fn"
    (folder / ".tmp-abc.json").write_text("{}")
    (folder / "notes.txt").write_text("x")
    (folder / "bad name.json").write_text("{}")
    assert saved.list_names("fn") == ["ok"]
