"""The local Lambda runner that replaces moto's Docker executor.

`runner` keeps pools of execution environments (`environment`), each a `bootstrap` subprocess
started by file path as a plain script that imports only the standard library; `targets`
resolves which version an invoke runs; `platform_logs` writes Lambda's own log lines and
`metrics` the AWS/Lambda metrics, both straight into moto's backends; `sqs_events` holds the
rules of Lambda's SQS event sources (records, partial batch failures, the poller's scaling and
backoff) that the live poller and the history share. A bottom layer: it imports
no other part of stackview.demo (`history` renders with `platform_logs` and `metrics`, `server`
drives the runner), and moto only inside functions, since it runs in the demo server process.
"""
