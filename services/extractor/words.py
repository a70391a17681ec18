"""Picking the tokens a finder cares about, at C speed.

Every finder (names, triggers, dates, titles, numbers) looks only at tokens whose
word passes a cheap test ("starts like a month name"). News vocabulary repeats, so
each filter remembers its answer per distinct word; selecting the accepted tokens
of an article is then a dict lookup per token done by `map`, not a Python loop.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import compress
from operator import itemgetter
from re import Match, Pattern

Token = tuple[int, int, str]

_word_of = itemgetter(2)
# Distinct words remembered per filter before it starts afresh (bounds the memory).
_MAX_WORDS = 200_000


def words_of(tokens: list[Token]) -> list[str]:
    return list(map(_word_of, tokens))


class WordFilter:
    """`test(word)` remembered per distinct word."""

    def __init__(self, test: Callable[[str], bool]) -> None:
        self._test = test
        self._known: dict[str, bool] = {}

    def select(self, tokens: list[Token], words: list[str] | None = None) -> list[Token]:
        """The tokens whose word passes the test, in text order."""
        if words is None:
            words = words_of(tokens)
        return list(compress(tokens, map(self.answers(words).__getitem__, words)))

    def answers(self, words: list[str]) -> dict[str, bool]:
        """The remembered answers, completed for `words`."""
        known = self._known
        unknown = set(words).difference(known)
        if unknown:
            if len(known) + len(unknown) > _MAX_WORDS:
                known.clear()
                unknown = set(words)
            test = self._test
            for word in unknown:
                known[word] = test(word)
        return known


class WordMap:
    """`convert(word)` remembered per distinct word (e.g. the folded form)."""

    def __init__(self, convert: Callable[[str], str]) -> None:
        self._convert = convert
        self._known: dict[str, str] = {}

    def convert_all(self, words: list[str]) -> list[str]:
        known = self._known
        unknown = set(words).difference(known)
        if unknown:
            if len(known) + len(unknown) > _MAX_WORDS:
                known.clear()
                unknown = set(words)
            convert = self._convert
            for word in unknown:
                known[word] = convert(word)
        return list(map(known.__getitem__, words))


def match_from(pattern: Pattern[str], text: str, first: int, last: int,
               endpos: int) -> Match[str] | None:
    """`pattern.search(text, first, endpos)` when that match starts at or before `last`,
    else None; a word with no match around it is not searched to the end of its window."""
    for pos in range(first, last + 1):
        m = pattern.match(text, pos, endpos)
        if m is not None:
            return m
    return None
