"""`:alarms`: the account's CloudWatch alarms."""
