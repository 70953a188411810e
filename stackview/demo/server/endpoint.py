"""The demo server process: moto's AWS-compatible endpoint with a local Lambda runner in front.

`python -m stackview.demo.server` (the package's `__main__`, which calls `main()`) is what
DemoServer starts as a child process; `serve()` is also what `stackview demo-server` runs in the
foreground. Start-up: build moto's WSGI app, apply the demo world's patches, listen on loopback,
seed the world (unless empty), start live traffic (if asked), then announce the endpoint. The
realism switches (latency, throttling, faults) wrap the whole app; the world's own calls use
INTERNAL_CREDENTIALS, which they spare. moto and the runner are imported only from here, so the
UI process never pays for them.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import sys
import threading
import time
from datetime import datetime, timezone
from typing import Any, Callable

from stackview.demo.process import (
    DEMO_ACCOUNT,
    DEMO_REGION,
    INTERNAL_CREDENTIALS,
    READY_PREFIX,
    Realism,
)

#: moto then refuses reservations that leave fewer than 100 unreserved executions, as AWS does.
CONCURRENCY_QUOTA = "1000"
#: moto builds one Flask app per service on its first request; these are built in the
#: background right after start-up so the first calls of the UI do not pay for it.
PREWARM_SERVICES = ("cloudformation", "lambda", "logs", "cloudwatch", "sts", "s3", "iam")

log = logging.getLogger(__name__)


def _process_environment() -> None:
    """Settings every part of the server process relies on (moto reads some at call time)."""
    os.environ["MOTO_LAMBDA_CONCURRENCY_QUOTA"] = CONCURRENCY_QUOTA
    os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"] = INTERNAL_CREDENTIALS
    os.environ.setdefault("AWS_DEFAULT_REGION", DEMO_REGION)
    os.environ.pop("AWS_PROFILE", None)
    os.environ.pop("AWS_SESSION_TOKEN", None)


class _App:
    """Holds the real WSGI app, which needs the endpoint URL, known only once listening."""

    app: Callable[..., Any] | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        assert self.app is not None
        return self.app(environ, start_response)


def _prewarm(dispatcher: Any) -> None:
    from moto.moto_server.werkzeug_app import create_backend_app

    for service in PREWARM_SERVICES:
        with dispatcher.lock:
            if service in dispatcher.app_instances:
                continue
        app = create_backend_app(service)
        with dispatcher.lock:
            dispatcher.app_instances.setdefault(service, app)


def serve(port: int = 0, traffic: bool = True, empty: bool = False, now: datetime | None = None,
          seed: int = 7, history_events: int | None = None,
          announce: Callable[[str], None] | None = None, stop: threading.Event | None = None,
          host: str = "127.0.0.1", realism: Realism | None = None) -> None:
    """Run the demo world until `stop` is set (or KeyboardInterrupt), then tear it all down."""
    _process_environment()
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    from stackview.demo.runtime.runner import Runner
    from stackview.demo.server import alias_revisions, backends, log_filter, triggers
    from stackview.demo.server.async_invoke import AsyncInvoker
    from stackview.demo.server.insights import InsightsApi
    from stackview.demo.server.lambda_api import LambdaApi
    from stackview.demo.server.realism import RealismLayer

    class QuietHandler(MotoRequestHandler):
        def log_request(self, *args: Any, **kwargs: Any) -> None:
            """One line per request would cost more than many requests themselves."""

    stop = stop or threading.Event()
    log_filter.install()  # before backends.apply(), which binds the filter class
    backends.apply()
    alias_revisions.install()
    holder = _App()
    # Bind here so that a taken port is an OSError for the caller (werkzeug would print and
    # call sys.exit when it binds itself).
    listening = socket.create_server((host, port), reuse_port=False)
    server = make_server(host, port, holder, threaded=True, request_handler=QuietHandler,
                         fd=listening.fileno())
    listening.close()  # werkzeug holds its own duplicate of the descriptor
    endpoint = f"http://{host}:{server.socket.getsockname()[1]}"
    runner = Runner(endpoint, INTERNAL_CREDENTIALS)
    invoker = AsyncInvoker(runner)
    triggers.install(runner, invoker)
    dispatcher = DomainDispatcherApplication(create_backend_app)
    realism = realism or Realism()
    lambda_api = LambdaApi(dispatcher, runner, invoker, default_region=DEMO_REGION,
                           default_account=DEMO_ACCOUNT)
    insights = InsightsApi(lambda_api, default_region=DEMO_REGION, default_account=DEMO_ACCOUNT,
                           rate=realism.insights_rate)
    holder.app = RealismLayer(insights, realism, seed=seed)
    listener = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                                daemon=True, name="demo-http")
    listener.start()
    traffic_thread: threading.Thread | None = None
    try:
        if not empty:
            from stackview.demo.server import world

            world.build_world(endpoint, now=now or datetime.now(timezone.utc), seed=seed,
                              history_events=history_events)
            if traffic:
                from stackview.demo.server import traffic as live

                traffic_thread = live.start(endpoint, stop, seed=seed)
        threading.Thread(target=_prewarm, args=(dispatcher,), daemon=True, name="prewarm").start()
        (announce or (lambda url: None))(endpoint)
        while not stop.wait(0.5):
            pass
    finally:
        stop.set()
        insights.close()
        invoker.close()
        server.shutdown()
        runner.close()
        if traffic_thread is not None:
            traffic_thread.join(timeout=2)


def _watch_parent(stop: threading.Event) -> None:
    """Stop when the parent goes away: its end of our stdin closes (even on SIGKILL)."""
    parent = os.getppid()

    def read_until_eof() -> None:
        try:
            while sys.stdin.buffer.read(4096):
                pass
        except (OSError, ValueError):
            pass
        stop.set()

    def poll_parent() -> None:
        # Belt and braces, in case the pipe leaked into another process of the parent's.
        while not stop.wait(0.5):
            if os.getppid() != parent:
                stop.set()

    threading.Thread(target=read_until_eof, daemon=True, name="parent-pipe").start()
    threading.Thread(target=poll_parent, daemon=True, name="parent-poll").start()


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m stackview.demo.server",
                                     description="Run stackview's demo world (an AWS-compatible endpoint).")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: a free one)")
    parser.add_argument("--no-traffic", action="store_true", help="no live traffic generator")
    parser.add_argument("--empty", action="store_true", help="an empty account: no stacks, no history")
    parser.add_argument("--now", help="ISO time the history is placed before (default: now)")
    parser.add_argument("--seed", type=int, default=7, help="random seed of the world")
    parser.add_argument("--history-events", type=int, default=None, help="log events of history")
    parser.add_argument("--latency", default=None, help="ms on every call, or OP=MS,...,default=MS")
    parser.add_argument("--throttle-rate", default="0", help="share of read calls throttled")
    parser.add_argument("--fault-rate", default="0", help="share of calls answered 500 or 503")
    parser.add_argument("--insights-rate", default="0", help="events/s a Logs Insights query scans")
    parser.add_argument("--watch-parent", action="store_true",
                        help="exit when stdin reaches end of file (the parent is gone)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    try:
        realism = Realism.parse(args.latency, args.throttle_rate, args.fault_rate,
                                args.insights_rate)
    except ValueError as error:
        print(f"python -m stackview.demo.server: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    if args.watch_parent:
        # The parent owns our lifetime; a ^C in its terminal is for the parent to handle.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _watch_parent(stop)
    now = datetime.fromisoformat(args.now) if args.now else None
    if now is not None and now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    started = time.monotonic()

    def announce(endpoint: str) -> None:
        print(f"{READY_PREFIX}{endpoint}", flush=True)
        log.info("demo world ready in %.2f s", time.monotonic() - started)

    code = 0
    try:
        serve(args.port, traffic=not args.no_traffic, empty=args.empty, now=now, seed=args.seed,
              history_events=args.history_events, announce=announce, stop=stop,
              realism=realism)
    except KeyboardInterrupt:
        pass
    except OSError as exc:  # the port is taken, or not ours to use
        print(f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        code = 1
    except BaseException:  # noqa: BLE001 - the parent shows our last stderr lines
        logging.getLogger(__name__).exception("the demo server failed")
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    # Threads of the seed or traffic modules must not keep a stopped server alive.
    os._exit(code)
