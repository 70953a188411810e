"""The bounded ring buffer the log view reads from."""

from __future__ import annotations

import threading

import pytest

from stackview.logs.buffer import DEFAULT_CAPACITY, EventBuffer


def test_appends_index_and_sequence_numbers() -> None:
    buffer: EventBuffer[int] = EventBuffer(5)
    assert len(buffer) == 0 and buffer.first_seq == buffer.next_seq == 0
    assert buffer.append_batch([1, 2, 3]) == 0
    assert [buffer[i] for i in range(3)] == [1, 2, 3] and buffer[-1] == 3
    assert buffer.seq_at(0) == 0 and buffer.next_seq == 3
    with pytest.raises(IndexError):
        buffer[3]


def test_oldest_are_dropped_first_and_counted() -> None:
    buffer: EventBuffer[int] = EventBuffer(5)
    buffer.append_batch(range(4))
    assert buffer.append_batch([4, 5, 6]) == 2
    assert buffer.snapshot() == [2, 3, 4, 5, 6]
    assert buffer.dropped == 2 and buffer.first_seq == 2 and buffer.next_seq == 7
    # A view that remembered sequence number 3 finds it at its new index.
    assert buffer.index_of(3) == 1 and buffer.get_seq(3) == 3
    assert buffer.index_of(1) is None and buffer.get_seq(1) is None and buffer.get_seq(7) is None


def test_a_batch_larger_than_the_capacity_keeps_its_tail() -> None:
    buffer: EventBuffer[int] = EventBuffer(4)
    buffer.append_batch([0, 1])
    assert buffer.append_batch(range(2, 12)) == 8
    assert buffer.snapshot() == [8, 9, 10, 11]
    assert buffer.first_seq == 8 and buffer.dropped == 8
    buffer.append_batch([12])
    assert buffer.snapshot() == [9, 10, 11, 12] and buffer.seq_at(-1) == 12


def test_snapshot_ranges_across_the_wrap() -> None:
    buffer: EventBuffer[int] = EventBuffer(6)
    buffer.append_batch(range(10))  # slots wrap around
    assert buffer.snapshot() == [4, 5, 6, 7, 8, 9]
    assert buffer.snapshot(1, 4) == [5, 6, 7]
    assert buffer.snapshot(-2) == [8, 9]
    assert buffer.snapshot(4, 2) == []
    assert list(buffer) == [4, 5, 6, 7, 8, 9]


def test_clear_keeps_sequence_numbers_growing() -> None:
    buffer: EventBuffer[int] = EventBuffer(3)
    buffer.append_batch([1, 2])
    buffer.clear()
    assert len(buffer) == 0 and buffer.first_seq == 2
    buffer.append_batch([3])
    assert buffer.seq_at(0) == 2 and buffer[0] == 3


def test_default_capacity_and_concurrent_reader() -> None:
    assert EventBuffer().capacity == DEFAULT_CAPACITY == 100_000
    buffer: EventBuffer[int] = EventBuffer(1_000)
    errors: list[str] = []

    def writer() -> None:
        for start in range(0, 50_000, 500):
            buffer.append_batch(range(start, start + 500))

    def reader() -> None:
        for _ in range(2_000):
            view = buffer.snapshot()
            if view and view != list(range(view[0], view[0] + len(view))):
                errors.append("torn snapshot")

    threads = [threading.Thread(target=writer), threading.Thread(target=reader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert buffer.snapshot() == list(range(49_000, 50_000)) and buffer.dropped == 49_000


def test_capacity_must_be_positive() -> None:
    with pytest.raises(ValueError):
        EventBuffer(0)
