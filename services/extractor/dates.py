"""Date mentions in news text and their resolution against an anchor date.

`find_dates` finds every date expression once (one compiled pattern) and
returns `DateMention`s that keep their parts unresolved; `resolve` turns a
mention into a ("YYYY-MM-DD" | "YYYY-MM" | "YYYY", precision) pair against
the publication (or dateline) date. Keeping parts unresolved lets the caller
resolve the same mention as past (occurred events) or future (planned ones).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from .words import WordFilter, WordStarts

MONTHS: dict[str, int] = {}
for _number, _name in enumerate(calendar.month_name):
    if _name:
        MONTHS[_name.lower()] = _number
        MONTHS[_name[:3].lower()] = _number
MONTHS["sept"] = 9

WEEKDAYS: dict[str, int] = {name.lower(): i for i, name in enumerate(calendar.day_name)}

NUMBER_WORDS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "a": 1, "a few": 3, "several": 3,
}

_MONTH = r"(?P<{g}>Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|Jun(?:e|\.)?|" \
         r"Jul(?:y|\.)?|Aug(?:ust|\.)?|Sep(?:t(?:ember|\.)?|\.)?|Oct(?:ober|\.)?|" \
         r"Nov(?:ember|\.)?|Dec(?:ember|\.)?)(?![^\W\d_])"  # "Novák" is a name
_DAY = r"(?P<{g}>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<{g}>(?:19|20)\d\d)"
_WEEKDAY = r"(?P<{g}>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_RANGE_TAIL = r"(?:\s*(?:-|–|to|and)\s*(?:[0-3]?\d(?:st|nd|rd|th)?)(?![\d:]))?"

_PATTERNS: list[tuple[str, str]] = [
    ("iso", r"(?<![\d-])" + _YEAR.format(g="iy") + r"-(?P<im>[01]\d)-(?P<id>[0-3]\d)(?!\d)"),
    # December 15, 2021 / Dec. 15 / Sept. 14-15, 2022 / December 15th
    ("mdy", _MONTH.format(g="m1") + r"\s*" + _DAY.format(g="d1") + r"(?![\d:])" + _RANGE_TAIL
     + r"(?:,?\s*" + _YEAR.format(g="y1") + r")?"),
    # 15 December 2021 / 01st November, 2022
    ("dmy", r"(?<![\d.])" + _DAY.format(g="d2") + _RANGE_TAIL + r"\s+(?:of\s+)?"
     + _MONTH.format(g="m2") + r"(?:,?\s*" + _YEAR.format(g="y2") + r")?"),
    # the 5th (of this month)
    ("nth", r"\bthe\s+(?P<d3>[0-3]?\d)(?:st|nd|rd|th)\b"
     r"(?=\s*(?:[,.;)]|$|(?:of|and|at|in|on|to|this|last|when)\b))"),
    # early/mid/late September (2019), in June, this March, June this year
    ("month", r"(?:\b(?P<mmod>early|mid|late|earlier|in|this|last|next)[\s-]+)?"
     + _MONTH.format(g="m4") + r"(?:\s+(?:of\s+)?(?:" + _YEAR.format(g="y4")
     + r"|(?P<m4rel>this|last|next)\s+year))?"),
    ("weekday", r"\b(?P<wmod>last|next|this|on|coming)?\s*" + _WEEKDAY.format(g="wd")),
    # ", a day after he held talks": the clause's event lies that many days before.
    # "X's visit came a day after his deputy met Y": the same, after "came"/"comes".
    ("shiftconj", r"(?:(?<=,\s)|(?<=\bcame\s)|(?<=\bcomes\s))"
     r"(?P<sc>(?:a|one|two|three|four|five|six) days? (?:after|before))"
     r"(?=\s+(?:he|she|they|it|his|her|their|[A-Z]|[a-z]+ing\b))"),
    # "a day earlier", "the next day", "later in the day": days from the date told before.
    ("shift", r"\b(?P<sh>(?:a|one|two|three|four|five|six|a few|several) days? "
     r"(?:earlier|later|before|after|previously)|the (?:previous|next|following) day|"
     r"the day (?:before|after)|(?:earlier|later) (?:in the|that) day|later that day|"
     r"(?:on )?the same day|that same day)\b(?=\s*(?:[,.;)]|$|(?:in|at|on|when|and|to|for|"
     r"with|he|she|they)\b))"),
    ("relday", r"\b(?P<rd>today|yesterday|tomorrow|tonight|this (?:morning|afternoon|evening)|"
     r"earlier this day|the day before yesterday)\b"),
    ("relper", r"\b(?P<rp>(?:earlier |later )?(?:this|last|next|past|previous|coming) "
     r"(?:week|month|year)|(?:earlier|later) this (?:week|month|year)|"
     # "agreed to meet again before the end of the month": this month.
     r"(?:before|by) the end of (?:the|this) (?:week|month|year)|"
     r"in the coming days|recently)\b"),
    ("year", r"(?<![\d/-])(?:\b(?:in|of|since|during|by|for|from)\s+)"
     r"(?P<y5>(?:19|20)\d\d)(?![\d-])"),
]

# The characters each pattern's matches start with (read off the patterns above): every
# group of DATE_RE opens with a lookahead on them, so the words of a group that cannot match
# at a position are not tried one by one (speed).
_FIRST_CHARS: dict[str, str] = {
    "iso": r"[12]", "mdy": r"[adfjmnos]", "dmy": r"\d", "nth": r"t", "month": r"[adefijlmnost]",
    "weekday": r"[cflmnostw\s]", "shiftconj": r"[afost]", "shift": r"[aeflost]",
    "relday": r"[ety]", "relper": r"[bceilnprt]", "year": r"[bdfios]",
}
# The leading \b makes the scan skip mid-word positions at once (speed).
DATE_RE = re.compile(r"\b(?:" + "|".join(f"(?P<k_{name}>(?={_FIRST_CHARS[name]}){pattern})"
                                         for name, pattern in _PATTERNS) + ")", re.IGNORECASE)
_RANGED_RE = re.compile(r"\d\s*(?:-|–|to|and)\s*\d")
# A weekday or a month name must be capitalised to count ("may" is a verb).
_CAPITALISED_GROUPS = ("m1", "m2", "m4", "wd")

HEADER_RE = re.compile(r"^\s*date\s+(\d{4})-(\d\d)-(\d\d)")
DATELINE_RE = re.compile(
    r"^(?:\s*date\s+\d{4}-\d\d-\d\d\s+)?[A-Z][A-Za-z .'/\-\[\]]{1,60},?\s+(?:\w+\s+)?"
    + _MONTH.format(g="m") + r"\s*"
    + _DAY.format(g="d") + r"(?:,?\s*" + _YEAR.format(g="y") + r")?\s*(?:\(|/|:|--|—|–)",
    re.MULTILINE)
# "Addis Ababa December 17/2019", "Samarkand [Uzbekistan], April 13 :"


# Not frozen: a frozen dataclass is made five times slower, and a dozen of these are made
# per article. Never changed once made (hashed by value like a frozen one).
@dataclass(slots=True, unsafe_hash=True)
class DateMention:
    """One date expression; parts stay unresolved until `resolve`."""

    start: int
    end: int
    kind: str                 # absolute | month | year | weekday | relday | relper | nth | shift
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    offset: int = 0           # relative days / months / years, by kind
    unit: str = ""            # day | week | month | year for relper
    ranged: bool = False      # "Feb. 14-15": a span of days


def _month(token: str | None) -> int | None:
    if not token:
        return None
    return MONTHS.get(token.lower().rstrip(".")[:3])


def _is_capitalised(match: re.Match[str]) -> bool:
    for group in _CAPITALISED_GROUPS:
        value = match.group(group)
        if value and not value[0].isupper():
            return False
    return True


def _relday(phrase: str, start: int, end: int) -> DateMention:
    phrase = phrase.lower()
    offset = {"yesterday": -1, "tomorrow": 1, "the day before yesterday": -2}.get(phrase, 0)
    return DateMention(start, end, "relday", offset=offset)


def _relper(phrase: str, start: int, end: int) -> DateMention:
    phrase = phrase.lower()
    if phrase == "recently":
        return DateMention(start, end, "relper", unit="recent")
    if phrase == "in the coming days":
        return DateMention(start, end, "relper", unit="day", offset=3)
    unit = phrase.rsplit(" ", 1)[1]
    offset = 0
    if "last" in phrase or "past" in phrase or "previous" in phrase:
        offset = -1
    elif "next" in phrase or "coming" in phrase:
        offset = 1
    return DateMention(start, end, "relper", unit=unit, offset=offset)


def _shift(phrase: str, start: int, end: int, sign: int) -> DateMention:
    """Days from the date told before: "a day earlier" -1, "two days later" +2; `sign` -1
    turns a conjunction around ("X on Tuesday, a day after he met Y": Y on Monday)."""
    words = phrase.lower().split()
    count = 0 if "same" in words or (words[-1] == "day" and words[0] in ("earlier", "later")) \
        else NUMBER_WORDS.get(words[0], 1) if words[0] != "the" else 1
    if words[0] == "a" and words[1] == "few":
        count = 3
    later = any(w in ("later", "after", "next", "following") for w in words)
    return DateMention(start, end, "shift", offset=sign * (count if later else -count))


def _from_match(m: re.Match[str]) -> DateMention | None:
    start, end = m.span()
    kind = m.lastgroup or ""
    if kind == "k_iso":
        return DateMention(start, end, "absolute", int(m["iy"]), int(m["im"]), int(m["id"]))
    if not _is_capitalised(m):
        return None
    if kind == "k_mdy":
        day = int(m["d1"])
        if not 1 <= day <= 31:
            return None
        ranged = bool(_RANGED_RE.search(m.group(0)))
        year = int(m["y1"]) if m["y1"] else None
        return DateMention(start, end, "absolute", year, _month(m["m1"]), day, ranged=ranged)
    if kind == "k_dmy":
        day = int(m["d2"])
        if not 1 <= day <= 31:
            return None
        ranged = bool(_RANGED_RE.search(m.group(0)))
        year = int(m["y2"]) if m["y2"] else None
        return DateMention(start, end, "absolute", year, _month(m["m2"]), day, ranged=ranged)
    if kind == "k_nth":
        day = int(m["d3"])
        return DateMention(start, end, "nth", day=day) if 1 <= day <= 31 else None
    if kind == "k_month":
        return _month_mention(m, start, end)
    if kind == "k_weekday":
        return DateMention(m.start("wd"), end, "weekday", weekday=WEEKDAYS[m["wd"].lower()],
                           offset={"last": -1, "next": 1, "coming": 1}.get(
                               (m["wmod"] or "").lower(), 0))
    if kind == "k_shift":
        return _shift(m["sh"], start, end, 1)
    if kind == "k_shiftconj":
        return _shift(m["sc"], start, end, -1)
    if kind == "k_relday":
        return _relday(m["rd"], start, end)
    if kind == "k_relper":
        return _relper(m["rp"], start, end)
    if kind == "k_year":
        return DateMention(m.start("y5"), end, "year", year=int(m["y5"]))
    return None


def _month_mention(m: re.Match[str], start: int, end: int) -> DateMention | None:
    month_word = m["m4"]
    modifier = (m["mmod"] or "").lower()
    # A bare "May"/"March" is too ambiguous unless a preposition or year backs it.
    if month_word.lower() in ("may", "march") and not (modifier or m["y4"] or m["m4rel"]):
        return None
    year = int(m["y4"]) if m["y4"] else None
    offset = {"last": -1, "next": 1}.get((m["m4rel"] or "").lower(), 0)
    if modifier in ("last", "next") and not m["m4rel"]:
        offset = -1 if modifier == "last" else 1
        return DateMention(start, end, "month", year, _month(month_word), offset=offset,
                           unit="named")
    return DateMention(start, end, "month", year, _month(month_word), offset=offset,
                       unit="year" if m["m4rel"] else ("this" if modifier == "this" else ""))


# Words a date expression is built around; only windows around them are searched.
_HINT_PREFIXES = frozenset(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                            "nov", "dec", "mon", "tue", "wed", "thu", "fri", "sat", "sun"])
_HINT_WORDS = frozenset(["today", "yesterday", "tomorrow", "tonight", "morning", "afternoon",
                         "evening", "day", "week", "month", "year", "days", "recently"])
# The whole words a month or weekday name can be: a plain word that only starts like one
# ("markets", "declined", "months") is part of no date, so no window is searched for it.
_MONTH_WORDS = frozenset(MONTHS)
_WEEKDAY_NAMES = tuple(WEEKDAYS)


def _may_name_date(word: str, low: str) -> bool:
    """Whether a token that starts like a month or weekday can be (part of) one."""
    if not (word.isascii() and word.isalpha()):
        return True     # digits or accents glued on: let the pattern decide
    return low in _MONTH_WORDS or low.startswith(_WEEKDAY_NAMES)


def _date_hint(word: str) -> bool:
    """Whether a date expression can be built around this word."""
    low = word.lower()
    return word[0].isdigit() or low in _HINT_WORDS or (
        low[:3] in _HINT_PREFIXES and _may_name_date(word, low))


_DATE_HINTS = WordFilter(_date_hint)

# The words a match of DATE_RE can start with (read off its patterns): a number, a month
# or weekday name, or one of these leading words. In a hint's window only tokens of such a
# word are tried as starts; at any other token the pattern cannot match.
_DATE_LEAD_WORD_RE = re.compile(
    r"(?:a|one|two|three|four|five|six|several|the|earlier|later|on|that|this|today|"
    r"yesterday|tomorrow|tonight|last|next|past|previous|coming|before|by|in|recently|"
    r"early|mid|late|of|since|during|for|from)", re.IGNORECASE)
_DATE_LEAD_PREFIX_RE = re.compile(
    r"\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday", re.IGNORECASE)
_DATE_STARTS = WordStarts(lambda word: bool(_DATE_LEAD_WORD_RE.fullmatch(word)
                                            or _DATE_LEAD_PREFIX_RE.match(word)))


def find_dates(text: str, tokens: list[tuple[int, int, str]] | None = None) -> list[DateMention]:
    """Every date expression in `text`, in order.

    With `tokens` (word tokens of `text`), only small windows around digits, month,
    weekday and relative-time words are searched, which is several times faster.
    """
    if tokens is None:
        return [x for x in map(_from_match, DATE_RE.finditer(text)) if x is not None]
    found: list[DateMention] = []
    pos, size = 0, len(text)
    for start, end, _word in _DATE_HINTS.select(tokens):
        if end <= pos:
            continue
        window = max(pos, start - 24)
        while True:
            # A weekday match may start at the space before the name ("\s*Monday"):
            # tried at the name instead, it gives the same mention.
            m = _DATE_STARTS.match_at(DATE_RE, text, tokens, window, start,
                                      min(size, end + 32))
            if m is None:
                break
            if m.end() <= start:
                window = m.end()
                continue
            mention = _from_match(m)
            if mention is not None:
                found.append(mention)
                pos = m.end()
            break
    return found


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def resolve(mention: DateMention, anchor: dt.date | None,
            future: bool = False) -> tuple[str | None, str]:
    """Resolve `mention` against `anchor` (publication or dateline date).

    `future` says the event is planned: a day-month without a year then falls
    on or after the anchor instead of before it.
    """
    kind = mention.kind
    if kind == "absolute":
        return _resolve_absolute(mention, anchor, future)
    if kind == "year":
        return str(mention.year), "year"
    if anchor is None:
        return None, "unknown"
    if kind == "month":
        return _resolve_month(mention, anchor, future)
    if kind == "nth":
        day = _safe_date(anchor.year, anchor.month, mention.day or 1)
        if day is None or (day > anchor and not future):
            year, month = _shift_month(anchor.year, anchor.month, -1)
            day = _safe_date(year, month, mention.day or 1)
        return (day.isoformat(), "day") if day else (None, "unknown")
    if kind == "weekday":
        return _resolve_weekday(mention, anchor, future).isoformat(), "day"
    if kind in ("relday", "shift"):
        # A shift is resolved against the date told before (the caller's anchor).
        return (anchor + dt.timedelta(days=mention.offset)).isoformat(), "day"
    return _resolve_period(mention, anchor)


def _resolve_absolute(mention: DateMention, anchor: dt.date | None,
                      future: bool) -> tuple[str | None, str]:
    month, day = mention.month or 1, mention.day or 1
    precision = "month" if mention.ranged else "day"
    if mention.year is not None:
        value = _safe_date(mention.year, month, day)
    elif anchor is None:
        return None, "unknown"
    else:
        value = _safe_date(anchor.year, month, day)
        if value is not None and not future and value > anchor:
            value = _safe_date(anchor.year - 1, month, day)
        elif value is not None and future and value < anchor - dt.timedelta(days=180):
            value = _safe_date(anchor.year + 1, month, day)
    if value is None:
        return None, "unknown"
    return (value.isoformat() if precision == "day" else value.isoformat()[:7]), precision


def _resolve_month(mention: DateMention, anchor: dt.date,
                   future: bool) -> tuple[str | None, str]:
    month = mention.month or anchor.month
    if mention.year is not None:
        year = mention.year
    elif mention.unit == "year":
        year = anchor.year + mention.offset
    elif mention.unit == "named":
        year = anchor.year
        if mention.offset < 0 and month >= anchor.month:
            year -= 1
        if mention.offset > 0 and month <= anchor.month:
            year += 1
    else:
        year = anchor.year
        if mention.unit != "this":
            if not future and month > anchor.month:
                year -= 1
            elif future and month < anchor.month:
                year += 1
    return f"{year:04d}-{month:02d}", "month"


def _resolve_weekday(mention: DateMention, anchor: dt.date, future: bool) -> dt.date:
    wanted = mention.weekday or 0
    if future or mention.offset > 0:
        delta = (wanted - anchor.weekday()) % 7
        if mention.offset > 0 and delta == 0:
            delta = 7
        return anchor + dt.timedelta(days=delta)
    delta = (anchor.weekday() - wanted) % 7
    if mention.offset < 0 and delta == 0:
        delta = 7
    return anchor - dt.timedelta(days=delta)


def _resolve_period(mention: DateMention, anchor: dt.date) -> tuple[str | None, str]:
    unit, offset = mention.unit, mention.offset
    if unit == "recent":
        return None, "unknown"
    if unit == "day":
        return (anchor + dt.timedelta(days=offset)).isoformat()[:7], "month"
    if unit == "week":
        return (anchor + dt.timedelta(days=7 * offset)).isoformat()[:7], "month"
    if unit == "month":
        year, month = _shift_month(anchor.year, anchor.month, offset)
        return f"{year:04d}-{month:02d}", "month"
    return str(anchor.year + offset), "year"


def header_date(text: str) -> dt.date | None:
    """The crawler's ` date YYYY-MM-DD` header, if the text starts with one."""
    m = HEADER_RE.match(text)
    if not m:
        return None
    return _safe_date(int(m[1]), int(m[2]), int(m[3]))


def dateline_date(text: str, anchor: dt.date | None) -> dt.date | None:
    """The date of a wire dateline ("BEIJING, Sept. 10 (Xinhua) --") near the top."""
    m = _dateline(text)
    if not m:
        return None
    month = _month(m["m"])
    if month is None or not m["m"][0].isupper():
        return None
    day = int(m["d"])
    if m["y"]:
        return _safe_date(int(m["y"]), month, day)
    if anchor is None:
        return None
    value = _safe_date(anchor.year, month, day)
    if value is not None and value > anchor + dt.timedelta(days=1):
        value = _safe_date(anchor.year - 1, month, day)
    return value


_DATELINE_REACH = 2500


@lru_cache(maxsize=4)
def _dateline(text: str) -> re.Match[str] | None:
    """The dateline near the top; both the anchors and the meta spans need it."""
    # The pattern opens with "^" (a line start): tried at line starts only, it finds
    # what a search finds.
    line_start, end = 0, min(len(text), _DATELINE_REACH)
    last_month: int | None = None
    while True:
        m = DATELINE_RE.match(text, line_start, _DATELINE_REACH)
        if m is not None:
            return m
        line_start = text.find("\n", line_start, end) + 1
        if line_start == 0:
            return None
        if last_month is None:
            # A dateline names its month (capitalised) after the place: a line that starts
            # at or after the last month name in reach holds none.
            last_month = max(text.rfind(month, 0, _DATELINE_REACH) for month in _MONTH_STARTS)
        if line_start >= last_month:
            return None


# How every month of DATELINE_RE starts (its pattern is case-sensitive); found from the
# end with `rfind` (no two of them overlap).
_MONTH_STARTS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                 "Dec")


def meta_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the date header and the dateline: their dates date the article,
    not an event."""
    spans: list[tuple[int, int]] = []
    m = HEADER_RE.match(text)
    if m:
        spans.append(m.span())
    line = _dateline(text)
    if line:
        spans.append(line.span())
    # "(UrduPoint News / Sputnik - 01st November, 2022)": a source line near the top.
    spans.extend(m.span() for m in _SOURCE_PAREN_RE.finditer(text, 0, 400))
    return spans


_SOURCE_PAREN_RE = re.compile(r"\([^()\n]{0,80}\b(?:19|20)\d\d\)")


def anchors(text: str, published: dt.date | None) -> tuple[dt.date | None, dt.date | None]:
    """(publication date, best anchor for weekdays and "today").

    The publication date comes from `published`, else the date header, else
    the dateline. A dateline close before publication is a better anchor for
    "on Tuesday" than the publication date (wire copy is dated a day later).
    """
    publication = published or header_date(text)
    line = dateline_date(text, publication)
    if publication is None:
        return line, line
    if line is not None and dt.timedelta(0) <= publication - line <= dt.timedelta(days=3):
        return publication, line
    return publication, publication
