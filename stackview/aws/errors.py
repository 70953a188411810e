"""Turn botocore exceptions into short messages a user can act on.

This is the only place that knows the shapes of botocore's exceptions; the UI and the CLI call
`describe()` and show `UserError.message` (plus `hint` where there is a fix to name).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from botocore import exceptions as bx

ACCESS_DENIED = {
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "AuthorizationError",
    "Forbidden",
}
THROTTLED = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "SlowDown",
}
EXPIRED = {"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"}
BAD_CREDENTIALS = {
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "SignatureDoesNotMatch",
    "InvalidSignatureException",
    "IncompleteSignature",
}
NOT_FOUND_SUFFIXES = ("NotFound", "NotFoundException", "NoSuchEntity")


@dataclass(frozen=True)
class UserError:
    """A failure described for a person: what happened and, where known, how to fix it."""

    message: str
    kind: str = "error"  # access-denied, throttled, credentials, network, not-found, invalid, error
    hint: str = ""
    code: str = ""

    def one_line(self) -> str:
        return f"{self.message}; {self.hint}" if self.hint else self.message


class AwsError(Exception):
    """Raised by the AWS layer for failures it has already described."""

    def __init__(self, error: UserError) -> None:
        super().__init__(error.one_line())
        self.error = error


MAX_DETAIL = 200


def _short(text: object) -> str:
    """At most MAX_DETAIL characters of a message (botocore can put whole responses in one)."""
    value = " ".join(str(text).split())
    return value if len(value) <= MAX_DETAIL else value[: MAX_DETAIL - 1] + "…"


def _profile_flag(profile: str | None) -> str:
    return f" --profile {profile}" if profile else ""


def error_code(exc: BaseException) -> str:
    """The AWS error code of a ClientError ("" for anything else)."""
    if isinstance(exc, bx.ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    return ""


def describe(exc: BaseException, *, profile: str | None = None) -> UserError:
    """Describe any exception met while talking to AWS. Never raises."""
    if isinstance(exc, AwsError):
        return exc.error
    flag = _profile_flag(profile)
    if isinstance(exc, bx.ProfileNotFound):
        return UserError(
            f"the profile '{exc.kwargs.get('profile', profile)}' is not in your AWS config",
            kind="credentials",
            hint="list profiles with `aws configure list-profiles`",
        )
    if isinstance(exc, (bx.SSOTokenLoadError, bx.UnauthorizedSSOTokenError)):
        return UserError(
            "the SSO session has expired or was never started",
            kind="credentials",
            hint=f"run `aws sso login{flag}`",
        )
    if isinstance(exc, bx.TokenRetrievalError):
        return UserError(
            "could not refresh the SSO token", kind="credentials", hint=f"run `aws sso login{flag}`"
        )
    if isinstance(exc, bx.NoCredentialsError):
        return UserError(
            "no AWS credentials found",
            kind="credentials",
            hint="run `aws configure`, set AWS_PROFILE, pass --profile, or try `stackview --demo`",
        )
    if isinstance(exc, (bx.CredentialRetrievalError, bx.PartialCredentialsError)):
        return UserError(_short(f"could not load credentials: {exc}"), kind="credentials")
    if isinstance(exc, bx.NoRegionError):
        return _no_region(profile)
    if isinstance(exc, (bx.EndpointConnectionError, bx.ConnectTimeoutError)):
        return UserError(
            f"cannot reach the endpoint {getattr(exc, 'kwargs', {}).get('endpoint_url', '')}".rstrip(),
            kind="network",
            hint="check the network, --region or --endpoint-url",
        )
    if isinstance(exc, bx.ReadTimeoutError):
        return UserError("AWS did not answer in time", kind="network", hint="try again (r)")
    if isinstance(exc, bx.ParamValidationError):
        return UserError(_short(f"invalid request: {exc}"), kind="invalid")
    if isinstance(exc, bx.ClientError):
        return _describe_client_error(exc, flag)
    if isinstance(exc, bx.BotoCoreError):
        return UserError(_short(exc))
    return UserError(_short(f"{type(exc).__name__}: {exc}"))


def _no_region(profile: str | None) -> UserError:
    """botocore reads the region from --region, AWS_DEFAULT_REGION or the profile's `region`
    (which `aws configure` writes); not from AWS_REGION, which other SDKs read. Name only
    what works, and say so when AWS_REGION is set in vain."""
    message = "no AWS region is set"
    stray = os.environ.get("AWS_REGION", "").strip()
    if stray:
        message += " (AWS_REGION is set, but botocore reads AWS_DEFAULT_REGION)"
    example = stray if _REGION_NAME.match(stray) else "eu-west-1"
    return UserError(
        message,
        kind="credentials",
        hint=f"pass --region {example}, set AWS_DEFAULT_REGION={example}, or run "
             f"`aws configure set region {example}{_profile_flag(profile)}`",
    )


_REGION_NAME = re.compile(r"^[a-z]{2,}(-[a-z]+)+-\d+$")


def _describe_client_error(exc: bx.ClientError, flag: str) -> UserError:
    error = exc.response.get("Error", {})
    code = str(error.get("Code", ""))
    message = _short(error.get("Message", "")) or code
    operation = getattr(exc, "operation_name", "") or "the call"
    if code in ACCESS_DENIED:
        return UserError(
            f"access denied to {operation}", kind="access-denied", hint=message, code=code
        )
    if code in THROTTLED:
        return UserError(
            f"AWS throttled {operation}", kind="throttled", hint="wait a moment and retry", code=code
        )
    if code in EXPIRED:
        return UserError(
            "the AWS credentials have expired",
            kind="credentials",
            hint=f"refresh them (for SSO: `aws sso login{flag}`)",
            code=code,
        )
    if code in BAD_CREDENTIALS:
        return UserError(
            "AWS does not accept these credentials",
            kind="credentials",
            hint="check the profile's keys and the clock",
            code=code,
        )
    if code.endswith(NOT_FOUND_SUFFIXES) or (code == "ValidationError" and "does not exist" in message):
        return UserError(message, kind="not-found", code=code)
    if code in ("ValidationError", "ValidationException", "InvalidParameterValueException"):
        return UserError(message, kind="invalid", code=code)
    return UserError(f"{operation} failed: {message}", code=code)
