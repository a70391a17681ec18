"""The shortcuts taken for speed give what the plain searches give."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

from services.extractor import cues, dates, engine, tallies
from services.extractor.dates import DATELINE_RE, _dateline
from services.extractor.needles import Needles, lowered
from services.extractor.reference import TOKEN_RE, get_reference, tokenize
from services.extractor.text import _BOUNDARY_RE, _PLAIN_BOUNDARY_RE, has_link_leads


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


# ---------------------------------------------------------------- speed shortcuts
# Each shortcut below must give what the plain search gives; they are checked on the
# probe articles and on a few sentences written to reach their edge cases.

_PROBES = Path(__file__).with_name("probes.jsonl")
_EDGES = [
    "They talked by phone, but did not meet. The two leaders met in person; both sides "
    "held talks - Putin said - and, a day after, the two spoke again.",
    "Xi and Biden had NOT met. He was not going to travel to Bali, following the summit.",
    "At least 20 calls, altogether   12 visits and the previous 3 meetings. In Total 7.",
    "Dozens of leaders have sent messages; 12 heads of state called on the sidelines.",
    "On Monday, March 3, 2022, the 5th, a day earlier, in 2019, since June, this week.",
    "xtalks talks_ Talks negotiations discussions, xhad met, had also held talks.",
    "Émile Ğüç met Đorđe in Zürich on 2 Février; ſince then they talk of a ‘visit’.",
]


def _texts() -> list[str]:
    probes = [json.loads(line)["text"] for line in _PROBES.read_text().splitlines() if line]
    return probes + _EDGES


def _spans(pattern: re.Pattern[str], text: str, start: int, end: int) -> tuple:
    m = pattern.search(text, start, end)
    return m and (m.span(), m.lastgroup, m.groups())


def _windows(text: str) -> list[tuple[int, int]]:
    step = max(1, len(text) // 12)
    return [(a, min(len(text), a + width)) for a in range(0, len(text) + 1, step)
            for width in (7, 30, 120)]


def _without_first_letter_lookahead(pattern: re.Pattern[str]) -> re.Pattern[str]:
    plain = re.sub(r"\(\?=(?:\[[^\]]+\]|\\d|[a-z])\)", "", pattern.pattern)
    return re.compile(plain, pattern.flags)


def test_first_letter_lookaheads_change_no_match() -> None:
    patterns = [cues.TRIGGER_RE, cues.GROUP_ANAPHOR_RE, cues.COUNT_BEFORE_RE,
                cues.CONTINUATION_RE, cues.FORUM_ANAPHOR_RE, engine.NEGATED_BEFORE_RE,
                engine.YEAR_CONTEXT_RE, engine.UNDER_BEFORE_RE, engine.SINCE_RE,
                engine.DEFINITE_BEFORE_RE, engine.CONTEXT_TRIGGER_BEFORE_RE,
                engine.HOST_JOINS_RE, engine.HOST_RE, engine.THIRD_PLACE_RE,
                engine.REMOTE_ARTICLE_RE, tallies._TOTAL_BEFORE_RE, tallies._QUALIFIER_BEFORE_RE]
    plain_date = re.compile(r"\b(?:" + "|".join(f"(?P<k_{name}>{pattern})" for name, pattern
                                                 in dates._PATTERNS) + ")", re.IGNORECASE)
    pairs = [(p, _without_first_letter_lookahead(p)) for p in patterns]
    pairs.append((dates.DATE_RE, plain_date))
    for fast, plain in pairs:
        assert fast.pattern != plain.pattern
        for text in _texts():
            for start, end in _windows(text):
                assert _spans(fast, text, start, end) == _spans(plain, text, start, end), \
                    (fast.pattern[:40], text[start:end])


def test_letter_first_patterns_find_the_word_boundary_ones() -> None:
    plain_talks = re.compile(r"\b(?:talks|negotiations|discussions)\b")
    plain_aside = re.compile(r"\bhad (?:also )?(?:discussed|spoken|talked|met|held|called|"
                             r"telephoned)\b")
    for fast, plain in ((engine.TALKS_RE, plain_talks), (engine.ASIDE_RE, plain_aside)):
        for text in _texts():
            for start, end in _windows(text):
                assert _spans(fast, text, start, end) == _spans(plain, text, start, end)


def test_triggers_are_tried_at_every_word_a_match_can_start_with() -> None:
    for text in _texts():
        for start, _end, word in tokenize(text):
            if word[:4].lower() in cues.TRIGGER_STEMS and cues.TRIGGER_RE.match(text, start):
                assert cues._TRIGGER_FIRST_WORD_RE.fullmatch(word), word


def _plain_clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    cuts = [start]
    for m in engine.CLAUSE_BREAK_RE.finditer(text, start, end):
        if not (m.lastgroup == "splice" and m.start() - cuts[-1] < 40):
            cuts.append(m.start())
    cuts.append(end)
    return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]


def test_a_sentence_without_break_marks_is_one_clause() -> None:
    for text in _texts():
        for start, end in _windows(text):
            assert engine._clauses(text, start, end) == _plain_clauses(text, start, end)


def test_count_leads_are_searched_only_where_they_can_start() -> None:
    for text in _texts():
        for start, end in _windows(text):
            for pattern, reach in ((tallies._QUALIFIER_BEFORE_RE, tallies._QUALIFIER_REACH),
                                   (tallies._TOTAL_BEFORE_RE, tallies._TOTAL_REACH),
                                   (tallies._DETERMINER_BEFORE_RE, tallies._DETERMINER_REACH)):
                fast = tallies._search_before(pattern, reach, text, start, end)
                plain = pattern.search(text, start, end)
                assert (fast and fast.span()) == (plain and plain.span())


def test_link_leads_are_found_through_the_lower_cased_text() -> None:
    assert has_link_leads("Xi met Biden.\nRead more: Xi visits Paris")
    assert has_link_leads("Xi met Biden. ALSO READ Xi visits Paris")
    assert not has_link_leads("Xi met Biden. read more about it")     # not a glued title
    assert has_link_leads("İstanbul talks. Related News: more")        # unlowerable text


def test_the_trigger_search_finds_what_the_plain_pattern_finds() -> None:
    text = ("Xi held talks via link with Macron. They spoke by video-link, then by phonecall. "
            "She addressed a webinar, sent a cable of condolences and had a brief exchange "
            "at the summit. He called on President Putin. They met in-person and shook hands.")
    plain, pos = [], 0
    while (m := cues.TRIGGER_RE.search(text, pos)) is not None:
        plain.append(m.group())
        pos = m.end()
    assert [m.group() for m in cues.find_triggers(text, tokenize(text))] == plain
    assert "via link" in plain
