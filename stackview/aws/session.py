"""One place that turns a Target (profile, region, endpoint) into boto3 clients.

Credentials, regions and profiles come from botocore's standard chain (environment, shared
config and credentials files, SSO, instance metadata): nothing here re-implements that.
Clients are created lazily, once per (service, variant), under a lock, because a boto3
Session is not safe to share between threads while it creates clients; the clients
themselves are thread-safe and are shared by every worker.
"""

from __future__ import annotations

import threading
from typing import Any

import boto3
from botocore.config import Config

from stackview import __version__
from stackview.models import Identity, Target

#: Connect quickly, give up on a silent server in reasonable time, and let botocore's
#: standard retry mode handle transient errors and throttling with its own backoff.
DEFAULT_CONNECT_TIMEOUT = 5
DEFAULT_READ_TIMEOUT = 30
DEFAULT_MAX_ATTEMPTS = 4


def resolve_profile(profile: str | None) -> str:
    """The AWS profile botocore uses for `profile` (a --profile value, or None): that profile
    if given, else AWS_DEFAULT_PROFILE / AWS_PROFILE (botocore's own lookup), else "default".
    Reads only the environment: no file, no network, and no error for an unknown name."""
    import botocore.session

    return botocore.session.Session(profile=profile).profile or "default"


class AwsSession:
    """Clients and caller identity for one Target. Safe to use from worker threads."""

    def __init__(
        self,
        target: Target,
        *,
        credentials: tuple[str, str] | None = None,
        boto_session: boto3.Session | None = None,
    ) -> None:
        self.target = target
        self._credentials = credentials
        if boto_session is None:
            kwargs: dict[str, Any] = {}
            if target.profile:
                kwargs["profile_name"] = target.profile
            if target.region:
                kwargs["region_name"] = target.region
            if credentials:
                kwargs["aws_access_key_id"], kwargs["aws_secret_access_key"] = credentials
            # Raises botocore.exceptions.ProfileNotFound for an unknown profile.
            boto_session = boto3.Session(**kwargs)
        self._boto = boto_session
        self._lock = threading.Lock()
        self._clients: dict[tuple, Any] = {}
        self._identity: Identity | None = None

    @property
    def region(self) -> str | None:
        return self._boto.region_name

    @property
    def profile(self) -> str | None:
        """The profile in effect: --profile, else AWS_PROFILE (botocore resolves it); None for
        the demo world and for the default credential chain without a profile."""
        if self.target.demo:
            return None
        if self.target.profile:
            return self.target.profile
        name = self._boto.profile_name  # "default" when nothing chose a profile
        return None if name == "default" else name

    @property
    def settings_profile(self) -> str | None:
        """The profile whose stackview settings apply (its `read_only`, its theme): the profile
        in effect, "default" when nothing chose one (botocore's own default profile); None for
        the demo world, where only the global settings apply."""
        if self.target.demo:
            return None
        return self._boto.profile_name

    @property
    def label(self) -> str:
        """What the header shows for the profile: the profile in effect, "default", or "demo"."""
        if self.target.demo:
            return "demo"
        return self.profile or "default"

    @property
    def endpoint_url(self) -> str | None:
        return self.target.endpoint_url

    def client(
        self,
        service: str,
        *,
        read_timeout: float | None = None,
        max_attempts: int | None = None,
        inject_host_prefix: bool = True,
    ) -> Any:
        """A shared client for `service`, created once per distinct configuration.

        `max_attempts=1` turns off botocore's retries (used by invoke, where a retry would run
        the function a second time, and by the log tailer, which paces itself).
        """
        key = (service, read_timeout, max_attempts, inject_host_prefix)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                config = Config(
                    connect_timeout=DEFAULT_CONNECT_TIMEOUT,
                    read_timeout=read_timeout or DEFAULT_READ_TIMEOUT,
                    retries={
                        "mode": "standard",
                        "total_max_attempts": max_attempts or DEFAULT_MAX_ATTEMPTS,
                    },
                    user_agent_extra=f"stackview/{__version__}",
                    inject_host_prefix=inject_host_prefix,
                )
                client = self._boto.client(
                    service, endpoint_url=self.target.endpoint_url, config=config
                )
                self._clients[key] = client
            return client

    def identity(self) -> Identity:
        """The caller's account and ARN (GetCallerIdentity), resolved once."""
        with self._lock:
            if self._identity is not None:
                return self._identity
        response = self.client("sts").get_caller_identity()
        identity = Identity(
            account=response["Account"], arn=response["Arn"], user_id=response.get("UserId", "")
        )
        with self._lock:
            self._identity = identity
        return identity

    def known_identity(self) -> Identity | None:
        """The identity if it has been resolved already; never calls AWS."""
        with self._lock:
            return self._identity

    def available_profiles(self) -> list[str]:
        return list(self._boto.available_profiles)

    def available_regions(self) -> list[str]:
        """Regions where CloudFormation exists (from botocore's bundled data: no call)."""
        return self._boto.get_available_regions("cloudformation")

    def with_target(self, target: Target) -> AwsSession:
        """A new session for another profile or region (used by `:region` and `:profile`)."""
        return AwsSession(target, credentials=self._credentials)
