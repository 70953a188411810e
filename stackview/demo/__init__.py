"""The embedded demo world: an AWS-compatible endpoint with stacks, functions that really run,
their logs and metrics (`stackview --demo`, `stackview demo-server`, the test suite).

`process` is all the UI process imports: it starts `python -m stackview.demo.server` as a child
and talks HTTP to it. The subpackages are one-way layers, each importing only those below it:
`server` (the server process around moto) -> `history` (the past, written at start-up) ->
`seed` (what the world holds, and how it is deployed) and `runtime` (the local Lambda runner),
which import no other part of the demo. `handlers` (the demo functions' code, shipped as package
data) and `process` import nothing of the demo. moto is imported only in the server process
(inside functions), Textual never.
"""
