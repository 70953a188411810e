"""Which function version an invoke runs: names, ARNs, qualifiers, aliases and their weights.

moto resolves an alias to its main version only; Lambda honours
`RoutingConfig.AdditionalVersionWeights` by sending that share of invocations to the second
version, and says which one ran in `X-Amz-Executed-Version`. Resolution happens here, once per
invocation (retries of an asynchronous event keep the version of their first attempt).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote


@dataclass(frozen=True)
class Target:
    """One invocation's function, resolved."""

    account: str
    region: str
    function: Any  # moto LambdaFunction of the executed version
    executed_version: str  # "$LATEST" or a version number
    qualifier: str | None  # as invoked: alias name, version, "$LATEST" or None
    invoked_arn: str

    @property
    def name(self) -> str:
        return self.function.function_name

    @property
    def resource(self) -> str | None:
        """The `Resource` metric dimension suffix: set for alias and version invokes."""
        if self.qualifier in (None, "$LATEST"):
            return None
        return self.qualifier


def lambda_backend(account: str, region: str) -> Any:
    from moto.awslambda.models import lambda_backends

    return lambda_backends[account][region]


def split_name(name_or_arn: str, qualifier: str | None) -> tuple[str, str | None]:
    """(function name, qualifier) from a name, `name:qualifier`, a partial or a full ARN."""
    text = unquote(name_or_arn)
    if ":function:" in text:
        text = text.split(":function:", 1)[1]
    if ":" in text:
        text, inline = text.split(":", 1)
        qualifier = qualifier or inline
    return text, qualifier or None


def pick_weighted(main_version: str, routing: dict[str, Any] | None, rng: random.Random) -> str:
    """The version an alias sends this invocation to."""
    weights = (routing or {}).get("AdditionalVersionWeights") or {}
    roll = rng.random()
    for version, weight in weights.items():
        if roll < float(weight):
            return str(version)
        roll -= float(weight)
    return str(main_version)


def resolve(account: str, region: str, name_or_arn: str, qualifier: str | None,
            rng: random.Random) -> Target:
    """Resolve an invoke target; raises moto's ResourceNotFound errors for unknown ones."""
    backend = lambda_backend(account, region)
    name, qualifier = split_name(name_or_arn, qualifier)
    latest = backend.get_function(name)  # raises UnknownFunctionException
    base_arn = latest.function_arn.split(":function:")[0] + f":function:{name}"
    version = "$LATEST"
    if qualifier and qualifier != "$LATEST":
        if qualifier.isdigit():
            version = qualifier
        else:
            alias = backend.get_alias(qualifier, name)  # raises UnknownAliasException
            version = pick_weighted(alias.function_version, alias.routing_config, rng)
    function = latest if version == "$LATEST" else backend.get_function(name, version)
    invoked_arn = f"{base_arn}:{qualifier}" if qualifier else base_arn
    return Target(account, region, function, version, qualifier, invoked_arn)
