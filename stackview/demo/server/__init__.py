"""The demo server process: moto's endpoint and everything that runs around it.

`python -m stackview.demo.server` (`__main__`) is the child process that
`stackview.demo.process.DemoServer` starts, and `endpoint.serve()` is what `stackview demo-server`
runs in the foreground. Around moto's WSGI app: the layer that answers the Lambda calls the demo
owns (`lambda_api`, `lambda_account`, `api_errors`), the patches to moto's backends (`backends`,
`log_filter`, `alias_revisions`), moto's own Lambda call sites routed to the runner (`triggers`,
`async_invoke`), the seeding of the world at start-up (`world`), the live traffic (`traffic`), and the
realism switches in front of it all (`realism`: latency, throttling, faults).
The top layer of the demo: it may import `runtime`, `seed`, `history`, `handlers` and `process`,
and moto (inside functions, so importing a module costs nothing until the server runs); nothing
else in stackview.demo imports it.
"""
