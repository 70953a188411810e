"""stackview: a terminal UI for inspecting and operating AWS serverless stacks."""

__version__ = "0.1.0"
