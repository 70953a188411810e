"""Gap-filling on moto's backends, applied once inside the demo server process.

Each patch fixes a difference from AWS that stackview (or any tool pointed at the demo world)
would see. They are written against moto 5.2 (pinned in pyproject) and checked by tests:
- Lambda LoggingConfig and DeadLetterConfig are stored and returned (moto drops both), also
  when a CloudFormation template sets them.
- A LambdaFunction no longer holds its logs backend as an attribute: moto deep-copies
  functions (ListFunctions with FunctionVersion=ALL, Publish on create), which copied every
  log event of the region each time.
- CloudWatch Logs event ids are unique under threads (moto's counter is a read-modify-write
  shared by all threads) and shaped like AWS's 56-digit ids.
- FilterLogEvents orders by timestamp, then ingestion time, across streams (moto concatenates
  streams unless `interleaved`), pages with a token that survives concurrent writes, stops a
  page at 10,000 events or 1 MB as AWS does, and parses the filter pattern once per call.
- A log group named by its ARN (logGroupIdentifier: StartLiveTail, GetLogEvents,
  DescribeLogStreams) is that group: moto 5.2.5 returns the last group of the Region.
"""

from __future__ import annotations

import bisect
import itertools
from typing import Any

_applied = False
#: AWS's page limits for FilterLogEvents.
MAX_PAGE_EVENTS = 10000
MAX_PAGE_BYTES = 1024 * 1024
#: Function properties CloudFormation passes to Lambda that moto's template support drops.
_CFN_EXTRA_PROPERTIES = ("LoggingConfig", "DeadLetterConfig", "Layers", "TracingConfig",
                         "Architectures", "EphemeralStorage", "PackageType")


def apply() -> None:
    """Install every patch (idempotent)."""
    global _applied
    if _applied:
        return
    _patch_lambda_function()
    _patch_log_event_ids()
    _patch_filter_log_events()
    _patch_find_log_group()
    _applied = True


# -- Lambda -----------------------------------------------------------------------------------


def _default_logging(fn: Any) -> dict[str, Any]:
    return {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{fn.function_name}"}


def _patch_lambda_function() -> None:
    from moto.awslambda.models import LambdaFunction
    from moto.logs.models import logs_backends

    def logs_backend(self: Any) -> Any:
        return logs_backends[self.account_id][self.region]

    ignore = lambda self, value: None  # noqa: E731 - moto's __init__ assigns it; keep nothing
    LambdaFunction.logs_backend = property(logs_backend, ignore)  # type: ignore[assignment]

    original_init = LambdaFunction.__init__
    original_update = LambdaFunction.update_configuration
    original_configuration = LambdaFunction.get_configuration
    original_from_cfn = LambdaFunction.create_from_cloudformation_json.__func__  # type: ignore


    def __init__(self: Any, account_id: str, spec: dict[str, Any], region: str,
                 version: Any = 1) -> None:
        original_init(self, account_id, spec, region, version)
        self.logging_config = _merge_logging(self, None, spec.get("LoggingConfig"))
        self.dead_letter_config = spec.get("DeadLetterConfig") or None

    def update_configuration(self: Any, config_updates: dict[str, Any]) -> dict[str, Any]:
        if "LoggingConfig" in config_updates:
            update = config_updates["LoggingConfig"]
            self.logging_config = _merge_logging(self, self.logging_config, update)
        if "DeadLetterConfig" in config_updates:
            self.dead_letter_config = config_updates["DeadLetterConfig"] or None
        return original_update(self, config_updates)

    def get_configuration(self: Any, on_create: bool = False) -> dict[str, Any]:
        config = original_configuration(self, on_create)
        logging_config = getattr(self, "logging_config", None) or _default_logging(self)
        config["LoggingConfig"] = dict(logging_config)
        dead_letter = getattr(self, "dead_letter_config", None)
        if dead_letter and dead_letter.get("TargetArn"):
            config["DeadLetterConfig"] = dict(dead_letter)
        return config

    def create_from_cloudformation_json(cls: Any, resource_name: str, cloudformation_json: dict[str, Any],
                                        account_id: str, region_name: str, **kwargs: Any) -> Any:
        fn = original_from_cfn(cls, resource_name, cloudformation_json, account_id, region_name,
                               **kwargs)
        properties = cloudformation_json.get("Properties", {})
        extras = {k: properties[k] for k in _CFN_EXTRA_PROPERTIES if k in properties}
        if extras:
            fn.update_configuration(extras)
            fn.code_or_config_updated = False
            if "Architectures" in extras:
                fn.architectures = extras["Architectures"]
            if "TracingConfig" in extras:
                fn.tracing_config = extras["TracingConfig"]
        return fn

    LambdaFunction.__init__ = __init__  # type: ignore[method-assign]
    LambdaFunction.update_configuration = update_configuration  # type: ignore[method-assign]
    LambdaFunction.get_configuration = get_configuration  # type: ignore[method-assign]
    LambdaFunction.create_from_cloudformation_json = classmethod(  # type: ignore[assignment]
        create_from_cloudformation_json)


def _merge_logging(fn: Any, current: dict[str, Any] | None,
                   update: dict[str, Any] | None) -> dict[str, Any]:
    """LoggingConfig as Lambda keeps it: levels only exist with the JSON format."""
    merged = dict(current or _default_logging(fn))
    merged.update({k: v for k, v in (update or {}).items() if v is not None})
    if str(merged.get("LogFormat", "Text")).upper() == "JSON":
        merged["LogFormat"] = "JSON"
        merged.setdefault("ApplicationLogLevel", "INFO")
        merged.setdefault("SystemLogLevel", "INFO")
    else:
        merged["LogFormat"] = "Text"
        merged.pop("ApplicationLogLevel", None)
        merged.pop("SystemLogLevel", None)
    merged["LogGroup"] = merged.get("LogGroup") or f"/aws/lambda/{fn.function_name}"
    return merged


# -- CloudWatch Logs --------------------------------------------------------------------------


def _patch_log_event_ids() -> None:
    from moto.logs.models import LogEvent

    counter = itertools.count(1)  # next() on itertools.count is atomic under the GIL

    def __init__(self: Any, ingestion_time: int, log_event: dict[str, Any]) -> None:
        self.ingestion_time = ingestion_time
        self.timestamp = log_event["timestamp"]
        self.message = log_event["message"]
        self.event_id = f"{next(counter):056d}"

    LogEvent.__init__ = __init__  # type: ignore[method-assign]


def _sort_key(event: Any) -> tuple[int, int, str]:
    return (event.timestamp, event.ingestion_time, event.event_id)


def _encode_token(key: tuple[int, int, str]) -> str:
    return f"sv1/{key[0]}/{key[1]}/{key[2]}"


def _decode_token(token: str) -> tuple[int, int, str] | None:
    parts = token.split("/")
    if len(parts) != 4 or parts[0] != "sv1":
        return None
    try:
        return int(parts[1]), int(parts[2]), parts[3]
    except ValueError:
        return None


def _patch_filter_log_events() -> None:
    from moto.logs.models import LogGroup
    from moto.logs.utils import EventMessageFilter

    def filter_log_events(self: Any, log_group_name: str, log_stream_names: list[str] | None,
                          start_time: int | None, end_time: int | None, limit: int | None,
                          next_token: str | None, filter_pattern: str | None,
                          interleaved: bool) -> tuple[list[dict[str, Any]], str | None, list[Any]]:
        limit = min(int(limit or MAX_PAGE_EVENTS), MAX_PAGE_EVENTS)
        streams = [s for name, s in list(self.streams.items())
                   if not log_stream_names or name in log_stream_names]
        matcher = EventMessageFilter(filter_pattern or "")
        after = _decode_token(next_token) if next_token else None
        if next_token and after is None:
            return [], None, []  # AWS answers an invalid token with an empty page
        candidates: list[tuple[tuple[int, int, str], Any, str]] = []
        for stream in streams:
            for event in list(stream.events):
                if start_time and event.timestamp < start_time:
                    continue
                if end_time and event.timestamp > end_time:
                    continue
                candidates.append((_sort_key(event), event, stream.log_stream_name))
        candidates.sort(key=lambda item: item[0])
        first = bisect.bisect_right([c[0] for c in candidates], after) if after else 0
        page: list[dict[str, Any]] = []
        size = 0
        last_key = None
        index = first
        for index in range(first, len(candidates)):
            key, event, stream_name = candidates[index]
            last_key = key
            if filter_pattern and not matcher.matches(event.message):
                continue
            entry = event.to_filter_dict()
            entry["logStreamName"] = stream_name
            page.append(entry)
            size += len(event.message.encode("utf-8", errors="replace")) + 26
            if len(page) >= limit or size >= MAX_PAGE_BYTES:
                break
        else:
            last_key = None  # scanned to the end: no next page
        token = _encode_token(last_key) if last_key and index + 1 < len(candidates) else None
        searched = [{"logStreamName": s.log_stream_name, "searchedCompletely": token is None}
                    for s in streams]
        return page, token, searched

    LogGroup.filter_log_events = filter_log_events  # type: ignore[method-assign]


def _patch_find_log_group() -> None:
    from moto.logs.exceptions import ResourceNotFoundException
    from moto.logs.models import LogsBackend

    original = LogsBackend._find_log_group

    def _find_log_group(self: Any, log_group_id: str | None = None,
                        log_group_name: str | None = None) -> Any:
        if log_group_name or not log_group_id:
            return original(self, log_group_id=log_group_id, log_group_name=log_group_name)
        original(self, log_group_id=log_group_id)  # moto's validation of the identifier
        wanted = log_group_id[:-2] if log_group_id.endswith(":*") else log_group_id
        for group in list(self.groups.values()):
            if group.arn == wanted or group.name == wanted:
                return group
        raise ResourceNotFoundException()

    LogsBackend._find_log_group = _find_log_group  # type: ignore[method-assign]
