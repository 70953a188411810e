"""glibc's allocator told to give large freed blocks back to the system at once.

A tail reads FilterLogEvents pages of up to 10,000 events: botocore holds each response body
(about 1.5 MB) as bytes and again as text while it parses it, in up to four worker threads at a
time. glibc serves blocks that large with mmap at first, but each time one is freed it raises its
threshold to that block's size (its "dynamic mmap threshold") and serves the next ones from its
heaps, where freed space stays with the process for reuse. Over a long tail that space adds up:
bench/bench_memory.py measured the log view at 167-169 MB after a million events, about 40 MB of
it such space, and 144 MB with the threshold fixed at 128 KiB (glibc's own starting value; fixing
it turns the raising off), for about 7% more time fetching (one map and unmap per large block).

Only glibc is touched (Linux); a threshold the user set (MALLOC_MMAP_THRESHOLD_) is left alone.
"""

from __future__ import annotations

import ctypes
import os
import sys

M_MMAP_THRESHOLD = -3  # mallopt's parameter number, from glibc's <malloc.h>
LARGE_BLOCK = 128 * 1024


def return_large_blocks() -> bool:
    """Fix glibc's mmap threshold; whether it was done."""
    if not sys.platform.startswith("linux") or "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library the interpreter runs on
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return mallopt(M_MMAP_THRESHOLD, LARGE_BLOCK) == 1
