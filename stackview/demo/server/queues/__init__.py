"""SQS and Lambda's SQS event sources in the demo world.

`sqs` patches moto's queues (no inline Lambda invoke, dead-letter provenance, counters),
`mappings` its event source mappings (qualified ARNs, states, maximum concurrency, last
result), `poller` is Lambda's poller that consumes the queues, `moves` adds SQS redrive
(message move tasks) and `metrics` publishes AWS/SQS metrics every minute.
"""

from __future__ import annotations


def install() -> None:
    """Patch moto's SQS and event source mappings (idempotent)."""
    from stackview.demo.server.queues import mappings, moves, sqs

    sqs.install()
    mappings.install()
    moves.install()
