"""stackview/allocator.py: glibc's mmap threshold fixed before the first page is fetched."""

from __future__ import annotations

import platform

import pytest

from stackview import allocator, cli

glibc = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="only glibc has the setting")


@glibc
def test_glibc_takes_the_fixed_threshold(monkeypatch) -> None:
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
    assert allocator.return_large_blocks() is True


def test_a_threshold_the_user_chose_is_left_alone(monkeypatch) -> None:
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", "65536")
    assert allocator.return_large_blocks() is False


def test_the_command_line_sets_it_before_anything_else(monkeypatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(cli, "return_large_blocks", lambda: calls.append("set") or True)
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert calls == ["set"]
