"""Logs Insights for the demo world: StartQuery and friends answered by an engine of our own.

moto answers only `fields`, `sort` and `limit` (filter, stats and parse silently ignored),
returns everything Complete at once and has no StopQuery, so tools pointed at the demo world
could not be trusted with a query. This package answers the five Insights calls itself over the
events in moto's backend: `syntax` and `parser` read the query language into `nodes`; `values`,
`functions`, `fields` and `evaluate` give fields their values as Insights does; `engine` runs the
pipeline; `queries` schedules, runs, stops and remembers queries; `api` is the WSGI layer.
Everything but `api` is pure (no moto), so the unit tests drive it with lists of events.
"""

from stackview.demo.server.insights.api import InsightsApi

__all__ = ["InsightsApi"]
