"""One Lambda function: its screen (`screen.py`) and one module per tab (overview, versions,
aliases, concurrency, metrics, invocations). The levers it offers are in `stackview.screens.levers`."""
