"""Reference data: countries, organisations, office holders, title words.

All access to the JSON files in `data/` goes through this module. The data is
loaded once, lazily (`get_reference()`), and indexed for two questions the
extractor asks all the time:

- which persons, countries and organisations does a text mention, and where
  (`Reference.find_mentions`, one pass over the tokens with a dict keyed by
  the first folded token, never a loop over all persons);
- who held role R of country C (or organisation O) on date D
  (`Reference.holder`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

from .words import WordFilter, WordMap, remember_tokens, token_words

DATA_DIR = Path(__file__).resolve().parent / "data"

TOKEN_RE = re.compile(r"[^\W_]+")
# The same tokens in a text without "_", found a little faster; as a split pattern, the
# tokens come with the text between them, and their offsets add up at C speed.
_WORD_RUN_RE = re.compile(r"\w+")
_SPLIT_RES = {TOKEN_RE: re.compile(r"([^\W_]+)"), _WORD_RUN_RE: re.compile(r"(\w+)")}
# In an ASCII text the ASCII classes find the same tokens, a little faster.
_ASCII_SPLIT_RES = {TOKEN_RE: re.compile(r"([^\W_]+)", re.ASCII),
                    _WORD_RUN_RE: re.compile(r"(\w+)", re.ASCII)}
# Particles that start a name variant in lower case ("von der Leyen", "bin Salman").
LOWER_PARTICLES = frozenset({"von", "van", "de", "da", "del", "der", "al", "bin", "ibn", "el",
                             "du", "dos", "das", "la", "le"})


def fold(text: str) -> str:
    """Lowercase without accents: 'Erdoğan' -> 'erdogan'."""
    if text.isascii():
        return text.lower()
    flat = unicodedata.normalize("NFKD", text)
    return "".join(c for c in flat if not unicodedata.combining(c)).lower().replace("ı", "i")


# Folded words, remembered per distinct word.
_FOLDED = WordMap(lambda word: word.lower() if word.isascii() else fold(word))


def tokenize(text: str) -> list[tuple[int, int, str]]:
    """Word tokens as (start, end, word); one pass shared by every finder."""
    pattern = TOKEN_RE if "_" in text else _WORD_RUN_RE
    # [gap, word, gap, word, ..., gap]: the running length gives each word's start and end.
    parts = (_ASCII_SPLIT_RES if text.isascii() else _SPLIT_RES)[pattern].split(text)
    offsets = list(accumulate(map(len, parts)))
    words, starts = parts[1::2], offsets[:-1:2]
    tokens = list(zip(starts, offsets[1::2], words, strict=True))
    remember_tokens(tokens, words, starts)
    return tokens


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Office:
    role: str
    title: str
    country: str | None
    org: str | None
    start: dt.date | None
    end: dt.date | None

    def active(self, on: dt.date) -> bool:
        return (self.start is None or self.start <= on) and (self.end is None or on < self.end)

    def distance(self, on: dt.date) -> int:
        """Days between `on` and this term (0 inside it)."""
        if self.active(on):
            return 0
        if self.start is not None and on < self.start:
            return (self.start - on).days
        return (on - self.end).days if self.end is not None else 0


@dataclass(slots=True)
class Person:
    name: str
    variants: list[str] = field(default_factory=list)
    offices: list[Office] = field(default_factory=list)
    # office_on answers by date: asked for every mention of the person.
    _offices_on: dict[dt.date, Office | None] = field(default_factory=dict, repr=False,
                                                     compare=False)

    def office_on(self, on: dt.date | None) -> Office | None:
        """The office held on `on` (the most senior if several), else the nearest term."""
        if not self.offices:
            return None
        if on is None:
            on = dt.date.today()
        known = self._offices_on
        if on not in known:
            if len(known) >= 512:
                known.clear()
            known[on] = min(self.offices,
                            key=lambda o: (o.distance(on), ROLE_RANK.get(o.role, 9)))
        return known[on]

    def party_on(self, on: dt.date | None) -> tuple[str | None, str | None]:
        """(country, org) the person acts for on `on`."""
        office = self.office_on(on)
        if office is None:
            return None, None
        return office.country, office.org


ROLE_RANK = {"head_of_state": 0, "head_of_government": 1, "org_head": 2, "vice_president": 3,
             "deputy_head_of_government": 4, "foreign_minister": 5, "minister": 6, "envoy": 7,
             "other": 8}


# Not frozen: a frozen dataclass is made several times slower, and a dozen of these are made
# per article. Never changed once made (hashed by value like a frozen one).
@dataclass(slots=True, unsafe_hash=True)
class Mention:
    """A span of text naming a person, country or organisation."""

    start: int
    end: int
    kind: str                 # person | country | org
    keys: tuple[str, ...]     # person names (several when ambiguous), or one ISO3 / org code
    form: str                 # name | alias | adjective | short (person short form)
    text: str


@dataclass(frozen=True, slots=True)
class _Entry:
    tokens: tuple[str, ...]
    kind: str
    key: str
    form: str
    exact_case: str | None    # the variant as written, when its case must match exactly
    capitalised: bool         # the first token must start upper-case in the text


LEGISLATURE_PREFIX = "LEG-"


class Reference:
    """Indexed reference data; build once with `get_reference()`."""

    def __init__(self, data_dir: Path = DATA_DIR) -> None:
        self.countries: dict[str, dict] = {}
        self.orgs: dict[str, dict] = {}
        self.persons: dict[str, Person] = {}
        self.titles: dict = {}
        # Capital cities: a one-word name equal to one ("Muscat's policy") is the city.
        self.capitals: frozenset[str] = frozenset()
        # National legislatures act for their country ("addressed the US Congress").
        self.legislatures: dict[str, str] = {}
        self._index: dict[str, list[_Entry]] = defaultdict(list)
        # Names of one word, and the first two words of longer names: a token starts a
        # name only if it is one, or it and the next token are the first two of one.
        self._one_word: set[str] = set()
        self._two_words: set[tuple[str, ...]] = set()
        # The names to try at a token, as (size, {tokens: entries}) from the longest size
        # down: by its word and the next, the names that go on with that next word and the
        # names of one word; by its word alone, the names of one word (when no name goes on
        # with the next).
        self._by_pair: dict[tuple[str, ...], list[tuple[int, dict[tuple[str, ...],
                                                                   list[_Entry]]]]] = {}
        self._by_one: dict[str, list[tuple[int, dict[tuple[str, ...], list[_Entry]]]]] = {}
        # Per first token: whether some name starting with it takes any case, whether some
        # takes a capitalised word, and the first words of the names that keep their case.
        self._first_cases: dict[str, tuple[bool, bool, frozenset[str]]] = {}
        self._holders: dict[tuple[str, str], list[tuple[Office, Person]]] = defaultdict(list)
        self._load(data_dir)
        self._build_index()
        # Tokens where a name may start, picked with the other finders' words.
        self._name_starts = WordFilter(self._may_start_name)

    # ----------------------------------------------------------------- loading
    def _load(self, data_dir: Path) -> None:
        for row in _read_json(data_dir / "countries.json") or []:
            self.countries[row["iso3"]] = row
        self.capitals = frozenset(row["capital"] for row in self.countries.values()
                                  if row.get("capital"))
        for row in _read_json(data_dir / "organisations.json") or []:
            self.orgs[row["code"]] = row
        for row in _read_json(data_dir / "forums.json") or []:
            org = self.orgs.setdefault(row["org"], {"code": row["org"], "name": row["org"],
                                                    "aliases": [], "adjectives": []})
            org.setdefault("forums", []).extend(row["names"])
        for row in _read_json(data_dir / "legislatures.json") or []:
            code = LEGISLATURE_PREFIX + row["country"]
            self.legislatures[code] = row["country"]
            self.orgs[code] = {"code": code, "name": row["names"][0], "aliases": [],
                               "adjectives": [], "forums": list(row["names"])}
        self.titles = _read_json(data_dir / "titles.json") or {}
        leaders_dir = data_dir / "leaders"
        for path in sorted(leaders_dir.glob("*.json")) if leaders_dir.is_dir() else []:
            for row in _read_json(path) or []:
                self._add_person(row)

    def _add_person(self, row: dict) -> None:
        name = row.get("name")
        if not name:
            return
        person = self.persons.get(name)
        if person is None:
            person = self.persons[name] = Person(name)
        for variant in row.get("variants") or []:
            if variant not in person.variants:
                person.variants.append(variant)
        for raw in row.get("offices") or []:
            office = Office(raw.get("role") or "other", raw.get("title") or "",
                            raw.get("country"), raw.get("org"),
                            _parse_date(raw.get("start")), _parse_date(raw.get("end")))
            if office not in person.offices:
                person.offices.append(office)
                self._holders[(office.role, office.country or office.org or "")].append(
                    (office, person))

    # ---------------------------------------------------------------- indexing
    def _add_entry(self, phrase: str, kind: str, key: str, form: str,
                   exact: bool = False) -> None:
        raw_tokens = TOKEN_RE.findall(phrase)
        if not raw_tokens:
            return
        tokens = tuple(fold(t) for t in raw_tokens)
        first = raw_tokens[0]
        # Acronyms ("US", "UN", "AU") must keep their case: "us", "un", "au" are words.
        exact = exact or (len(phrase.replace(".", "")) <= 4 and phrase.replace(".", "").isupper())
        # "joint session of Congress": a name that starts lower-case matches as written.
        exact = exact or (first[0].islower() and tokens[0] not in LOWER_PARTICLES)
        capitalised = first[0].isupper() or tokens[0] not in LOWER_PARTICLES
        entry = _Entry(tokens, kind, key, form, phrase if exact else None, capitalised)
        bucket = self._index[tokens[0]]
        if entry not in bucket:
            bucket.append(entry)

    def _build_index(self) -> None:
        for iso3, row in self.countries.items():
            self._add_entry(row["name"], "country", iso3, "name")
            for alias in row.get("aliases") or []:
                if alias.lower().startswith("the "):
                    alias = alias[4:]
                self._add_entry(alias, "country", iso3, "alias")
            for alias in row.get("case_sensitive_aliases") or []:
                self._add_entry(alias, "country", iso3, "alias", exact=True)
            for adjective in row.get("adjectives") or []:
                self._add_entry(adjective, "country", iso3, "adjective")
        for code, row in self.orgs.items():
            self._add_entry(row.get("name") or code, "org", code, "name")
            for alias in [code, *(row.get("aliases") or [])]:
                self._add_entry(alias, "org", code, "alias")
            for adjective in row.get("adjectives") or []:
                self._add_entry(adjective, "org", code, "adjective")
            for forum in row.get("forums") or []:
                self._add_entry(forum, "org", code, "forum")
        # Short forms that are also common English words ("He" Lifeng, Theresa "May")
        # are only trusted in their full form.
        stopwords = set(self.titles.get("person_stopwords", [])) if isinstance(
            self.titles, dict) else set()
        for person in self.persons.values():
            full_tokens = len(TOKEN_RE.findall(person.name))
            self._add_entry(person.name, "person", person.name, "name")
            for variant in person.variants:
                if variant in stopwords:
                    continue
                short = len(TOKEN_RE.findall(variant)) < min(2, full_tokens)
                self._add_entry(variant, "person", person.name, "short" if short else "name")
        for first, bucket in self._index.items():
            bucket.sort(key=lambda e: -len(e.tokens))
            self._first_cases[first] = _first_cases(bucket)
            for entry in bucket:
                if len(entry.tokens) == 1:
                    self._one_word.add(first)
                else:
                    self._two_words.add(entry.tokens[:2])
        for first, second in self._two_words:
            self._by_pair[first, second] = _by_size(
                [e for e in self._index[first] if len(e.tokens) == 1 or e.tokens[1] == second])
        for first in self._one_word:
            self._by_one[first] = _by_size([e for e in self._index[first] if len(e.tokens) == 1])

    # ---------------------------------------------------------------- mentions
    def find_mentions(self, text: str,
                      tokens: list[tuple[int, int, str]] | None = None) -> list[Mention]:
        """Persons, countries and organisations named in `text`, longest match first,
        non-overlapping, in text order (`tokens`: `tokenize(text)`, if already done)."""
        if tokens is None:
            tokens = tokenize(text)
        words = token_words(tokens)
        fold_word = _FOLDED.one
        found: list[Mention] = []
        covered, count = 0, len(words)
        by_pair, by_one = self._by_pair, self._by_one
        for i in self._name_starts.select_indices(tokens):
            if i < covered:
                continue
            first = fold_word(words[i])
            by_size = by_pair.get((first, fold_word(words[i + 1]) if i + 1 < count else "")) \
                or by_one.get(first)
            if by_size is None:
                continue    # no name of one word, and none goes on with the next token
            length, hits = _match_at(text, tokens, words, i, by_size)
            if not hits:
                continue
            start, end = tokens[i][0], tokens[i + length - 1][1]
            kind = hits[0].kind
            keys, form = _keys_and_form(hits)
            if form == "short" and _place_not_person(text, tokens[i]):
                continue
            found.append(Mention(start, end, kind, keys, form, text[start:end]))
            covered = i + length
        return found

    def _may_start_name(self, word: str) -> bool:
        """Whether a name can start at a token of `word`: its folded form starts one, in a
        case that one of those names accepts (a necessary test of `_case_ok`, per word)."""
        cases = self._first_cases.get(_FOLDED.one(word))
        if cases is None:
            return False
        any_case, capitalised, exact_firsts = cases
        return any_case or (capitalised and word[0].isupper()) or word in exact_firsts

    # ----------------------------------------------------------------- offices
    def holders(self, role: str, party: str, on: dt.date | None) -> list[Person]:
        """Persons holding `role` for country/org `party` on `on` (today if None)."""
        on = on or dt.date.today()
        terms = self._holders.get((role, party), [])
        return [person for office, person in terms if office.active(on)]

    def holder(self, role: str, party: str, on: dt.date | None,
               title_hint: str = "") -> Person | None:
        """The holder of `role` for `party` on `on`; `title_hint` picks among several
        (e.g. the EU has several presidents: "European Commission" picks one)."""
        on = on or dt.date.today()
        terms = [(o, p) for o, p in self._holders.get((role, party), []) if o.active(on)]
        if not terms:
            return None
        if title_hint and len(terms) > 1:
            hint = fold(title_hint)
            matching = [(o, p) for o, p in terms if hint in fold(o.title)]
            terms = matching or terms
        return terms[0][1]

    def person(self, name: str) -> Person | None:
        return self.persons.get(name)

    def country_name(self, iso3: str) -> str:
        row = self.countries.get(iso3)
        return row["name"] if row else iso3

    def org_name(self, code: str) -> str:
        row = self.orgs.get(code)
        return (row.get("name") or code) if row else code


def _keys_and_form(hits: list[_Entry]) -> tuple[tuple[str, ...], str]:
    """The keys of the entries a name matched (of the first one's kind) and its form."""
    first = hits[0]
    if len(hits) == 1:      # most names: one entry, read without a loop
        return (first.key,), first.form
    keys = tuple(dict.fromkeys(h.key for h in hits if h.kind == first.kind))
    short = first.kind == "person" and all(h.form == "short" for h in hits)
    return keys, "short" if short else first.form


def _by_size(bucket: list[_Entry]) -> list[tuple[int, dict[tuple[str, ...], list[_Entry]]]]:
    """A bucket's entries grouped by size (longest first), then by tokens, in order."""
    sizes: dict[int, dict[tuple[str, ...], list[_Entry]]] = {}
    for entry in bucket:
        sizes.setdefault(len(entry.tokens), {}).setdefault(entry.tokens, []).append(entry)
    return sorted(sizes.items(), reverse=True)


def _first_cases(bucket: list[_Entry]) -> tuple[bool, bool, frozenset[str]]:
    """What case the first word of a bucket's names may have (see `_case_ok`)."""
    exact = [e for e in bucket if e.exact_case is not None]
    free = [e for e in bucket if e.exact_case is None]
    return (any(not e.capitalised for e in free), any(e.capitalised for e in free),
            frozenset(TOKEN_RE.findall(e.exact_case)[0] for e in exact if e.exact_case))


def _match_at(text: str, tokens: list[tuple[int, int, str]], words: list[str], i: int,
              by_size: list[tuple[int, dict[tuple[str, ...], list[_Entry]]]],
              ) -> tuple[int, list[_Entry]]:
    """The longest names starting at token `i`: (their size in tokens, their entries)."""
    # The words are folded once, for the longest size (the first); each size takes a head.
    folded = _FOLDED.many(words[i:i + by_size[0][0]]) if by_size else []
    for size, by_tokens in by_size:
        entries = by_tokens.get(tuple(folded[:size]))
        if not entries:
            continue
        # A name must not run on across a line break or a sentence end.
        if size > 1 and "\n" in text[tokens[i][1]:tokens[i + size - 1][0]]:
            continue
        hits = [entry for entry in entries if _case_ok(tokens, i, entry)]
        if hits:
            return size, hits
    return 0, []


# A surname that is also a city ("Muscat", "Dar" es Salaam) names the place in a dateline
# ("MUSCAT, June 1") or after "in"/"near".
_PLACE_BEFORE_RE = re.compile(r"\b(?:in|near)\s+$")


def _place_not_person(text: str, token: tuple[int, int, str]) -> bool:
    start, _end, word = token
    if len(word) > 1 and word.isupper():
        return True
    return _PLACE_BEFORE_RE.search(text, max(0, start - 6), start) is not None


def _case_ok(tokens: list[tuple[int, int, str]], i: int, entry: _Entry) -> bool:
    if entry.exact_case is not None:
        wanted = TOKEN_RE.findall(entry.exact_case)
        return [t[2] for t in tokens[i:i + len(wanted)]] == wanted
    first = tokens[i][2]
    return not entry.capitalised or first[0].isupper()


def _read_json(path: Path) -> list | dict | None:
    if not path.is_file():
        return None
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=1)
def get_reference() -> Reference:
    """The reference data, loaded on first use and cached."""
    return Reference()
