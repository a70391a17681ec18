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


def article_lowered(text: str) -> str | None:
    """`lowered(text)`, remembered for the last text asked: every pass over one article
    asks for the article's."""
    global _last_article
    if _last_article[0] is not text:
        _last_article = (text, lowered(text))
    return _last_article[1]


_last_article: tuple[str | None, str | None] = (None, None)
_DIGIT_RE = re.compile(r"\d")
# Needles of a few plain words are looked for with `in`: faster than a pattern's scan,
# which stops at every letter that starts one of them.
_PLAIN_WORDS_RE = re.compile(r"[a-z' ]+(?:\|[a-z' ]+)*")
_MOST_PLAIN_WORDS = 8


class Needles:
    """Words one of which every match of some case-insensitive pattern contains
    (written lower-case, as a regular expression of alternatives), or a digit when
    `digit` is set (searched apart: a pattern of plain words alone is scanned fastest)."""

    __slots__ = ("_digit", "_re", "_words")

    def __init__(self, pattern: str, digit: bool = False) -> None:
        self._re = re.compile(pattern)
        self._digit = digit
        words = tuple(pattern.split("|"))
        # One word alone is found as fast by the pattern's own literal search.
        self._words = words if _PLAIN_WORDS_RE.fullmatch(pattern) and 1 < len(
            words) <= _MOST_PLAIN_WORDS else None

    def may(self, low: str | None, start: int, end: int) -> bool:
        """Whether `low[start:end]` (`lowered` text, or None; `start`, `end` >= 0) may hold
        a match."""
        if low is None:
            return True
        words = self._words
        if words is None:
            if self._re.search(low, start, end) is not None:
                return True
        else:
            window = low[start:end]
            for word in words:
                if word in window:
                    return True
        return self._digit and _DIGIT_RE.search(low, start, end) is not None

    def may_text(self, text: str) -> bool:
        """Whether `text` may hold a match."""
        low = lowered(text)
        return low is None or self.may(low, 0, len(low))
