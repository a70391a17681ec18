"""Picking the tokens a finder cares about, at C speed.

Every finder (names, triggers, dates, titles, numbers) looks only at tokens whose
word passes a cheap test ("starts like a month name"). News vocabulary repeats, so
the answers of every filter are remembered per distinct word, together, as one
bit mask: selecting the accepted tokens of an article for all filters at once is
then one dict lookup per token done by `map`, and a loop over the few tokens that
any filter accepts.
"""

from __future__ import annotations

import weakref
from bisect import bisect_left
from collections.abc import Callable
from itertools import compress, repeat
from operator import itemgetter
from re import Match, Pattern

Token = tuple[int, int, str]

_word_of = itemgetter(2)
_start_of = itemgetter(0)
# Distinct words remembered before starting afresh (bounds the memory).
_MAX_WORDS = 50_000


class _Article:
    """What is known about one token list: its words and starts, and (once asked)
    the indices of the tokens each filter selects. Every finder reads the same list."""

    __slots__ = ("selected", "starts", "tokens", "words")

    def __init__(self, tokens: list[Token], words: list[str] | None = None,
                 starts: list[int] | None = None) -> None:
        self.tokens = tokens
        self.words = list(map(_word_of, tokens)) if words is None else words
        self.starts = list(map(_start_of, tokens)) if starts is None else starts
        self.selected: list[list[int]] | None = None

    def selected_by(self, slot: int) -> list[int]:
        selected = self.selected
        if selected is None or len(selected) <= slot:
            selected = self.selected = _select_all(self)
        return selected[slot]


_last: _Article | None = None


def _article(tokens: list[Token]) -> _Article:
    global _last
    last = _last
    if last is None or last.tokens is not tokens:
        last = _last = _Article(tokens)
    return last


def remember_tokens(tokens: list[Token], words: list[str], starts: list[int]) -> None:
    """Record the words and starts of a token list just made (saves taking them apart)."""
    global _last
    _last = _Article(tokens, words, starts)


# The live filters, by slot (a slot whose filter is gone stays empty), and per distinct
# word the bit mask of the slots whose test accepts it.
_filters: list[weakref.ref[WordFilter]] = []
_masks: dict[str, int] = {}
_slots_of_mask: dict[int, tuple[int, ...]] = {}


class WordFilter:
    """`test(word)` remembered per distinct word."""

    def __init__(self, test: Callable[[str], bool]) -> None:
        self._test = test
        self._slot = len(_filters)
        _filters.append(weakref.ref(self))
        _masks.clear()      # words seen so far were not tested by this filter

    def select(self, tokens: list[Token]) -> list[Token]:
        """The tokens whose word passes the test, in text order."""
        return list(map(tokens.__getitem__, _article(tokens).selected_by(self._slot)))

    def select_indices(self, tokens: list[Token]) -> list[int]:
        """Where in `tokens` the words that pass the test are, in text order."""
        return _article(tokens).selected_by(self._slot)


def _mask(word: str) -> int:
    mask = 0
    for slot, ref in enumerate(_filters):
        word_filter = ref()
        if word_filter is not None and word_filter._test(word):
            mask |= 1 << slot
    return mask


def _select_all(article: _Article) -> list[list[int]]:
    """For every filter slot, the indices of the tokens of `article` it accepts."""
    masks, words = _masks, article.words
    # Masks are never negative: -1 marks a word not tested yet (most words are known).
    flags = list(map(masks.get, words, repeat(-1)))
    if min(flags, default=0) < 0:
        unknown = {word for word, flag in zip(words, flags, strict=True) if flag < 0}
        if len(masks) + len(unknown) > _MAX_WORDS:
            masks.clear()
            unknown = set(words)
        for word in unknown:
            masks[word] = _mask(word)
        flags = list(map(masks.__getitem__, words))
    selected: list[list[int]] = [[] for _ in _filters]
    slots_of_mask = _slots_of_mask
    for index in compress(range(len(flags)), flags):
        mask = flags[index]
        slots = slots_of_mask.get(mask)
        if slots is None:
            slots = slots_of_mask[mask] = tuple(
                slot for slot in range(mask.bit_length()) if mask >> slot & 1)
        for slot in slots:
            selected[slot].append(index)
    return selected


class WordMap:
    """`convert(word)` remembered per distinct word (e.g. the folded form)."""

    def __init__(self, convert: Callable[[str], str]) -> None:
        self._convert = convert
        self._known: dict[str, str] = {}

    def convert_all(self, tokens: list[Token]) -> list[str]:
        """The converted word of each token."""
        article = _article(tokens)
        known = self._known
        distinct = set(article.words)
        unknown = distinct.difference(known)
        if unknown:
            if len(known) + len(unknown) > _MAX_WORDS:
                known.clear()
                unknown = distinct
            convert = self._convert
            for word in unknown:
                known[word] = convert(word)
        return list(map(known.__getitem__, article.words))

    def many(self, words: list[str]) -> list[str]:
        """The converted word of each of `words` (a dict lookup each, when all are known)."""
        values = list(map(self._known.get, words))
        return values if None not in values else list(map(self.one, words))

    def one(self, word: str) -> str:
        """The converted `word`."""
        value = self._known.get(word)
        if value is None:
            if len(self._known) >= _MAX_WORDS:
                self._known.clear()
            value = self._known[word] = self._convert(word)
        return value


def token_starts(tokens: list[Token]) -> list[int]:
    """Where each token starts."""
    return _article(tokens).starts


def token_words(tokens: list[Token]) -> list[str]:
    """The word of each token."""
    return _article(tokens).words


class WordStarts:
    """`test(word)` remembered per distinct word, for the words a pattern's matches can
    start with. Unlike a `WordFilter` it is asked only at the tokens of a few windows: a
    test that accepts common words ("the", "in") would select a good part of every text."""

    def __init__(self, test: Callable[[str], bool]) -> None:
        self._test = test
        self._known: dict[str, bool] = {}

    def match_at(self, pattern: Pattern[str], text: str, tokens: list[Token], first: int,
                 last: int, endpos: int) -> Match[str] | None:
        """`pattern.search(text, first, endpos)` when that match starts at or before
        `last`, else None, for a pattern whose matches start at a word boundary before a
        letter or digit (so at a token start) of a word the test accepts: only those
        token starts are tried, and a word with no match around it is not searched to the
        end of its window."""
        article = _article(tokens)
        starts, words, known = article.starts, article.words, self._known
        index, count = bisect_left(starts, first), len(starts)
        while index < count and starts[index] <= last:
            word = words[index]
            accepted = known.get(word)
            if accepted is None:
                if len(known) >= _MAX_WORDS:
                    known.clear()
                accepted = known[word] = self._test(word)
            if accepted:
                m = pattern.match(text, starts[index], endpos)
                if m is not None:
                    return m
            index += 1
        return None
