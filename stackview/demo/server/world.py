"""The seeded demo world: stacks deployed as `sam deploy` would, their past, and their logs.

`build_world()` runs inside the demo server process (endpoint.serve() calls it once the
endpoint listens), so it can use both the public APIs through boto3 against the endpoint (what
any deployment tool would call) and moto's backends directly, for what has no API: deploy times
weeks ago, nested stacks' ParentId/RootId, a rollback that moto cannot produce, history. It runs
the steps of stackview.demo.seed and then stackview.demo.history, which builds on the seed's
catalog; that is why it lives with the server, above both, and not in the seed package.

Order matters and mirrors a real account's life:
1. artifacts: a SAM-managed bucket holding every code package, the layer and the nested
   template (`https://BUCKET.s3.amazonaws.com/KEY`, the only TemplateURL form moto reads);
2. the ImageMagick layer, then the stacks (orders before reports, which imports its export);
   after each create, the published versions, then the resources moto's template engine skipped
   (aliases with their canary weights and provisioned concurrency, event invoke configs, ...);
3. nested stacks renamed and linked to their parent as CloudFormation names and links them;
4. the Lambda side (CloudFormation's tags, reserved concurrency, event source mappings on the
   aliases as SAM makes them, the S3 -> converter wiring);
5. each stack's event history (creation, one update per deploy, the failed update), and
6. three hours of logs and metrics (stackview.demo.history).

Everything random comes from one `random.Random(seed)` (and moto's own generator, seeded with
the same value) and every time is relative to `now`, so the same seed and `now` give the same
world, down to generated bucket names and stack ids (snapshot tests rely on it).
"""

from __future__ import annotations

import logging
import random
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

from stackview.demo.seed import catalog
from stackview.demo.seed.code import Package, function_packages, layer_package
from stackview.demo.seed.events import Deploy, apply_history, reason_reserved_concurrency
from stackview.demo.seed.functions import (
    apply_template_tags,
    map_sources_to_alias,
    publish_layer,
    publish_versions,
    reserve,
    set_creation_tags,
    wire_uploads,
)
from stackview.demo.seed.stacks import (
    GapContext,
    children_of,
    deploy,
    fill_gaps,
    moto_stack,
    nested_stack_class,
    packaged,
    resources_in_order,
    suffix,
    template_text,
)

#: The failed update of the orders stack: someone raised WorkerConcurrency to 950.
FAILED_DEPLOY_DAYS_AGO = 0.06
FAILED_RESOURCE = "WorkerFunction"
CANCELLED_RESOURCES = ("ApiFunction",)
#: The reports stack's one update after its creation (the report function's code).
REPORTS_UPDATE_DAYS_AGO = 5.0


@dataclass
class Deployed:
    """What the seed learnt while deploying, for the later steps and the history."""

    stack_ids: dict[str, str]
    physical: dict[str, dict[str, str]]  # stack name -> logical id -> physical id


def _clients(endpoint: str) -> SimpleNamespace:
    import boto3
    from botocore.config import Config

    from stackview.demo.process import INTERNAL_CREDENTIALS

    session = boto3.session.Session(aws_access_key_id=INTERNAL_CREDENTIALS[0],
                                    aws_secret_access_key=INTERNAL_CREDENTIALS[1],
                                    region_name=catalog.REGION)
    config = Config(retries={"total_max_attempts": 1}, read_timeout=60)

    class Clients(SimpleNamespace):
        """Clients made on first use (each costs tens of milliseconds of model loading)."""

        def __getattr__(self, name: str) -> Any:
            service = {"lam": "lambda", "cfn": "cloudformation"}.get(name, name)
            made = session.client(service, endpoint_url=endpoint, config=config)
            setattr(self, name, made)
            return made

    return Clients()


def _upload_artifacts(rng: random.Random) -> tuple[str, dict[str, list[Package]], Package, dict[str, str]]:
    """The SAM-managed artifacts bucket with every package; returns what templates need.

    Written on moto's S3 backend directly: some thirty uploads over HTTP cost a noticeable part
    of the start-up time, and nothing watches this bucket."""
    from moto.s3.models import s3_backends

    s3 = s3_backends[catalog.ACCOUNT]["aws"]
    bucket = f"aws-sam-cli-managed-default-samclisourcebucket-{suffix(rng).lower()}"
    s3.create_bucket(bucket, catalog.REGION)
    packages = {spec.name: function_packages(spec) for spec in catalog.FUNCTIONS}
    layer = layer_package()
    for package in [layer, *(p for versions in packages.values() for p in versions)]:
        s3.put_object(bucket, package.key, package.data)
    nested_urls = {}
    for stack in catalog.STACKS:
        for logical_id, child_template in stack.nested.items():
            key = f"{stack.name}/{logical_id}.template"
            s3.put_object(bucket, key, template_text(child_template).encode())
            nested_urls[logical_id] = f"https://{bucket}.s3.amazonaws.com/{key}"
    return bucket, packages, layer, nested_urls


def _replacements(spec: catalog.StackSpec, bucket: str, packages: dict[str, list[Package]],
                  nested_urls: dict[str, str]) -> dict[str, str]:
    out = {"ARTIFACTS_BUCKET": bucket}
    for fn in catalog.FUNCTIONS:
        if fn.stack == spec.name:
            out[f"CODE_{fn.module}"] = packages[fn.name][-1].key  # the newest build
    for logical_id in spec.nested:
        out["NESTED_TEMPLATE_URL"] = nested_urls[logical_id]
    return out


def _link_nested(parent: Any, rng: random.Random) -> None:
    """Name children `<parent>-<logical id>-<suffix>`, give them ParentId/RootId, and make their
    physical id in the parent their stack id (moto: their name).

    moto names a nested stack after its logical id and links nothing; CloudFormation's
    DescribeStacks/ListStacks show ParentId and RootId on every nested stack (moto's
    serializer reads the `parent_id`/`root_id` attributes once they exist)."""
    from stackview.demo.seed.stacks import cfn_backend

    backend = cfn_backend()
    for logical_id, child in children_of(parent).items():
        new_name = f"{parent.name}-{logical_id}-{suffix(rng)}"
        old_id = child.stack_id
        new_id = old_id.replace(f":stack/{child.name}/", f":stack/{new_name}/")
        backend.stacks.pop(old_id, None)
        child.name, child.stack_id = new_name, new_id
        backend.stacks[new_id] = child
        child.__class__ = nested_stack_class()  # physical id: the child's ARN, as on AWS
        child.parent_id = parent.stack_id
        child.root_id = getattr(parent, "root_id", None) or parent.stack_id
        for export in backend.exports.values():
            if getattr(export, "exporting_stack_id", None) == old_id:
                export.exporting_stack_id = new_id


def _deploy_stacks(clients: Any, now: datetime, rng: random.Random) -> Deployed:
    bucket, packages, layer, nested_urls = _upload_artifacts(rng)
    layer_arn = publish_layer(clients.lam, bucket, layer)
    deployed = Deployed({}, {})
    for spec in sorted(catalog.STACKS, key=lambda s: s.name != catalog.ORDERS_STACK):
        body = packaged(template_text(spec.template), _replacements(spec, bucket, packages, nested_urls))
        parameters = dict(spec.parameters)
        if spec.name == catalog.THUMBNAILS_STACK:
            parameters["ImageMagickLayerArn"] = layer_arn
        deploy(clients.cfn, spec, body, parameters)
        for fn in catalog.FUNCTIONS:
            if fn.stack == spec.name and fn.versions:
                publish_versions(clients.lam, fn, packages[fn.name], bucket, now)
        stack = moto_stack(spec.name)
        fill_gaps(stack, GapContext(clients, spec.name, rng))
        _link_nested(stack, rng)
        deployed.stack_ids[spec.name] = stack.stack_id
        deployed.physical[spec.name] = {lid: pid for lid, _, pid in resources_in_order(stack)}
        for child in children_of(stack).values():
            deployed.stack_ids[child.name] = child.stack_id
            deployed.physical[child.name] = {lid: pid for lid, _, pid in resources_in_order(child)}
    return deployed


def _setup_functions(clients: Any, deployed: Deployed, now: datetime) -> None:
    by_stack = {s.name: s for s in catalog.STACKS}
    for fn in catalog.FUNCTIONS:
        created = now - timedelta(days=by_stack[fn.stack].created_days_ago)
        set_creation_tags(fn, deployed.stack_ids[fn.stack], created)
        apply_template_tags(clients.lam, fn, fn.tags)
        reserve(clients.lam, fn)
        map_sources_to_alias(fn)
    convert = clients.lam.get_alias(FunctionName=catalog.CONVERT_FILE, Name="live")["AliasArn"]
    upload_bucket = deployed.physical[catalog.THUMBNAILS_STACK]["UploadS3Bucket"]
    wire_uploads(clients.s3, upload_bucket, convert)


def _deploys(spec: catalog.StackSpec, rng: random.Random) -> list[Deploy]:
    """The stack's operations: its creation, one update per later code deploy, and for the
    orders stack the failed update that rolled back."""
    deploys = [Deploy(spec.created_days_ago, (), create=True)]
    changes: dict[float, list[str]] = {}
    for fn in catalog.FUNCTIONS:
        if fn.stack != spec.name:
            continue
        for version in fn.versions:
            if version.days_ago < spec.created_days_ago:
                changed = changes.setdefault(version.days_ago, [])
                changed.append(fn.logical_id)
                if fn.alias:
                    changed.append(f"{fn.logical_id}Alias{fn.alias}")
    if spec.name == catalog.REPORTS_STACK:
        changes.setdefault(REPORTS_UPDATE_DAYS_AGO, []).append("GenerateReportFunction")
    for days_ago in sorted(changes, reverse=True):
        deploys.append(Deploy(days_ago, tuple(changes[days_ago])))
    if spec.name == catalog.FAILED_STACK:
        deploys.append(Deploy(FAILED_DEPLOY_DAYS_AGO, (), failed={
            FAILED_RESOURCE: reason_reserved_concurrency(rng)}, cancelled=CANCELLED_RESOURCES))
    return deploys


def _histories(now: datetime, rng: random.Random) -> None:
    for spec in catalog.STACKS:
        stack = moto_stack(spec.name)
        apply_history(stack, _deploys(spec, rng), now, rng, resources_in_order(stack))
        for child in children_of(stack).values():
            # A nested stack is created while its parent's creation runs, a minute in.
            at_days = spec.created_days_ago - 60 / 86400
            apply_history(child, [Deploy(at_days, (), create=True)], now, rng,
                          resources_in_order(child))


class _SkipMessages(logging.Filter):
    """Drops log records whose message starts with `prefix`."""

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix = prefix

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(self.prefix)


def build_world(endpoint: str, *, now: datetime, seed: int = 7,
                history_events: int | None = None) -> None:
    """Seed the demo world in the running demo server (see the module docstring)."""
    from stackview.demo.history.plan import write_history

    from moto.moto_api._internal import mock_random

    rng = random.Random(seed)
    # moto draws every generated name and id (stack ids, bucket suffixes, API ids, revision ids)
    # from this one generator: seeded, the same requests give the same world.
    mock_random.seed(seed)
    clients = _clients(endpoint)
    # moto warns, for every template, about the resource types it skips: the gaps filled here.
    quiet = _SkipMessages("No Moto CloudFormation support")
    logging.getLogger("moto").addFilter(quiet)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Tried to parse", category=UserWarning)
            deployed = _deploy_stacks(clients, now, rng)
    finally:
        logging.getLogger("moto").removeFilter(quiet)
    _setup_functions(clients, deployed, now)
    _histories(now, rng)
    write_history(deployed.physical, now=now, rng=random.Random(rng.getrandbits(64)),
                  events=history_events)
