"""Read-only in the UI, however the profile is chosen: the app built by the real command line
(`stackview` with a config file), then driven by keys. The header shows READ-ONLY and the levers
are gone for the implicit default profile as for a named one, and `:profile` decides again for
the profile it switches to."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackview import cli
from stackview.app import StackviewApp
from stackview.screens.function.screen import FunctionScreen
from stackview.screens.stacks import StacksScreen
from stackview.widgets.app_header import AppHeader
from stackview.widgets.confirm import ConfirmScreen

from .helpers import wait_for

FUNCTION = "orders-prod-api"
LEVERS = {"function.throttle", "function.unthrottle", "function.reserve", "function.invoke"}


@pytest.fixture
def shell(demo_endpoint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A shell pointed at the demo world as at any endpoint: keys in the AWS config file for the
    profiles default, dev and prod, and in the environment (used when no profile is named); `run(argv, config)`
    builds the app the way `stackview` does and returns it (not yet running)."""
    key, secret = demo_endpoint.credentials
    aws_config = tmp_path / "aws-config"
    aws_config.write_text("".join(f"[{section}]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n"
                                  for section in ("default", "profile dev", "profile prod")))
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(aws_config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("STACKVIEW_STATE_DIR", str(tmp_path / "state"))
    built: list[StackviewApp] = []
    monkeypatch.setattr(StackviewApp, "run", lambda self, *a, **k: built.append(self))

    def run(argv: list[str], config: str) -> StackviewApp:
        path = tmp_path / "config.yaml"
        path.write_text(config)
        monkeypatch.setenv("STACKVIEW_CONFIG", str(path))
        assert cli.main([*argv, "--endpoint-url", demo_endpoint.endpoint, "--region", demo_endpoint.region]) == 0
        return built.pop()

    return run


def header_text(app: StackviewApp) -> str:
    return str(app.screen.query_one(AppHeader).query_one("#context").render())


def footer_keys(screen) -> set[str]:
    return {binding.id for _, binding, _, _ in screen.active_bindings.values() if binding.id}


async def open_function(pilot) -> FunctionScreen:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, StacksScreen), message="stacks")
    await pilot.press("colon", *f"fn {FUNCTION}", "enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FunctionScreen), message="function screen")
    await pilot.pause()
    return pilot.app.screen


async def assert_read_only(pilot, read_only: bool) -> None:
    app = pilot.app
    screen = await open_function(pilot)
    await wait_for(pilot, lambda: app.identity is not None, message="identity")
    await pilot.pause()
    assert ("READ-ONLY" in header_text(app)) is read_only
    assert (LEVERS & footer_keys(screen)) == (set() if read_only else LEVERS)
    await pilot.press("t")
    if read_only:
        await pilot.pause(0.3)
        assert app.screen is screen
    else:
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), message="confirm")
        await pilot.press("escape")


@pytest.mark.parametrize("argv,config,read_only", [
    ([], "profiles:\n  default:\n    read_only: true\n", True),
    (["--profile", "default"], "profiles:\n  default:\n    read_only: true\n", True),
    ([], "default_profile: prod\nprofiles:\n  prod:\n    read_only: true\n", True),
    ([], "read_only: maybe\n", True),
    ([], "profiles:\n  prod:\n    read_only: true\n", False),
], ids=["implicit-default", "flag-default", "default_profile", "unreadable", "another-profile"])
async def test_read_only_however_the_profile_is_chosen(shell, argv, config, read_only) -> None:
    app = shell(argv, config)
    async with app.run_test(size=(140, 40)) as pilot:
        await assert_read_only(pilot, read_only)


async def test_read_only_from_aws_profile(shell, monkeypatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "prod")
    app = shell([], "profiles:\n  prod:\n    read_only: true\n")
    async with app.run_test(size=(140, 40)) as pilot:
        await assert_read_only(pilot, True)


async def test_switching_profile_decides_read_only_again(shell) -> None:
    app = shell(["--profile", "dev"], "profiles:\n  prod:\n    read_only: true\n")
    async with app.run_test(size=(140, 40)) as pilot:
        await assert_read_only(pilot, False)
        await pilot.press("colon", *"profile prod", "enter")
        await wait_for(pilot, lambda: app.session.profile == "prod" and isinstance(app.screen, StacksScreen),
                       message="the switch to prod")
        await assert_read_only(pilot, True)
