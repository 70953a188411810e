"""Image header parsing and PNG writing for the thumbnail converter (standard library only).

The real app shells out to ImageMagick from a layer; the demo world has no such binary, so the
converter reads what it needs from the file headers (format, size, colour components) and
writes a real PNG of the thumbnail's size. Corrupt or unknown files fail exactly where
ImageMagick would: while identifying the input.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: JPEG start-of-frame markers that carry the image size (baseline, progressive, ...).
_SOF_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


class UnsupportedImage(ValueError):
    """The upload is not an image the converter understands (or it is truncated)."""


@dataclass(frozen=True)
class ImageInfo:
    format: str  # "png" | "jpeg" | "gif"
    width: int
    height: int
    components: int  # 1 grey, 3 RGB, 4 CMYK (JPEG) or RGBA (PNG)


def identify(data: bytes) -> ImageInfo:
    """Format and size from the first bytes of the file."""
    if data.startswith(PNG_SIGNATURE):
        return _png(data)
    if data.startswith(b"\xff\xd8"):
        return _jpeg(data)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return ImageInfo("gif", width, height, 3)
    raise UnsupportedImage(f"no decode delegate for this image format ({data[:4]!r})")


def _png(data: bytes) -> ImageInfo:
    if len(data) < 33 or data[12:16] != b"IHDR":
        raise UnsupportedImage("improper image header: truncated PNG")
    width, height, _depth, colour_type = struct.unpack(">IIBB", data[16:26])
    components = {0: 1, 2: 3, 3: 3, 4: 2, 6: 4}.get(colour_type, 3)
    return ImageInfo("png", width, height, components)


def _jpeg(data: bytes) -> ImageInfo:
    index = 2
    while index + 4 <= len(data):
        if data[index] != 0xFF:
            raise UnsupportedImage("Corrupt JPEG data: bad marker")
        marker = data[index + 1]
        length = struct.unpack(">H", data[index + 2:index + 4])[0]
        if marker in _SOF_MARKERS:
            if index + 10 > len(data):
                break
            height, width = struct.unpack(">HH", data[index + 5:index + 9])
            return ImageInfo("jpeg", width, height, data[index + 9])
        index += 2 + length
    raise UnsupportedImage("Premature end of JPEG file")


def thumbnail_size(width: int, height: int, target_width: int) -> tuple[int, int]:
    """Scale to `target_width`, keeping the aspect ratio; never enlarge."""
    if width <= target_width:
        return width, height
    return target_width, max(1, round(height * target_width / width))


def _chunk(kind: bytes, body: bytes) -> bytes:
    checksum = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", checksum)


def solid_png(width: int, height: int, rgb: tuple[int, int, int] = (200, 200, 200)) -> bytes:
    """A valid RGB PNG of one colour (what the demo writes in place of a resized image)."""
    row = b"\x00" + bytes(rgb) * width
    pixels = zlib.compress(row * height, 6)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", pixels) + _chunk(b"IEND", b"")


def jpeg_header(width: int, height: int, components: int = 3) -> bytes:
    """The smallest byte string `identify` reads as a JPEG (SOI, JFIF APP0, SOF0, EOI).

    Used by the demo's traffic to upload "photos" without an encoder; real JPEGs work too.
    """
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 8 + 3 * components, 8, height, width, components)
    sof += b"".join(bytes([i + 1, 0x11, 0]) for i in range(components))
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"
