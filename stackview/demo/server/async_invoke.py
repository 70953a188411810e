"""Asynchronous invocation (InvocationType=Event, S3/SNS/EventBridge triggers), as Lambda does it.

The caller gets 202 at once; the event waits in an internal queue and runs in the background.
A failed attempt (unhandled error, timeout, throttle) is retried twice with the same request
id (AWS waits about 1 and 2 minutes; the demo compresses that to seconds so the retries show up
while you watch), then the event goes to the function's dead-letter queue or topic and to its
OnFailure destination. A success goes to the OnSuccess destination. Deliveries use boto3
against the demo endpoint itself, so they behave exactly like any client's calls.
"""

from __future__ import annotations

import heapq
import itertools
import json
import logging
import random
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import boto3

from stackview.demo.runtime import metrics
from stackview.demo.runtime.runner import Result, Runner, Throttled
from stackview.demo.runtime.targets import Target, lambda_backend, resolve

log = logging.getLogger(__name__)

#: Seconds before the first and second retry (AWS: about 60 and 120).
RETRY_DELAYS = (2.0, 4.0)
DEFAULT_MAX_RETRIES = 2
DEFAULT_MAX_AGE_SECONDS = 21600


@dataclass
class Event:
    target: Target
    payload: str
    request_id: str
    received: float
    attempts: int = 0
    last_error: str = ""
    failure_condition: str = "RetriesExhausted"  # or EventAgeExceeded


class AsyncInvoker:
    """A small scheduler (a heap of due times) drained by a few worker threads."""

    def __init__(self, runner: Runner, *, workers: int = 3,
                 retry_delays: tuple[float, ...] = RETRY_DELAYS) -> None:
        self.runner = runner
        self.retry_delays = retry_delays
        self._heap: list[tuple[float, int, Event]] = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._closed = False
        self._clients: dict[tuple[str, str], Any] = {}
        self._clients_lock = threading.Lock()
        self._rng = random.Random()
        self._threads = [threading.Thread(target=self._work, daemon=True, name=f"async-invoke-{i}")
                         for i in range(workers)]
        for thread in self._threads:
            thread.start()

    def submit(self, target: Target, payload: str, request_id: str, delay: float = 0.0) -> None:
        self._schedule(Event(target, payload, request_id, time.time()), delay)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def _schedule(self, event: Event, delay: float) -> None:
        with self._cond:
            heapq.heappush(self._heap, (time.monotonic() + delay, next(self._seq), event))
            self._cond.notify()

    def _next(self) -> Event | None:
        with self._cond:
            while not self._closed:
                if self._heap and self._heap[0][0] <= time.monotonic():
                    return heapq.heappop(self._heap)[2]
                timeout = self._heap[0][0] - time.monotonic() if self._heap else None
                self._cond.wait(timeout)
            return None

    def _work(self) -> None:
        while (event := self._next()) is not None:
            try:
                self._attempt(event)
            except Exception:  # noqa: BLE001 - one bad event must not stop the queue
                log.exception("asynchronous invocation %s failed", event.request_id)

    def _attempt(self, event: Event) -> None:
        event.attempts += 1
        result: Result | None = None
        try:
            result = self.runner.invoke(event.target, event.payload, request_id=event.request_id)
        except Throttled as throttle:
            metrics.record_throttle(event.target.account, event.target.region, event.target.name,
                                    event.target.resource, event.target.executed_version)
            event.last_error = throttle.reason
        if result is not None and result.function_error is None:
            self._deliver(event, result, success=True)
            return
        if result is not None:
            event.last_error = result.error_type or "Unhandled"
        config = _invoke_config(event.target)
        max_retries = int(config.get("MaximumRetryAttempts", DEFAULT_MAX_RETRIES))
        max_age = float(config.get("MaximumEventAgeInSeconds", DEFAULT_MAX_AGE_SECONDS))
        too_old = time.time() - event.received > max_age
        if too_old:
            event.failure_condition = "EventAgeExceeded"
        if event.attempts <= max_retries and not too_old:
            delay = self.retry_delays[min(event.attempts - 1, len(self.retry_delays) - 1)]
            self._schedule(event, delay)
            return
        self._deliver(event, result, success=False)

    # -- where finished events go -----------------------------------------------------------

    def _client(self, service: str, region: str) -> Any:
        with self._clients_lock:
            client = self._clients.get((service, region))
            if client is None:
                key, secret = self.runner.credentials
                client = boto3.session.Session().client(
                    service, region_name=region, endpoint_url=self.runner.endpoint,
                    aws_access_key_id=key, aws_secret_access_key=secret)
                self._clients[(service, region)] = client
            return client

    def _deliver(self, event: Event, result: Result | None, *, success: bool) -> None:
        config = _invoke_config(event.target)
        destinations = config.get("DestinationConfig") or {}
        on = destinations.get("OnSuccess" if success else "OnFailure") or {}
        if on.get("Destination"):
            self._send_record(on["Destination"], _invocation_record(event, result, success))
        if not success:
            config = getattr(event.target.function, "dead_letter_config", None) or {}
            dead_letter = config.get("TargetArn")
            if dead_letter:
                self._send_dead_letter(dead_letter, event)

    def _send_dead_letter(self, arn: str, event: Event) -> None:
        attributes = {
            "RequestID": event.request_id,
            "ErrorCode": "200",
            "ErrorMessage": event.last_error or "Unhandled",
        }
        self._send(arn, event.payload, attributes)

    def _send_record(self, arn: str, record: dict[str, Any]) -> None:
        service = arn.split(":")[2]
        if service == "lambda":
            target = resolve(arn.split(":")[4], arn.split(":")[3], arn, None, self._rng)
            self.submit(target, json.dumps(record), request_id=str(uuid.uuid4()))
        elif service == "events":
            bus = arn.split(":")[5].split("/", 1)[-1]
            outcome = "Success" if record["requestContext"]["condition"] == "Success" else "Failure"
            self._client("events", arn.split(":")[3]).put_events(Entries=[{
                "Source": "lambda", "EventBusName": bus, "Detail": json.dumps(record),
                "DetailType": f"Lambda Function Invocation Result - {outcome}",
            }])
        else:
            self._send(arn, json.dumps(record), {})

    def _send(self, arn: str, body: str, attributes: dict[str, str]) -> None:
        parts = arn.split(":")
        service, region, account, name = parts[2], parts[3], parts[4], parts[5]
        if service == "sqs":
            sqs = self._client("sqs", region)
            url = sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"]
            sqs.send_message(QueueUrl=url, MessageBody=body, MessageAttributes={
                k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()})
        elif service == "sns":
            self._client("sns", region).publish(TopicArn=arn, Message=body, MessageAttributes={
                k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()})
        else:
            log.warning("unsupported destination %s", arn)


def _invoke_config(target: Target) -> dict[str, Any]:
    latest = lambda_backend(target.account, target.region).get_function(target.name)
    configs = getattr(latest, "event_invoke_config", None) or []
    return dict(configs[-1].config) if configs else {}


def _invocation_record(event: Event, result: Result | None, success: bool) -> dict[str, Any]:
    """The record Lambda sends to a destination."""
    condition = "Success" if success else event.failure_condition
    response: dict[str, Any] = {"statusCode": 200 if result else 429,
                                "executedVersion": event.target.executed_version}
    if result is not None and result.function_error:
        response["functionError"] = result.function_error
    try:
        request_payload: Any = json.loads(event.payload) if event.payload else {}
    except ValueError:
        request_payload = event.payload
    try:
        response_payload: Any = json.loads(result.payload) if result and result.payload else None
    except ValueError:
        response_payload = result.payload.decode(errors="replace") if result else None
    return {
        "version": "1.0",
        "timestamp": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        "requestContext": {
            "requestId": event.request_id,
            "functionArn": event.target.invoked_arn,
            "condition": condition,
            "approximateInvokeCount": event.attempts,
        },
        "requestPayload": request_payload,
        "responseContext": response,
        "responsePayload": response_payload,
    }
