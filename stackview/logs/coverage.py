"""For one log group: which filter pattern each stretch of time was fetched with.

This is what makes a filter change cheap *and* leaves no hole. A stretch labelled `ALL` ("") holds
every event of the group; a stretch labelled with a pattern holds every event matching it (and
maybe others); `None` holds nothing we can vouch for (pushed out of the buffer, never fetched).
When the pattern becomes P:
- stretches labelled `ALL` or P need nothing: the view filters what it holds (setting `ERROR` on
  an unfiltered tail costs no request at all);
- every other stretch before the point where the new query takes over is fetched again with P
  and merged into the buffer in time order (clearing `ERROR` after a minute brings back that
  minute's other lines, and only that minute's).
The buffer reports what it pushes out (`evicted`), so a stretch whose unmatched lines were dropped
to make room stops claiming `ALL`, and a stretch dropped whole stops claiming anything.

Segments are few (one per filter change, at most), so plain lists are enough.
"""

from __future__ import annotations

ALL = ""  # the label of a stretch fetched without a pattern
_FAR = 2**62

Label = str | None


class Coverage:
    """Disjoint, sorted [start, end) segments with a label; outside them: nothing held."""

    def __init__(self, start_ms: int, label: Label) -> None:
        self._segments: list[tuple[int, int, Label]] = [(start_ms, _FAR, label)]

    @property
    def segments(self) -> list[tuple[int, int, Label]]:
        return list(self._segments)

    def mark(self, start: int, end: int, label: Label) -> None:
        """Label [start, end) (replacing whatever was there)."""
        if end <= start:
            return
        out: list[tuple[int, int, Label]] = []
        for a, b, old in self._segments:
            if b <= start or a >= end:
                out.append((a, b, old))
                continue
            if a < start:
                out.append((a, start, old))
            if b > end:
                out.append((end, b, old))
        out.append((start, end, label))
        out.sort(key=lambda s: s[0])
        merged: list[tuple[int, int, Label]] = []
        for seg in out:
            if merged and merged[-1][2] == seg[2] and merged[-1][1] == seg[0]:
                merged[-1] = (merged[-1][0], seg[1], seg[2])
            else:
                merged.append(seg)
        self._segments = merged

    def missing(self, pattern: str, start: int, end: int) -> list[tuple[int, int]]:
        """The parts of [start, end) not complete for `pattern` (labelled neither ALL nor it)."""
        gaps: list[tuple[int, int]] = []
        cursor = start
        for a, b, label in self._segments:
            if b <= cursor or a >= end:
                continue
            if a > cursor:
                gaps.append((cursor, min(a, end)))
            if label is not None and label in (ALL, pattern):
                cursor = max(cursor, min(b, end))
                continue
            gaps.append((max(a, cursor), min(b, end)))
            cursor = max(cursor, min(b, end))
        if cursor < end:
            gaps.append((cursor, end))
        merged: list[tuple[int, int]] = []
        for a, b in gaps:
            if b <= a:
                continue
            if merged and merged[-1][1] >= a:
                merged[-1] = (merged[-1][0], max(merged[-1][1], b))
            else:
                merged.append((a, b))
        return merged

    def evicted(self, *, unmatched_upto: int | None, pattern: str, dropped_upto: int | None) -> None:
        """The buffer pushed out every event not matching `pattern` up to `unmatched_upto`
        (inclusive), and every event at all up to `dropped_upto`."""
        if unmatched_upto is not None:
            out = []
            for a, b, label in self._segments:
                if a > unmatched_upto:
                    out.append((a, b, label))
                    continue
                cut = min(b, unmatched_upto + 1)
                narrowed: Label = pattern if label in (ALL, pattern) else None
                out.append((a, cut, narrowed))
                if cut < b:
                    out.append((cut, b, label))
            self._segments = out
        if dropped_upto is not None:
            first = self._segments[0][0] if self._segments else 0
            self.mark(min(first, dropped_upto), dropped_upto + 1, None)
