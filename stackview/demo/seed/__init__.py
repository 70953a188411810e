"""What the demo world contains, and the steps that deploy it into moto.

`catalog` names every stack, function, version and alias (plain data, shared with the history,
the traffic and tests); `code` builds the deployment packages from the handlers' source (read
from `stackview.demo.handlers` as package data); `stacks` deploys the CloudFormation templates
of `templates/` and fills in what moto skips; `functions` does the Lambda side, `alarms` the
alarms that belong to no stack, and `events` writes the stacks' event histories. `stackview.demo.server.world` runs these steps in order.
A bottom layer: it imports no other part of stackview.demo, and moto only inside functions;
`catalog` and `code` import neither moto nor boto3.
"""
