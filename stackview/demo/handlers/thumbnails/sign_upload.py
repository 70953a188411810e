"""GET /sign/{extension} (and POST /) of the thumbnails web API: a pre-signed S3 upload grant.

The browser uploads straight to the upload bucket with the returned form fields, so the file
never passes through Lambda (the "Running Serverless" way around API Gateway's size limit).
"""

import json
import logging
import os

import boto3

logger = logging.getLogger()
logger.setLevel(logging.INFO)

s3 = boto3.client("s3")
BUCKET = os.environ["UPLOAD_S3_BUCKET"]
LIMIT_MB = int(os.environ.get("UPLOAD_LIMIT_IN_MB", "5"))
ALLOWED = {e.strip().lower() for e in os.environ.get("ALLOWED_EXTENSIONS", "jpg,png").split(",")}
CORS_ORIGIN = os.environ.get("CORS_ORIGIN", "*")


def _response(status, body):
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json", "Access-Control-Allow-Origin": CORS_ORIGIN},
        "body": json.dumps(body),
    }


def handler(event, context):
    extension = event["pathParameters"]["extension"].lower()
    file_name = (event.get("queryStringParameters") or {}).get("filename", "")
    if extension not in ALLOWED:
        logger.error("Rejected upload grant: extension %r not in %s (file name %r)",
                     extension, sorted(ALLOWED), file_name)
        return _response(400, {"message": f"Unsupported file type: {extension}"})
    key = f"{context.aws_request_id}.{extension}"
    grant = s3.generate_presigned_post(
        Bucket=BUCKET,
        Key=key,
        Conditions=[["content-length-range", 1, LIMIT_MB * 1024 * 1024]],
        ExpiresIn=600,
    )
    logger.info("Signed upload %s for file name %r", key, file_name)
    return _response(200, {"key": key, "upload": grant})
