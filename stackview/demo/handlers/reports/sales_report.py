"""The scheduled sales report: every five minutes EventBridge runs it for the last window.

At the top of each hour the window is the whole past hour (the hourly rollup), which takes
longer than the function's timeout allows: this function keeps Lambda's 3-second default, the
classic mistake "Running Serverless" warns about, so those runs end in "Task timed out".
An operator can also invoke it by hand with {"detail": {"report": "sales", "backfill_hours": N}}.
"""

import csv
import io
import json
import logging
import os
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import boto3

logger = logging.getLogger()
logger.setLevel(logging.INFO)

table = boto3.resource("dynamodb").Table(os.environ["ORDERS_TABLE"])
s3 = boto3.client("s3")
sns = boto3.client("sns")
BUCKET = os.environ["REPORTS_BUCKET"]
TOPIC = os.environ["REPORT_TOPIC_ARN"]
#: Seconds of aggregation work per minute of window (what makes the hourly rollup slow).
WORK_PER_MINUTE = 0.06
GREEN, RESET = "\x1b[32m", "\x1b[0m"


def _window(event):
    detail = event.get("detail") or {}
    end = datetime.fromisoformat(event.get("time", "").replace("Z", "+00:00") or
                                 datetime.now(timezone.utc).isoformat())
    if detail.get("backfill_hours"):
        return end - timedelta(hours=int(detail["backfill_hours"])), end, "backfill"
    if end.minute < 5:
        return end - timedelta(hours=1), end, "hourly rollup"
    return end - timedelta(minutes=5), end, "snapshot"


def handler(event, context):
    report = (event.get("detail") or {}).get("report", "sales")
    if report != "sales":
        logger.error("Unknown report %r: expected 'sales'", report)
        return {"status": "error", "message": f"unknown report {report}"}
    start, end, kind = _window(event)
    logger.info("Building %s for %s .. %s", kind, start.isoformat(), end.isoformat())
    orders = table.scan().get("Items", [])
    in_window = [o for o in orders if start.timestamp() <= float(o.get("createdAt", 0)) < end.timestamp()]
    time.sleep(WORK_PER_MINUTE * (end - start).total_seconds() / 60)
    totals = {}
    for order in in_window:
        totals[order["status"]] = totals.get(order["status"], Decimal(0)) + Decimal(str(order["total"]))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["status", "orders", "total"])
    for status, total in sorted(totals.items()):
        writer.writerow([status, sum(1 for o in in_window if o["status"] == status), total])
    key = end.strftime("sales/%Y/%m/%d/%H%M.csv")
    s3.put_object(Bucket=BUCKET, Key=key, Body=out.getvalue().encode(), ContentType="text/csv")
    sns.publish(TopicArn=TOPIC, Subject="Sales report ready",
                Message=json.dumps({"bucket": BUCKET, "key": key, "orders": len(in_window)}))
    print(f"{GREEN}OK{RESET} s3://{BUCKET}/{key}: {len(in_window)} orders, "
          f"{sum(totals.values(), Decimal(0))} EUR")
    return {"status": "ok", "key": key, "orders": len(in_window)}
