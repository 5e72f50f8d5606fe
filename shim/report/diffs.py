"""Field-level views of a mismatch: where the two answers differ, row by row and field by field.

A parity event carries the comparator's first difference as text (already redacted), e.g.
``data[3].play_duration: 5400 != 5460`` or ``[2]: row {...} has no equal in the other result (closest differs at
[2].title: 'A' != 'B')``. :func:`field_diffs` reads it back into rows of *where / answering / compared*, and
:func:`marked` highlights the characters that differ, so a reviewer sees the field, not a wall of JSON.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

__all__ = ["FieldDiff", "field_diffs", "marked", "split_path"]

_HEAD = re.compile(r"^(?P<path>\$|[^\s:]+): (?P<rest>.*)$", re.DOTALL)
_CLOSEST = re.compile(r"\(closest differs at (?P<inner>.*)\)$", re.DOTALL)
_PAIR = re.compile(r"^(?P<left>.*?) != (?P<right>.*)$", re.DOTALL)
_COUNT = re.compile(r"^(?:length|row count) (?P<left>\d+) != (?P<right>\d+)$")
_STEP = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")


@dataclass(frozen=True, slots=True)
class FieldDiff:
    """One differing place: its path, row and field, and the two values (as the comparator showed them)."""

    path: str
    answering: str | None
    compared: str | None
    note: str = ""

    @property
    def row(self) -> int | None:
        """The row index (the first list index in the path), if any."""
        for index, _ in split_path(self.path):
            if index is not None:
                return index
        return None

    @property
    def field(self) -> str:
        """The last key of the path (``play_duration``), or the path itself."""
        keys = [key for _, key in split_path(self.path) if key]
        return keys[-1] if keys else self.path


def split_path(path: str) -> list[tuple[int | None, str | None]]:
    """``data[3].title`` → ``[(None, 'data'), (3, None), (None, 'title')]``."""
    if path == "$":
        return []
    steps: list[tuple[int | None, str | None]] = []
    for index, key in _STEP.findall(path):
        steps.append((int(index), None) if index else (None, key))
    return steps


def field_diffs(difference: str | None) -> list[FieldDiff]:
    """The field-level rows of one difference text (empty when there is none)."""
    if not difference:
        return []
    text = difference.removeprefix("changes: ")
    head = _HEAD.match(text)
    if head is None:
        return [FieldDiff("$", None, None, note=text)]
    path, rest = head["path"], head["rest"]
    closest = _CLOSEST.search(rest)
    if closest is not None:
        note = rest[: closest.start()].strip()
        return [FieldDiff(path, None, None, note=note), *field_diffs(closest["inner"])]
    count = _COUNT.match(rest)
    if count is not None:
        return [FieldDiff(path, count["left"], count["right"], note=rest.split(" ", 1)[0] if rest.startswith("length")
                          else "row count")]
    pair = _PAIR.match(rest)
    if pair is not None and "raised" not in rest:
        return [FieldDiff(path, pair["left"], pair["right"])]
    return [FieldDiff(path, None, None, note=rest)]


def marked(left: str, right: str) -> tuple[str, str]:
    """Both values as HTML with the part that differs wrapped in ``<mark>`` (common prefix and suffix kept)."""
    start = 0
    while start < min(len(left), len(right)) and left[start] == right[start]:
        start += 1
    end = 0
    while end < min(len(left), len(right)) - start and left[-1 - end] == right[-1 - end]:
        end += 1

    def one(value: str) -> str:
        middle = value[start: len(value) - end]
        return (escape(value[:start]) + (f"<mark>{escape(middle)}</mark>" if middle else "")
                + escape(value[len(value) - end:]))

    return one(left), one(right)
