"""Actors: who a sentence names, by name, by title, or by reference back.

An `Actor` is a person acting for a country or an organisation. Names come
from the reference data; titles ("the French president", "his Indian
counterpart", "the Presidents of Russia and the US") resolve to the office
holder on the event's date; pronouns and "the two leaders" resolve from the
article's running context (`Context`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .reference import Mention, Person, Reference

# No comma: "On Ukraine, the Prime Minister said" is not Ukraine's prime minister.
_TITLE_FILLER_RE = re.compile(r"^(?:\s|'s|’s|\bthen\b|-|\bnew\b|\btop\b|\bformer\b|\bthe\b|"
                              r"\bhis\b|\bher\b|\bnewly elected\b|\bincumbent\b|\bacting\b)*$",
                              re.IGNORECASE)
_OF_RE = re.compile(r"\s+(?:of|from|for)\s+(?:the\s+)?", re.IGNORECASE)
# "a president", "as US president", "the first Korean president to": a role, not a person.
_ARTICLE_BEFORE_RE = re.compile(r"\b(?:a|an|as|any|every|each|no|first|only)\s+$",
                                re.IGNORECASE)
_UNKNOWN_NAME_RE = re.compile(
    r"[\s,]*(?:(?:Dr|Mr|Mrs|Ms|Sheikh|Sir|H\.E)\.?\s+)?"
    r"((?:[A-Z][\w'’.-]+|(?:bin|al|de|da|van|von|der))(?:\s+(?:[A-Z][\w'’.-]+|bin|al|de|da|"
    r"van|von|der)){1,3})")
_PLURAL_TITLE_RE = re.compile(r"\b(?:heads|leaders|ministers|presidents|premiers|chiefs|"
                              r"secretaries|members|kings|monarchs|diplomats|envoys|"
                              r"officials)\b", re.IGNORECASE)
_UNKNOWN_FOLLOWS_RE = re.compile(r"[\s,]*(?:Dr\.?\s+)?[A-Z][a-z]+(?:\s+[A-Z][\w'-]+)+")
_ORG_TITLE_ROLES = frozenset({"org_head", "leader", "head_of_state"})
_LIST_GAP_RE = re.compile(r"^(?:\s*,\s*|\s+and\s+|\s*,\s*and\s+|\s+)(?:the\s+)?$", re.IGNORECASE)
_NAME_GAP_RE = re.compile(r"^[\s,]*(?:(?:Mr|Mrs|Ms|Dr|H\.E|Sheikh|Sir)\.?\s+)?$")
_APPOSITION_GAP_RE = re.compile(r"^\s*,\s*(?:the\s+|then\s+|then-)?$")


# "the King", "the sultan": a monarch's style, which a president does not bear.
_MONARCH_STYLES: dict[str, tuple[str, ...]] = {
    "king": ("king",), "queen": ("queen",), "emir": ("emir", "amir"), "amir": ("emir", "amir"),
    "sultan": ("sultan",), "emperor": ("emperor",),
    "monarch": ("king", "queen", "emir", "amir", "sultan", "emperor"),
}


def _styled(ref: Reference, actor: Actor, styles: tuple[str, ...]) -> bool:
    """Whether the actor holds (or held) an office styled with one of `styles`."""
    person = ref.person(actor.person) if actor.person else None
    titles = [o.title.lower() for o in person.offices] if person else []
    return any(style in t.split() for t in titles for style in styles) or any(
        style in actor.name.lower().split() for style in styles)


@dataclass(slots=True)
class Actor:
    name: str
    country: str | None
    org: str | None
    start: int
    end: int
    role: str | None = None
    person: str | None = None      # reference key when the person is known
    via: str = "name"              # name | title | pronoun | group

    @property
    def party(self) -> str:
        return self.country or self.org or self.name.lower()

    def record(self) -> dict:
        if self.country is None and self.org:
            return {"name": self.name, "country": None, "org": self.org}
        return {"name": self.name, "country": self.country}


@dataclass(slots=True)
class TitleMatch:
    start: int
    end: int
    phrase: str
    roles: tuple[str, ...]


@dataclass(slots=True)
class Context:
    """What the article has said so far, for references back."""

    ref: Reference
    seen: dict[str, int] = field(default_factory=dict)          # person key -> mentions
    recent: list[Actor] = field(default_factory=list)           # actors, oldest first
    last_subject: Actor | None = None
    last_parties: list[Actor] = field(default_factory=list)     # parties of the last event
    main_parties: list[Actor] = field(default_factory=list)     # parties of the first event
    last_aside: bool = False    # the last event was told aside ("Earlier, ...", "had met")
    focus: Actor | None = None                                  # first named person
    forums: list[Mention] = field(default_factory=list)         # organisations named so far
    # A count told in this paragraph ("spoke by phone 352 times"): (type, who, paragraph).
    tally: tuple[str, Actor | None, int] | None = None

    def remember(self, actors: list[Actor]) -> None:
        for actor in actors:
            if actor.person:
                self.seen[actor.person] = self.seen.get(actor.person, 0) + 1
            self.recent.append(actor)
            if self.focus is None and actor.via == "name" and actor.person:
                self.focus = actor
        del self.recent[:-30]


def role_of(person: Person, on: dt.date | None) -> str | None:
    office = person.office_on(on)
    return office.role if office else None


class ActorResolver:
    """Resolves the actors of one sentence (names, titles, references back)."""

    def __init__(self, ref: Reference, titles: dict[str, tuple[str, ...]],
                 leader_hog: frozenset[str]) -> None:
        self.ref = ref
        self.titles = titles
        self.leader_hog = leader_hog

    # ------------------------------------------------------------------ names
    def person_actor(self, mention: Mention, on: dt.date | None, ctx: Context,
                     title_hint: str = "") -> Actor | None:
        key = self._choose_person(mention.keys, on, ctx, title_hint)
        person = self.ref.person(key) if key else None
        if person is None:
            return None
        country, org = person.party_on(on)
        if country is None and org is None:
            return None
        return Actor(person.name, country, org, mention.start, mention.end,
                     role_of(person, on), person.name)

    def _choose_person(self, keys: tuple[str, ...], on: dt.date | None, ctx: Context,
                       title_hint: str) -> str | None:
        if len(keys) == 1:
            return keys[0]
        seen = [k for k in keys if k in ctx.seen]
        if len(seen) == 1:
            return seen[0]
        candidates = seen or list(keys)
        when = on or dt.date.today()
        roles = self.titles.get(title_hint.lower(), ())
        if roles:
            titled = [k for k in candidates if (p := self.ref.person(k)) and any(
                o.role in roles and o.active(when) for o in p.offices)]
            if titled:
                return titled[0]
        active = [k for k in candidates if (p := self.ref.person(k)) and any(
            o.active(when) for o in p.offices)]
        return (active or candidates)[0]

    # ----------------------------------------------------------------- titles
    def title_actors(self, text: str, title: TitleMatch, mentions: list[Mention],
                     on: dt.date | None, ctx: Context, subject: Actor | None) -> list[Actor]:
        """Actors named only by a title; [] when a name follows the title."""
        parties, after_end = self._parties_after(text, title, mentions)
        if self._name_follows(text, after_end, mentions):
            return self._unknown_named(text, title, after_end, parties, mentions)
        if self._name_precedes_apposition(text, title, mentions):
            return []
        if not parties:
            parties = self._parties_before(text, title, mentions)
        roles = title.roles
        if not parties:
            if _ARTICLE_BEFORE_RE.search(text, max(0, title.start - 8), title.start):
                return []
            return self._definite(title, ctx)
        lead = min(title.start, parties[0].start)
        if _ARTICLE_BEFORE_RE.search(text, max(0, lead - 8), lead):
            return []       # "his election as US president": a role, not a party
        # "leaders", "heads of state": a plural title names members, not the organisation.
        plural = bool(_PLURAL_TITLE_RE.search(title.phrase))
        parties = [p for p in parties if p.kind == "country"
                   or (not plural and set(roles) & _ORG_TITLE_ROLES)]
        actors: list[Actor] = []
        for party in parties:
            actor = self._holder_actor(party, roles, title, on, subject, ctx)
            if actor is not None:
                actors.append(actor)
        return actors

    def _parties_after(self, text: str, title: TitleMatch,
                       mentions: list[Mention]) -> tuple[list[Mention], int]:
        m = _OF_RE.match(text, title.end)
        if not m:
            return [], title.end
        found: list[Mention] = []
        pos = m.end()
        for mention in mentions:
            if mention.start < pos:
                continue
            if mention.kind not in ("country", "org"):
                break
            if mention.start != pos and not _LIST_GAP_RE.match(text[pos:mention.start]):
                break
            found.append(mention)
            pos = mention.end
        return found, pos if found else title.end

    @staticmethod
    def _parties_before(text: str, title: TitleMatch, mentions: list[Mention]) -> list[Mention]:
        for mention in reversed(mentions):
            if mention.end > title.start:
                continue
            if title.start - mention.end > 30:
                break
            if mention.kind in ("country", "org") and _TITLE_FILLER_RE.match(
                    text[mention.end:title.start]):
                return [mention]
            break
        return []

    @staticmethod
    def _name_follows(text: str, pos: int, mentions: list[Mention]) -> bool:
        for mention in mentions:
            if mention.start < pos:
                continue
            return mention.kind == "person" and bool(_NAME_GAP_RE.match(text[pos:mention.start]))
        # An unknown capitalised name right after the title ("Minister Meenakshi Lekhi").
        return bool(_UNKNOWN_FOLLOWS_RE.match(text, pos))

    def _unknown_named(self, text: str, title: TitleMatch, after_end: int,
                       parties: list[Mention], mentions: list[Mention]) -> list[Actor]:
        """"US defence secretary Lloyd Austin": a person missing from the reference data
        still counts, for the country the title names."""
        if any(m.kind == "person" and after_end <= m.start <= after_end + 12 for m in mentions):
            return []
        if not parties:
            parties = self._parties_before(text, title, mentions)
        if len(parties) != 1 or parties[0].kind != "country":
            return []
        m = _UNKNOWN_NAME_RE.match(text, after_end)
        if not m or any(x.start < m.end(1) and x.end > m.start(1) for x in mentions):
            return []
        name = m.group(1).rstrip(".,")
        return [Actor(name, parties[0].keys[0], None, m.start(1), m.end(1),
                      title.roles[0] if title.roles else None, None, via="title")]

    @staticmethod
    def _name_precedes_apposition(text: str, title: TitleMatch, mentions: list[Mention]) -> bool:
        for mention in reversed(mentions):
            if mention.end > title.start:
                continue
            return mention.kind == "person" and bool(
                _APPOSITION_GAP_RE.match(text[mention.end:title.start]))
        return False

    def _holder_actor(self, party: Mention, roles: tuple[str, ...], title: TitleMatch,
                      on: dt.date | None, subject: Actor | None, ctx: Context) -> Actor | None:
        code = party.keys[0]
        if "counterpart" in roles:
            roles = (subject.role,) if subject is not None and subject.role else (
                "head_of_state", "head_of_government", "foreign_minister")
        if "leader" in roles:
            if party.kind == "org":
                roles = ("org_head",)
            elif code in self.leader_hog:
                roles = ("head_of_government",)
            else:
                roles = ("head_of_state", "head_of_government")
        if party.kind == "org" and not set(roles) & {"org_head"}:
            roles = ("org_head",)
        hint = party.text if party.kind == "org" else ""
        for role in roles:
            person = self.ref.holder(role, code, on, hint)
            if person is not None:
                country, org = person.party_on(on)
                return Actor(person.name, country or (code if party.kind == "country" else None),
                             org if country is None else None, title.start, title.end, role,
                             person.name, via="title")
        # No holder in the data: the party still counts.
        name = f"{title.phrase.title()} of {party.text}"
        if party.kind == "country":
            return Actor(name, code, None, title.start, title.end, roles[0], None, via="title")
        return Actor(name, None, code, title.start, title.end, roles[0], None, via="title")

    @staticmethod
    def _definite(title: TitleMatch, ctx: Context) -> list[Actor]:
        """"the Prime Minister", "the Director General": the last actor with that role."""
        roles = set(title.roles)
        if roles & {"leader", "counterpart"} or _PLURAL_TITLE_RE.search(title.phrase):
            return []
        styles = _MONARCH_STYLES.get(title.phrase.lower())
        focus = ctx.focus
        if focus is not None and focus.role in roles and styles is None:
            # A readout calls its own principal "the Prime Minister" throughout, even
            # after naming a foreign prime minister.
            return [Actor(focus.name, focus.country, focus.org, title.start, title.end,
                          focus.role, focus.person, via="title")]
        for actor in reversed(ctx.recent):
            if actor.role in roles and (styles is None or _styled(ctx.ref, actor, styles)):
                return [Actor(actor.name, actor.country, actor.org, title.start, title.end,
                              actor.role, actor.person, via="title")]
        return []
