"""The realism switches' layer, in process: real botocore clients whose requests are handed to
the layer instead of the network, a fake sleep that records the latency, counted outcomes."""

from __future__ import annotations

import io
import json
from collections import Counter
from typing import Any
from urllib.parse import unquote, urlsplit

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.retries.standard import RetryContext, ThrottledRetryableChecker

from stackview.demo.process import INTERNAL_CREDENTIALS, Realism
from stackview.demo.server.realism import STATS_PATH, RealismLayer
from stackview.demo.server.realism.calls import RestRoutes, identify

KEY = ("stackview-demo", "secret")


class Backend:
    """The app behind the layer: answers an empty success and counts what reached it."""

    def __init__(self) -> None:
        self.reached: list[str] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        self.reached.append(f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']} {body[:40]!r}")
        start_response("200 OK", [("Content-Type", "application/x-amz-json-1.1"),
                                  ("Content-Length", "2")])
        return [b"{}"]


def environ_of(request: Any) -> dict[str, Any]:
    """The WSGI environ a server would build from botocore's prepared request."""
    url = urlsplit(request.url)
    body = request.body or b""
    if hasattr(body, "read"):
        body = body.read()
    if isinstance(body, str):
        body = body.encode()
    environ: dict[str, Any] = {
        "REQUEST_METHOD": request.method, "PATH_INFO": unquote(url.path) or "/",
        "QUERY_STRING": url.query, "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    for name, value in request.headers.items():
        value = value.decode() if isinstance(value, bytes) else value
        if name.lower() == "content-type":
            environ["CONTENT_TYPE"] = value
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


def client(service: str, app: Any, key: tuple[str, str] = KEY, **config: Any) -> Any:
    """A boto3 client whose every request is answered by the WSGI `app`, without retries."""
    made = boto3.client(service, region_name="us-east-1", endpoint_url="http://127.0.0.1:9",
                        aws_access_key_id=key[0], aws_secret_access_key=key[1],
                        config=Config(retries={"total_max_attempts": 1}, **config))

    def send(request: Any, **_: Any) -> AWSResponse:
        captured: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]]) -> None:
            captured["status"], captured["headers"] = int(status.split()[0]), dict(headers)

        body = b"".join(app(environ_of(request), start_response))
        raw = type("Raw", (), {"stream": lambda self, **kw: iter([body])})()
        return AWSResponse(request.url, captured["status"], captured["headers"], raw)

    made.meta.events.register_first("before-send", send)
    return made


class Clock:
    def __init__(self) -> None:
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


def layer(realism: Realism, seed: int = 1) -> tuple[RealismLayer, Backend, Clock]:
    backend, clock = Backend(), Clock()
    return RealismLayer(backend, realism, seed=seed, sleep=clock.sleep), backend, clock


def outcome(call: Any) -> str:
    try:
        call()
        return "ok"
    except ClientError as error:
        return f"{error.response['Error']['Code']}/{error.response['ResponseMetadata']['HTTPStatusCode']}"


# -- the switches ----------------------------------------------------------------------------


def test_latency_profiles_parse_and_resolve_operation_then_service_then_default():
    assert Realism.parse(300).latency == {"default": 300}
    assert Realism.parse("250").latency == {"default": 250}
    realism = Realism.parse("FilterLogEvents=300, logs=80,cloudwatch=20,default=50")
    assert realism.latency_ms("logs", "FilterLogEvents") == 300
    assert realism.latency_ms("logs", "DescribeLogGroups") == 80
    assert realism.latency_ms("monitoring", "GetMetricData") == 20  # cloudwatch's signing name
    assert realism.latency_ms("lambda", None) == 50
    assert Realism.parse("FilterLogEvents=300").latency_ms("lambda", "Invoke") == 0
    assert Realism.parse(None, "10%", "0.05") == Realism({}, 0.1, 0.05)
    assert not Realism.parse("default=0").active and Realism.parse(None, 0, "1%").active


@pytest.mark.parametrize("latency, throttle, fault, message", [
    ("fast", 0, 0, "latency: 'fast' is not a number of milliseconds"),
    ("FilterLogEvents=300,50", 0, 0, "latency: '50' is not NAME=MS"),
    ("-5", 0, 0, "latency: -5 ms is not between 0 and 30000 ms"),
    ("a b=3", 0, 0, "latency: 'a b' is not an operation name"),
    (None, "2", 0, "throttle rate: 2 is not between 0 and 1"),
    (None, 0, "often", "fault rate: 'often' is not a share of calls"),
    (None, "nan", 0, "throttle rate: nan is not between 0 and 1"),
])
def test_bad_switches_say_which_and_why(latency, throttle, fault, message):
    with pytest.raises(ValueError) as caught:
        Realism.parse(latency, throttle, fault)
    assert str(caught.value).startswith(message)


def test_demo_server_passes_the_switches_to_its_child():
    from stackview.demo.process import DemoServer

    command = DemoServer(latency="FilterLogEvents=300,default=5", throttle_rate="10%",
                         fault_rate=0.05).command(0)
    assert command[command.index("--latency") + 1] == "FilterLogEvents=300,default=5"
    assert command[command.index("--throttle-rate") + 1] == "0.1"
    assert command[command.index("--fault-rate") + 1] == "0.05"
    assert "--latency" not in DemoServer().command(0)
    with pytest.raises(ValueError):
        DemoServer(fault_rate=1.5)


# -- which call a request is -----------------------------------------------------------------


@pytest.mark.parametrize("service, call, expected", [
    ("logs", lambda c: c.filter_log_events(logGroupName="g"), ("json", "FilterLogEvents", True)),
    ("logs", lambda c: c.put_log_events(logGroupName="g", logStreamName="s",
                                        logEvents=[{"timestamp": 1, "message": "m"}]),
     ("json", "PutLogEvents", False)),
    ("lambda", lambda c: c.list_functions(), ("rest-json", "ListFunctions", True)),
    ("lambda", lambda c: c.invoke(FunctionName="f"), ("rest-json", "Invoke", False)),
    ("lambda", lambda c: c.list_function_event_invoke_configs(FunctionName="f"),
     ("rest-json", "ListFunctionEventInvokeConfigs", True)),
    ("lambda", lambda c: c.get_function(FunctionName="arn:aws:lambda:us-east-1:1:function:f"),
     ("rest-json", "GetFunction", True)),
    ("cloudformation", lambda c: c.describe_stacks(), ("query", "DescribeStacks", True)),
    ("cloudformation", lambda c: c.delete_stack(StackName="s"), ("query", "DeleteStack", False)),
    ("cloudwatch", lambda c: c.list_metrics(), ("json", "ListMetrics", True)),  # botocore's pick
    ("s3", lambda c: c.list_objects_v2(Bucket="b"), ("rest-xml", "ListObjectsV2", True)),
    ("s3", lambda c: c.get_object(Bucket="b", Key="a/b.txt"), ("rest-xml", "GetObject", True)),
    ("s3", lambda c: c.put_object(Bucket="b", Key="k", Body=b"x"), ("rest-xml", "PutObject", False)),
    ("s3", lambda c: c.copy_object(Bucket="b", Key="k", CopySource="a/b"),
     ("rest-xml", "CopyObject", False)),
    ("sqs", lambda c: c.list_queues(), ("json", "ListQueues", True)),
])
def test_calls_are_told_apart_by_operation_protocol_and_read(service, call, expected):
    seen: list[Any] = []
    routes = RestRoutes()

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.append(identify(environ, routes))
        seen.append(environ["wsgi.input"].read())  # a form body is put back for moto
        start_response("500 Internal Server Error", [])
        return [b""]

    try:
        call(client(service, app))
    except Exception:  # noqa: BLE001 - the answer does not matter here
        pass
    found, body = seen
    assert (found.protocol, found.operation, found.read) == expected
    assert found.service == {"cloudwatch": "monitoring"}.get(service, service)
    assert found.access_key == KEY[0]
    if found.protocol == "query":
        assert f"Action={expected[1]}".encode() in body


# -- what the layer does ---------------------------------------------------------------------


def test_latency_is_slept_before_each_call_by_profile_and_counted():
    app, backend, clock = layer(Realism.parse("FilterLogEvents=300,logs=80,default=5"))
    logs, lam = client("logs", app), client("lambda", app)
    logs.filter_log_events(logGroupName="g")
    logs.describe_log_groups()
    lam.list_functions()
    assert clock.slept == [0.3, 0.08, 0.005]
    assert len(backend.reached) == 3
    stats = app.stats()["operations"]
    assert stats["FilterLogEvents"] == {"calls": 1, "delayed": 1, "delay_ms": 300}
    assert stats["ListFunctions"]["delay_ms"] == 5


def test_throttling_hits_read_calls_at_the_rate_and_never_reaches_the_backend():
    app, backend, _ = layer(Realism(throttle_rate=0.25), seed=5)
    logs = client("logs", app)
    reads = Counter(outcome(lambda: logs.describe_log_groups()) for _ in range(800))
    writes = Counter(outcome(lambda: logs.create_log_group(logGroupName="g")) for _ in range(200))
    assert set(reads) == {"ok", "ThrottlingException/400"}
    assert 0.19 < reads["ThrottlingException/400"] / 800 < 0.31
    assert writes == {"ok": 200}  # writes are never throttled
    assert len(backend.reached) == reads["ok"] + 200


def test_faults_hit_every_kind_of_call_with_500_and_503():
    app, backend, _ = layer(Realism(fault_rate=0.2), seed=9)
    lam = client("lambda", app)
    seen = Counter(outcome(lambda: lam.invoke(FunctionName="f")) for _ in range(600))
    seen.update(outcome(lambda: lam.list_functions()) for _ in range(400))
    faults = seen["ServiceException/500"] + seen["ServiceUnavailable/503"]
    assert 0.15 < faults / 1000 < 0.25
    assert seen["ServiceException/500"] > 50 and seen["ServiceUnavailable/503"] > 50
    assert len(backend.reached) == seen["ok"]
    assert app.stats()["totals"]["faults"] == faults


def test_the_same_seed_gives_the_same_errors_in_the_same_order():
    def run(seed: int) -> list[str]:
        app, _, _ = layer(Realism(throttle_rate=0.3, fault_rate=0.1), seed=seed)
        logs = client("logs", app)
        return [outcome(lambda: logs.filter_log_events(logGroupName="g")) for _ in range(60)]

    first = run(3)
    assert first == run(3)
    assert first != run(4)
    assert len(set(first)) >= 3  # ok, throttled, and at least one fault


def test_the_demo_worlds_own_calls_and_the_stats_are_spared():
    app, backend, clock = layer(Realism.parse(500, 1.0, 1.0))
    internal = client("logs", app, key=INTERNAL_CREDENTIALS)
    assert outcome(lambda: internal.describe_log_groups()) == "ok"
    assert clock.slept == [] and len(backend.reached) == 1
    replies: list[str] = []
    body = app({"PATH_INFO": STATS_PATH, "REQUEST_METHOD": "GET"},
               lambda status, headers: replies.append(status))
    stats = json.loads(b"".join(body))
    assert replies == ["200 OK"] and stats["totals"] == {"spared": 1}
    assert stats["switches"] == {"latency": {"default": 500}, "throttle_rate": 1.0, "fault_rate": 1.0}


def test_off_switches_leave_requests_untouched():
    app, backend, clock = layer(Realism())
    assert outcome(lambda: client("logs", app).describe_log_groups()) == "ok"
    assert clock.slept == [] and app.stats()["totals"] == {}


# -- the injected errors are AWS's, as botocore sees them -----------------------------------


@pytest.mark.parametrize("service, call, code, status", [
    ("logs", lambda c: c.filter_log_events(logGroupName="g"), "ThrottlingException", 400),
    ("lambda", lambda c: c.get_function(FunctionName="f"), "TooManyRequestsException", 429),
    ("cloudformation", lambda c: c.describe_stacks(), "Throttling", 400),
    ("cloudwatch", lambda c: c.get_metric_data(MetricDataQueries=[], StartTime=0, EndTime=1),
     "Throttling", 400),
    ("s3", lambda c: c.list_objects_v2(Bucket="b"), "SlowDown", 503),
    ("sqs", lambda c: c.list_queues(), "RequestThrottled", 400),
    ("sts", lambda c: c.get_caller_identity(), "Throttling", 400),
])
def test_throttles_are_each_services_own_and_botocore_retries_them(service, call, code, status):
    app, _, _ = layer(Realism(throttle_rate=1.0))
    with pytest.raises(ClientError) as caught:
        call(client(service, app))
    response = caught.value.response
    assert (response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]) == (code, status)
    if status != 503:  # SlowDown is retried as a 503; the others by their code
        context = RetryContext(attempt_number=1, parsed_response=response)
        assert ThrottledRetryableChecker().is_retryable(context)
    if service == "lambda":
        assert response["Reason"] == "CallerRateLimitExceeded"


@pytest.mark.parametrize("service, call", [
    ("logs", lambda c: c.describe_log_groups()),
    ("lambda", lambda c: c.invoke(FunctionName="f")),
    ("cloudformation", lambda c: c.describe_stacks()),
    ("cloudwatch", lambda c: c.list_metrics()),
    ("s3", lambda c: c.list_buckets()),
])
def test_faults_are_500_or_503_with_a_code(service, call):
    app, _, _ = layer(Realism(fault_rate=1.0), seed=2)
    statuses = set()
    for _ in range(12):
        with pytest.raises(ClientError) as caught:
            call(client(service, app))
        response = caught.value.response
        statuses.add(response["ResponseMetadata"]["HTTPStatusCode"])
        assert response["Error"]["Code"] and response["Error"]["Message"]
    assert statuses == {500, 503}


def test_cbor_requests_and_errors_follow_smithy_rpc_v2():
    """CloudWatch also speaks Smithy RPC v2 CBOR (other SDKs pick it): the operation is in the
    path and the error body is CBOR, which botocore's own CBOR parser reads."""
    import botocore.session
    from botocore.parsers import create_parser

    from stackview.demo.server.realism import errors

    environ = {"REQUEST_METHOD": "POST", "CONTENT_LENGTH": "0", "wsgi.input": io.BytesIO(),
               "PATH_INFO": "/service/GraniteServiceVersion20100801/operation/GetMetricData",
               "HTTP_SMITHY_PROTOCOL": "rpc-v2-cbor",
               "HTTP_AUTHORIZATION": "AWS4-HMAC-SHA256 Credential=k/20260101/us-east-1/monitoring/aws4_request"}
    found = identify(environ, RestRoutes())
    assert (found.service, found.operation, found.protocol, found.read) == (
        "monitoring", "GetMetricData", "smithy-rpc-v2-cbor", True)
    shape = errors.throttle("monitoring", found.protocol)
    status, headers, body = errors.render(shape, "monitoring", found.protocol, "r-1")
    model = botocore.session.get_session().get_service_model("cloudwatch")
    parsed = create_parser("smithy-rpc-v2-cbor").parse(
        {"status_code": status, "headers": dict(headers), "body": body},
        model.operation_model("GetMetricData").output_shape)
    assert parsed["Error"]["Code"] == "Throttling" and parsed["Error"]["Message"] == "Rate exceeded"
    long = errors.cbor_map({"message": "x" * 300})
    assert long[:4] == bytes([0xA1, 0x67]) + b"me" and long[9:12] == bytes([0x79, 0x01, 0x2C])
