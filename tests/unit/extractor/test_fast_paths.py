"""The shortcuts taken for speed give what the plain searches give."""

from __future__ import annotations

import re

from services.extractor import cues
from services.extractor.dates import DATELINE_RE, _dateline
from services.extractor.needles import Needles, lowered
from services.extractor.reference import TOKEN_RE, get_reference, tokenize
from services.extractor.text import _BOUNDARY_RE, _PLAIN_BOUNDARY_RE


def test_tokens_are_the_word_runs_with_their_offsets() -> None:
    for text in ["", "Xi met Biden.", "  a_b c__d 42nd ", "Erdoğan’s visit — talks"]:
        pattern = TOKEN_RE if "_" in text else re.compile(r"\w+")
        assert tokenize(text) == [(m.start(), m.end(), m.group())
                                  for m in pattern.finditer(text)]


def test_a_trigger_that_starts_before_its_stem_word_is_found() -> None:
    text = "The two leaders met in person and later held talks in-person again."
    found = [m.group() for m in cues.find_triggers(text, tokenize(text))]
    assert found == ["met", "in person", "talks", "in-person"]


def test_a_text_that_lower_casing_cannot_stand_for_is_never_ruled_out() -> None:
    assert lowered("The Sınce") is None and lowered("İstanbul") is None
    needles = Needles(r"since")
    assert needles.may(None, 0, 5)
    assert needles.may_text("They have met ſince May")     # "ſ" matches "s" ignoring case
    assert not needles.may_text("They have met before")
    assert Needles(r"times", digit=True).may(lowered("met 3 x"), 0, 7)


def test_the_dateline_is_found_on_a_later_line() -> None:
    text = "A headline\n\nMOSCOW, March 3 (Reuters) - Putin spoke with Xi."
    _dateline.cache_clear()
    assert _dateline(text).span() == DATELINE_RE.search(text, 0, 2500).span()


def test_sentence_ends_without_link_titles_are_those_of_the_full_pattern() -> None:
    text = 'He met Xi. "We agreed," he said.\nThen Mr. Li left! U.S. ties / Getty Images The end'
    assert [m.span() for m in _PLAIN_BOUNDARY_RE.finditer(text)] == \
        [m.span() for m in _BOUNDARY_RE.finditer(text)]


def test_lower_case_words_that_begin_names_are_skipped_but_names_are_found() -> None:
    text = "He went to a summit with the US, and Modi spoke to us."
    mentions = get_reference().find_mentions(text)
    assert [m.text for m in mentions] == ["US", "Modi"]
