"""Sentence and paragraph segmentation with character offsets into the original text."""

from __future__ import annotations

import re
from typing import NamedTuple

from .needles import article_lowered

# Words that end with a period without ending a sentence.
ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "gen", "col", "lt", "sgt", "prof", "rev", "gov",
    "sen", "rep", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "no", "vs", "inc", "ltd", "co", "corp", "dept", "est", "fig", "h.e", "hon", "mt",
    "u.s", "u.k", "u.n", "e.u", "d.c", "a.m", "p.m", "i.e", "e.g", "etc",
    "smt", "shri", "sh", "amb",     # Indian honorifics: "President Smt. Droupadi Murmu"
})
_LONGER = max(map(len, ABBREVIATIONS)) + 1
# A sentence ends at end punctuation before a capital ("said. / Getty Images The" skips
# a photo credit), at a line break, or before a glued link title. The pattern opens with
# one character class, so the scan skips every other character at C speed.
_BOUNDARY_RE = re.compile(
    r"[.!?\s](?:(?<=[.!?])[.!?]*(?:\s+/\s+[A-Z]\w*(?:\s+Images)?\s+(?=[A-Z])|"
    r"[\"”’')\]]*\s+(?=[\"“‘'(\[]*[A-Z0-9]))|(?<=\n)|"
    r"(?<=\s)\s*(?=(?:Read more|READ MORE|Also [Rr]ead|ALSO READ|Related News)\b))")
# Without a link title in the text, only end punctuation and line breaks can end a
# sentence: the same boundaries, from a pattern whose first character skips spaces.
_PLAIN_BOUNDARY_RE = re.compile(
    r"[.!?\n](?:(?<=[.!?])[.!?]*(?:\s+/\s+[A-Z]\w*(?:\s+Images)?\s+(?=[A-Z])|"
    r"[\"”’')\]]*\s+(?=[\"“‘'(\[]*[A-Z0-9]))|(?<=\n))")
_LINK_LEADS = ("Read more", "READ MORE", "Also read", "Also Read", "ALSO READ", "Related News")
# Link titles and teasers glued into the text: they restate, never report, an event.
LINK_LEAD_RE = re.compile(r"(?:Read more|READ MORE|Also [Rr]ead|ALSO READ|Related News)\b")


def has_link_leads(text: str) -> bool:
    """Whether `text` may hold a glued link title (LINK_LEAD_RE can match nowhere else)."""
    global _last_link_answer
    if _last_link_answer[0] is not text:    # asked twice per article: answered once
        # Three scans of the lower-cased text (made for every article anyway) rule out
        # the six of the text in most articles.
        low = article_lowered(text)
        found = (low is None or "read more" in low or "also read" in low
                 or "related news" in low) and any(lead in text for lead in _LINK_LEADS)
        _last_link_answer = (text, found)
    return _last_link_answer[1]


_last_link_answer: tuple[str | None, bool] = (None, False)


_WORD_BEFORE_RE = re.compile(r"([\w.]+)[.!?]+[\"”’')\]]*\s*$")


class Sentence(NamedTuple):
    """A sentence's span (a tuple: dozens are made per article, cheaply)."""

    start: int
    end: int
    paragraph: int


def _is_abbreviation(text: str, punct: int, cut: int) -> bool:
    """Whether the boundary from `punct` to `cut` follows an abbreviation or an initial."""
    window = max(0, cut - 12)
    if punct - window >= _LONGER and text[punct] in ".!?" and \
            text[punct - _LONGER:punct].isalnum():
        return False    # a word longer than every abbreviation (checked without a search)
    m = _WORD_BEFORE_RE.search(text, window, cut)
    if not m:
        return False
    word = m.group(1).lower().rstrip(".")
    # Single letters are initials ("Joseph R. Biden").
    return word in ABBREVIATIONS or (len(word) == 1 and word.isalpha())


_new_sentence = tuple.__new__     # Sentence(...) without its Python-level __new__


def split_sentences(text: str) -> list[Sentence]:
    """Sentences as (start, end) spans; a blank line starts a new paragraph."""
    sentences: list[Sentence] = []
    start, paragraph = 0, 0
    boundaries = _BOUNDARY_RE if has_link_leads(text) else _PLAIN_BOUNDARY_RE
    # Dozens of boundaries per article: the common case (a long word before end punctuation,
    # no space to trim) is decided inline, and everything else by the functions below.
    for m in boundaries.finditer(text):
        punct, cut = m.span()
        if cut - punct == 1 and text[punct] == "\n":
            _append(text, sentences, start, punct, paragraph)
            paragraph += 1
            start = cut
            continue
        if not (punct >= _LONGER and punct - cut >= _LONGER - 12 and text[punct] in ".!?"
                and text[punct - _LONGER:punct].isalnum()) \
                and _is_abbreviation(text, punct, cut):
            continue
        end = punct + len(text[punct:cut].rstrip())
        if start < end - 1 and not text[start].isspace() and not text[end - 1].isspace():
            sentences.append(_new_sentence(Sentence, (start, end, paragraph)))
        else:
            _append(text, sentences, start, end, paragraph)
        start = cut
    _append(text, sentences, start, len(text), paragraph)
    return sentences


def _append(text: str, sentences: list[Sentence], start: int, end: int, paragraph: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end - start > 1:
        sentences.append(Sentence(start, end, paragraph))
