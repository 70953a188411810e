"""UI tests: the app built by the same factory the CLI uses, against the demo endpoint."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from stackview.app import StackviewApp, create_app


@pytest.fixture
def make_app(demo_session):
    """Build the app against the shared demo world; keyword arguments go to create_app."""

    def build(**kwargs) -> StackviewApp:
        return create_app(demo_session, **kwargs)

    return build


FIXED_NOW = datetime(2026, 11, 23, 12, 0, 0, tzinfo=timezone.utc)
