"""Cheap tests that rule a case-insensitive pattern out before it is searched.

A pattern such as "\\b(?:will|shall|...)" compiled with re.IGNORECASE is tried at
every position of the text it searches. Every match of it contains one of a few
plain words ("will", "shall", ...); searched in the lower-cased text with a
case-sensitive pattern of those words, they are found at C speed. When none is
there the pattern cannot match, and is not searched.

The lower-cased text stands for the case-insensitive one only when no character
of the text matches an ASCII letter case-insensitively without lower-casing to it:
"ı" (i), "ſ" (s), and "İ", which lower-cases to two characters. A text with one of
these is never ruled out.
"""

from __future__ import annotations

import re

_UNLOWERABLE = ("ı", "ſ", "İ")


def lowered(text: str) -> str | None:
    """`text.lower()`, position for position, or None when it cannot stand for `text`."""
    if not text.isascii() and any(ch in text for ch in _UNLOWERABLE):
        return None
    return text.lower()


_DIGIT_RE = re.compile(r"\d")


class Needles:
    """Words one of which every match of some case-insensitive pattern contains
    (written lower-case, as a regular expression of alternatives), or a digit when
    `digit` is set (searched apart: a pattern of plain words alone is scanned fastest)."""

    __slots__ = ("_digit", "_re")

    def __init__(self, pattern: str, digit: bool = False) -> None:
        self._re = re.compile(pattern)
        self._digit = digit

    def may(self, low: str | None, start: int, end: int) -> bool:
        """Whether `low[start:end]` (`lowered` text, or None) may hold a match."""
        return low is None or self._re.search(low, start, end) is not None or (
            self._digit and _DIGIT_RE.search(low, start, end) is not None)

    def may_text(self, text: str) -> bool:
        """Whether `text` may hold a match."""
        low = lowered(text)
        return low is None or self.may(low, 0, len(low))
