"""Problems found before the UI starts print one line naming the fix, and exit non-zero."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest


def run_cli(tmp_path: Path, *args: str, config: str = "", credentials: str = "") -> subprocess.CompletedProcess:
    config_file = tmp_path / "config"
    config_file.write_text(config)
    credentials_file = tmp_path / "credentials"
    credentials_file.write_text(credentials)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_CONFIG_FILE=str(config_file),
        AWS_SHARED_CREDENTIALS_FILE=str(credentials_file),
        AWS_EC2_METADATA_DISABLED="true",
        HOME=str(tmp_path),
    )
    return subprocess.run(
        [sys.executable, "-m", "stackview", *args], capture_output=True, text=True, env=env, timeout=60
    )


def assert_one_line_error(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if not line.endswith("...")]  # progress lines end in "..."
    assert len(errors) == 1, result.stderr
    for fragment in fragments:
        assert fragment in errors[0], errors[0]


def test_unknown_profile(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "--profile", "nope", "--region", "eu-west-1")
    assert_one_line_error(result, "'nope'", "aws configure list-profiles")


def test_no_credentials(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "--region", "eu-west-1")
    assert_one_line_error(result, "no AWS credentials", "aws configure")


def test_no_region(tmp_path: Path) -> None:
    result = run_cli(tmp_path, credentials="[default]\naws_access_key_id=a\naws_secret_access_key=b\n")
    assert_one_line_error(result, "no AWS region", "--region")


def test_unreachable_endpoint(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run_cli(
        tmp_path,
        "--region", "eu-west-1", "--endpoint-url", f"http://127.0.0.1:{port}",
        credentials="[default]\naws_access_key_id=a\naws_secret_access_key=b\n",
    )
    assert_one_line_error(result, "cannot reach the endpoint", f"127.0.0.1:{port}")


def test_expired_sso_session(tmp_path: Path) -> None:
    config = (
        "[profile prod]\nsso_session = corp\nsso_account_id = 111122223333\n"
        "sso_role_name = ReadOnly\nregion = eu-west-1\n"
        "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n"
    )
    result = run_cli(tmp_path, "--profile", "prod", config=config)
    assert_one_line_error(result, "SSO", "aws sso login --profile prod")


def test_demo_excludes_profile(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "--demo", "--profile", "x")
    assert_one_line_error(result, "--demo cannot be combined")


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_version_and_help(tmp_path: Path, flag: str) -> None:
    result = run_cli(tmp_path, flag)
    assert result.returncode == 0
    assert "stackview" in result.stdout


def test_project_must_be_a_directory(tmp_path, capsys) -> None:
    from stackview import cli

    missing = tmp_path / "nope"
    assert cli.main(["--project", str(missing), "--region", "us-east-1"]) == cli.EXIT_FAILURE
    err = capsys.readouterr().err
    assert f"--project: {missing} is not a directory" in err and "Traceback" not in err



def closed_port() -> int:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def aws_configure_set_region(config_file: Path, region: str) -> None:
    """`aws configure set region R` on this config file (what it writes, when the AWS CLI is
    not installed: `region = R` in the default profile's section)."""
    aws = shutil.which("aws")
    if aws is None:
        config_file.write_text(f"[default]\nregion = {region}\n")
        return
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_CONFIG_FILE=str(config_file), AWS_SHARED_CREDENTIALS_FILE=str(config_file) + ".keys")
    subprocess.run([aws, "configure", "set", "region", region], env=env, check=True, timeout=60)


@pytest.mark.parametrize("stray", ["", "eu-central-1"], ids=["no-region", "AWS_REGION-set"])
def test_the_no_region_advice_works_when_followed(tmp_path: Path, stray) -> None:
    """Each way the message names is followed in a new process and gets past the region error
    (to the closed endpoint behind it). AWS_REGION alone does not: botocore reads
    AWS_DEFAULT_REGION."""
    config_file = tmp_path / "aws-config"
    config_file.write_text("")
    credentials = tmp_path / "aws-credentials"
    credentials.write_text("[default]\naws_access_key_id=a\naws_secret_access_key=b\n")
    endpoint = f"http://127.0.0.1:{closed_port()}"

    def run(*args: str, **extra: str) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_CONFIG_FILE=str(config_file), AWS_SHARED_CREDENTIALS_FILE=str(credentials),
                   AWS_EC2_METADATA_DISABLED="true", HOME=str(tmp_path), **extra)
        if stray:
            env["AWS_REGION"] = stray
        return subprocess.run([sys.executable, "-m", "stackview", "--endpoint-url", endpoint, *args],
                              capture_output=True, text=True, env=env, timeout=60)

    first = run()
    assert_one_line_error(first, "no AWS region is set")
    line = first.stderr.strip().splitlines()[-1]
    if stray:
        assert "AWS_REGION is set, but botocore reads AWS_DEFAULT_REGION" in line
    region = stray or "eu-west-1"
    assert f"--region {region}" in line and f"AWS_DEFAULT_REGION={region}" in line
    assert f"`aws configure set region {region}`" in line
    assert_one_line_error(run("--region", region), "cannot reach the endpoint")
    assert_one_line_error(run(AWS_DEFAULT_REGION=region), "cannot reach the endpoint")
    aws_configure_set_region(config_file, region)
    assert_one_line_error(run(), "cannot reach the endpoint")
