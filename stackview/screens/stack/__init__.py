"""One CloudFormation stack: its screen (`screen.py`), the summary line above the tabs, and one
module per tab (resources, outputs and parameters, events, template, functions)."""
