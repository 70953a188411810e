"""Snapshot tests: each main screen of the demo world, rendered on fixed data, in two themes.

The world is seeded with a fixed seed and placed before a fixed `now`, the app's clock is that same
instant, and there is no live traffic: every relative time ("11m ago") and every generated name is
the same on every run. Run `pytest -n 0 tests/snapshots --snapshot-update` after an intended change and
look at the new SVGs before committing them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timezone

import pytest

from stackview.app import StackviewApp, create_app
from stackview.demo.process import DEMO_CREDENTIALS, DEMO_REGION, DemoServer

FIXED_NOW = datetime(2026, 11, 23, 12, 0, 0, tzinfo=timezone.utc)
THEMES = ("stackview-dark", "stackview-light")
SIZE = (120, 36)


@pytest.fixture(scope="session")
def snapshot_endpoint() -> Iterator[str]:
    server = DemoServer(traffic=False, now=FIXED_NOW)
    endpoint = server.start()
    try:
        yield endpoint
    finally:
        server.stop()


@pytest.fixture
def snapshot_app(snapshot_endpoint: str, monkeypatch, tmp_path):
    """Build the app on the fixed world, with a theme, a fixed clock and empty user directories."""
    from stackview.aws.session import AwsSession
    from stackview.models import Target

    # Local times are rendered in UTC, whatever the machine's zone.
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    for variable, name in (("STACKVIEW_CONFIG", "config.yaml"), ("STACKVIEW_DATA_DIR", "data"),
                           ("STACKVIEW_STATE_DIR", "state")):
        monkeypatch.setenv(variable, str(tmp_path / name))

    def build(theme: str, **kwargs) -> StackviewApp:
        target = Target(region=DEMO_REGION, endpoint_url=snapshot_endpoint, demo=True)
        session = AwsSession(target, credentials=DEMO_CREDENTIALS)
        app = create_app(session, clock=lambda: FIXED_NOW, **kwargs)
        app.theme = theme
        return app

    return build
