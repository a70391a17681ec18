"""Tallies: reported counts of interactions ("made 79 phone calls in 2021").

A tally is a number with a noun or verb that names a kind of interaction,
the person who did them (the nearest person named before the count) and the
period they cover (a year in the sentence, "the past 10 years", "since
February 24", else the period the article set earlier, else the publication
year). An ordinal ("his fifth visit") is one event, never a tally.
"""

from __future__ import annotations

import datetime as dt
import re

from .dates import anchors, find_dates, resolve
from .reference import Mention, get_reference
from .text import split_sentences

NUMBER_WORDS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "hundred": 100,
    "dozens": 24, "a dozen": 12,
}
_NUMBER = r"(?P<num>\d[\d,]*|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
_QUALIFIER = (r"(?:(?P<qual>at least|more than|over|upwards of|in excess of|nearly|almost|"
              r"about|around|some|roughly|approximately|close to)\s+)?")

# noun phrase -> type; several phrases can follow one count.
_NOUNS: list[tuple[str, str]] = [
    (r"(?:phone|telephone) (?:calls|conversations|talks)|calls", "phone_call"),
    (r"(?:[\w-]+ ){0,3}(?:events|meetings|summits|conferences|engagements) (?:via|by|through) "
     r"video(?:[ -]?links?| conference)?|video (?:calls|meetings|conferences|summits)|"
     r"virtual (?:meetings|summits|events)", "video_meeting"),
    (r"(?:official |working |state |foreign |overseas |bilateral )*(?:visits|trips)(?: abroad)?|"
     r"(?:bilateral |face-to-face |in-person )*(?:meetings|events|talks)|"
     r"heads of state(?: and government)?|(?:foreign )?leaders", "meeting"),
    (r"speeches", "speech"),
    (r"(?:congratulatory |condolence )?(?:messages|letters)|correspondence", "message"),
]
_NOUN_RE = re.compile(
    r"\b" + _QUALIFIER + _NUMBER + r"\s+(?:(?P<adj>[\w-]+)\s+){0,3}?(?P<noun>"
    + "|".join(f"(?P<n{i}>{pattern})" for i, (pattern, _) in enumerate(_NOUNS))
    + r")\b", re.IGNORECASE)
# Verb forms: "spoke by phone 352 times", "met 110 times", "spoke online 186 times".
_VERB_RE = re.compile(
    r"\b(?P<verb>spoke by phone|spoke on the phone|talked by phone|held phone talks|"
    r"communicated or spoke online|spoke online|met|held talks|spoke|talked)\s+"
    r"(?:[\w-]+\s+){0,8}?" + _QUALIFIER + _NUMBER + r"\s+(?:times|occasions)\b",
    re.IGNORECASE)
_VERB_TYPES = {
    "spoke by phone": "phone_call", "spoke on the phone": "phone_call",
    "talked by phone": "phone_call", "held phone talks": "phone_call",
    "communicated or spoke online": ["video_meeting", "speech"],
    "spoke online": "video_meeting", "met": "meeting", "held talks": "meeting",
}
# "speeches, and sent correspondence and messages totaling at least 100".
_TOTAL_RE = re.compile(r"\b(?:totall?ing|totall?ed|in total|altogether)\s+" + _QUALIFIER
                       + _NUMBER, re.IGNORECASE)
_VISITED_COUNTRIES_RE = re.compile(r"\bvisits? to\s+" + _NUMBER + r"\s+(?:foreign\s+)?countries",
                                   re.IGNORECASE)
_HOSTED_RE = re.compile(r"\b(?:hosted|received|welcomed)\s+$", re.IGNORECASE)
# Cheap test before any work: no count word, no tally.
_COUNT_HINT_RE = re.compile(r"\b(?:\d+|" + "|".join(NUMBER_WORDS) + r")\s+(?:[\w-]+\s+){0,4}"
                            r"(?:calls|conversations|talks|events|meetings|summits|visits|trips|"
                            r"speeches|messages|letters|times|occasions|heads|countries|leaders|"
                            r"conferences)\b|\btotall?ing\b", re.IGNORECASE)
_QUALIFIERS = {"at least": "at_least", "more than": "at_least", "over": "at_least",
               "upwards of": "at_least", "in excess of": "at_least", "nearly": "about",
               "almost": "about", "about": "about", "around": "about", "some": "about",
               "roughly": "about", "approximately": "about", "close to": "about"}

_PAST_YEARS_RE = re.compile(
    r"\b(?:in|over|during) the (?:past|last) (?P<n>\d+|" + "|".join(NUMBER_WORDS)
    + r") years\b", re.IGNORECASE)
_PANDEMIC_RE = re.compile(r"\bsince the (?:start|beginning|outbreak) of the (?:COVID-19 |covid )?"
                          r"pandemic\b", re.IGNORECASE)
_SINCE_RE = re.compile(r"\b(?:since|from)\s+$", re.IGNORECASE)


def _number(value: str) -> int | None:
    value = value.lower().replace(",", "")
    if value.isdigit():
        return int(value)
    return NUMBER_WORDS.get(value)


def extract_tallies(text: str, published: dt.date | None,
                    mentions: list[Mention] | None = None,
                    tokens: list[tuple[int, int, str]] | None = None) -> list[dict]:
    """Tally records of one article (`mentions`, `tokens`: found already, if known)."""
    if tokens is None:
        hints = [m.start() for m in _COUNT_HINT_RE.finditer(text)]
    else:
        # Only where a number is written: check the count pattern there.
        hints = [start for start, _, word in tokens
                 if (word[0].isdigit() or word.lower() in NUMBER_WORDS
                     or word.lower().startswith("total"))
                 and _COUNT_HINT_RE.match(text, start)]
    if not hints:
        return []
    publication, _anchor = anchors(text, published)
    ref = get_reference()
    if mentions is None:
        mentions = ref.find_mentions(text)
    mentions = [m for m in mentions if m.kind == "person"]
    tallies: list[dict] = []
    period_context: str | None = None
    for sentence in split_sentences(text):
        start, end = sentence.start, sentence.end
        counts = _counts(text, start, end) if any(start <= h < end for h in hints) else []
        sets_context = _sets_context(text, start, end)
        if not counts and not sets_context:
            continue
        period = _period(text, start, end, publication) or period_context
        if period and period != period_context and sets_context:
            period_context = period
        if re.search(r"\brespectively\b", text[start:end], re.IGNORECASE):
            continue  # "two video summits, in April and July respectively": events, not a tally
        for found in counts:
            kind, count, qualifier, span = found
            actor = _actor(ref, mentions, span[0], start, publication)
            if actor is None:
                continue
            tallies.append({
                "actor": actor, "type": kind, "count": count, "qualifier": qualifier,
                "period": period or (str(publication.year) if publication else None),
                "evidence": text[start:end], "evidence_spans": [[start, end]],
                "rule": "tally:" + ("+".join(kind) if isinstance(kind, list) else kind),
            })
    return _dedupe(tallies)


def _counts(text: str, start: int, end: int) -> list[tuple[str | list[str], int, str,
                                                          tuple[int, int]]]:
    found = []
    for m in _NOUN_RE.finditer(text, start, end):
        count = _number(m["num"])
        if count is None or count < 2 or _is_year(m["num"]):
            continue
        kind = next(t for i, (_, t) in enumerate(_NOUNS) if m[f"n{i}"])
        noun = m["noun"].lower()
        if noun.startswith(("heads of state", "leaders", "foreign leaders")) and not \
                _HOSTED_RE.search(text, max(start, m.start() - 25), m.start()):
            continue
        found.append((kind, count, _QUALIFIERS.get((m["qual"] or "").lower(), "exact"),
                      m.span()))
    for m in _VERB_RE.finditer(text, start, end):
        verb = m["verb"].lower()
        kind = _VERB_TYPES.get(verb)
        count = _number(m["num"])
        if kind is None or count is None:
            continue
        found.append((kind, count, _QUALIFIERS.get((m["qual"] or "").lower(), "exact"),
                      m.span()))
    for m in _TOTAL_RE.finditer(text, start, end):
        count = _number(m["num"])
        kinds = _kinds_before(text[start:m.start()])
        if count is None or not kinds:
            continue
        found.append((kinds if len(kinds) > 1 else kinds[0], count,
                      _QUALIFIERS.get((m["qual"] or "").lower(), "exact"), m.span()))
    for m in _VISITED_COUNTRIES_RE.finditer(text, start, end):
        count = _number(m["num"])
        if count is not None:
            found.append(("meeting", count, "exact", m.span()))
    return found


def _kinds_before(clause: str) -> list[str]:
    """Types named in the clause a total closes ("speeches ... messages totaling 100")."""
    tail = re.split(r"[,;]\s+(?=\w+ed\b)|\battended\b", clause)[-1] if clause else ""
    kinds = []
    lowered = clause.lower()
    if "speech" in lowered:
        kinds.append("speech")
    if re.search(r"\b(?:messages|letters|correspondence)\b", lowered):
        kinds.append("message")
    if not kinds and re.search(r"\bcalls\b", tail.lower()):
        kinds.append("phone_call")
    return kinds


def _is_year(value: str) -> bool:
    return value.isdigit() and len(value) == 4 and value.startswith(("19", "20"))


def _actor(ref, mentions: list[Mention], pos: int, sentence_start: int,
           on: dt.date | None) -> dict | None:
    before = [m for m in mentions if m.start < pos]
    if not before:
        return None
    mention = before[-1]
    person = ref.person(mention.keys[0])
    if person is None:
        return None
    country, org = person.party_on(on)
    if country is None and org is None:
        return None
    if country is None:
        return {"name": person.name, "country": None, "org": org}
    return {"name": person.name, "country": country}


def _period(text: str, start: int, end: int, publication: dt.date | None) -> str | None:
    sentence = text[start:end]
    if publication is not None:
        m = _PAST_YEARS_RE.search(sentence)
        if m:
            years = _number(m["n"]) or 0
            try:
                begin = publication.replace(year=publication.year - years)
            except ValueError:
                begin = publication.replace(year=publication.year - years, day=28)
            return f"{begin.isoformat()}/{publication.isoformat()}"
        if _PANDEMIC_RE.search(sentence):
            return f"2020-01-01/{publication.isoformat()}"
    dates = find_dates(sentence)
    for mention in dates:
        if mention.kind == "absolute" and mention.day and _SINCE_RE.search(
                sentence, max(0, mention.start - 8), mention.start) and publication:
            value, precision = resolve(mention, publication)
            if value and precision == "day":
                return f"{value}/{publication.isoformat()}"
    for mention in dates:
        if mention.kind == "year":
            return str(mention.year)
        if mention.kind == "relper" and mention.unit == "year" and publication:
            value, _ = resolve(mention, publication)
            return value
    return None


def _sets_context(text: str, start: int, end: int) -> bool:
    """A period stated with "since"/"from" or "in YYYY" carries over to later counts."""
    return bool(_CONTEXT_RE.search(text, start, end))


_CONTEXT_RE = re.compile(r"\b(?:since|from|during|in \d{4}|(?:past|last) \w+ years)\b",
                         re.IGNORECASE)


def _dedupe(tallies: list[dict]) -> list[dict]:
    seen: set[tuple] = set()
    out = []
    for tally in tallies:
        kind = tally["type"]
        key = (tally["actor"].get("country") or tally["actor"].get("org"),
               tuple(kind) if isinstance(kind, list) else kind, tally["count"])
        if key in seen:
            continue
        seen.add(key)
        out.append(tally)
    return out
