"""Picking the tokens a finder cares about, at C speed.

Every finder (names, triggers, dates, titles, numbers) looks only at tokens whose
word passes a cheap test ("starts like a month name"). News vocabulary repeats, so
each filter remembers its answer per distinct word; selecting the accepted tokens
of an article is then a dict lookup per token done by `map`, not a Python loop.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from itertools import compress
from operator import itemgetter
from re import Match, Pattern

Token = tuple[int, int, str]

_word_of = itemgetter(2)
# Distinct words remembered per filter before it starts afresh (bounds the memory).
_MAX_WORDS = 50_000


_start_of = itemgetter(0)
# The words and starts of the last token list seen: every finder reads the same list.
_last_words: tuple[list[Token], list[str], set[str], list[int]] | None = None


def _words(tokens: list[Token]) -> tuple[list[str], set[str], list[int]]:
    """The words of `tokens` in order and as a set, and where the tokens start."""
    global _last_words
    last = _last_words
    if last is None or last[0] is not tokens:
        words = list(map(_word_of, tokens))
        last = _last_words = (tokens, words, set(words), list(map(_start_of, tokens)))
    return last[1], last[2], last[3]


class WordFilter:
    """`test(word)` remembered per distinct word."""

    def __init__(self, test: Callable[[str], bool]) -> None:
        self._test = test
        self._known: dict[str, bool] = {}

    def select(self, tokens: list[Token]) -> list[Token]:
        """The tokens whose word passes the test, in text order."""
        return list(compress(tokens, _remembered(self._known, self._test, tokens)))


class WordMap:
    """`convert(word)` remembered per distinct word (e.g. the folded form)."""

    def __init__(self, convert: Callable[[str], str]) -> None:
        self._convert = convert
        self._known: dict[str, str] = {}

    def convert_all(self, tokens: list[Token]) -> list[str]:
        """The converted word of each token."""
        return _remembered(self._known, self._convert, tokens)


def _remembered(known: dict, compute: Callable, tokens: list[Token]) -> list:
    """`[compute(word) for each token's word]`, through `known` (filled for new words)."""
    words, distinct, _starts = _words(tokens)
    unknown = distinct.difference(known)
    if unknown:
        if len(known) + len(unknown) > _MAX_WORDS:
            known.clear()
            unknown = distinct
        for word in unknown:
            known[word] = compute(word)
    return list(map(known.__getitem__, words))


def token_starts(tokens: list[Token]) -> list[int]:
    """Where each token starts."""
    return _words(tokens)[2]


def match_at_words(pattern: Pattern[str], text: str, starts: list[int], first: int,
                   last: int, endpos: int) -> Match[str] | None:
    """`pattern.search(text, first, endpos)` when that match starts at or before `last`,
    else None, for a pattern whose matches start at a word boundary before a letter or
    digit (so at a token start): only token starts are tried, and a word with no match
    around it is not searched to the end of its window (`starts`: `token_starts`)."""
    index, count = bisect_left(starts, first), len(starts)
    while index < count and starts[index] <= last:
        m = pattern.match(text, starts[index], endpos)
        if m is not None:
            return m
        index += 1
    return None
