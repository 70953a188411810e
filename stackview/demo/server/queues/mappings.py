"""Event source mappings in the demo world, as Lambda keeps them (patches to moto 5.2).

- A mapping created or updated on an alias or a version keeps that qualified ARN as its
  FunctionArn (moto stores the ARN of the version the alias points to, so the mapping would
  stop following the alias), and ListEventSourceMappings with a function's name lists the
  mappings of all its qualifiers (with a qualified name, that qualifier's only).
- State passes through Creating, Enabling and Disabling before Enabled or Disabled
  (TRANSITION_SECONDS), with StateTransitionReason USER_INITIATED; polling stops as soon as
  Enabled is false (`polling()`), batches already running finish.
- ScalingConfig.MaximumConcurrency is checked (2 to 1000) and returned as stored; an empty
  ScalingConfig removes it.
- LastProcessingResult says how the last batch went (`set_result()`, by the poller).
- In a CloudFormation template, a mapping whose FunctionName refers to a resource moto skips
  (an AWS::Lambda::Alias) is left to the seed, which creates it once the alias exists: moto
  would otherwise fail the whole stack on the unresolved name.
moto's own SQS -> Lambda path (an invoke inside SendMessage, one message per invoke, deleting
what `batchItemFailures` names, dropping messageAttributes) is switched off by `queues.sqs`;
`queues.poller` polls instead.
"""

from __future__ import annotations

import time
from typing import Any

#: Seconds a mapping spends in Creating, Enabling or Disabling.
TRANSITION_SECONDS = 1.0
MIN_MAXIMUM_CONCURRENCY = 2
MAX_MAXIMUM_CONCURRENCY = 1000
NO_RECORDS = "No records processed"


def polling(esm: Any) -> bool:
    """Whether the poller may take new batches for this mapping."""
    return bool(esm.enabled)


def state(esm: Any) -> str:
    since = getattr(esm, "_stackview_changed_at", 0.0)
    settled = time.monotonic() - since >= TRANSITION_SECONDS
    kind = getattr(esm, "_stackview_change", "Create")
    if esm.enabled:
        return "Enabled" if settled else ("Creating" if kind == "Create" else "Enabling")
    return "Disabled" if settled else "Disabling"


def set_result(esm: Any, result: str) -> None:
    esm._stackview_last_result = result


def maximum_concurrency(esm: Any) -> int | None:
    value = (esm.scaling_config or {}).get("MaximumConcurrency")
    return int(value) if value is not None else None


def _check_scaling(spec: dict[str, Any]) -> None:
    from moto.awslambda.exceptions import ValidationException

    config = spec.get("ScalingConfig")
    if config is None or config == {}:
        return
    value = config.get("MaximumConcurrency") if isinstance(config, dict) else config
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationException(str(value), "scalingConfig.maximumConcurrency", "Member must be a number")
    if value < MIN_MAXIMUM_CONCURRENCY:
        raise ValidationException(str(value), "scalingConfig.maximumConcurrency",
                                  f"Member must have value greater than or equal to {MIN_MAXIMUM_CONCURRENCY}")
    if value > MAX_MAXIMUM_CONCURRENCY:
        raise ValidationException(str(value), "scalingConfig.maximumConcurrency",
                                  f"Member must have value less than or equal to {MAX_MAXIMUM_CONCURRENCY}")


def _split(name_or_arn: str) -> tuple[str, str | None]:
    text = name_or_arn.split(":function:", 1)[1] if ":function:" in name_or_arn else name_or_arn
    name, _, qualifier = text.partition(":")
    return name, qualifier or None


def _qualified_arn(backend: Any, name_or_arn: str) -> str | None:
    """The alias or version ARN a FunctionName names (None for an unqualified name)."""
    name, qualifier = _split(name_or_arn)
    if not qualifier:
        return None
    base = backend.get_function(name).function_arn.split(":function:")[0]
    if qualifier != "$LATEST" and not qualifier.isdigit():
        backend.get_alias(qualifier, name)  # raises ResourceNotFoundException
    return f"{base}:function:{name}:{qualifier}"


def _point_at(backend: Any, esm: Any, name_or_arn: str) -> None:
    """Make the mapping's FunctionArn the qualified ARN it was given, re-keyed on its queue."""
    from moto.sqs.models import sqs_backends

    qualified = _qualified_arn(backend, name_or_arn)
    if qualified is None or qualified == esm.function_arn:
        return
    old = esm.function_arn
    esm.function_arn = qualified
    for queue in sqs_backends[esm.account_id][esm.region].queues.values():
        if queue.lambda_event_source_mappings.get(old) is esm:
            del queue.lambda_event_source_mappings[old]
            queue.lambda_event_source_mappings[qualified] = esm


class DeferredMapping:
    """A template's mapping on a resource moto skipped: the seed creates it (see `stacks.fill_gaps`)."""

    deferred = True
    physical_resource_id = ""

    def is_created(self) -> bool:
        return True

    def delete(self, account_id: str, region: str) -> None:
        """The seed's mapping is deleted with its function, as moto does."""


def install() -> None:
    """Patch moto's Lambda event source mappings (idempotent)."""
    from moto.awslambda.models import EventSourceMapping, LambdaBackend

    if getattr(EventSourceMapping, "_stackview_patched", False):
        return
    original_create = LambdaBackend.create_event_source_mapping
    original_update = LambdaBackend.update_event_source_mapping
    original_configuration = EventSourceMapping.get_configuration
    original_from_cfn = EventSourceMapping.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create_event_source_mapping(self: Any, spec: dict[str, Any]) -> Any:
        _check_scaling(spec)
        if spec.get("ScalingConfig") == {}:
            spec = {k: v for k, v in spec.items() if k != "ScalingConfig"}
        esm = original_create(self, spec)
        _point_at(self, esm, str(spec.get("FunctionName") or ""))
        esm._stackview_changed_at = time.monotonic()
        esm._stackview_change = "Create"
        return esm

    def update_event_source_mapping(self: Any, uuid: str, spec: dict[str, Any]) -> Any:
        _check_scaling(spec)
        esm = self.get_event_source_mapping(uuid)
        was_enabled = bool(esm.enabled) if esm else None
        result = original_update(self, uuid, spec)
        if result is None:
            return None
        if spec.get("FunctionName"):
            _point_at(self, result, str(spec["FunctionName"]))
        if spec.get("ScalingConfig") == {}:
            result.scaling_config = None
        if "Enabled" in spec and bool(result.enabled) != was_enabled:
            result._stackview_changed_at = time.monotonic()
            result._stackview_change = "Update"
        return result

    def list_event_source_mappings(self: Any, event_source_arn: str | None,
                                   function_name: str | None) -> list[Any]:
        esms = list(self._event_source_mappings.values())
        if event_source_arn:
            esms = [e for e in esms if e.event_source_arn == event_source_arn]
        if function_name:
            name, qualifier = _split(function_name)
            esms = [e for e in esms if _split(e.function_arn)[0] == name
                    and (qualifier is None or _split(e.function_arn)[1] == qualifier)]
        return esms

    def get_configuration(self: Any) -> dict[str, Any]:
        config = original_configuration(self)
        config["State"] = state(self)
        config["StateTransitionReason"] = "USER_INITIATED"
        config["LastProcessingResult"] = getattr(self, "_stackview_last_result", NO_RECORDS)
        if self.scaling_config:
            config["ScalingConfig"] = dict(self.scaling_config)
        return config

    def create_from_cloudformation_json(cls: Any, resource_name: str, cloudformation_json: dict[str, Any],
                                        account_id: str, region_name: str, **kwargs: Any) -> Any:
        if not cloudformation_json.get("Properties", {}).get("FunctionName"):
            return DeferredMapping()
        return original_from_cfn(cls, resource_name, cloudformation_json, account_id, region_name,
                                 **kwargs)

    LambdaBackend.create_event_source_mapping = create_event_source_mapping  # type: ignore[method-assign]
    LambdaBackend.update_event_source_mapping = update_event_source_mapping  # type: ignore[method-assign]
    LambdaBackend.list_event_source_mappings = list_event_source_mappings  # type: ignore[method-assign]
    EventSourceMapping.get_configuration = get_configuration  # type: ignore[method-assign]
    EventSourceMapping.create_from_cloudformation_json = classmethod(  # type: ignore[assignment]
        create_from_cloudformation_json)
    EventSourceMapping._stackview_patched = True  # type: ignore[attr-defined]
