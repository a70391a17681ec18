"""Compiled word patterns: event triggers, media, planned status, titles, anaphora.

Every pattern is compiled once at import; the engine runs one search per
sentence to find candidate sentences, then reads the cue groups.
"""

from __future__ import annotations

import re

from .words import WordFilter, token_starts, token_words

# One alternation; the group name says what kind of cue matched. Each group opens with a
# lookahead on the first letters of its words: the words of a group that cannot match
# there are not tried one by one (speed).
TRIGGER_RE = re.compile(
    r"\b(?:(?P<cancel>\b(?=[cdprs])(?:cancel(?:l?ed|s|ling)?|call(?:ed|s|ing)? off|"
    r"scrap(?:ped|s)?|postpone[ds]?|rules? out|ruled out|refused|declined|snubbed)\b)"
    r"|(?P<invite>\b(?=[ai])(?:invit(?:ed|es|ation|ations)|accepted an invitation)\b)"
    r"|(?P<callon>\b(?=[c])call(?:ed|s|ing)? on\b(?=\s+(?-i:President|Prime|King|Queen|Emir|"
    r"Chancellor|Premier|Sultan|[A-Z][\w'’-]* [A-Z][a-z]+)"
    # "called on X to end the war" urges; "called on X and conveyed ... to" visits.
    r"(?!(?:(?!\band\b)[^.,;]){0,60}\bto\b)))"
    r"|(?P<phone>\b(?=[cdpt])(?:phone[ds]?|telephone[ds]?|telephonic|phoning|call(?:ed|s)?|"
    r"dialled|dialed|phone-call|phonecall)\b)"
    r"|(?P<video>\b(?=[otvw])(?:video|videoconferenc\w*|virtual(?:ly)?|online|teleconferenc\w*|"
    r"video-link|via link|web(?:inar|cast))\b)"
    r"|(?P<message>\b(?=[cfglmstvw])(?:(?:(?:sent|send|sends|sending|congratulatory|"
    r"condolence|written|video)\s+(?:\w+\s+)?)message|messages?(?=\s+(?:to|of|from)\b)|"
    r"letter|letters|congratulat\w*|"
    r"condolence\w*|telegram|"
    # "sent a cable of condolences": the Gulf news agencies' word for a message.
    r"cables?(?=\s+(?:of|to)\s)|(?<=sent a )cable|(?<=similar )cable|"
    r"felicitation\w*|wrote|written|sympath(?:y|ies)|greetings)\b)"
    r"|(?P<speech>\b(?=[alrst])(?:speech|speeches|address(?:ed|es|ing)?|remarks|lecture|"
    r"spoke at|speaking at|speaks at|speak at|"
    # "delivered a statement via video at the general debate": a speech at a forum.
    r"(?<=delivered a )statement|(?<=delivered a video )statement|(?<=delivered his )statement|"
    r"(?<=delivered her )statement|"
    # "spoke to the German Bundestag via video": a speech to a legislature or forum.
    r"spoke to(?=\s+(?:the|a)\s+(?:[\w-]+\s+){0,4}(?:Bundestag|Parliament|Congress|Diet|"
    r"Assembly|parliament|session|summit|forum|conference)\b)|"
    # "told the 77th session of the General Assembly": a speech to a forum.
    r"told(?=\s+(?:the|a|an)\s+(?:[\w-]+\s+){0,3}(?:session|assembly|summit|conference|"
    r"forum|congress|gathering|General Assembly|Assembly|Summit|Conference|Forum)\b))\b)"
    r"|(?P<meeting>\b(?=[bdfghilmqrstvw])(?:met|meet|meets|meeting|meetings|"
    r"visit(?:s|ed|ing)?|host(?:s|ed|ing)?|"
    r"received|receives|greeted|greets|welcomed|welcomes|summit|summits|sidelines?|"
    r"face-to-face|in person|in-person|dinner|lunch|luncheon|banquet|breakfast|"
    r"shak(?:es|ing) hands|"
    r"shook hands|tete-a-tete|tête-à-tête|"
    # "had a brief exchange at the APEC summit": a word in passing, in one place.
    r"(?:brief|short|quick)\s+(?:exchange|chat|encounter)|"
    # "X and Y signed a treaty in Bishkek": signing together puts both in one place.
    r"signed(?=\s+(?:[\w’'-]+\s+){1,12}?in\s+(?!(?:January|February|March|April|May|June|"
    r"July|August|September|October|November|December)\b)(?-i:[A-Z])(?!\w*\s+\d)))\b)"
    r"|(?P<consult>\b(?=[cdehirst])(?:spoke|speak|speaks|speaking|talked|talk|talks|"
    r"discussed|discuss|"
    r"discussion|discussions|conversation|conversations|consultations?|exchanged views|"
    r"interacted|round of negotiations|(?:hold|held|holding) (?:\w+ ){0,3}negotiations)\b))",
    re.IGNORECASE,
)

# First four letters of the words a trigger starts with (or, for "in person", contains):
# only windows around these are searched.
TRIGGER_STEMS = frozenset([
    "canc", "call", "scra", "post", "rule", "refu", "decl", "snub", "invi", "acce", "phon",
    "tele", "dial", "vide", "virt", "onli", "via", "web", "webi", "webc", "sent", "send", "cong",
    "cabl",
    "cond", "writ", "mess", "lett", "feli", "wrot", "symp", "gree", "spee", "addr", "rema",
    "lect", "told", "spok", "spea", "met", "meet", "visi", "host", "rece", "welc", "summ", "side",
    "face", "pers", "sign", "dinn", "lunc", "banq", "brea", "shak", "shoo", "tete", "tête",
    "talk", "disc", "conv", "cons", "exch", "inte", "roun", "hold", "held", "brie", "shor",
    "quic", "stat"])
# The whole words a trigger match can start with (read off TRIGGER_RE; "person" stands for
# the "in" of "in person", tried as a lead word before it). A word with a stem but none of
# these forms ("signature", "dialogue", "spokesperson") starts no match: it is not tried.
_TRIGGER_FIRST_WORD_RE = re.compile(
    r"cancel(?:l?ed|s|ling)?|call(?:ed|s|ing)?|scrap(?:ped|s)?|postpone[ds]?|rules?|ruled|"
    r"refused|declined|snubbed|invit(?:ed|es|ation|ations)|accepted|phon(?:e[ds]?|ing)|"
    r"phonecall|telephon(?:e[ds]?|ic)|dial(?:l?ed)|video|videoconferenc\w*|virtual(?:ly)?|"
    r"online|teleconferenc\w*|via|webinar|webcast|sent|send(?:s|ing)?|congratulat\w*|"
    r"condolence\w*|written|wrote|messages?|letters?|telegram|cables?|felicitation\w*|"
    r"sympath(?:y|ies)|greetings|speech(?:es)?|address(?:ed|es|ing)?|remarks|lecture|spoke|"
    r"speak(?:s|ing)?|statement|told|met|meet(?:s|ing|ings)?|visit(?:s|ed|ing)?|"
    r"host(?:s|ed|ing)?|receive[ds]|greet(?:ed|s)|welcome[ds]|summits?|sidelines?|face|"
    r"person|dinner|lunch(?:eon)?|banquet|breakfast|shak(?:es|ing)|shook|tete|tête|brief|"
    r"short|quick|signed|talk(?:s|ed)?|discuss(?:ed|ion|ions)?|conversations?|"
    r"consultations?|exchanged|interacted|round|hold(?:ing)?|held",
    re.IGNORECASE)
_TRIGGER_WORDS = WordFilter(lambda word: word[:4].lower() in TRIGGER_STEMS
                            and _TRIGGER_FIRST_WORD_RE.fullmatch(word) is not None)


# The one trigger that starts with a word before its stem word ("in person", "in-person"):
# a shorter word just before a stem word is tried as a start only if it can be this one.
_LEAD_WORD_RE = re.compile(r"in", re.IGNORECASE)


def find_triggers(text: str, tokens: list[tuple[int, int, str]]) -> list[re.Match[str]]:
    """Every trigger match in `text`, searching only around candidate words."""
    found: list[re.Match[str]] = []
    pos, size = 0, len(text)
    starts, words = token_starts(tokens), token_words(tokens)
    for index in _TRIGGER_WORDS.select_indices(tokens):
        start, end, _word = tokens[index]
        if end <= pos:
            continue
        m = _trigger_at(text, starts, words, index, max(pos, start - 3), min(size, end + 60))
        if m is None or m.end() <= start:
            continue
        found.append(m)
        pos = m.end()
    return found


def _trigger_at(text: str, starts: list[int], words: list[str], index: int, first: int,
                endpos: int) -> re.Match[str] | None:
    """The first trigger match starting at a token from `first` to token `index`'s start.
    Tokens before `index` there are of one or two letters (a separator stands between):
    of those, only a word that can open a trigger is tried."""
    lead = index
    while lead > 0 and starts[lead - 1] >= first:
        lead -= 1
    for k in range(lead, index):
        if _LEAD_WORD_RE.fullmatch(words[k]):
            m = TRIGGER_RE.match(text, starts[k], endpos)
            if m is not None:
                return m
    return TRIGGER_RE.match(text, starts[index], endpos)


# Words in the few tokens before a trigger that make the event planned.
PLANNED_RE = re.compile(
    r"\b(?:will|shall|'ll|scheduled|expected|set to|due to|plans? to|planned|planning|"
    r"intends?|intend(?:ed|s)|agreed to|agree to|look(?:s|ed|ing)? forward|hopes?|hoped|"
    r"hoping|upcoming|forthcoming|is to|are to|next|wants? to|proposed|seek(?:s|ing)? to|"
    r"preparing|prepare|would|possible|potential)\b",
    re.IGNORECASE,
)
# "Kishida to meet Xi": planned unless a past verb carries the infinitive ("went to attend").
WEAK_PLANNED_RE = re.compile(r"\bto (?:meet|hold|visit|have|pay|speak|talk|host|call)\b",
                             re.IGNORECASE)
PAST_VERB_RE = re.compile(
    r"\b(?:went|travel+ed|came|arrived|left|flew|headed|was|were|had|did|stayed|used|became|"
    r"decided)\b",
    re.IGNORECASE)
PAST_RE = re.compile(
    r"\b(?:last|previously|earlier|ago|had met|had spoken|had held|was held|were held|"
    r"took place|since)\b", re.IGNORECASE)

# Pronoun subjects that point back to the last single actor.
PRONOUN_RE = re.compile(r"\b(?:he|she|his|her|him)\b")
# Pronouns that can stand for a party other than the one named ("he met Modi", "met him");
# "his"/"her" before a noun mostly point to the named subject ("during his visit").
OTHER_PRONOUN_RE = re.compile(
    r"\b(?:he|she|him)\b|\bher\b(?=\s*(?:[.,;]|$|\s+(?:on|in|at|during|for|to|and|last|"
    r"this|over|about|after|before)\b))")
# Phrases that point back to the parties of the previous event.
GROUP_ANAPHOR_RE = re.compile(
    r"\b(?=[bt])(?:the two (?:leaders|presidents|prime ministers|ministers|foreign ministers|"
    r"heads of state|sides|men|top diplomats|diplomats|officials)|both (?:leaders|presidents|sides|"
    r"ministers)|the (?:leaders|presidents|ministers|foreign ministers|top diplomats|"
    r"senior diplomats)|they|their(?!\s+(?:[\w-]+\s+){0,2}(?:advis[eo]rs|officials|"
    r"ministers|teams|delegations|aides|envoys|representatives|deputies|negotiators|staffs?|"
    r"counterparts)\b)|the two|bilateral(?=\s+(?:talks|meetings?|summit|consultations)))\b",
    re.IGNORECASE,
)
# A plural subject that is not the parties told before ("EU leaders will hold their ...").
GENERIC_PLURAL_SUBJECT_RE = re.compile(
    r"(?<!the )(?<!two )(?<!both )(?<!The )\b(?:leaders|ministers|officials|heads of state|"
    r"heads of government|governments|diplomats|members|envoys|delegates|negotiators)\b")
# Words that put the previous sentence's date on this one ("that afternoon").
CONTINUATION_RE = re.compile(
    r"\b(?=[adilot])(?:that (?:day|afternoon|morning|evening|night)|later that day|the same day|"
    r"during the (?:visit|trip|meeting|talks|call|summit)|on the sidelines|there|"
    r"during (?:his|her) (?:visit|stay|trip)|at the meeting|in the talks)\b",
    re.IGNORECASE,
)
# A forum named by a common noun ("addressed the meeting"): the last forum named before.
FORUM_ANAPHOR_RE = re.compile(
    # "addressed the General Assembly": one name word may come before the noun.
    r"\b(?=t)(?:the|this) (?:[A-Z][a-z]+ )?(?:meeting|summit|event|forum|session|conference|"
    r"assembly|gathering|group|ceremony|dialogue)\b", re.IGNORECASE)
# Singular nouns for one multilateral event: every named party joins one record.
GROUP_EVENT_RE = re.compile(
    r"\b(?:summit|video (?:meeting|conference|call|summit)|videoconference|conference|"
    r"attended by|jointly|trilateral|together with|along with|co-chair\w*|"
    r"(?:held|have|hold|had|a|an|the|snap|joint) (?:\w+ ){0,2}meeting)\b",
    re.IGNORECASE)
# Verbs and plural nouns that make "X met A, B and C" several bilateral events.
SPLIT_EVENT_RE = re.compile(
    r"\b(?:met(?: with)?|meetings|talks|calls|conversations|spoke|talked|separate|"
    r"congratulated|called|phoned)\b", re.IGNORECASE)
# Evidence that the trigger is a tally ("three phone calls"), not one event.
COUNT_BEFORE_RE = re.compile(
    r"\b(?=[\dadefhmnst])(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|"
    r"hundreds?|several|numerous|many|multiple|a number of|a series of|series of)"
    # "eight hours of talks", "90-minute talks": a duration, not a count.
    r"(?![\s-]+(?:hours?|minutes?|days?|weeks?)\b)"
    r"(?:\s+[\w-]+){0,3}\s*$", re.IGNORECASE)
# "Not events": generic statements about communication.
GENERIC_RE = re.compile(
    r"\b(?=[mksc])(?:maintain(?:ed|s)? (?:close )?(?:communication|contact)|"
    r"keep in (?:close )?touch|stay in (?:close )?contact|maintained contact|"
    r"strengthen communication)\b",
    re.IGNORECASE)
# Words just before a trigger that make it no event of the named parties: a meeting that
# did not happen ("was supposed to meet"), a remembered one ("recalled a visit"), or talks
# left to deputies ("consultations at the level of deputies").
NOT_EVENT_BEFORE_RE = re.compile(
    r"\b(?:(?:was|were) supposed to|(?:was|were) meant to|recall(?:ed|s|ing)?|"
    # An offer or a demand is not an arranged meeting ("offered to hold talks").
    r"offer(?:ed|s|ing)? to|offers? of|proposals? (?:of|for)|call(?:ed|s|ing)? for|"
    r"(?:ready|willing|prepared) to|"
    r"remember(?:ed|s|ing)?|reminisc\w*|"
    # "either of them could pick up the phone and call": a possibility, not a call.
    r"(?:could|can|might)\s+(?:always\s+|just\s+|simply\s+)?pick\s+up)"
    r"\s+(?:[\w’'-]+\s+){0,4}$", re.IGNORECASE)
NOT_EVENT_CLAUSE_RE = re.compile(
    r"\b(?:at the level of (?:their |the )?(?:deput|vice)\w*|deputy[- ]level|"
    r"vice[- ]ministerial|working[- ]level)\b", re.IGNORECASE)
REPORTING_RE = re.compile(
    r"\b(?:said|says|told (?:reporters|journalists|the press|media)|according to|tweeted|"
    r"wrote on|posted)\b", re.IGNORECASE)
