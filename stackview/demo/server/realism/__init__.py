"""Realism switches: the demo endpoint with AWS's latency, throttling and server faults.

`stackview demo-server --latency/--throttle-rate/--fault-rate`, `stackview --demo-latency/...`
and `DemoServer(latency=..., throttle_rate=..., fault_rate=...)` turn them on, for tests, benches
and demos of how a tool copes with a slow, throttled, failing endpoint. The switches themselves
(parsed and validated in the UI's process too) are `stackview.demo.process.Realism`; this
package applies them: `calls` tells which call a request is, `errors` shapes the injected errors
as each service does, `layer` is the WSGI layer that decides and counts.
"""

from stackview.demo.server.realism.layer import STATS_PATH, RealismLayer

__all__ = ["STATS_PATH", "RealismLayer"]
