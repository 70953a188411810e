"""Alarm states and their history in the demo world, as CloudWatch keeps them.

moto sets a new alarm to OK, never records a transition worth reading, overwrites an alarm's
state when it is updated, filters DescribeAlarms by one criterion only, and has no
DescribeAlarmHistory. Here:
- a new alarm starts in INSUFFICIENT_DATA ("Unchecked: Initial alarm creation") and an
  updated one keeps its state, each with a ConfigurationUpdate history item (created, updated,
  deleted: HistoryData's `type` is Create, Update or Delete);
- `transition()` moves an alarm to a new state the way CloudWatch does: StateValue,
  StateReason, StateReasonData, StateUpdatedTimestamp and StateTransitionedTimestamp, a
  StateUpdate item whose HistoryData holds the old and new states, and an Action item (with
  an SNS notification) for each action of the new state when actions are enabled;
- DescribeAlarmHistory filters by name, type, history item type and dates, pages with
  MaxRecords/NextToken, newest first unless ScanBy says otherwise; items older than 30 days go;
- DescribeAlarms combines its filters (names or name prefix, state, action prefix, alarm
  types) and pages as CloudWatch does.
"""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

#: How long CloudWatch keeps alarm history.
RETENTION = timedelta(days=30)
DEFAULT_HISTORY_RECORDS = 100
DEFAULT_ALARM_RECORDS = 50
INITIAL_REASON = "Unchecked: Initial alarm creation"
_lock = threading.RLock()


@dataclass(frozen=True)
class HistoryItem:
    alarm_name: str
    alarm_type: str  # MetricAlarm | CompositeAlarm
    timestamp: datetime  # aware UTC
    item_type: str  # ConfigurationUpdate | StateUpdate | Action
    summary: str
    data: str

    def body(self) -> dict[str, Any]:
        return {"AlarmName": self.alarm_name, "AlarmType": self.alarm_type, "Timestamp": self.timestamp,
                "HistoryItemType": self.item_type, "HistorySummary": self.summary, "HistoryData": self.data}


def iso(moment: datetime) -> str:
    """CloudWatch's timestamps in history and reason data: 2026-11-23T11:40:00.000+0000."""
    moment = _aware(moment)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def _naive(moment: datetime) -> datetime:
    return _aware(moment).replace(tzinfo=None)


def history_of(backend: Any) -> list[HistoryItem]:
    with _lock:
        items = getattr(backend, "_stackview_alarm_history", None)
        if items is None:
            items = backend._stackview_alarm_history = []
        return items


def record(backend: Any, item: HistoryItem) -> None:
    with _lock:
        items = history_of(backend)
        items.append(item)
        cutoff = item.timestamp - RETENTION
        if items and items[0].timestamp < cutoff:
            items[:] = [i for i in items if i.timestamp >= cutoff]


def alarm_type(alarm: Any) -> str:
    return "CompositeAlarm" if getattr(alarm, "rule", None) else "MetricAlarm"


def _state(alarm: Any, with_data: bool) -> dict[str, Any]:
    state: dict[str, Any] = {"stateValue": alarm.state_value, "stateReason": alarm.state_reason}
    if with_data and alarm.state_reason_data and alarm.state_reason_data != "{}":
        try:
            state["stateReasonData"] = json.loads(alarm.state_reason_data)
        except ValueError:
            pass
    return state


def set_initial_state(alarm: Any, when: datetime) -> None:
    alarm.state_value = "INSUFFICIENT_DATA"
    alarm.state_reason = INITIAL_REASON
    alarm.state_reason_data = "{}"
    alarm.state_updated_timestamp = _naive(when)
    alarm.state_transitioned_timestamp = _naive(when)
    alarm.configuration_updated_timestamp = _naive(when)


def backdate(backend: Any, alarm: Any, when: datetime, now: datetime) -> None:
    """Date the alarm's creation (and its initial state) at `when`, as if created then; history
    older than RETENTION before `now` goes, as CloudWatch forgets it."""
    from dataclasses import replace

    with _lock:
        items = history_of(backend)
        items[:] = [replace(i, timestamp=_aware(when)) if i.alarm_name == alarm.name and
                    i.item_type == "ConfigurationUpdate" else i for i in items]
        items.sort(key=lambda i: i.timestamp)
        items[:] = [i for i in items if i.timestamp >= _aware(now) - RETENTION]
        set_initial_state(alarm, when)


def configuration_item(backend: Any, alarm: Any, kind: str, when: datetime) -> None:
    """A ConfigurationUpdate item: kind is Create, Update or Delete."""
    verb = {"Create": "created", "Update": "updated", "Delete": "deleted"}[kind]
    described = {"alarmName": alarm.name, "alarmArn": alarm.alarm_arn, "namespace": alarm.namespace,
                 "metricName": alarm.metric_name, "statistic": alarm.statistic,
                 "period": alarm.period, "evaluationPeriods": alarm.evaluation_periods,
                 "threshold": alarm.threshold, "comparisonOperator": alarm.comparison_operator,
                 "dimensions": [{"name": d.name, "value": d.value} for d in alarm.dimensions]}
    key = {"Create": "createdAlarm", "Update": "updatedAlarm", "Delete": "deletedAlarm"}[kind]
    data = json.dumps({"version": "1.0", "type": kind, key: described})
    record(backend, HistoryItem(alarm.name, alarm_type(alarm), _aware(when), "ConfigurationUpdate",
                                f'Alarm "{alarm.name}" {verb}', data))


def transition(backend: Any, alarm: Any, state: str, reason: str, reason_data: str,
               when: datetime) -> bool:
    """Put `alarm` in `state` at `when`; returns whether the state changed (a transition).

    A new reason without a new state updates StateReason and StateUpdatedTimestamp only, as
    CloudWatch does; the history records transitions only."""
    with _lock:
        old_state, old = alarm.state_value, _state(alarm, with_data=False)
        alarm.state_reason, alarm.state_reason_data = reason, reason_data
        alarm.state_updated_timestamp = _naive(when)
        if state == old_state:
            return False
        alarm.state_value = state
        alarm.state_transitioned_timestamp = _naive(when)
        data = {"version": "1.0", "oldState": old, "newState": _state(alarm, with_data=True)}
        record(backend, HistoryItem(alarm.name, alarm_type(alarm), _aware(when), "StateUpdate",
                                    f"Alarm updated from {old_state} to {state}", json.dumps(data)))
    _act(backend, alarm, old_state, when)
    return True


def _act(backend: Any, alarm: Any, old_state: str, when: datetime) -> None:
    """Notify the new state's actions (SNS topics), each with an Action history item."""
    if not alarm.actions_enabled:
        return
    actions = {"ALARM": alarm.alarm_actions, "OK": alarm.ok_actions,
               "INSUFFICIENT_DATA": alarm.insufficient_data_actions}.get(alarm.state_value) or []
    for arn in actions:
        outcome = "Successfully executed"
        try:
            _publish(backend, alarm, arn, old_state, when)
        except Exception as error:  # noqa: BLE001 - a missing topic is the action's failure
            outcome = f"Failed to execute ({type(error).__name__})"
        data = json.dumps({"actionState": "Succeeded" if outcome.startswith("Succ") else "Failed",
                           "notificationResource": arn, "stateUpdateTimestamp": iso(when)})
        record(backend, HistoryItem(alarm.name, alarm_type(alarm), _aware(when), "Action",
                                    f"{outcome} action {arn}", data))


def _publish(backend: Any, alarm: Any, arn: str, old_state: str, when: datetime) -> None:
    if ":sns:" not in arn:
        raise ValueError(f"not an SNS topic: {arn}")
    from moto.sns.models import sns_backends

    parts = arn.split(":")
    message = {"AlarmName": alarm.name, "AlarmDescription": alarm.description,
               "AWSAccountId": parts[4], "NewStateValue": alarm.state_value,
               "NewStateReason": alarm.state_reason, "StateChangeTime": iso(when),
               "Region": parts[3], "AlarmArn": alarm.alarm_arn, "OldStateValue": old_state}
    sns_backends[parts[4]][parts[3]].publish(
        json.dumps(message), arn=arn,
        subject=f'ALARM: "{alarm.name}" in {parts[3]}'[:100] if alarm.state_value == "ALARM"
        else f'{alarm.state_value}: "{alarm.name}" in {parts[3]}'[:100])


# -- the API ----------------------------------------------------------------------------------


def _encode(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode()


def _decode(token: str | None) -> int:
    if not token:
        return 0
    try:
        return int(json.loads(base64.urlsafe_b64decode(token.encode()))["o"])
    except (ValueError, KeyError, TypeError):
        from moto.cloudwatch.exceptions import InvalidParameterValue

        raise InvalidParameterValue("The service returned an invalid next token.") from None


def describe_alarm_history(backend: Any, params: dict[str, Any]) -> dict[str, Any]:
    name = params.get("AlarmName")
    types = params.get("AlarmTypes") or []
    item_type = params.get("HistoryItemType")
    start, end = params.get("StartDate"), params.get("EndDate")
    with _lock:
        items = list(history_of(backend))
    chosen = [i for i in items
              if (not name or i.alarm_name == name) and (not types or i.alarm_type in types)
              and (not item_type or i.item_type == item_type)
              and (start is None or i.timestamp >= _aware(start))
              and (end is None or i.timestamp <= _aware(end))]
    if params.get("ScanBy") != "TimestampAscending":
        chosen.reverse()  # kept in time order (equal timestamps in the order they happened)
    limit = int(params.get("MaxRecords") or DEFAULT_HISTORY_RECORDS)
    offset = _decode(params.get("NextToken"))
    body: dict[str, Any] = {"AlarmHistoryItems": [i.body() for i in chosen[offset:offset + limit]]}
    if offset + limit < len(chosen):
        body["NextToken"] = _encode(offset + limit)
    return body


def describe_alarms(backend: Any, params: dict[str, Any]) -> dict[str, Any]:
    names = params.get("AlarmNames") or []
    prefix = params.get("AlarmNamePrefix")
    state = params.get("StateValue")
    action_prefix = params.get("ActionPrefix")
    types = params.get("AlarmTypes") or ["MetricAlarm"]
    alarms = sorted(backend.alarms.values(), key=lambda a: a.name)
    chosen = [a for a in alarms
              if (not names or a.name in names) and (not prefix or a.name.startswith(prefix))
              and (not state or a.state_value == state)
              and (not action_prefix or any(x.startswith(action_prefix) for x in a.alarm_actions))
              and alarm_type(a) in types]
    limit = int(params.get("MaxRecords") or DEFAULT_ALARM_RECORDS)
    offset = _decode(params.get("NextToken"))
    page = chosen[offset:offset + limit]
    body: dict[str, Any] = {"MetricAlarms": [a for a in page if alarm_type(a) == "MetricAlarm"],
                            "CompositeAlarms": [a for a in page if alarm_type(a) == "CompositeAlarm"]}
    if offset + limit < len(chosen):
        body["NextToken"] = _encode(offset + limit)
    return body


def install() -> None:
    """Patch moto's CloudWatch alarms (idempotent)."""
    from moto.cloudwatch.models import CloudWatchBackend
    from moto.cloudwatch.responses import CloudWatchResponse
    from moto.core.responses import ActionResult

    if getattr(CloudWatchBackend, "_stackview_alarms", False):
        return
    original_put = CloudWatchBackend.put_metric_alarm
    original_delete = CloudWatchBackend.delete_alarms

    def put_metric_alarm(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        with _lock:
            previous = self.alarms.get(name)
            alarm = original_put(self, name, *args, **kwargs)
            now = datetime.now(timezone.utc)
            if previous is None:
                set_initial_state(alarm, now)
                configuration_item(self, alarm, "Create", now)
            else:
                for attribute in ("state_value", "state_reason", "state_reason_data",
                                  "state_updated_timestamp", "state_transitioned_timestamp"):
                    setattr(alarm, attribute, getattr(previous, attribute, None))
                configuration_item(self, alarm, "Update", now)
        return alarm

    def delete_alarms(self: Any, alarm_names: list[str]) -> None:
        now = datetime.now(timezone.utc)
        for name in alarm_names:
            if name in self.alarms:
                configuration_item(self, self.alarms[name], "Delete", now)
        original_delete(self, alarm_names)

    def set_alarm_state(self: Any, alarm_name: str, reason: str, reason_data: str,
                        state_value: str) -> None:
        from moto.cloudwatch.exceptions import InvalidFormat, ResourceNotFound, ValidationError

        try:
            if reason_data is not None:
                json.loads(reason_data)
        except ValueError:
            raise InvalidFormat("Unknown") from None
        if alarm_name not in self.alarms:
            raise ResourceNotFound
        if state_value not in ("OK", "ALARM", "INSUFFICIENT_DATA"):
            raise ValidationError(f"1 validation error detected: Value '{state_value}' at 'stateValue' "
                                  "failed to satisfy constraint: Member must satisfy enum value set: "
                                  "[INSUFFICIENT_DATA, ALARM, OK]")
        transition(self, self.alarms[alarm_name], state_value, reason, reason_data or "{}",
                   datetime.now(timezone.utc))

    def response_describe_alarms(self: Any) -> Any:
        return ActionResult(describe_alarms(self.cloudwatch_backend, self._get_params()))

    def response_describe_alarm_history(self: Any) -> Any:
        return ActionResult(describe_alarm_history(self.cloudwatch_backend, self._get_params()))

    CloudWatchBackend.put_metric_alarm = put_metric_alarm  # type: ignore[method-assign]
    CloudWatchBackend.delete_alarms = delete_alarms  # type: ignore[method-assign]
    CloudWatchBackend.set_alarm_state = set_alarm_state  # type: ignore[method-assign]
    CloudWatchResponse.describe_alarms = response_describe_alarms  # type: ignore[method-assign]
    CloudWatchResponse.describe_alarm_history = response_describe_alarm_history  # type: ignore[attr-defined]
    CloudWatchBackend._stackview_alarms = True  # type: ignore[attr-defined]
