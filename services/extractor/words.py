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
        return list(compress(tokens, _remembered(self._known, self._test, words)))


class WordMap:
    """`convert(word)` remembered per distinct word (e.g. the folded form)."""

    def __init__(self, convert: Callable[[str], str]) -> None:
        self._convert = convert
        self._known: dict[str, str] = {}

    def convert_all(self, words: list[str]) -> list[str]:
        return _remembered(self._known, self._convert, words)


def _remembered(known: dict, compute: Callable, words: list[str]) -> list:
    """`[compute(w) for w in words]`, through `known` (filled for new words)."""
    answers = list(map(known.get, words))
    if None in answers:     # some word not seen before (answers are never None)
        if len(known) > _MAX_WORDS:
            known.clear()
        for index, word in enumerate(words):
            if answers[index] is None:
                answer = known.get(word)
                if answer is None:
                    answer = known[word] = compute(word)
                answers[index] = answer
    return answers


def match_from(pattern: Pattern[str], text: str, first: int, last: int,
               endpos: int) -> Match[str] | None:
    """`pattern.search(text, first, endpos)` when that match starts at or before `last`,
    else None; a word with no match around it is not searched to the end of its window."""
    for pos in range(first, last + 1):
        m = pattern.match(text, pos, endpos)
        if m is not None:
            return m
    return None
