"""CloudWatch alarms of the demo account that belong to no stack.

The stacks' own alarms are template resources (orders.yaml, thumbnails.yaml). Beside them, as in
most accounts, a platform team's monitoring watches every function it knows for errors and
throttles, and the account's concurrency; these alarms name the stacks' functions in their
dimensions only, which is how a tool finds that they concern a stack. Created through
PutMetricAlarm, as that team's tooling would.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stackview.demo.seed import catalog

#: When the platform team's monitoring was set up.
CREATED_DAYS_AGO = 12.0


@dataclass(frozen=True)
class AlarmSpec:
    name: str
    description: str
    metric: str
    function: str | None  # None: the account (no dimension)
    statistic: str
    period: int
    evaluation_periods: int
    threshold: float
    datapoints: int | None = None

    def request(self) -> dict[str, Any]:
        dimensions = [{"Name": "FunctionName", "Value": self.function}] if self.function else []
        kwargs: dict[str, Any] = {
            "AlarmName": self.name, "AlarmDescription": self.description, "Namespace": "AWS/Lambda",
            "MetricName": self.metric, "Dimensions": dimensions, "Statistic": self.statistic,
            "Period": self.period, "EvaluationPeriods": self.evaluation_periods,
            "Threshold": self.threshold, "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching",
            "Tags": [{"Key": "owner", "Value": "platform-team"}, {"Key": "managed-by", "Value": "terraform"}],
        }
        if self.datapoints:
            kwargs["DatapointsToAlarm"] = self.datapoints
        return kwargs


PLATFORM_ALARMS: tuple[AlarmSpec, ...] = (
    AlarmSpec(f"lambda-errors-{catalog.SHOW_FORM}", "Upload form errors", "Errors", catalog.SHOW_FORM,
              "Sum", 300, 1, 5),
    AlarmSpec(f"lambda-errors-{catalog.SIGN_UPLOAD}", "Upload grants failing", "Errors",
              catalog.SIGN_UPLOAD, "Sum", 300, 1, 5),
    # The hourly rollup times out every hour, and EventBridge's two retries too: three errors.
    AlarmSpec(f"lambda-errors-{catalog.SALES_REPORT}",
              "Sales report failures beyond the hourly rollup's known timeout", "Errors",
              catalog.SALES_REPORT, "Sum", 3600, 1, 4),
    *(AlarmSpec(f"lambda-throttles-{name}", "Invocations refused for concurrency", "Throttles", name,
                "Sum", 60, 1, 1)
      for name in (catalog.SHOW_FORM, catalog.SIGN_UPLOAD, catalog.CONVERT_FILE, catalog.ORDERS_API,
                   catalog.SALES_REPORT)),
    AlarmSpec("lambda-account-concurrency", "The account nears its concurrency limit (1,000)",
              "ConcurrentExecutions", None, "Maximum", 60, 3, 800),
)


def create_platform_alarms(cloudwatch: Any) -> list[str]:
    for spec in PLATFORM_ALARMS:
        cloudwatch.put_metric_alarm(**spec.request())
    return [spec.name for spec in PLATFORM_ALARMS]
