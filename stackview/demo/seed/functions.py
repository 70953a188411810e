"""The Lambda side of the seed: the layer, published versions, tags, concurrency, triggers.

Everything goes through the Lambda, S3 and SNS APIs (boto3 against the demo endpoint), as a
deployment tool would do it. Two things have no API and are set on moto's objects: the times
at which versions were published (weeks ago, not during the seed) and the tags CloudFormation
puts on the functions it creates (`aws:` keys, which no caller may set).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from stackview.demo.seed.catalog import ACCOUNT, IMAGE_MAGICK_LAYER, REGION, FunctionSpec
from stackview.demo.seed.code import Package


def lambda_backend() -> Any:
    from moto.awslambda.models import lambda_backends

    return lambda_backends[ACCOUNT][REGION]


def moto_time(moment: datetime) -> str:
    """LastModified as moto writes it (ISO 8601, UTC, nanoseconds)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f000Z")


def publish_layer(lam: Any, bucket: str, package: Package) -> str:
    response = lam.publish_layer_version(
        LayerName=IMAGE_MAGICK_LAYER,
        Description="ImageMagick 7.1.1-21 static binaries (convert, identify, magick) for Amazon Linux 2023",
        Content={"S3Bucket": bucket, "S3Key": package.key},
        CompatibleRuntimes=["python3.11", "python3.12", "python3.13"],
        CompatibleArchitectures=["x86_64"],
        LicenseInfo="ImageMagick",
    )
    return response["LayerVersionArn"]


def publish_versions(lam: Any, spec: FunctionSpec, packages: list[Package], bucket: str,
                     now: datetime) -> None:
    """Publish each version of `spec` from its own package (`function_packages(spec)`, already
    uploaded to `bucket`), oldest first, dated as deployed.

    $LATEST ends on the newest package, which is the one the stack's template references.
    """
    backend = lambda_backend()
    for number, (version, package) in enumerate(zip(spec.versions, packages), start=1):
        lam.update_function_code(FunctionName=spec.name, S3Bucket=bucket, S3Key=package.key)
        lam.publish_version(FunctionName=spec.name, Description=version.description)
        deployed = now - timedelta(days=version.days_ago)
        backend.get_function(spec.name, str(number)).last_modified = moto_time(deployed)
    if spec.versions:
        last = now - timedelta(days=spec.versions[-1].days_ago)
        backend.get_function(spec.name).last_modified = moto_time(last)


def set_creation_tags(spec: FunctionSpec, stack_id: str, created: datetime) -> None:
    """The tags CloudFormation adds to what it creates, and the template's own."""
    fn = lambda_backend().get_function(spec.name)
    fn.tags.update({
        "aws:cloudformation:stack-name": spec.stack,
        "aws:cloudformation:stack-id": stack_id,
        "aws:cloudformation:logical-id": spec.logical_id,
    })
    if not spec.versions:
        fn.last_modified = moto_time(created)


def apply_template_tags(lam: Any, spec: FunctionSpec, tags: dict[str, str]) -> None:
    if tags:
        arn = lam.get_function(FunctionName=spec.name)["Configuration"]["FunctionArn"]
        lam.tag_resource(Resource=arn, Tags=tags)


def reserve(lam: Any, spec: FunctionSpec) -> None:
    if spec.reserved is not None:
        lam.put_function_concurrency(FunctionName=spec.name, ReservedConcurrentExecutions=spec.reserved)


def wire_uploads(s3: Any, bucket: str, function_arn: str) -> None:
    """S3 -> Lambda: every object created in the upload bucket invokes the converter's alias."""
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={"LambdaFunctionConfigurations": [{
            "Id": "ConvertFileFunctionFileUploaded",
            "LambdaFunctionArn": function_arn,
            "Events": ["s3:ObjectCreated:*"],
        }]},
    )
