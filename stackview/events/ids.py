"""The ids, ARNs and timestamps generated events are made of.

A generated event is only useful if it looks like the real thing to the handler under test:
ARNs in the caller's account and region, timestamps of "now" in each service's own format,
ids with the right shape. Everything random comes from one `random.Random`, so tests pass a
seed and get the same event twice.
"""

from __future__ import annotations

import base64
import random
import string
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone

from stackview.models.arns import partition_of

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass
class EventContext:
    """Where and when the generated event happens, and the randomness it is made with."""

    account: str = "123456789012"
    region: str = "us-east-1"
    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    rng: random.Random = field(default_factory=random.Random)

    def __post_init__(self) -> None:
        if self.now.tzinfo is None:
            self.now = self.now.replace(tzinfo=timezone.utc)
        self.now = self.now.astimezone(timezone.utc)

    # -- ARNs -------------------------------------------------------------------------------

    @property
    def partition(self) -> str:
        return partition_of(self.region)

    def arn(self, service: str, resource: str, *, region: bool = True, account: bool = True) -> str:
        return (f"arn:{self.partition}:{service}:{self.region if region else ''}:"
                f"{self.account if account else ''}:{resource}")

    # -- ids ---------------------------------------------------------------------------------

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def hex(self, length: int, *, upper: bool = False) -> str:
        value = "".join(self.rng.choice("0123456789abcdef") for _ in range(length))
        return value.upper() if upper else value

    def digits(self, length: int) -> str:
        return str(self.rng.randint(1, 9)) + "".join(self.rng.choice(string.digits) for _ in range(length - 1))

    def alnum(self, length: int, alphabet: str = string.ascii_lowercase + string.digits) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(length))

    def b64(self, size: int) -> str:
        """Base64 of `size` random bytes (signatures, receipt handles, x-amz-id-2)."""
        return base64.b64encode(self.rng.randbytes(size)).decode()

    def iam_user_id(self) -> str:
        return "AIDA" + self.alnum(17, string.ascii_uppercase + string.digits)

    def ip(self) -> str:
        return f"203.0.113.{self.rng.randint(1, 254)}"  # TEST-NET-3: never a real client

    def trace_id(self) -> str:
        """An X-Ray trace id `Root=1-<epoch hex>-<24 hex>`."""
        return f"Root=1-{int(self.now.timestamp()):08x}-{self.hex(24)}"

    # -- time --------------------------------------------------------------------------------

    def epoch_ms(self) -> int:
        return int(self.now.timestamp() * 1000)

    def epoch_s(self) -> float:
        return round(self.now.timestamp(), 3)

    def iso_ms(self) -> str:
        """`2026-11-23T10:00:00.123Z` (S3, SNS)."""
        return self.now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{self.now.microsecond // 1000:03d}Z"

    def iso_s(self) -> str:
        """`2026-11-23T10:00:00Z` (EventBridge)."""
        return self.now.strftime("%Y-%m-%dT%H:%M:%SZ")

    def clf(self) -> str:
        """`23/Nov/2026:10:00:00 +0000` (API Gateway request times), locale-independent."""
        n = self.now
        return f"{n.day:02d}/{_MONTHS[n.month - 1]}/{n.year}:{n:%H:%M:%S} +0000"
