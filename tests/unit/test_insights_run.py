"""QueryRun: queued behind the process's slots and the account's limit, polled to the end,
stopped with StopQuery on cancel, on Ctrl+C and on a failed poll."""

from __future__ import annotations

import threading

import pytest
from botocore.exceptions import ClientError

from stackview.aws import insights_run
from stackview.aws.insights_run import QUEUED, QueryQueue, QueryRun
from stackview.models.insights import CANCELLED, COMPLETE, QueryResults, QueryStatistics, ResultRow


class FakeInsights:
    """Stands for stackview.aws.insights' calls, recording what was asked."""

    def __init__(self, statuses: list[str], *, refusals: int = 0) -> None:
        self.statuses = list(statuses)
        self.refusals = refusals
        self.started = 0
        self.stopped: list[str] = []
        self.polls = 0
        self.stop_asked = threading.Event()

    def start_query(self, session, groups, start_s, end_s, query, *, limit=None) -> str:
        if self.refusals:
            self.refusals -= 1
            raise ClientError({"Error": {"Code": "LimitExceededException", "Message": "too many"}}, "StartQuery")
        self.started += 1
        return f"q-{self.started}"

    def query_results(self, session, query_id) -> QueryResults:
        self.polls += 1
        if self.stopped:
            return QueryResults(CANCELLED, (ResultRow((("@message", "kept"),)),))
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        return QueryResults(status, (ResultRow((("n", str(self.polls)),)),),
                            QueryStatistics(records_matched=self.polls, records_scanned=10.0 * self.polls))

    def describe_queries(self, session, *, status=None, log_group=None) -> list:
        assert status == "Running"
        return ["q-a", "q-b", "q-c"]

    def stop_query(self, session, query_id) -> bool:
        self.stopped.append(query_id)
        self.stop_asked.set()
        return True


@pytest.fixture
def fake(monkeypatch):
    def install(statuses: list[str], **options) -> FakeInsights:
        calls = FakeInsights(statuses, **options)
        for name in ("start_query", "query_results", "stop_query", "describe_queries"):
            monkeypatch.setattr(insights_run, name, getattr(calls, name))
        monkeypatch.setattr(insights_run, "RETRY_SECONDS", (0.01,))
        monkeypatch.setattr(insights_run, "FIRST_POLL_SECONDS", 0.0)
        return calls

    return install


def make(**options) -> QueryRun:
    return QueryRun(object(), ["/g"], 1, 2, "fields @message", poll_s=0.01, queue=QueryQueue(1), **options)


def test_polls_until_complete_and_reports_progress(fake) -> None:
    calls = fake(["Scheduled", "Running", "Running", "Complete"])
    run = make()
    results = run.run()
    assert results.status == COMPLETE and calls.polls == 4 and calls.stopped == []
    assert run.progress.state == COMPLETE and run.progress.query_id == "q-1"
    assert run.progress.statistics.records_scanned == 40.0 and run.progress.rows == 1


def test_limit_exceeded_waits_and_starts_later(fake, monkeypatch) -> None:
    calls = fake(["Complete"], refusals=2)
    seen: list[str] = []
    original = insights_run.QueryRun._update
    original_note = insights_run.QueryRun._queued_note

    def spy(self, **changes):
        original(self, **changes)
        seen.append(self.progress.state)

    monkeypatch.setattr(insights_run.QueryRun, "_update", spy)
    run = make()
    notes: list[str] = []
    monkeypatch.setattr(insights_run.QueryRun, "_queued_note",
                        lambda self: notes.append(original_note(self)) or notes[-1])
    assert run.run().status == COMPLETE
    assert calls.started == 1
    assert notes == ["the account runs 3 queries, as many as it may: waiting for one to end"] * 2
    assert seen.count(QUEUED) == 2


def test_other_start_errors_rise(fake, monkeypatch) -> None:
    fake(["Complete"])

    def refuse(*_args, **_kwargs):
        raise ClientError({"Error": {"Code": "InvalidParameterException", "Message": "bad time"}}, "StartQuery")

    monkeypatch.setattr(insights_run, "start_query", refuse)
    with pytest.raises(ClientError):
        make().run()


def test_groups_that_do_not_exist_are_left_out_and_named(fake, monkeypatch) -> None:
    fake(["Complete"])
    asked: list[list[str]] = []

    def start(session, groups, *_args, **_kwargs):
        asked.append(list(groups))
        if "/aws/lambda/never-ran" in groups:
            raise ClientError({"Error": {"Code": "ResourceNotFoundException", "Message": "no group"}}, "StartQuery")
        return "q-1"

    monkeypatch.setattr(insights_run, "start_query", start)
    monkeypatch.setattr(insights_run, "log_group_arns",
                        lambda _session, names: {n: f"arn:{n}" for n in names if n != "/aws/lambda/never-ran"})
    run = QueryRun(object(), ["/aws/lambda/a", "/aws/lambda/never-ran"], 1, 2, "q", queue=QueryQueue(1), poll_s=0.01)
    assert run.run().status == COMPLETE
    assert asked == [["/aws/lambda/a", "/aws/lambda/never-ran"], ["/aws/lambda/a"]]
    assert run.missing == ["/aws/lambda/never-ran"]


def test_when_no_group_exists_the_query_fails_saying_so(fake, monkeypatch) -> None:
    from stackview.aws.errors import AwsError

    fake(["Complete"])

    def start(*_args, **_kwargs):
        raise ClientError({"Error": {"Code": "ResourceNotFoundException", "Message": "no group"}}, "StartQuery")

    monkeypatch.setattr(insights_run, "start_query", start)
    monkeypatch.setattr(insights_run, "log_group_arns", lambda _session, _names: {})
    with pytest.raises(AwsError, match="none of the log groups exists yet"):
        make().run()


def test_cancel_stops_the_query_and_keeps_what_aws_kept(fake) -> None:
    calls = fake(["Running"])
    run = make()
    outcome: dict = {}
    worker = threading.Thread(target=lambda: outcome.setdefault("results", run.run()))
    worker.start()
    while calls.polls < 2:
        threading.Event().wait(0.01)
    run.cancel()
    worker.join(5)
    assert calls.stopped == ["q-1"]
    assert outcome["results"].status == CANCELLED
    assert outcome["results"].rows[0].get("@message") == "kept"
    assert run.progress.state == CANCELLED


def test_keyboard_interrupt_while_polling_stops_the_query_and_rises(fake, monkeypatch) -> None:
    calls = fake(["Running"])

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(insights_run, "query_results", interrupted)
    with pytest.raises(KeyboardInterrupt):
        make().run()
    assert calls.stopped == ["q-1"]


def test_a_queued_query_cancelled_never_starts(fake) -> None:
    calls = fake(["Complete"])
    queue = QueryQueue(1)
    assert queue.acquire(threading.Event())  # the only slot is taken
    run = QueryRun(object(), ["/g"], 1, 2, "q", queue=queue, poll_s=0.01)
    outcome: dict = {}
    worker = threading.Thread(target=lambda: outcome.setdefault("results", run.run()))
    worker.start()
    threading.Event().wait(0.05)
    assert run.progress.state == QUEUED and calls.started == 0
    run.cancel()
    worker.join(5)
    assert outcome["results"].status == CANCELLED and calls.started == 0
    queue.release()


def test_the_slot_is_given_back_after_a_failure(fake, monkeypatch) -> None:
    fake(["Complete"])
    queue = QueryQueue(1)

    def broken(*_args, **_kwargs):
        raise ClientError({"Error": {"Code": "ServiceUnavailableException", "Message": "down"}}, "GetQueryResults")

    monkeypatch.setattr(insights_run, "query_results", broken)
    with pytest.raises(ClientError):
        QueryRun(object(), ["/g"], 1, 2, "q", queue=queue, poll_s=0.01).run()
    assert queue.acquire(threading.Event(), wait_s=0.01)  # free again
