"""The incident the demo world is in at start-up, the same for the same seed and `now`.

orders-prod-worker's build 2.4.0 went live INCIDENT_MINUTES_AGO with a promotion: it fails nearly
every batch, its errors alarm is in ALARM (every other alarm OK), its dead-letter queue fills
and its queue backs up. Read on a world placed at a fixed `now` without traffic (the snapshot
tests' kind of world, which stands still); the live world is test_incident_live.py's.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from stackview.demo.process import DEMO_CREDENTIALS, DEMO_REGION, DemoServer
from stackview.demo.seed import catalog

from .helpers import log_events

pytestmark = pytest.mark.demo

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
WINDOW = timedelta(minutes=15)


class World:
    """boto3 clients on one demo server."""

    def __init__(self, endpoint: str) -> None:
        import boto3
        from botocore.config import Config

        self.endpoint = endpoint
        self._clients = {}
        self._make = lambda service: boto3.client(
            service, endpoint_url=endpoint, region_name=DEMO_REGION, aws_access_key_id=DEMO_CREDENTIALS[0],
            aws_secret_access_key=DEMO_CREDENTIALS[1],
            config=Config(retries={"total_max_attempts": 1}, inject_host_prefix=False))

    def __getattr__(self, service: str):
        if service.startswith("_"):
            raise AttributeError(service)
        name = {"lam": "lambda", "cfn": "cloudformation"}.get(service, service)
        if name not in self._clients:
            self._clients[name] = self._make(name)
        return self._clients[name]

    def queue_url(self, logical_id: str) -> str:
        resources = self.cfn.list_stack_resources(StackName=catalog.ORDERS_STACK)["StackResourceSummaries"]
        return next(r["PhysicalResourceId"] for r in resources if r["LogicalResourceId"] == logical_id)

    def depth(self, logical_id: str) -> tuple[int, int]:
        attributes = self.sqs.get_queue_attributes(QueueUrl=self.queue_url(logical_id),
                                                   AttributeNames=["All"])["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"]), int(attributes["ApproximateNumberOfMessagesNotVisible"])

    def sums(self, metric: str, functions: list[str], end: datetime, window: timedelta = WINDOW) -> dict[str, float]:
        queries = [{"Id": f"q{i}", "MetricStat": {"Metric": {
            "Namespace": "AWS/Lambda", "MetricName": metric, "Dimensions": [{"Name": "FunctionName", "Value": fn}]},
            "Period": int(window.total_seconds()), "Stat": "Sum"}} for i, fn in enumerate(functions)]
        results = self.cloudwatch.get_metric_data(MetricDataQueries=queries, StartTime=end - window,
                                                  EndTime=end)["MetricDataResults"]
        by_id = {r["Id"]: sum(r["Values"]) for r in results}
        return {fn: by_id[f"q{i}"] for i, fn in enumerate(functions)}

    def alarms(self) -> dict[str, dict]:
        pages = self.cloudwatch.get_paginator("describe_alarms").paginate()
        return {a["AlarmName"]: a for page in pages for a in page["MetricAlarms"]}

    def fingerprint(self) -> dict:
        """What must be the same in two worlds of the same seed and `now`."""
        history = [(i["AlarmName"], i["Timestamp"], i["HistorySummary"], i["HistoryData"]) for page in
                   self.cloudwatch.get_paginator("describe_alarm_history").paginate() for i in page["AlarmHistoryItems"]]
        queues = {}
        for logical_id in (catalog.ORDERS_QUEUE, catalog.ORDERS_DEAD_LETTER_QUEUE):
            url = self.queue_url(logical_id)
            queues[url.rsplit("/", 1)[1]] = self.depth(logical_id)
        names = [fn.name for fn in catalog.FUNCTIONS]
        return {
            "alarms": {n: (a["StateValue"], a["StateReason"], a["StateReasonData"], a["StateUpdatedTimestamp"])
                       for n, a in self.alarms().items()},
            "history": history,
            "queues": queues,
            "invocations": self.sums("Invocations", names, NOW, timedelta(hours=3)),
            "errors": self.sums("Errors", names, NOW, timedelta(hours=3)),
            "throttles": self.sums("Throttles", names, NOW, timedelta(hours=3)),
            "worker_log": [(e["timestamp"], e["message"]) for e in
                           log_events(self.logs, f"/aws/lambda/{catalog.ORDERS_WORKER}")][-200:],
        }


@pytest.fixture(scope="module")
def still():
    """The world at NOW, seed 7, no traffic: it stands still."""
    with DemoServer(traffic=False, now=NOW) as server:
        yield World(server.endpoint)


def test_the_worker_fails_far_more_than_the_rest_of_the_world(still):
    names = [fn.name for fn in catalog.FUNCTIONS]
    invocations = still.sums("Invocations", names, NOW)
    errors = still.sums("Errors", names, NOW)
    worker = catalog.ORDERS_WORKER
    assert invocations[worker] >= 10
    assert errors[worker] / invocations[worker] >= 0.9
    for name in names:
        if name != worker and invocations[name]:
            assert errors[name] / invocations[name] < 0.5, name


def test_the_worker_runs_its_new_build_behind_its_alias_and_logs_real_tracebacks(still):
    alias = still.lam.get_alias(FunctionName=catalog.ORDERS_WORKER, Name="live")
    assert alias["FunctionVersion"] == "3"
    version = still.lam.get_function_configuration(FunctionName=catalog.ORDERS_WORKER, Qualifier="3")
    deployed = datetime.strptime(version["LastModified"][:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    assert timedelta(minutes=18) <= NOW - deployed <= timedelta(minutes=25)
    since = int((NOW - timedelta(minutes=20)).timestamp() * 1000)
    records = [json.loads(e["message"]) for e in log_events(still.logs, f"/aws/lambda/{catalog.ORDERS_WORKER}",
                                                            "TypeError") if e["timestamp"] >= since]
    assert len(records) >= 10
    assert records[0]["errorMessage"] == "unsupported operand type(s) for *: 'decimal.Decimal' and 'float'"
    assert any("in amount_due" in frame for frame in records[0]["stackTrace"])


def test_only_the_workers_errors_alarm_is_in_alarm(still):
    alarms = still.alarms()
    firing = sorted(name for name, alarm in alarms.items() if alarm["StateValue"] == "ALARM")
    assert firing == [f"{catalog.ORDERS_STACK}-worker-errors"]
    assert all(a["StateValue"] == "OK" for n, a in alarms.items() if n not in firing)
    alarm = alarms[firing[0]]
    assert alarm["StateReason"].startswith("Threshold Crossed:")
    went_off = alarm["StateTransitionedTimestamp"].astimezone(timezone.utc)
    assert timedelta(minutes=5) <= NOW - went_off <= timedelta(minutes=21)
    history = still.cloudwatch.describe_alarm_history(AlarmName=firing[0], HistoryItemType="StateUpdate",
                                                      MaxRecords=1)["AlarmHistoryItems"]
    assert history[0]["HistorySummary"] == "Alarm updated from OK to ALARM"
    assert json.loads(history[0]["HistoryData"])["newState"]["stateValue"] == "ALARM"


def test_alarms_are_stack_resources_or_name_the_stacks_functions(still):
    alarms = still.alarms()
    resources = still.cfn.list_stack_resources(StackName=catalog.ORDERS_STACK)["StackResourceSummaries"]
    in_stack = {r["PhysicalResourceId"] for r in resources if r["ResourceType"] == "AWS::CloudWatch::Alarm"}
    assert {f"{catalog.ORDERS_STACK}-worker-errors", f"{catalog.ORDERS_STACK}-orders-dlq-depth"} <= in_stack
    watched = {d["Value"] for a in alarms.values() for d in a["Dimensions"]}
    assert {fn.name for fn in catalog.FUNCTIONS} <= watched
    dlq = still.queue_url(catalog.ORDERS_DEAD_LETTER_QUEUE).rsplit("/", 1)[1]
    assert dlq in watched
    created = still.cloudwatch.describe_alarm_history(AlarmName=f"{catalog.ORDERS_STACK}-worker-errors",
                                                      HistoryItemType="ConfigurationUpdate")["AlarmHistoryItems"]
    assert created[-1]["Timestamp"].astimezone(timezone.utc) < NOW - timedelta(days=10)


def test_the_dead_letter_queue_fills_and_the_queue_backs_up(still):
    visible, _ = still.depth(catalog.ORDERS_DEAD_LETTER_QUEUE)
    assert visible >= 30
    backlog, in_flight = still.depth(catalog.ORDERS_QUEUE)
    assert backlog + in_flight >= 30
    name = still.queue_url(catalog.ORDERS_QUEUE).rsplit("/", 1)[1]
    series = still.cloudwatch.get_metric_data(MetricDataQueries=[{"Id": "depth", "MetricStat": {"Metric": {
        "Namespace": "AWS/SQS", "MetricName": "ApproximateNumberOfMessagesVisible",
        "Dimensions": [{"Name": "QueueName", "Value": name}]}, "Period": 60, "Stat": "Maximum"}}],
        StartTime=NOW - timedelta(minutes=20), EndTime=NOW, ScanBy="TimestampAscending")["MetricDataResults"][0]
    values = series["Values"]
    assert len(values) >= 15
    assert values[-1] > values[len(values) // 2] > values[0]  # rising


def test_the_history_records_throttles_and_the_past_redrive(still):
    throttles = still.sums("Throttles", [catalog.ORDERS_WORKER], NOW, timedelta(hours=3))
    assert throttles[catalog.ORDERS_WORKER] >= 1
    dlq_arn = still.sqs.get_queue_attributes(QueueUrl=still.queue_url(catalog.ORDERS_DEAD_LETTER_QUEUE),
                                             AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    task = still.sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"][0]
    assert task["Status"] == "COMPLETED" and task["ApproximateNumberOfMessagesMoved"] >= 1
    assert task["StartedTimestamp"] < int((NOW - timedelta(hours=1)).timestamp() * 1000)


def test_the_template_maps_the_queue_to_the_alias_as_the_world_does(still):
    body = still.cfn.get_template(StackName=catalog.ORDERS_STACK)["TemplateBody"]
    mapping = body.split("WorkerFunctionOrdersQueue:", 1)[1].split("\n  W", 1)[0]
    assert "FunctionName: !Ref WorkerFunctionAliaslive" in mapping
    mappings = still.lam.list_event_source_mappings(FunctionName=catalog.ORDERS_WORKER)["EventSourceMappings"]
    assert mappings[0]["FunctionArn"].endswith(f":function:{catalog.ORDERS_WORKER}:live")
    assert mappings[0]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_the_orders_stack_rolled_back_after_the_deploy(still):
    stack = still.cfn.describe_stacks(StackName=catalog.ORDERS_STACK)["Stacks"][0]
    assert stack["StackStatus"] == catalog.FAILED_STACK_STATUS
    events = still.cfn.describe_stack_events(StackName=catalog.ORDERS_STACK)["StackEvents"]
    updates = [e for e in events if e["LogicalResourceId"] == "WorkerFunctionAliaslive"
               and e["ResourceStatus"] == "UPDATE_COMPLETE"]
    deploy = max(e["Timestamp"] for e in updates).astimezone(timezone.utc)
    failed = next(e for e in events if e["ResourceStatus"] == "UPDATE_FAILED").get("Timestamp")
    assert deploy < failed.astimezone(timezone.utc) < NOW


def test_live_tail_of_one_group_shows_that_groups_events(still):
    arn = still.logs.describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{catalog.ORDERS_WORKER}")["logGroups"][0]["arn"]
    arn = arn[:-2] if arn.endswith(":*") else arn
    stream = still.logs.start_live_tail(logGroupIdentifiers=[arn])["responseStream"]
    events = []
    for item in stream:
        events += item.get("sessionUpdate", {}).get("sessionResults", [])
        if events:
            break
    assert events and {e["logGroupIdentifier"] for e in events} == {arn}


def test_the_same_seed_and_now_give_the_same_world_and_it_stands_still(still):
    first = still.fingerprint()
    with DemoServer(traffic=False, now=NOW) as other:
        again = World(other.endpoint).fingerprint()
    assert again == first
    assert still.fingerprint() == first  # nothing moved while the other world ran
    with DemoServer(traffic=False, now=NOW, seed=8) as third:
        assert World(third.endpoint).fingerprint()["worker_log"] != first["worker_log"]
