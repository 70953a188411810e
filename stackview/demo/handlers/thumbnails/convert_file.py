"""ConvertFileFunction: makes a thumbnail for every file put into the upload bucket.

Invoked asynchronously by S3 (so Lambda retries a failure twice with the same request id,
then sends the event to the dead-letter topic). Reads the upload, identifies it, writes a
thumbnail of THUMB_WIDTH pixels to the results bucket.
"""

import logging
import os
import time
from urllib.parse import unquote_plus

import boto3

import build_info
from image_tools import identify, solid_png, thumbnail_size

logger = logging.getLogger()
logger.setLevel(logging.INFO)

s3 = boto3.client("s3")
OUTPUT_BUCKET = os.environ["OUTPUT_BUCKET"]
THUMB_WIDTH = int(os.environ.get("THUMB_WIDTH", "300"))
#: Colour handling of the CMYK fast path (build 1.5.0), keyed by JPEG component count.
FAST_PATH_PROFILES = {1: "gray", 3: "srgb"}


def convert(bucket, key):
    started = time.monotonic()
    data = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    logger.info("Converting s3://%s/%s (%d bytes) with build %s", bucket, key, len(data),
                build_info.VERSION)
    info = identify(data)
    logger.info("Identified %s %dx%d, %d components", info.format, info.width, info.height,
                info.components)
    if "cmyk-fast-path" in build_info.FEATURES and info.format == "jpeg":
        profile = FAST_PATH_PROFILES[info.components]
        logger.info("Fast path colour profile %s", profile)
    # ImageMagick's time grows with the pixel count; the demo sleeps the same way.
    time.sleep(min(2.5, info.width * info.height / 8_000_000))
    width, height = thumbnail_size(info.width, info.height, THUMB_WIDTH)
    output_key = key.rsplit(".", 1)[0] + "-thumb.png"
    s3.put_object(Bucket=OUTPUT_BUCKET, Key=output_key, Body=solid_png(width, height),
                  ContentType="image/png", Metadata={"source": f"{bucket}/{key}"})
    elapsed = (time.monotonic() - started) * 1000
    print(f"Wrote s3://{OUTPUT_BUCKET}/{output_key} ({width}x{height}) in {elapsed:.0f} ms")
    return output_key


def handler(event, context):
    written = []
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = unquote_plus(record["s3"]["object"]["key"])
        written.append(convert(bucket, key))
    return {"thumbnails": written}
