"""Deployment packages of the demo functions and of the ImageMagick layer, built like SAM does.

Each function's package is a zip of its handler module (and helpers) plus a generated
`build_info.py` naming the build, so every published version has its own code and CodeSha256.
Zips are byte-for-byte reproducible (fixed timestamps and permissions), so the same seed gives
the same S3 keys and code hashes. Keys follow `sam package`: `<stack>/<md5 of the zip>`.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from importlib import resources

from stackview.demo.seed.catalog import FunctionSpec, VersionSpec

#: Every entry gets this timestamp (the earliest a zip can hold), so rebuilding changes nothing.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Package:
    key: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def handler_source(app: str, module: str) -> str:
    """The source text of one handler module shipped in stackview/demo/handlers/<app>/."""
    return resources.files("stackview.demo.handlers").joinpath(app, f"{module}.py").read_text("utf-8")


def _zip(files: dict[str, str | bytes], executable: frozenset[str] = frozenset()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.external_attr = (0o755 if name in executable else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            content = files[name]
            archive.writestr(info, content.encode("utf-8") if isinstance(content, str) else content)
    return buffer.getvalue()


def build_info(version: VersionSpec | None) -> str:
    label = version.label if version else "1.0.0"
    features = version.features if version else ()
    return (f'"""Written by the deployment: the build this package was made from."""\n\n'
            f"VERSION = {label!r}\nFEATURES = {tuple(features)!r}\n")


def function_package(spec: FunctionSpec, version: VersionSpec | None) -> Package:
    """The code of `spec` as deployed for `version` (None: the function has no versions)."""
    files: dict[str, str | bytes] = {}
    for module in (spec.module, *spec.extra_modules):
        if module != "build_info":
            files[f"{module}.py"] = handler_source(spec.app, module)
    files["build_info.py"] = build_info(version)
    data = _zip(files)
    return Package(f"{spec.stack}/{hashlib.md5(data).hexdigest()}", data)


def function_packages(spec: FunctionSpec) -> list[Package]:
    """One package per published version, oldest first (just one for unversioned functions)."""
    if not spec.versions:
        return [function_package(spec, None)]
    return [function_package(spec, version) for version in spec.versions]


_MAGICK_SCRIPT = """#!/bin/sh
# ImageMagick entry point of the demo layer: the real layer ships static binaries here.
echo "Version: ImageMagick 7.1.1-21 Q16-HDRI x86_64 (demo layer: $0 $*)"
"""


def layer_package() -> Package:
    """The ImageMagick layer (what the image-magick-lambda-layer application publishes)."""
    files: dict[str, str | bytes] = {
        "bin/magick": _MAGICK_SCRIPT,
        "bin/convert": _MAGICK_SCRIPT,
        "bin/identify": _MAGICK_SCRIPT,
        "etc/ImageMagick-7/policy.xml": "<policymap>\n  <policy domain=\"resource\" name=\"memory\""
                                        " value=\"256MiB\"/>\n</policymap>\n",
        "LICENSE": "ImageMagick License - https://imagemagick.org/script/license.php\n",
    }
    executable = frozenset({"bin/magick", "bin/convert", "bin/identify"})
    data = _zip(files, executable)
    return Package(f"image-magick-lambda-layer/{hashlib.md5(data).hexdigest()}", data)
