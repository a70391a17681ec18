"""Tallies: reported counts of interactions ("made 79 phone calls in 2021").

Every written number is read in turn, and only where the text around it says
what was counted:
- a noun after it: "79 phone calls", "eight official and five working visits",
  "78 events by video link", "hosted more than 100 heads of state";
- "times"/"occasions" after it and a verb before it: "spoke by phone 352 times";
- a total closing a list: "speeches and messages totaling at least 100";
- "visits to 21 countries" (the countries visited are counted too).

The actor is the nearest person named before the count in the sentence who is
not an object ("with Donald Trump"), else the actor of the article's last
tally, else the person the article names most. The period is the one the
sentence states ("In 2021", "in the past 10 years", "since February 24",
"since the start of the pandemic", "since he took office"), else the one an
earlier sentence set, else the publication year ("during the Winter Olympics
this year" is that February). A generic count ("talked with them on 17
occasions") takes the types its breakdown names ("This includes his visit ...,
10 telephone conversations ..."), else `consult`. An ordinal ("his fifth
visit"), a rate ("two visits a month") or a count of other things (countries,
doses, requests) is not a tally.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from .dates import MONTHS, DateMention, anchors, find_dates, resolve
from .needles import Needles, article_lowered
from .reference import Mention, Reference, get_reference
from .text import Sentence, split_sentences
from .words import WordFilter

_UNITS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_SPECIAL: dict[str, int] = {"a dozen": 12, "dozen": 12, "a hundred": 100, "one hundred": 100,
                            "hundred": 100}
NUMBER_WORDS: dict[str, int] = {**_UNITS, **_TENS, **_SPECIAL}
_ONE_WORD = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_NUMBER = (r"(?:\d{1,3}(?:,\d{3})+|\d+|(?:" + "|".join(_TENS) + r")[- ](?:"
           + "|".join(k for k, v in _UNITS.items() if v < 10) + r")|" + _ONE_WORD + r")")
_NUMBER_RE = re.compile(r"(?<![\w.,-])" + _NUMBER + r"(?![\w-]|[.,]\d)", re.IGNORECASE)

_QUALIFIERS: dict[str, str] = {
    "at least": "at_least", "more than": "at_least", "over": "at_least",
    "upwards of": "at_least", "in excess of": "at_least", "no fewer than": "at_least",
    "no less than": "at_least", "nearly": "about", "almost": "about", "about": "about",
    "around": "about", "some": "about", "roughly": "about", "approximately": "about",
    "close to": "about", "an estimated": "about",
}
# Opens with a lookahead on the first letters of the qualifiers (a fast rule-out).
_QUALIFIER_BEFORE_RE = re.compile(
    r"\b(?=[" + "".join(sorted({q[0] for q in _QUALIFIERS})) + r"])(?P<qual>"
    + "|".join(sorted(_QUALIFIERS, key=len, reverse=True)) + r")\s+$", re.IGNORECASE)
_QUALIFIER_REACH = max(map(len, _QUALIFIERS))    # its longest words (see `_search_before`)

# Words between a count and its noun: adjectives, never a preposition or conjunction
# ("18 requests for bilateral meetings" counts requests, not meetings).
_ADJ = (r"(?!(?:and|or|for|of|to|with|in|on|at|per|from|by|than|into|during|since|"
        r"times|occasions)\b)[\w-]+")
_NOUN_AFTER_RE = re.compile(
    # "congratulatory and condolence messages": two adjectives share the noun.
    r"\s+(?P<adj>(?:[a-z]+(?:ory|ence|ial|al|ic|ive|ary)\s+(?:and|or)\s+)?"
    r"(?:" + _ADJ + r"\s+){0,3}?)(?P<noun>heads of (?:state|government)"
    r"(?: and (?:of )?government)?|calls|conversations|talks|meetings|summits|events|"
    r"conferences|engagements|sessions|visits|trips|tours|speeches|addresses|messages|"
    r"letters|leaders|dignitaries|interactions|parliaments|legislatures)\b"
    r"(?P<after>[^.;]{0,60})", re.IGNORECASE)
_MEDIUM_AFTER_RE = re.compile(r"\s+(?:by|over|on|via|through)\s+(?:the\s+|a\s+)?(?:tele)?(?:phone|"
                              r"video(?:[- ]?link| conference)?|videoconference)|\s+online",
                              re.IGNORECASE)
_HINT_AFTER_RE = re.compile(
    r"\s+(?:\S+\s+){0,3}?(?:heads|calls|conversations|talks|meetings|summits|events|"
    r"engagements|conferences|visits|trips|tours|speeches|addresses|messages|letters|leaders|"
    r"dignitaries|interactions|parliaments|legislatures|times|occasions|countries|nations)\b",
    re.IGNORECASE)
_TIMES_AFTER_RE = re.compile(r"\s+(?:separate\s+|different\s+)?(?:times|occasions)\b",
                             re.IGNORECASE)
_COUNTRIES_AFTER_RE = re.compile(r"\s+(?:(?:foreign|other|different)\s+)?(?:countries|nations)\b",
                                 re.IGNORECASE)
_VISITS_TO_BEFORE_RE = re.compile(r"\b(?:(?:visits|trips|tours)\s+to|visiting)\s+$",
                                  re.IGNORECASE)
_VISITS_TO_NEEDLES = Needles(r"visit|trips|tours")
# "up from 28 last year": a bare count compared with the one just read.
_COMPARED_BEFORE_RE = re.compile(r"\b(?:up|down|rising|falling) from\s+$|"
                                 r"\b(?:compared (?:with|to)|against|versus)\s+$", re.IGNORECASE)
_COMPARED_PERIOD_RE = re.compile(r"\s+(?:last year|the (?:previous|year) (?:year|before)|"
                                 r"a year (?:earlier|before)|in (?P<year>(?:19|20)\d\d))\b",
                                 re.IGNORECASE)
_TOTAL_BEFORE_RE = re.compile(
    r"\b(?=[aint])(?:totall?ing|totall?ed|in total|altogether|numbering)\s+$", re.IGNORECASE)
_TOTAL_REACH = len("altogether")   # its longest words (see `_search_before`)
# "eight official and [five working visits]": the first count shares the noun.
_COORDINATED_BEFORE_RE = re.compile(
    r"(?P<num>" + _NUMBER + r")\s+(?:" + _ADJ + r"\s+){0,2}?(?:and|or)\s+$", re.IGNORECASE)
# A verb and its medium before "N times": "spoke by phone 352 times", "met 110 times".
_VERB_BEFORE_RE = re.compile(
    r"\b(?P<verb>spoke|speaks|spoken|talked|talks|conversed|met|meets|held talks|communicated|"
    r"visited|travell?ed|called|phoned|telephoned|"
    r"had (?:phone |telephone )?(?:conversations|talks|calls))\b(?P<mid>(?:\s+[\w'’-]+){0,8}?)"
    r"\s+(?:on\s+)?$", re.IGNORECASE)
_HOST_BEFORE_RE = re.compile(r"\b(?:hosted|received|welcomed|met(?: with)?|meetings with)\s+$",
                             re.IGNORECASE)
_DETERMINER_BEFORE_RE = re.compile(
    r"\b(?:the|these|those|last|past|first|previous|next|all|both|his|her|its|their|our|"
    r"my|your)\s+$",
    re.IGNORECASE)
_DETERMINER_REACH = len("previous")
_FUTURE_BEFORE_RE = re.compile(
    r"\b(?:will|would|shall|plans? to|planning to|(?:is|are|was|were) (?:set|expected|"
    r"scheduled|due|going) to|intends? to)\s+(?:[\w-]+\s+){0,3}$", re.IGNORECASE)
_FUTURE_NEEDLES = Needles(r"will|would|shall|plan|intend|set to|expected to|scheduled to|"
                          r"due to|going to")
# "two visits a month", "31 events within 48 hours": a rate or one trip, not a record.
_RATE_AFTER_RE = re.compile(r"^\s*(?:a|per|each|every)\s+(?:day|week|month|year)\b|"
                            r"^\s*(?:in|within)\s+\S+\s+(?:hours|days)\b", re.IGNORECASE)
_HALF_BEFORE_RE = re.compile(r"\bhalf (?:a )?$", re.IGNORECASE)
_AVERAGE_RE = re.compile(r"\b(?:on average|an average of)\b", re.IGNORECASE)
# The word every match of _AVERAGE_RE contains (see needles.py): a text without it is not
# searched sentence by sentence.
_AVERAGE_NEEDLES = Needles(r"average")
_RESPECTIVELY_RE = re.compile(r"\brespectively\b", re.IGNORECASE)

_PHONE_RE = re.compile(r"\b(?:phone|telephone|telephonic)\b", re.IGNORECASE)
_VIDEO_RE = re.compile(r"\b(?:video|videoconference|video-conference|virtual|virtually|"
                       r"online|teleconference|cloud)\b", re.IGNORECASE)
_VIDEO_AFTER_RE = re.compile(r"^\s*(?:(?:via|by|through|over|on)\s+(?:a\s+)?(?:video|"
                             r"videoconference|video-conference|teleconference|online)|"
                             r"online|virtually)\b", re.IGNORECASE)
_PHONE_AFTER_RE = re.compile(r"^\s*(?:by|over|on)\s+(?:the\s+)?(?:tele)?phone\b", re.IGNORECASE)
_NOT_DIPLOMATIC_RE = re.compile(r"\b(?:internal|domestic|inspection|cabinet|party|press|"
                                r"government|local|regional)\b", re.IGNORECASE)
_IN_PERSON_RE = re.compile(r"\b(?:summit|visit|trip|tour|sidelines)\b", re.IGNORECASE)
_ADDRESSED_BEFORE_RE = re.compile(r"\b(?:addressed|spoke (?:to|before|in)|speeches to|"
                                  r"addresses to)\s+(?:\S+\s+){0,2}$", re.IGNORECASE)
_DIPLOMATIC_RE = re.compile(r"\b(?:bilateral|diplomatic|foreign|international|multilateral|"
                            r"summit)\b", re.IGNORECASE)
# A sentence that breaks a count down: "This includes his visit ..., 10 calls ...".
_BREAKDOWN_START_RE = re.compile(
    r"[\"“]?(?:(?:this|that|these|those|they|it) (?:includes?|included|comprised?|"
    r"consisted of)|among them|of (?:these|them))\b", re.IGNORECASE)
_KIND_WORDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(?:phone|telephone)\b", re.IGNORECASE), "phone_call"),
    (re.compile(r"\b(?:video|virtual|online)\b", re.IGNORECASE), "video_meeting"),
    (re.compile(r"\b(?:visits?|trips?|meetings?|met|summits?)\b", re.IGNORECASE), "meeting"),
    (re.compile(r"\bspeech(?:es)?\b", re.IGNORECASE), "speech"),
    (re.compile(r"\b(?:messages?|letters?|correspondence)\b", re.IGNORECASE), "message"),
]

# Periods.
_PAST_YEARS_RE = re.compile(
    r"\b(?:in|over|during|for|within) the (?:past|last|previous) (?:(?P<n>" + _NUMBER
    + r") )?(?P<unit>years?|decades?|months?)\b", re.IGNORECASE)
_HALF_YEAR_RE = re.compile(
    r"\b(?:in|during|over|for) the (?P<half>first|second) half of (?:the year|(?P<year>(?:19|20)"
    r"\d\d)|(?P<rel>this|last) year)\b", re.IGNORECASE)
# "during the summit", "during the visit": the dates the article gives it.
_DURING_EVENT_RE = re.compile(r"\b(?:during|at|on the sidelines of|over the course of) the "
                              r"(?:[\w-]+ ){0,4}?(?P<what>summit|visit|trip|tour|session)\b",
                              re.IGNORECASE)
_DAY_SPAN_RE = re.compile(r"(?P<first>\d{1,2})\s*(?:-|–|and|to)\s*(?P<last>\d{1,2})\b")
_PANDEMIC_RE = re.compile(r"\bsince the (?:start|beginning|outbreak|onset) of the "
                          r"(?:COVID-19 |COVID |covid |coronavirus )?pandemic\b", re.IGNORECASE)
_SINCE_MONTH_RE = re.compile(
    r"\b(?i:since|from) (?:early |mid-|late )?(?P<month>January|February|March|April|May|June|"
    r"July|August|September|October|November|December)\b(?!\s+\d{1,2}\b)(?:,? (?P<year>(?:19|20)"
    r"\d\d))?")
_SINCE_BEFORE_RE = re.compile(r"\b(?:since|from)\s+$", re.IGNORECASE)
_SINCE_OFFICE_RE = re.compile(
    r"\bsince\s+(?:(?P<who>the latter|the former|his|her|he|she)(?:['’]s)?\s+|"
    r"(?P<named>[A-Z][\w-]+)(?:['’]s?)?\s+)?(?:assumption of (?:the )?(?:presidential )?office|"
    r"(?:assuming|taking|took|takes) office|inauguration|came to power|coming to power|"
    r"(?:was|were) (?:elected|sworn in)|election|"
    r"(?:he|she|they) became (?:the )?(?:\w+ )?(?:president|prime minister|chancellor|premier|"
    r"leader|secretary[- ]general))\b", re.IGNORECASE)
_WINTER_GAMES_RE = re.compile(r"\b(?:Winter Olympics|Olympic Winter Games|Winter Olympic Games|"
                              r"Winter Games)\b", re.IGNORECASE)
# A sentence without a count that still sets the period later counts share.
_SETS_PERIOD_RE = re.compile(r"\b(?:since|from|during|in \d{4}|(?:past|last) \w+ years)\b",
                             re.IGNORECASE)
# A person who reports the count: "Ma said", "according to Ma".
_SPEAKER_RE = re.compile(r"\b(?:said|says|told|noted|added|stated|announced|reported|"
                         r"recalled|stressed|pointed out)\b")
_OBJECT_BEFORE_RE = re.compile(
    r"\b(?:with|to|between|and|from|by|for|toward|towards|against|than|including|met|meets|"
    r"meeting|called|hosted|received|visited|telephoned|invited|congratulated|thanked|told|"
    r"urged)\s+"
    r"(?:(?:the|a|an|of|his|her|their|its|counterpart|colleague|[A-Z][\w.'’-]*)\s+){0,5}$")


@dataclass(frozen=True, slots=True)
class Count:
    """One count read in a sentence."""

    kind: str | list[str]
    value: int
    qualifier: str
    start: int             # where the count phrase starts (its actor is named before)
    generic: bool = False  # "talked 17 times": the kind may come from a breakdown
    period: str | None = None  # a period of its own: "up from 28 last year"


def number_value(value: str) -> int | None:
    """The integer a written number stands for ("1,200", "twenty-one", "a dozen")."""
    value = value.lower().replace(",", "").strip()
    if value.isdigit():
        return int(value)
    if value in NUMBER_WORDS:
        return NUMBER_WORDS[value]
    parts = re.split(r"[- ]", value)
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _UNITS:
        return _TENS[parts[0]] + _UNITS[parts[1]]
    return None


def extract_tallies(text: str, published: dt.date | None,
                    mentions: list[Mention] | None = None,
                    tokens: list[tuple[int, int, str]] | None = None,
                    sentences: list[Sentence] | None = None,
                    publication: dt.date | None = None) -> list[dict]:
    """Tally records of one article (`mentions`, `tokens`, `sentences` and the
    `publication` date of `anchors`: found already, if known)."""
    numbers = [m for m in _written_numbers(text, tokens) if not _is_year(m.group())]
    # Cheap test before any sentence work: a count word must follow or a total precede.
    if not any(_HINT_AFTER_RE.match(text, m.end()) or _TOTAL_BEFORE_RE.search(
            text, max(0, m.start() - 25), m.start()) for m in numbers):
        return []
    if publication is None:
        publication, _anchor = anchors(text, published)
    ref = get_reference()
    if mentions is None:
        mentions = ref.find_mentions(text)
    reader = _ArticleReader(text, publication, ref,
                            [m for m in mentions if m.kind == "person"])
    if sentences is None:
        sentences = split_sentences(text)
    return _dedupe(reader.read(sentences, numbers))


def _written_numbers(text: str,
                     tokens: list[tuple[int, int, str]] | None) -> list[re.Match[str]]:
    """Every written number; with `tokens`, tried only where a token is one (fast)."""
    if tokens is None:
        return list(_NUMBER_RE.finditer(text))
    found: list[re.Match[str]] = []
    covered = -1
    for start, _, _word in _NUMBER_WORDS_FILTER.select(tokens):
        if start < covered:
            continue
        m = _NUMBER_RE.match(text, start)
        if m:
            found.append(m)
            covered = m.end()
    return found


_NUMBER_WORDS_FILTER = WordFilter(lambda word: word[0].isdigit() or word.lower() in NUMBER_WORDS)


def _search_before(pattern: re.Pattern[str], reach: int, text: str, window: int,
                   end: int) -> re.Match[str] | None:
    """`pattern.search(text, window, end)` for a pattern "\\b(?:words)\\s+$" whose words
    are at most `reach` characters long and end in a non-space. A match is the words and
    the spaces that end the window, so it starts at most `reach` characters before those
    spaces: only there is it searched, not at every character of the window."""
    spaces = window + len(text[window:end].rstrip())
    return pattern.search(text, max(window, spaces - reach), end)


class _ArticleReader:
    """Reads the counts of one article sentence by sentence, carrying actor and period."""

    def __init__(self, text: str, publication: dt.date | None, ref: Reference,
                 persons: list[Mention]) -> None:
        self.text = text
        self.publication = publication
        self.ref = ref
        self.persons = persons
        self.last_actor: dict | None = None
        self.period_context: str | None = None
        self.averages = _AVERAGE_NEEDLES.may(article_lowered(text), 0, len(text))

    def read(self, sentences: list[Sentence], numbers: list[re.Match[str]]) -> list[dict]:
        counted: dict[int, list[Count]] = {}
        for index, in_sentence in _by_sentence(sentences, numbers).items():
            counts = self._counts(sentences[index], in_sentence)
            if counts:
                counted[index] = counts
        if not counted:
            return []
        tallies: list[dict] = []
        for index, sentence in enumerate(sentences[:max(counted) + 1]):
            counts = counted.get(index, [])
            period = self._sentence_period(sentence, counts)
            if not counts:
                continue
            if _RESPECTIVELY_RE.search(self.text, sentence.start, sentence.end):
                continue  # "two video summits, in April and July respectively": events
            for count in counts:
                tally = self._tally(count, sentence, sentences[index + 1:index + 4], period)
                if tally is not None:
                    tallies.append(tally)
        return tallies

    def _sentence_period(self, sentence: Sentence, counts: list[Count]) -> str | None:
        start, end = sentence.start, sentence.end
        if not counts and not _SETS_PERIOD_RE.search(self.text, start, end):
            return None
        first_count = min(c.start for c in counts) if counts else None
        period = _period(self.text, start, end, self.publication, self._since_office_start,
                         first_count)
        if period is None:
            return self.period_context
        if counts or not period.isdigit() or re.search(r"\b(?:in|during) \d{4}\b",
                                                       self.text[start:end]):
            self.period_context = period
        return period

    def _tally(self, count: Count, sentence: Sentence, following: list[Sentence],
               period: str | None) -> dict | None:
        actor = self._actor(count.start, sentence.start)
        if actor is None:
            return None
        self.last_actor = actor
        kind = count.kind
        if count.generic:
            kind = self._breakdown_kind(count, sentence, following) or kind
        text = self.text[sentence.start:sentence.end]
        return {
            "actor": actor, "type": kind, "count": count.value, "qualifier": count.qualifier,
            "period": count.period or period or (str(self.publication.year)
                                                 if self.publication else None),
            "evidence": text, "evidence_spans": [[sentence.start, sentence.end]],
            "rule": "tally:" + ("+".join(kind) if isinstance(kind, list) else kind),
        }

    # ------------------------------------------------------------------ counts
    def _counts(self, sentence: Sentence, numbers: list[re.Match[str]]) -> list[Count]:
        if self.averages and _AVERAGE_RE.search(self.text, sentence.start, sentence.end):
            return []
        found: list[Count] = []
        for number in numbers:
            value = number_value(number.group())
            if value is None or value < 2:
                continue
            found.extend(self._read_number(number, value, sentence.start, found))
        return found

    def _read_number(self, number: re.Match[str], value: int, clause_start: int,
                     earlier: list[Count]) -> list[Count]:
        text, start, end = self.text, number.start(), number.end()
        window = max(clause_start, start - 80)
        qual = _search_before(_QUALIFIER_BEFORE_RE, _QUALIFIER_REACH, text, window, start)
        count_start = qual.start() if qual else start
        qualifier = _QUALIFIERS[qual["qual"].lower()] if qual else "exact"
        if _FUTURE_NEEDLES.may(article_lowered(text), window, count_start) and \
                _FUTURE_BEFORE_RE.search(text, window, count_start):
            return []
        if _HALF_BEFORE_RE.search(text[max(0, start - 7):start]):
            value //= 2  # "half a dozen"
        if _search_before(_TOTAL_BEFORE_RE, _TOTAL_REACH, text, window, count_start):
            # The list a total closes: the types not counted before it in the sentence.
            counted = {k for c in earlier for k in (c.kind if isinstance(c.kind, list)
                                                    else [c.kind])}
            kinds = [k for k in _kinds_in(text[clause_start:count_start]) if k not in counted]
            if kinds:
                return [Count(kinds if len(kinds) > 1 else kinds[0], value, qualifier,
                              count_start)]
        compared = self._compared_count(earlier, count_start, end, value, qualifier)
        if compared is not None:
            return [compared]
        if _VISITS_TO_NEEDLES.may(article_lowered(text), window, count_start) and \
                _VISITS_TO_BEFORE_RE.search(text, window, count_start) and \
                _COUNTRIES_AFTER_RE.match(text, end):
            return [Count("meeting", value, qualifier, count_start)]
        if _search_before(_DETERMINER_BEFORE_RE, _DETERMINER_REACH, text, window, count_start):
            return []
        noun = _NOUN_AFTER_RE.match(text, end)
        if noun:
            return self._noun_counts(noun, value, qualifier, count_start, clause_start)
        times = _TIMES_AFTER_RE.match(text, end)
        if times:
            return self._verb_counts(value, qualifier, count_start, clause_start, times.end())
        return []

    def _compared_count(self, earlier: list[Count], count_start: int, end: int, value: int,
                        qualifier: str) -> Count | None:
        """"35 heads of state this year, up from 28 last year": the bare count repeats
        the kind counted just before, over the period it names."""
        if not earlier or not _COMPARED_BEFORE_RE.search(
                self.text, max(0, count_start - 20), count_start):
            return None
        when = _COMPARED_PERIOD_RE.match(self.text, end)
        if when is None or self.publication is None:
            return None
        year = int(when["year"]) if when["year"] else self.publication.year - 1
        return Count(earlier[-1].kind, value, qualifier, earlier[-1].start, period=str(year))

    def _noun_counts(self, noun: re.Match[str], value: int, qualifier: str,
                     count_start: int, clause_start: int) -> list[Count]:
        text = self.text
        if _RATE_AFTER_RE.match(noun["after"]):
            return []
        kind = _noun_kind(noun["noun"].lower(), noun["adj"], noun["after"],
                          text[max(clause_start, count_start - 30):count_start])
        if kind == "interaction":
            # "more than 20 interactions with world leaders" during a summit or a visit
            in_person = _IN_PERSON_RE.search(text, clause_start, noun.end())
            kind = "meeting" if in_person else "consult"
        if kind is None:
            return []
        counts = [Count(kind, value, qualifier, count_start)]
        # "eight official and five working visits": the first count shares the noun.
        coordinated = _COORDINATED_BEFORE_RE.search(text, max(clause_start, count_start - 60),
                                                    count_start)
        shared = coordinated and not _NOUN_AFTER_RE.match(text, coordinated.end("num"),
                                                          count_start)
        if coordinated and shared:
            first = number_value(coordinated["num"])
            if first is not None and first > 1:
                counts.insert(0, Count(kind, first, "exact", coordinated.start()))
        return counts

    def _verb_counts(self, value: int, qualifier: str, count_start: int, clause_start: int,
                     times_end: int) -> list[Count]:
        verb = _VERB_BEFORE_RE.search(self.text, clause_start, count_start)
        if verb is None:
            return []
        # The medium can follow the count: "have spoken five times by phone".
        medium = _MEDIUM_AFTER_RE.match(self.text, times_end)
        phrase = verb.group().lower() + (" " + medium.group().lower() if medium else "")
        start = verb.start()
        if "communicated" in phrase and _VIDEO_RE.search(phrase):
            # "communicated or spoke online": video talks and addresses alike.
            return [Count(["video_meeting", "speech"], value, qualifier, start)]
        if _PHONE_RE.search(phrase) or "calls" in phrase:
            return [Count("phone_call", value, qualifier, start)]
        if _VIDEO_RE.search(phrase):
            return [Count("video_meeting", value, qualifier, start)]
        if verb["verb"].lower() in ("called", "phoned", "telephoned"):
            return [Count("phone_call", value, qualifier, start)]
        if verb["verb"].lower() in ("met", "meets", "visited", "traveled", "travelled"):
            return [Count("meeting", value, qualifier, start)]
        return [Count("consult", value, qualifier, start, generic=True)]

    def _breakdown_kind(self, count: Count, sentence: Sentence,
                        following: list[Sentence]) -> list[str] | str | None:
        """Types named where a generic count is broken down ("including ..., This includes")."""
        parts = [self.text[count.start:sentence.end]]
        parts += [self.text[s.start:s.end] for s in following
                  if _BREAKDOWN_START_RE.match(self.text, s.start)]
        kinds = sorted({kind for part in parts for kind in _kinds_in(part)})
        if not kinds:
            return None
        return kinds if len(kinds) > 1 else kinds[0]

    # ------------------------------------------------------------------ actors
    def _actor(self, pos: int, sentence_start: int) -> dict | None:
        for mention in reversed(self.persons):
            if mention.start >= pos:
                continue
            if mention.start < sentence_start:
                break
            if _OBJECT_BEFORE_RE.search(self.text, max(0, mention.start - 60), mention.start):
                continue
            if _SPEAKER_RE.search(self.text, mention.end, pos):
                continue  # "Ushakov said the president had 10 calls": the speaker
            actor = self._record(mention.keys[0])
            if actor is not None:
                return actor
        return self.last_actor or self._main_actor()

    def _main_actor(self) -> dict | None:
        """The person the article names most (the first named on a tie)."""
        named = Counter(m.keys[0] for m in self.persons
                        if not _SPEAKER_RE.match(self.text, m.end + 1))
        if not named:
            return None
        first: dict[str, int] = {}
        for m in self.persons:
            first.setdefault(m.keys[0], m.start)
        best = min(named, key=lambda key: (-named[key], first[key]))
        return self._record(best)

    def _record(self, name: str) -> dict | None:
        person = self.ref.person(name)
        if person is None:
            return None
        country, org = person.party_on(self.publication)
        if country is None and org is None:
            return None
        if country is None:
            return {"name": person.name, "country": None, "org": org}
        return {"name": person.name, "country": country}

    def _since_office_start(self, who: str, named: str | None, pos: int) -> dt.date | None:
        """Start of the term "since the latter's assumption of office" (at `pos`) points to."""
        before = [m for m in self.persons if m.start < pos]
        mention: Mention | None = None
        if named:
            mention = next((m for m in reversed(before) if m.text.endswith(named)), None)
        elif who == "the former":
            names = list(dict.fromkeys(m.keys[0] for m in reversed(before)))
            return self._term_start(names[1]) if len(names) > 1 else None
        elif who == "the latter" and before:
            mention = before[-1]
        else:
            # "since he took office", "since taking office": the counting person's term.
            mention = self._subject_near(pos)
        if mention is not None:
            return self._term_start(mention.keys[0])
        actor = self.last_actor or self._main_actor()
        return self._term_start(actor["name"]) if actor else None

    def _subject_near(self, pos: int, reach: int = 150) -> Mention | None:
        """The person named nearest `pos` who is neither an object nor a speaker."""
        near = [m for m in self.persons if abs(m.start - pos) <= reach
                and not _OBJECT_BEFORE_RE.search(self.text, max(0, m.start - 60), m.start)
                and not _SPEAKER_RE.match(self.text, m.end + 1)]
        return min(near, key=lambda m: abs(m.start - pos), default=None)

    def _term_start(self, name: str) -> dt.date | None:
        person = self.ref.person(name)
        office = person.office_on(self.publication) if person else None
        return office.start if office else None


def _noun_kind(noun: str, adjectives: str, after: str, before: str) -> str | None:
    """The interaction type a counted noun names, or None for other things."""
    video = bool(_VIDEO_RE.search(adjectives) or _VIDEO_AFTER_RE.match(after))
    phone = bool(_PHONE_RE.search(adjectives) or _PHONE_AFTER_RE.match(after))
    if _NOT_DIPLOMATIC_RE.search(adjectives):
        return None
    if noun in ("parliaments", "legislatures"):
        # "addressed 26 national parliaments by video link": one speech each
        return "speech" if _ADDRESSED_BEFORE_RE.search(before) else None
    if noun == "interactions":
        return "interaction"  # met or talked: the sentence tells
    if noun.startswith("heads") or noun in ("leaders", "dignitaries"):
        return "meeting" if _HOST_BEFORE_RE.search(before) else None
    if noun in ("visits", "trips", "tours"):
        return "meeting"
    if noun in ("speeches", "addresses"):
        return "speech"
    if re.match(r"\s+of\s+(?:the|its|his|her|credence)\b", after):
        return None  # "44 meetings of the Stavka", "letters of credence"
    if noun in ("messages", "letters"):
        return "message"
    if noun == "calls":
        if "courtesy" in adjectives.lower():
            return "meeting"  # a courtesy call is paid in person
        return "video_meeting" if video else "phone_call"
    if video:
        return "video_meeting"
    if phone:
        return "phone_call"
    if noun in ("conversations", "talks"):
        return "consult"
    if noun in ("conferences", "sessions"):
        return None  # press conferences, parliament sessions: not talks between leaders
    if noun == "events" and not (_DIPLOMATIC_RE.search(adjectives)
                                 or re.match(r"\s+with\b", after)):
        return None  # "31 events within 48 hours": not every event is a meeting
    return "meeting"


def _kinds_in(clause: str) -> list[str]:
    """Types a list names ("speeches ... and messages", "his visit, 10 phone calls")."""
    return [kind for pattern, kind in _KIND_WORDS if pattern.search(clause)]


def _by_sentence(sentences: list[Sentence],
                 numbers: list[re.Match[str]]) -> dict[int, list[re.Match[str]]]:
    """The numbers of each sentence that has any, by sentence index, in text order."""
    starts = [s.start for s in sentences]
    found: dict[int, list[re.Match[str]]] = {}
    for number in numbers:
        index = bisect_right(starts, number.start()) - 1
        if index >= 0 and number.start() < sentences[index].end:
            found.setdefault(index, []).append(number)
    return found


def _is_year(value: str) -> bool:
    return value.isdigit() and len(value) == 4 and value.startswith(("19", "20"))


# -------------------------------------------------------------------- periods
OfficeStart = Callable[[str, str | None, int], dt.date | None]


def _period(text: str, start: int, end: int, publication: dt.date | None,
            office_start: OfficeStart, first_count: int | None) -> str | None:
    """The period a sentence states for its counts (the first at `first_count`), if any."""
    sentence = text[start:end]
    counted = first_count is not None
    dates = find_dates(sentence)
    if publication is not None:
        ranged = _range_period(sentence, dates, publication, office_start, start, counted)
        if ranged:
            return ranged
        during = _DURING_EVENT_RE.search(sentence) if counted else None
        span = event_span(text, during["what"], publication) if during else None
        if span:
            return span
    month = _month_before(dates, (first_count or end) - start, publication)
    if month:
        return month
    games = _WINTER_GAMES_RE.search(sentence)
    if games:
        year = _year_of(dates, publication)
        if year:
            return f"{year}-02"  # the Winter Olympics are held in February
    for mention in dates:
        if mention.kind == "year":
            return str(mention.year)
        if mention.kind == "relper" and mention.unit == "year" and publication:
            value, _ = resolve(mention, publication)
            return value
    return None


def _range_period(sentence: str, dates: list[DateMention], publication: dt.date,
                  office_start: OfficeStart, offset: int, counted: bool) -> str | None:
    today = publication.isoformat()
    m = _PAST_YEARS_RE.search(sentence)
    if m:
        n = (number_value(m["n"]) if m["n"] else 1) or 0
        if m["unit"].lower().startswith("month"):
            return f"{_months_before(publication, n).isoformat()}/{today}"
        years = n * 10 if m["unit"].lower().startswith("decade") else n
        return f"{_years_before(publication, years).isoformat()}/{today}"
    half = _HALF_YEAR_RE.search(sentence)
    if half:
        year = int(half["year"]) if half["year"] else publication.year - (
            1 if (half["rel"] or "").lower() == "last" else 0)
        first = half["half"].lower() == "first"
        return f"{year}-01-01/{year}-06-30" if first else f"{year}-07-01/{year}-12-31"
    if _PANDEMIC_RE.search(sentence):
        return f"2020-01-01/{today}"
    for mention in dates:
        # "since 2018" only where counted: "the first summit since 2018" sets no period.
        if counted and mention.kind == "year" and \
                sentence[max(0, mention.start - 6):mention.start].lower() == "since ":
            return f"{mention.year}-01-01/{today}"
        if mention.kind == "absolute" and mention.day and _SINCE_BEFORE_RE.search(
                sentence, max(0, mention.start - 8), mention.start):
            value, precision = resolve(mention, publication)
            if value and precision == "day":
                return f"{value}/{today}"
    since_month = _SINCE_MONTH_RE.search(sentence)
    if since_month:
        return f"{_month_start(since_month, publication).isoformat()}/{today}"
    m = _SINCE_OFFICE_RE.search(sentence)
    if m:
        began = office_start((m["who"] or "").lower(), m["named"], offset + m.start())
        if began:
            return f"{began.isoformat()}/{today}"
    return None


def _month_start(match: re.Match[str], publication: dt.date) -> dt.date:
    """First day of "since March (2021)": the last such month up to publication."""
    month = MONTHS[match["month"].lower()[:3]]
    if match["year"]:
        return dt.date(int(match["year"]), month, 1)
    year = publication.year if month <= publication.month else publication.year - 1
    return dt.date(year, month, 1)


def _month_before(dates: list[DateMention], pos: int,
                  publication: dt.date | None) -> str | None:
    """"In March, he made 12 calls": a month named before the count is its period
    ("had three calls and met in June" dates the meeting, not the calls)."""
    if publication is None:
        return None
    for mention in dates:
        if mention.kind == "month" and mention.end <= pos:
            value, precision = resolve(mention, publication)
            if value and precision == "month":
                return value
    return None


def _year_of(dates: list[DateMention], publication: dt.date | None) -> int | None:
    for mention in dates:
        if mention.kind == "year":
            return mention.year
        if mention.kind == "relper" and mention.unit == "year" and publication:
            return publication.year + mention.offset
    return publication.year if publication else None


def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    for last in (day.day, 30, 29):
        try:
            return dt.date(year, month + 1, last)
        except ValueError:
            continue
    return dt.date(year, month + 1, 28)


def event_span(text: str, what: str, publication: dt.date) -> str | None:
    """The days of the summit (or visit) an article dates: "the G20 Summit held in
    Bali on 15-16 November 2022" gives "2022-11-15/2022-11-16"."""
    for found in re.finditer(r"\b" + what + r"\b", text, re.IGNORECASE):
        window = text[found.end():found.end() + 90]
        cut = window.find(". ")
        window = window if cut < 0 else window[:cut]
        for mention in find_dates(window):
            if mention.kind != "absolute" or not mention.day:
                continue
            value, _precision = resolve(mention, publication)  # a span resolves to its month
            span = _DAY_SPAN_RE.search(window, mention.start, mention.end + 12)
            if value and mention.month and span and int(span["first"]) == mention.day \
                    and int(span["last"]) > mention.day:
                month = f"{value[:4]}-{mention.month:02d}"
                return f"{month}-{mention.day:02d}/{month}-{int(span['last']):02d}"
    return None


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # February 29
        return day.replace(year=day.year - years, day=28)


def _dedupe(tallies: list[dict]) -> list[dict]:
    """One tally per actor, type and count; a count restated with its medium
    ("10 conversations" then "10 telephone conversations") keeps the medium."""
    def party(tally: dict) -> str | None:
        return tally["actor"].get("country") or tally["actor"].get("org")

    specific = {(party(t), t["count"]) for t in tallies if t["type"] != "consult"}
    seen: set[tuple] = set()
    out = []
    for tally in tallies:
        kind = tally["type"]
        if kind == "consult" and (party(tally), tally["count"]) in specific:
            continue
        key = (party(tally), tuple(kind) if isinstance(kind, list) else kind, tally["count"],
               tally["period"])
        if key in seen:
            continue
        seen.add(key)
        out.append(tally)
    return out
