"""CloudWatch in the demo world: metric queries that read an index, and alarms that evaluate.

`metric_store` indexes data points by series and computes CloudWatch's statistics (percentiles
included); `metric_api` puts that behind GetMetricData, GetMetricStatistics and ListMetrics;
`alarms` evaluates metric alarms from the world's own metrics and `alarm_history` keeps what
DescribeAlarmHistory answers. `install()` patches moto (before the world is seeded);
`alarms.Evaluator` runs the evaluation live.
"""

from __future__ import annotations


def install() -> None:
    """Patch moto's CloudWatch (idempotent)."""
    from stackview.demo.server.cloudwatch import alarm_history, metric_api

    metric_api.install()
    alarm_history.install()
