"""GetMetricData, GetMetricStatistics and ListMetrics in the demo world, as CloudWatch answers them.

Replaces moto's implementations on its CloudWatch backend and response classes (moto 5.2):
- every put is indexed by series (`metric_store.MetricIndex`), so a query reads its own series
  and window instead of scanning every data point of the Region for every period;
- a query matches its namespace, metric name and exact dimension set (moto forgets the namespace
  as soon as dimensions are given);
- extended statistics (`p99`, `p90`, ...) are computed from raw values, in GetMetricData's
  `Stat` and GetMetricStatistics' `ExtendedStatistics` (moto returns nothing for them), and an
  unknown statistic is refused as CloudWatch refuses it;
- GetMetricData pages by data points (`MaxDatapoints`, default 100,800, and `NextToken`);
- ListMetrics lists each series once, from the index (moto's is quadratic in data points).
Metric math is what moto does (an expression naming another query's id).
"""

from __future__ import annotations

import base64
import json
import math
import threading
from datetime import datetime, timezone
from typing import Any

from stackview.demo.server.cloudwatch.metric_store import (
    BASIC_STATISTICS,
    MetricIndex,
    epoch,
    series_key,
    series_stats,
    valid_statistic,
)

#: GetMetricData's default and largest number of data points in one response.
MAX_DATAPOINTS = 100_800
#: ListMetrics returns at most this many metrics per page.
LIST_PAGE = 500
_index_lock = threading.Lock()


def index_of(backend: Any) -> MetricIndex:
    """The backend's index (built from what it already holds on first use)."""
    index = getattr(backend, "_stackview_index", None)
    if index is None:
        with _index_lock:
            index = getattr(backend, "_stackview_index", None)
            if index is None:
                index = MetricIndex()
                index.add(list(backend.metric_data))
                backend._stackview_index = index
    return index


def _utc(moment: datetime) -> datetime:
    return datetime.fromtimestamp(epoch(moment), timezone.utc)


def _invalid(message: str) -> Exception:
    from moto.cloudwatch.exceptions import InvalidParameterValue

    return InvalidParameterValue(message)


def metric_stat_result(backend: Any, query: dict[str, Any], start: float, end: float) -> dict[str, Any]:
    """The series of one MetricStat query: (timestamps, values) per period with data."""
    stat_spec = query["MetricStat"]
    metric = stat_spec["Metric"]
    stat = stat_spec["Stat"]
    if not valid_statistic(stat):
        raise _invalid(f"The value {stat} for parameter MetricDataQueries.member.Stat is not supported.")
    period = int(stat_spec["Period"])
    key = series_key(metric["Namespace"], metric["MetricName"], metric.get("Dimensions") or [])
    points = series_stats(index_of(backend), key, start, end, period, stat, stat_spec.get("Unit"))
    return {"id": query["Id"], "label": query.get("Label") or f"{metric['MetricName']} {stat}",
            "timestamps": [datetime.fromtimestamp(t, timezone.utc).replace(tzinfo=None) for t, _ in points],
            "values": [v for _, v in points], "status_code": "Complete"}


def get_metric_data(backend: Any, queries: list[dict[str, Any]], start_time: datetime,
                    end_time: datetime, scan_by: str = "TimestampAscending") -> list[dict[str, Any]]:
    """moto's backend signature; every query's full series (paging is the response's job)."""
    from moto.cloudwatch.exceptions import ValidationError
    from moto.cloudwatch.metric_data_expression_parser import parse_expression

    start, end = math.floor(epoch(start_time)), math.floor(epoch(end_time))
    if start > end:
        raise ValidationError("The parameter EndTime must be greater than StartTime.")
    if start == end:
        raise ValidationError("The parameter StartTime must not equal parameter EndTime.")
    results = [metric_stat_result(backend, q, start, end) for q in queries if "MetricStat" in q]
    returned = [r for r, q in zip(results, [q for q in queries if "MetricStat" in q])
                if q.get("ReturnData", True)]
    for query in queries:
        if "Expression" in query:
            values, timestamps = parse_expression(query["Expression"], results)
            returned.append({"id": query["Id"], "label": query.get("Label") or query["Id"],
                             "values": values, "timestamps": timestamps, "status_code": "Complete"})
    if scan_by == "TimestampDescending":
        for result in returned:
            result["timestamps"] = list(reversed(result["timestamps"]))
            result["values"] = list(reversed(result["values"]))
    return returned


def page(results: list[dict[str, Any]], max_points: int,
         token: str | None) -> tuple[list[dict[str, Any]], str | None]:
    """One page of at most `max_points` data points; a series may continue on the next page
    (botocore's paginator merges them by id). Empty series are reported on the first page."""
    offset = _decode(token)
    total = sum(len(result["values"]) for result in results)
    out: list[dict[str, Any]] = []
    position = 0
    for result in results:
        count = len(result["values"])
        low, high = max(offset - position, 0), min(offset + max_points - position, count)
        if (count == 0 and offset == 0) or low < high:
            out.append(dict(result, values=result["values"][low:high],
                            timestamps=result["timestamps"][low:high]))
        position += count
    return out, (_encode(offset + max_points) if offset + max_points < total else None)


def _encode(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def _decode(token: str | None) -> int:
    if not token:
        return 0
    try:
        return int(json.loads(base64.urlsafe_b64decode(token.encode()))["offset"])
    except (ValueError, KeyError, TypeError):
        raise _invalid("The service returned an invalid next token.") from None


def get_metric_statistics(backend: Any, namespace: str, metric_name: str, start_time: datetime,
                          end_time: datetime, period: int, stats: list[str],
                          dimensions: list[dict[str, str]], unit: str | None = None,
                          extended: list[str] | None = None) -> list[dict[str, Any]]:
    """Datapoints with the asked statistics, ExtendedStatistics for percentiles."""
    start, end = math.floor(epoch(start_time)), math.floor(epoch(end_time))
    if start >= end:
        raise _invalid("The parameter StartTime must be less than the parameter EndTime.")
    for stat in [*stats, *(extended or [])]:
        if not valid_statistic(stat) or (stat in stats and stat not in BASIC_STATISTICS):
            raise _invalid(f"The value {stat} for parameter Statistics is not supported.")
    key = series_key(namespace, metric_name, dimensions or [])
    rows: dict[float, dict[str, Any]] = {}
    for stat in [*stats, *(extended or [])]:
        for begin, value in series_stats(index_of(backend), key, start, end, period, stat, unit):
            row = rows.setdefault(begin, {"Timestamp": datetime.fromtimestamp(begin, timezone.utc)})
            if stat in BASIC_STATISTICS:
                row[stat] = value
            else:
                row.setdefault("ExtendedStatistics", {})[stat] = value
    unit_of = unit or _unit(backend, key)
    for row in rows.values():
        if unit_of:
            row["Unit"] = unit_of
    return [rows[t] for t in sorted(rows)]


def _unit(backend: Any, key: Any) -> str | None:
    index = index_of(backend)
    with index._lock:
        return index._units.get(key)


def list_metrics(backend: Any, namespace: str | None, metric_name: str | None,
                 dimensions: list[dict[str, str]] | None) -> list[dict[str, Any]]:
    """Each series once, filtered as ListMetrics filters (a dimension without a value matches
    any value of that dimension name)."""
    wanted = [(d["Name"], d.get("Value")) for d in dimensions or []]
    out = []
    for key_namespace, name, dims in sorted(index_of(backend).keys(), key=lambda k: (k[0], k[1], sorted(k[2]))):
        if namespace and key_namespace != namespace or metric_name and name != metric_name:
            continue
        names = dict(dims)
        if any(n not in names or (v is not None and names[n] != v) for n, v in wanted):
            continue
        out.append({"Namespace": key_namespace, "MetricName": name,
                    "Dimensions": [{"Name": n, "Value": v} for n, v in sorted(dims)]})
    return out


def install() -> None:
    """Patch moto's CloudWatch backend and response classes (idempotent)."""
    from moto.cloudwatch.models import CloudWatchBackend
    from moto.cloudwatch.responses import CloudWatchResponse
    from moto.core.responses import ActionResult

    if getattr(CloudWatchBackend, "_stackview_metrics", False):
        return
    original_put = CloudWatchBackend.put_metric_data

    def put_metric_data(self: Any, namespace: str, metric_data: list[dict[str, Any]]) -> None:
        index = index_of(self)
        with index._lock:  # the new points are the tail of moto's list: no other put between
            before = len(self.metric_data)
            original_put(self, namespace, metric_data)
            added = self.metric_data[before:]
        index.add(added)

    def backend_get_metric_data(self: Any, queries: list[dict[str, Any]], start_time: datetime,
                                end_time: datetime, scan_by: str = "TimestampAscending") -> list[dict[str, Any]]:
        return get_metric_data(self, queries, start_time, end_time, scan_by)

    def response_get_metric_data(self: Any) -> Any:
        from moto.cloudwatch.exceptions import ValidationError

        params = self._get_params()
        queries = params.get("MetricDataQueries", [])
        for query in queries:
            if "MetricStat" not in query and "Expression" not in query:
                raise ValidationError("The parameter MetricDataQueries.member.1.MetricStat is required.\n")
        results = get_metric_data(self.cloudwatch_backend, queries, params["StartTime"],
                                  params["EndTime"], params.get("ScanBy") or "TimestampDescending")
        max_points = int(params.get("MaxDatapoints") or MAX_DATAPOINTS)
        results, token = page(results, max_points, params.get("NextToken"))
        body: dict[str, Any] = {"MetricDataResults": results}
        if token:
            body["NextToken"] = token
        return ActionResult(body)

    def response_get_metric_statistics(self: Any) -> Any:
        from moto.cloudwatch.exceptions import InvalidParameterCombination

        statistics = self._get_param("Statistics", []) or []
        extended = self._get_param("ExtendedStatistics", []) or []
        if not statistics and not extended:
            raise InvalidParameterCombination("Must specify either Statistics or ExtendedStatistics")
        name = self._get_param("MetricName")
        datapoints = get_metric_statistics(
            self.cloudwatch_backend, self._get_param("Namespace"), name,
            self._get_param("StartTime"), self._get_param("EndTime"), self._get_int_param("Period"),
            statistics, self._get_param("Dimensions", []) or [], self._get_param("Unit"), extended)
        return ActionResult({"Label": name, "Datapoints": datapoints})

    def response_list_metrics(self: Any) -> Any:
        metrics = list_metrics(self.cloudwatch_backend, self._get_param("Namespace"),
                               self._get_param("MetricName"), self._get_params().get("Dimensions", []))
        offset = _decode(self._get_param("NextToken"))
        body: dict[str, Any] = {"Metrics": metrics[offset:offset + LIST_PAGE]}
        if offset + LIST_PAGE < len(metrics):
            body["NextToken"] = _encode(offset + LIST_PAGE)
        return ActionResult(body)

    CloudWatchBackend.put_metric_data = put_metric_data  # type: ignore[method-assign]
    CloudWatchBackend.get_metric_data = backend_get_metric_data  # type: ignore[method-assign]
    CloudWatchResponse.get_metric_data = response_get_metric_data  # type: ignore[method-assign]
    CloudWatchResponse.get_metric_statistics = response_get_metric_statistics  # type: ignore[method-assign]
    CloudWatchResponse.list_metrics = response_list_metrics  # type: ignore[method-assign]
    CloudWatchBackend._stackview_metrics = True  # type: ignore[attr-defined]
