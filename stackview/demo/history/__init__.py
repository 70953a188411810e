"""The demo world's past: three hours of logs and AWS/Lambda metrics, written at start-up.

`plan` schedules the requests that reached the account and sizes them to an event target; the
per-app planners (`thumbnails`, `orders`, `reports`, built on `common`) turn each request into
what its handler did; `sim` places them in time and in execution environments, and `queues`
runs the orders queue and Lambda's poller over it; `write` renders them exactly as the live
runner does and stores them in moto's backends. It may import `seed`
(names from `catalog`, handler source from `code`), `runtime` (`platform_logs` and `metrics`, so
past and live lines cannot differ) and `handlers`; only `server` imports it (`world` calls
`plan.write_history()`). Only `write` touches moto, inside functions; the rest is pure.
"""
