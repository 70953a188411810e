"""Past invocations of the thumbnails app, line for line what its handlers log.

A page view (show_form) often leads to an upload grant (sign_upload) a few seconds later, and
most grants to an upload that S3 hands to the converter asynchronously (convert_file, through
the `live` alias, so 10% of it reaches the canary build once that was deployed). The canary's
CMYK fast path has a real bug (FAST_PATH_PROFILES has no entry for 4 components): CMYK scans
fail with KeyError on version 5 only, and Lambda retries them twice with the same request id.
"""

from __future__ import annotations

import random

from stackview.demo.handlers.thumbnails.image_tools import thumbnail_size
from stackview.demo.history.common import Entry, Plan, error_body, frame
from stackview.demo.history.sim import Call, FollowUp, World
from stackview.demo.seed import catalog

APP = "thumbnails"
ALLOWED = ("gif", "jpeg", "jpg", "png")
#: (format, width, height, components, weight): what people upload.
IMAGES = (
    ("jpeg", 4032, 3024, 3, 30), ("jpeg", 3024, 4032, 3, 14), ("jpeg", 1920, 1080, 3, 12),
    ("png", 2880, 1800, 4, 12), ("png", 1200, 800, 3, 8), ("jpeg", 2480, 3508, 4, 7),
    ("jpeg", 1280, 960, 1, 3), ("gif", 480, 270, 3, 4),
)
FILE_NAMES = (
    "IMG_{n}.JPG", "IMG_{n}.jpeg", "PXL_2026112{d}_{n}.jpg", "Screenshot 2026-11-2{d} at 14.{n2}.png",
    "holiday-{n}.jpg", "scan_{n}.jpg", "logo[{d}].png", "banner.gif", "[bold]invoice[/bold] {n}.png",
    "[red]urgent[/red] receipt {n}.jpg",
)
REJECTED = (("heic", "IMG_{n}.HEIC"), ("pdf", "contract-{n}.pdf"), ("webp", "photo-{n}.webp"))
AGENTS = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
    "Amazon-Route53-Health-Check-Service (ref 5e1c0a7b-3f1d-4c1e-9d8a-7c2b1f0e6a55; report http://amzn.to/1vsZADi)",
    "curl/8.7.1",
)


def _ip(rng: random.Random) -> str:
    return rng.choice(("203.0.113", "198.51.100", "192.0.2")) + f".{rng.randint(2, 254)}"


def _file_name(rng: random.Random, pattern: str) -> str:
    return pattern.format(n=rng.randint(1000, 9999), d=rng.randint(0, 9), n2=f"{rng.randint(0, 59):02d}")


def show_form(rng: random.Random, world: World, call: Call, rid: str, version: str) -> Plan:
    agent = rng.choice(AGENTS)
    plan = Plan([Entry(rng.uniform(0.3, 0.9), "print", f"GET / from {_ip(rng)} ({agent})")],
                duration_ms=rng.uniform(1.2, 6.5))
    if "Health-Check" not in agent and rng.random() < 0.6:
        plan.follow_ups.append(FollowUp(rng.randint(4_000, 40_000), catalog.SIGN_UPLOAD, "sign", {}))
    return plan


def sign_upload(rng: random.Random, world: World, call: Call, rid: str, version: str) -> Plan:
    if rng.random() < 0.07:
        extension, pattern = rng.choice(REJECTED)
        file_name = _file_name(rng, pattern)
        message = (f"Rejected upload grant: extension {extension!r} not in {sorted(ALLOWED)} "
                   f"(file name {file_name!r})")
        return Plan([Entry(rng.uniform(0.4, 1.5), "app", message, "ERROR")],
                    duration_ms=rng.uniform(1.5, 5.0), handled_error=True)
    image = rng.choices(IMAGES, weights=[i[4] for i in IMAGES])[0]
    fmt, width, height, components, _ = image
    suffixes = {"jpeg": (".jpg", ".jpeg"), "png": (".png",), "gif": (".gif",)}[fmt]
    file_name = _file_name(rng, rng.choice([n for n in FILE_NAMES if n.lower().endswith(suffixes)]))
    extension = file_name.rsplit(".", 1)[1].lower()
    key = f"{rid}.{extension}"
    duration = rng.uniform(18, 70)
    plan = Plan([Entry(duration - rng.uniform(0.5, 2), "app",
                       f"Signed upload {key} for file name {file_name!r}")], duration_ms=duration)
    if rng.random() < 0.85:
        size = int(width * height * {"jpeg": 0.28, "png": 0.45, "gif": 0.9}[fmt] * rng.uniform(0.7, 1.2))
        params = {"key": key, "format": fmt, "width": width, "height": height,
                  "components": components, "bytes": min(size, 5 * 1024 * 1024 - 1),
                  "corrupt": rng.random() < 0.03 or world.broken_uploads == 0}
        world.broken_uploads += params["corrupt"]
        plan.follow_ups.append(FollowUp(rng.randint(1_500, 9_000), catalog.CONVERT_FILE, "convert",
                                        params, asynchronous=True))
    return plan


def _build_label(version: str) -> str:
    spec = catalog.BY_NAME[catalog.CONVERT_FILE]
    if version.isdigit() and 1 <= int(version) <= len(spec.versions):
        return spec.versions[int(version) - 1].label
    return spec.versions[-1].label


def convert_file(rng: random.Random, world: World, call: Call, rid: str, version: str) -> Plan:
    p = call.params
    upload, results = world.names["upload_bucket"], world.names["results_bucket"]
    key = p["key"]
    at = rng.uniform(45, 140)  # the S3 GetObject
    entries = [Entry(at, "app", f"Converting s3://{upload}/{key} ({p['bytes']} bytes) with build "
                     f"{_build_label(version)}")]
    handler_frames = [frame(APP, "convert_file", "handler", "written.append(convert(bucket, key))")]
    if p["corrupt"]:
        message = ("Premature end of JPEG file" if p["format"] == "jpeg"
                   else "improper image header: truncated PNG")
        inner = "_jpeg" if p["format"] == "jpeg" else "_png"
        raise_line = (f'raise UnsupportedImage("{message}")' if inner == "_jpeg" else
                      'raise UnsupportedImage("improper image header: truncated PNG")')
        frames = handler_frames + [
            frame(APP, "convert_file", "convert", "info = identify(data)"),
            frame(APP, "image_tools", "identify", f"return {inner}(data)"),
            frame(APP, "image_tools", inner, raise_line),
        ]
        return Plan(entries, duration_ms=at + rng.uniform(1, 4), outcome="error",
                    error=error_body("UnsupportedImage", message, frames, rid))
    at += rng.uniform(0.5, 3)
    entries.append(Entry(at, "app", f"Identified {p['format']} {p['width']}x{p['height']}, "
                         f"{p['components']} components"))
    fast_path = version == str(catalog.BY_NAME[catalog.CONVERT_FILE].canary_version)
    if fast_path and p["format"] == "jpeg":
        if p["components"] not in (1, 3):
            frames = handler_frames + [frame(APP, "convert_file", "convert",
                                             "profile = FAST_PATH_PROFILES[info.components]")]
            return Plan(entries, duration_ms=at + rng.uniform(0.5, 2), outcome="error",
                        error=error_body("KeyError", str(p["components"]), frames, rid))
        at += rng.uniform(0.1, 0.4)
        entries.append(Entry(at, "app", "Fast path colour profile "
                             + {1: "gray", 3: "srgb"}[p["components"]]))
    at += min(2500.0, p["width"] * p["height"] / 8_000) * rng.uniform(0.97, 1.05)
    at += rng.uniform(30, 95)  # the S3 PutObject
    width, height = thumbnail_size(p["width"], p["height"], 300)
    output_key = key.rsplit(".", 1)[0] + "-thumb.png"
    entries.append(Entry(at, "print", f"Wrote s3://{results}/{output_key} ({width}x{height}) in "
                         f"{at - 40:.0f} ms"))
    return Plan(entries, duration_ms=at + rng.uniform(0.5, 3))
