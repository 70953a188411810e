"""Deploying the demo stacks through CloudFormation, and filling in what moto's templates skip.

Stacks are created through the CloudFormation API from packaged templates (code in the
artifacts bucket, nested templates under their S3 URL), exactly as `sam deploy` would send them.
moto creates most resource types; for the few it skips (Lambda aliases, event invoke configs,
SNS subscriptions, CloudWatch alarms) the resource is created through that service's own API
with the template's resolved properties, and the stack's resource map is given an entry for it,
so ListStackResources shows every resource of the template with its physical id. So is an event
source mapping on an alias: moto cannot resolve the alias while it creates the stack, so the
demo server's patch leaves it `deferred` and it is created here, once the alias exists.
"""

from __future__ import annotations

import functools
import random
import string
from dataclasses import dataclass
from importlib import resources
from typing import Any, Callable

from stackview.demo.seed.catalog import ACCOUNT, REGION, StackSpec


def template_text(name: str) -> str:
    return resources.files("stackview.demo.seed.templates").joinpath(name).read_text("utf-8")


def packaged(text: str, replacements: dict[str, str]) -> str:
    """The template as `sam package` leaves it: placeholders replaced by S3 locations."""
    for token in sorted(replacements, key=len, reverse=True):
        text = text.replace(token, replacements[token])
    return text


def cfn_backend() -> Any:
    from moto.cloudformation.models import cloudformation_backends

    return cloudformation_backends[ACCOUNT][REGION]


def moto_stack(name: str) -> Any:
    """moto's Stack object of a live (not deleted) stack."""
    for stack in cfn_backend().stacks.values():
        if stack.name == name and stack.status != "DELETE_COMPLETE":
            return stack
    raise KeyError(name)


def children_of(parent: Any) -> dict[str, Any]:
    """Nested stacks of `parent` by logical id (moto creates them as ordinary stacks)."""
    found = {}
    for logical_id, resource in parent.resource_map._parsed_resources.items():
        if getattr(resource, "cf_resource_type", "") == "AWS::CloudFormation::Stack":
            found[logical_id] = resource
    return found


@functools.lru_cache(maxsize=None)
def nested_stack_class() -> type:
    """moto's Stack, with the physical id CloudFormation gives a nested stack: its stack id.

    moto answers a nested stack's name (ListStackResources, DescribeStackResources, `Ref` in
    the parent template); AWS answers the child's ARN, which is what a tool that opens the
    child from its parent's resource list receives. Only the seeded children get this class.
    """
    from moto.cloudformation.models import Stack as MotoStack

    # Named `Stack` too: moto's serializer maps `StackName`/`StackId` to `name`/`stack_id` by
    # stripping the object's class name from the key.
    class Stack(MotoStack):
        @property
        def physical_resource_id(self) -> str:
            return self.stack_id

    return Stack


def suffix(rng: random.Random, size: int = 12) -> str:
    """A random name suffix shaped like CloudFormation's (upper case letters and digits)."""
    return "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(size))


def deploy(cfn: Any, spec: StackSpec, body: str, parameters: dict[str, str]) -> None:
    cfn.create_stack(
        StackName=spec.name,
        TemplateBody=body,
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"],
        Tags=[{"Key": k, "Value": v} for k, v in spec.tags.items()],
        EnableTerminationProtection=spec.tags.get("stage") == "prod",
    )


class GapResource:
    """A stack resource that moto's template engine skipped and the seed created by API.

    It has the three attributes moto's responses read, and the life-cycle methods moto calls
    on resources when a stack is updated or deleted (doing nothing: the resource stays).
    """

    def __init__(self, logical_id: str, resource_type: str, physical_id: str) -> None:
        self.logical_resource_id = logical_id
        self.cf_resource_type = resource_type
        self.physical_resource_id = physical_id

    def is_created(self) -> bool:
        return True

    def delete(self, account_id: str, region: str) -> None:
        """moto deletes resources it created; this one it never knew how to."""


@dataclass
class GapContext:
    """What the per-type creators need: clients, names and a source of deterministic suffixes."""

    clients: Any
    stack_name: str
    rng: random.Random

    def generated_name(self, logical_id: str) -> str:
        return f"{self.stack_name}-{logical_id}-{suffix(self.rng)}"


def _alias(ctx: GapContext, logical_id: str, props: dict[str, Any]) -> str:
    lam = ctx.clients.lam
    weights = {}
    for entry in (props.get("RoutingConfig") or {}).get("AdditionalVersionWeights", []):
        weights[str(entry["FunctionVersion"])] = float(entry["FunctionWeight"])
    kwargs: dict[str, Any] = {"FunctionName": props["FunctionName"], "Name": props["Name"],
                              "FunctionVersion": str(props["FunctionVersion"]),
                              "Description": props.get("Description", "")}
    if weights:
        kwargs["RoutingConfig"] = {"AdditionalVersionWeights": weights}
    arn = lam.create_alias(**kwargs)["AliasArn"]
    provisioned = (props.get("ProvisionedConcurrencyConfig") or {}).get("ProvisionedConcurrentExecutions")
    if provisioned:
        lam.put_provisioned_concurrency_config(
            FunctionName=props["FunctionName"], Qualifier=props["Name"],
            ProvisionedConcurrentExecutions=int(provisioned))
    return arn


def _event_invoke_config(ctx: GapContext, logical_id: str, props: dict[str, Any]) -> str:
    kwargs: dict[str, Any] = {"FunctionName": props["FunctionName"]}
    for key in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds"):
        if key in props:
            kwargs[key] = int(props[key])
    ctx.clients.lam.put_function_event_invoke_config(**kwargs)
    return ctx.generated_name(logical_id)


def _subscription(ctx: GapContext, logical_id: str, props: dict[str, Any]) -> str:
    response = ctx.clients.sns.subscribe(TopicArn=props["TopicArn"], Protocol=props["Protocol"],
                                         Endpoint=props["Endpoint"])
    return response["SubscriptionArn"]


def _alarm(ctx: GapContext, logical_id: str, props: dict[str, Any]) -> str:
    name = props.get("AlarmName") or ctx.generated_name(logical_id)
    kwargs: dict[str, Any] = {
        "AlarmName": name,
        "AlarmDescription": props.get("AlarmDescription", ""),
        "Namespace": props["Namespace"],
        "MetricName": props["MetricName"],
        "Dimensions": props.get("Dimensions", []),
        "Period": int(props["Period"]),
        "EvaluationPeriods": int(props["EvaluationPeriods"]),
        "Threshold": float(props["Threshold"]),
        "ComparisonOperator": props["ComparisonOperator"],
        "AlarmActions": props.get("AlarmActions", []),
        "OKActions": props.get("OKActions", []),
        "TreatMissingData": props.get("TreatMissingData", "missing"),
    }
    for key in ("Statistic", "ExtendedStatistic", "Unit"):
        if key in props:
            kwargs[key] = props[key]
    if "DatapointsToAlarm" in props:
        kwargs["DatapointsToAlarm"] = int(props["DatapointsToAlarm"])
    ctx.clients.cloudwatch.put_metric_alarm(**kwargs)
    return name


def _event_source_mapping(ctx: GapContext, logical_id: str, props: dict[str, Any]) -> str:
    """A mapping on an alias (FunctionName resolved to the alias ARN by now)."""
    kwargs: dict[str, Any] = {"EventSourceArn": props["EventSourceArn"],
                              "FunctionName": props["FunctionName"]}
    for key in ("BatchSize", "MaximumBatchingWindowInSeconds"):
        if key in props:
            kwargs[key] = int(props[key])
    for key in ("FunctionResponseTypes", "ScalingConfig", "FilterCriteria"):
        if key in props:
            kwargs[key] = props[key]
    if "Enabled" in props:
        kwargs["Enabled"] = str(props["Enabled"]).lower() == "true"
    return ctx.clients.lam.create_event_source_mapping(**kwargs)["UUID"]


GAP_CREATORS: dict[str, Callable[[GapContext, str, dict[str, Any]], str]] = {
    "AWS::Lambda::Alias": _alias,
    "AWS::Lambda::EventInvokeConfig": _event_invoke_config,
    "AWS::SNS::Subscription": _subscription,
    "AWS::CloudWatch::Alarm": _alarm,
    "AWS::Lambda::EventSourceMapping": _event_source_mapping,
}


def fill_gaps(stack: Any, ctx: GapContext) -> list[str]:
    """Create the resources moto skipped; returns their logical ids (in template order).

    A resource whose Condition is false is not part of the stack at all, as on AWS; moto keeps
    a hole for it in the resource map, which is removed here.
    """
    from moto.cloudformation.parsing import clean_json

    resource_map = stack.resource_map
    filled = []
    for logical_id, resource_json in list(resource_map._resource_json_map.items()):
        parsed = resource_map._parsed_resources.get(logical_id)
        if parsed is not None and not getattr(parsed, "deferred", False):
            continue
        condition = resource_json.get("Condition")
        if condition and not resource_map.lazy_condition_map[condition]:
            del resource_map._resource_json_map[logical_id]
            resource_map._parsed_resources.pop(logical_id, None)
            continue
        resource_type = resource_json["Type"]
        props = clean_json(resource_json.get("Properties", {}), resource_map)
        creator = GAP_CREATORS.get(resource_type)
        physical_id = creator(ctx, logical_id, props) if creator else ctx.generated_name(logical_id)
        resource_map._parsed_resources[logical_id] = GapResource(logical_id, resource_type, physical_id)
        filled.append(logical_id)
    return filled


def resources_in_order(stack: Any) -> list[tuple[str, str, str]]:
    """(logical id, type, physical id) of every resource, in template order."""
    out = []
    for logical_id in stack.resource_map._resource_json_map:
        resource = stack.resource_map._parsed_resources.get(logical_id)
        if resource is None:
            continue
        physical = getattr(resource, "physical_resource_id", "") or ""
        if getattr(resource, "cf_resource_type", "") == "AWS::CloudFormation::Stack":
            physical = resource.stack_id
        out.append((logical_id, resource.cf_resource_type, str(physical)))
    return out
