"""Who and where: the caller identity and the connection target."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Identity:
    """Who we are talking to AWS as, resolved once per session."""

    account: str
    arn: str
    user_id: str = ""


@dataclass(frozen=True)
class Target:
    """Where to connect: profile, region, endpoint, and whether this is the demo world."""

    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    demo: bool = False

    @property
    def label(self) -> str:
        """What the header shows in place of the profile."""
        if self.demo:
            return "demo"
        return self.profile or "default"
