"""A SAM project's events: events/*.json beside template.yaml, per-function subfolders."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackview.events import project

TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Environment:
        Variables:
          TABLE: !Ref OrdersTable
          URL: !Sub "https://${AWS::Region}.example"
  WorkerFunction:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: orders-worker
      Policies: [!GetAtt OrdersTable.Arn]
  OrdersTable:
    Type: AWS::DynamoDB::Table
"""


@pytest.fixture
def sam_project(tmp_path: Path) -> Path:
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    events = tmp_path / "events"
    (events / "OrdersFunction").mkdir(parents=True)
    (events / "WorkerFunction").mkdir()
    (events / "event.json").write_text('{"top": true}')
    (events / "api.json").write_text('{"httpMethod": "GET"}')
    (events / "readme.md").write_text("not an event")
    (events / "OrdersFunction" / "created.json").write_text('{"orders": 1}')
    (events / "WorkerFunction" / "batch.json").write_text('{"Records": []}')
    return tmp_path


def test_finds_the_project_and_its_functions(sam_project: Path) -> None:
    found = project.find_project(sam_project)
    assert found is not None and found.template == sam_project / "template.yaml"
    assert found.functions == {"OrdersFunction": "", "WorkerFunction": "orders-worker"}


def test_current_directory_is_the_default(sam_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(sam_project)
    found = project.find_project()
    assert found is not None and found.root == sam_project


def test_no_template_is_none_or_an_error_when_asked_for(tmp_path: Path) -> None:
    assert project.find_project(tmp_path) is None
    with pytest.raises(project.ProjectError, match="not a SAM project"):
        project.find_project(tmp_path, required=True)


def test_top_level_events_apply_to_every_function(sam_project: Path) -> None:
    found = project.find_project(sam_project)
    names = [e.name for e in project.events(found, "unrelated-fn")]
    assert names == ["api", "event"]
    event = project.events(found, "unrelated-fn")[1]
    assert event.source == "project" and event.text == '{"top": true}'
    assert event.description == "events/event.json"


def test_subfolders_match_by_generated_name_declared_name_or_logical_id(sam_project: Path) -> None:
    found = project.find_project(sam_project)
    # CloudFormation's name for a function without FunctionName: <stack>-<LogicalId>-<suffix>
    generated = [e.name for e in project.events(found, "shop-OrdersFunction-AbC123xyz")]
    assert generated == ["api", "event", "OrdersFunction/created"]
    declared = [e.name for e in project.events(found, "orders-worker")]
    assert declared == ["api", "event", "WorkerFunction/batch"]
    by_id = project.events(found, "anything", logical_id="WorkerFunction")
    assert by_id[-1].name == "WorkerFunction/batch"
    assert by_id[-1].description == "events/WorkerFunction/batch.json"
    everything = [e.name for e in project.events(found)]
    assert everything == ["api", "event", "OrdersFunction/created", "WorkerFunction/batch"]


def test_unreadable_template_still_gives_top_level_events(tmp_path: Path) -> None:
    (tmp_path / "template.yml").write_text("Resources: [unclosed")
    (tmp_path / "events").mkdir()
    (tmp_path / "events" / "e.json").write_text("{}")
    found = project.find_project(tmp_path)
    assert found is not None and found.functions == {}
    assert [e.name for e in project.events(found, "fn")] == ["e"]


def test_oversized_and_undecodable_files_are_skipped(sam_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (sam_project / "events" / "binary.json").write_bytes(b"\xff\xfe\x00")
    monkeypatch.setattr(project, "MAX_EVENT_FILE", 14)  # api.json is 21 bytes, event.json 13
    found = project.find_project(sam_project)
    assert [e.name for e in project.events(found, "fn")] == ["event"]


def test_project_without_events_folder(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    assert project.events(project.find_project(tmp_path), "fn") == []
