"""GET / of the thumbnails web API: the upload page.

The page asks the API for a pre-signed upload grant (`GET sign/{extension}`), sends the file
straight to the upload bucket, then polls the results bucket for the thumbnail.
"""

import html
import logging
import os

logger = logging.getLogger()
logger.setLevel(logging.INFO)

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Thumbnails</title></head>
<body>
<h1>Make a thumbnail</h1>
<form id="upload"><input type="file" name="file" accept="{accept}"><button>Upload</button></form>
<p class="hint">Files up to {limit} MB. Thumbnails appear at {results}.</p>
<script src="https://{cdn}/app.js" data-api="{api}"></script>
</body></html>
"""


def handler(event, context):
    request = event["requestContext"]
    stage = request.get("stage", "api")
    source_ip = request.get("identity", {}).get("sourceIp", "-")
    agent = (event.get("headers") or {}).get("User-Agent", "-")
    print(f"GET / from {source_ip} ({agent})")
    body = PAGE.format(
        accept=html.escape(os.environ.get("ALLOWED_EXTENSIONS", "jpg,png")),
        limit=os.environ.get("UPLOAD_LIMIT_IN_MB", "5"),
        results=html.escape(os.environ.get("RESULTS_BUCKET_URL", "")),
        cdn=os.environ.get("ASSETS_HOST", "assets.example.com"),
        api=f"/{stage}/",
    )
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "max-age=60"},
        "body": body,
    }
