"""The extraction engine: one article text in, event records out.

Pass structure (each pass is linear in the text):
1. anchors (publication / dateline date), sentences, name mentions, title
   words and date expressions are found once over the whole text;
2. sentences without a trigger word only update the running context (who was
   named last, for "he" and "the two leaders");
3. a sentence with triggers is cut into clauses; each clause with a trigger
   gives at most one event type, its parties, date and status;
4. events of one article that tell the same interaction are merged.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from . import cues
from .actors import Actor, ActorResolver, Context, TitleMatch
from .dates import DateMention, anchors, find_dates, meta_spans, resolve
from .needles import Needles, article_lowered
from .reference import Mention, Reference, fold, tokenize
from .text import LINK_LEAD_RE, Sentence, has_link_leads, split_sentences
from .words import WordFilter

CLAUSE_BREAK_RE = re.compile(
    # Every break starts at punctuation or a space, taken first (so the scan skips other
    # characters at C speed); a lookbehind then picks the breaks that start with it. After
    # the spaces only a non-space can follow, so the alternatives share them.
    r"[;,.\s](?:"
    r"(?<=\s)\s*(?=[abfost—-])(?:but\s+|"
    r"(?=(?:a|one|two|three|four|five|six) days? (?:after|before)\s)|"
    r"following\s+|followed by\s+|and\s+(?=the two\b|both\b|they\b)|—\s+|-\s+(?=[A-Z]))|"
    r"(?<=,)\s+(?:(?:while|whereas|when|after|before|following|as(?!\s+well))\s+|"
    r"(?=(?:a|one|two|three|four|five|six) days? (?:after|before)\s)|followed by\s+|"
    # "warned X that ... would ..., during a video call": the medium is its own clause.
    r"(?=during\s+an?\s+(?:[\w-]+\s+){0,3}(?:call|conversation|conference)\b)|"
    # "met X in May, and is due to visit ... again": a plan after a past event.
    r"and\s+(?=(?:is|are|will be)\s+(?:due|expected|scheduled|set|slated)\s+to\b)|"
    r"with\s+(?=[A-Z]|(?:the|his|her)\s)|"
    # "X spoke with Y on March 14, and Secretary of State Z met X in April": a new subject.
    r"and\s+(?=(?:[A-Z][\w’'.-]*\s+(?:(?:of|the)\s+)?){2,6}(?:met|held|spoke|talked|"
    r"visited|hosted|received|called|sent)\s)|"
    r"(?:and\s+)?(?=the two\b|both\b|they\b)|"
    r"(?=on\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Mon|Tue|Wed|Thu|Fri|"
    r"Sat|Sun)[a-z]*\.?\s)|"
    # A comma splice: a new subject with its own verb ("..., Russian Minister X will be").
    r"(?P<splice>(?=(?:[A-Z][\w’'.-]*\s+){2,6}(?:will|would|is|was|has|had|also)\s)))|"
    r"(?<=;)\s|"
    r"(?<=\.)(?<![A-Z]\.)(?<!Mr\.)(?<!Ms\.)(?<!Dr\.)(?<!St\.)(?<!Jr\.)(?<!Smt\.)(?<!Shri\.)\s+)")
LOCATION_RE = re.compile(
    r"\b(?:in|at)\s+(?:the\s+)?[A-Z][a-z]+|\bhere\b|\bvisiting\b|"
    # "will travel to Ankara for talks": the talks are where the traveller goes.
    r"\b(?:travel\w*|fl(?:y|ies|ew)|head(?:s|ed|ing)?|arriv\w*|trip|journey)\s+to\s+"
    r"(?:the\s+)?[A-Z]")
REMOTE_ARTICLE_RE = re.compile(
    r"\b(?=[optv])(?:phone|telephone|video|virtual(?:ly)?|online|videoconferenc\w*)\b",
    re.IGNORECASE)
HEADLINE_END_RE = re.compile(r"[.!?\"”’:]\s*$")
SINCE_RE = re.compile(
    r"\b(?=[abfpstu])(?:(?:since|until|till|before|by the end of)\s+(?:[\w’'-]+\s+){0,4}|from\s+|"
    r"(?:scheduled|set|slated|planned) for\s+|(?:took|taking|assumed|assuming) office\s+"
    r"(?:\w+\s+){0,3})$",
    re.IGNORECASE)
# "the meeting", "their talks": a reference back to an event already told.
DEFINITE_BEFORE_RE = re.compile(
    r"\b(?=[iot])(?:the|this|that|their|its|our)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)
# Words that set the scene of a trigger rather than state it ("on the sidelines").
CONTEXT_TRIGGER_BEFORE_RE = re.compile(
    r"\b(?=[abdfimos])(?:during|after|before|ahead of|at|on|following|in|for|"
    r"(?:sidelines?|margins?) of)\s+"
    r"(?:the|his|her|their|a)?\s*"
    r"(?:[\w’'-]+\s+){0,2}$", re.IGNORECASE)
CONTEXT_TRIGGER_WORDS = frozenset({"sidelines", "sideline", "in person", "in-person",
                                   "face-to-face"})
VISIT_TO_RE = re.compile(r"visit(?:s|ed|ing)?\s+to\s+(?:the\s+)?", re.IGNORECASE)
FORUM_LINK_RE = re.compile(r"(?:[^.;,]{0,90}?\b(?:at|to|before|of|in|addressing|addressed)\s+)"
                           r"(?:the\s+)?[\"“]?(?:[\w-]+\s+){0,4}$", re.IGNORECASE)
ADDRESS_LINK_RE = re.compile(r"\s+(?:the\s+)?(?:[\w-]+\s+){0,3}$")
TALLY_CLAUSE_RE = re.compile(
    # The lookahead on the first letter of a count word skips other words fast.
    r"\b(?=[\dtfsenmd])(?:\d+\s+(?:[\w-]+\s+){0,2}(?:times|occasions|calls|conversations|meetings|visits|"
    r"trips|events|contacts)\b|"
    # "eight African presidents have sent congratulations": a count of senders, no event.
    r"(?<!the )(?<!The )(?<!their )(?:\d+|two|three|four|five|six|seven|eight|nine|ten|"
    r"several|many|dozens of|scores of)\s+(?:[\w-]+\s+){0,2}(?:presidents|leaders|"
    r"heads of state|prime ministers|ministers|countries|nations|governments)\s+"
    r"(?:who\s+)?(?:have|had|has|sent|called|met|spoke|congratulated)\b)", re.IGNORECASE)
RESPECTIVELY_RE = re.compile(r"\b(?:respectively|two|three|four)\b", re.IGNORECASE)
# "X hosted the meeting", "the talks were hosted by X": the host joins the event told before.
HOST_JOINS_RE = re.compile(
    r"\b(?=[eghmst])(?:host(?:ed|s)\s+(?:the|their|this|that)\s+(?:[\w-]+\s+)?(?:meeting|"
    r"talks|summit|encounter|gathering)\b|(?:meeting|talks|summit|encounter|gathering)\s+"
    r"(?:was|were)\s+(?:\w+\s+)?hosted\s+by\b)", re.IGNORECASE)
ALSO_ATTENDED_RE = re.compile(r"\b(?:attended|joined|participated|took part)\b", re.IGNORECASE)
MEET_NOT_PERSON_RE = re.compile(
    r"\s+(?:the\s+|its\s+|their\s+)?(?:[\w-]+\s+)?(?:risks?|challenges?|needs?|demands?|"
    r"targets?|goals?|expectations?|requirements?|deadlines?|standards?|criteria|obligations?|"
    r"commitments?|threats?|conditions?|costs?)\b", re.IGNORECASE)
PLURAL_BEFORE_RE = re.compile(r"\b(?:visits|trips|meetings|talks|calls|events|countries|"
                              r"contacts|conversations|engagements|activities)\s+$",
                              re.IGNORECASE)
YEAR_CONTEXT_RE = re.compile(r"\b(?=[dit])(?:in|during|throughout)\s+$", re.IGNORECASE)
THANKED_FOR_RE = re.compile(r"\bthank\w*\s+(?:[\w.’'-]+\s+){0,4}for (?:his|her|their)\b",
                            re.IGNORECASE)
# "received Kwape, who conveyed a message from Masisi to Geingob": an envoy carries the
# message, and the envoy's own meeting with the recipient is an event too.
CARRIED_MESSAGE_RE = re.compile(
    r"\b(?:conveyed|conveying|conveys|delivered|delivering|handed(?: over)?|handing(?: over)?|"
    r"carried|carrying|passed on)\s+(?:an?\s+)?(?:[\w-]+\s+){0,2}(?:message|letter)s?\s+"
    r"from\s+(?P<sender>[^,;]{2,80}?)\s+to\b", re.IGNORECASE)
CONSULT_VERB_RE = re.compile(r"\b(?:spoke|spoken|talked|conversation)\b", re.IGNORECASE)
IN_PERSON_ARTICLE_RE = re.compile(
    r"\b(?=[alvtsimfhwg])(?:arrived|arrives|landed|visit(?:s|ed|ing)?|trip|sidelines?|"
    r"in person|in-person|face-to-face|met|hosted|welcomed|greeted)\b", re.IGNORECASE)
NOT_PHONE_CALL_RE = re.compile(
    # "called him a killer": naming someone, not phoning.
    r"\s+(?:for|to|upon|on|out|off)\b|-|\s+(?:him|her|them|it|(?-i:[A-Z][\w-]+))\s+(?:a|an)\s|"
    # "called the visit a turning point", "called the talks 'frank'": a verdict on something.
    r"\s+(?:the|this|that|their|its)\s+(?:[\w-]+\s+){0,2}?[\w-]+\s+"
    r"(?:(?:a|an)\s|[\"“‘'](?:a|an|the)?\b)",
    re.IGNORECASE)
VIDEO_BEFORE_CALL_RE = re.compile(r"(?:video|conference|zoom)[\s-]+$", re.IGNORECASE)
# "so-called", not "also called" (the lookbehind sees before the searched window).
SO_CALLED_RE = re.compile(r"(?<![a-z])so[- ]$", re.IGNORECASE)
INVITE_VISIT_RE = re.compile(r"\binvit\w*\s+(?:[\w.’'-]+\s+){0,7}to\s+(?:visit|attend|come)\b|"
                             r"\binvitation to (?:visit|attend|come)\b", re.IGNORECASE)
INVITED_TO_RE = re.compile(r"\binvit(?:ed|es|ing)\s+(?:[\w.’'-]+\s+){0,6}to\s+(?:the|a|an|"
                           r"take part|participate|join|attend|speak|address)\s",
                           re.IGNORECASE)
# "called on X and conveyed the greetings of Prime Minister Modi": whose greetings an
# envoy passes on in a courtesy call names no party to the call.
GREETINGS_OF_RE = re.compile(
    r"\b(?:conveyed|conveying|conveys|extended|extending|passed on|brought|carried)\s+"
    r"(?:the\s+|his\s+|her\s+)?(?:[\w-]+\s+){0,2}(?:greetings|wishes|regards)\s+(?:of|from)\s",
    re.IGNORECASE)
# "held a conversation with Xi, who briefed him on ... the next meeting": a trigger in a
# relative clause that tells about something else does not type the event.
RELATIVE_TOPIC_RE = re.compile(
    r",\s+(?:who|which)\s+(?:\w+\s+){0,2}?(?:briefed|told|informed|updated|apprised|"
    r"explained|shared|outlined|described)\b", re.IGNORECASE)
# "their first conversation since they met in Woodside in November": an earlier event
# of its own type.
SINCE_THEY_RE = re.compile(
    r"\bsince\s+(?:they|the two(?:\s+leaders|\s+men|\s+sides)?|both(?:\s+leaders)?)\s+"
    r"(?:last\s+|first\s+)?(?P<verb>met|held talks|spoke|talked)\b", re.IGNORECASE)
# "held a video conference with", "during a video call": the medium names the encounter.
VIDEO_EVENT_RE = re.compile(
    r"\b(?:(?:video|virtual|online)[\s-]+(?:conference|call|chat|link|summit|meeting|talks|"
    r"session|conversation|bilateral)|videoconferenc\w*|teleconferenc\w*|video-conferenc\w*)",
    re.IGNORECASE)
VIDEO_MESSAGE_RE = re.compile(r"\bvideo (?:message|address|speech|remarks)\b", re.IGNORECASE)
HOST_RE = re.compile(
    r"\b(?=[ghrw])(?:host|hosted|hosts|hosting|received|receives|welcomed|welcomes|greeted)\b",
    re.IGNORECASE)
THIRD_PLACE_RE = re.compile(r"\b(?=[os])(?:sidelines?\b|on the margins\b)", re.IGNORECASE)
# "his third time to speak at the forum": an ordinal of an event told, not a plan.
ORDINAL_TIME_RE = re.compile(r"\b(?:is|was|be)\s+(?:\w+\s+){0,2}time to\b", re.IGNORECASE)
ADDRESS_VERB_RE = re.compile(r"(?:congratulat|thank|felicitat)\w*", re.IGNORECASE)
EXCHANGED_RE = re.compile(r"\bexchang\w*", re.IGNORECASE)
RECIPIENT_GAP_RE = re.compile(r"\bto\s+(?:the\s+|his\s+|her\s+)?(?:[\w.’'-]+\s+){0,4}$",
                              re.IGNORECASE)
SIGNATURE_RE = re.compile(
    r"[—–]\s*(?P<who>[^()\n—–]{3,60}?)\s*\(@?[\w.]+\)\s*"
    r"(?P<when>[A-Z][a-z]{2,8}\.? \d{1,2},? \d{4})")
FIRST_PERSON_RE = re.compile(r"\b(?:I|[Ww]e)\b")
ATTEND_BEFORE_RE = re.compile(
    r"\b(?:attend\w*|participat\w* in|take part in|took part in|taking part in|join\w*)\s+"
    r"(?:the\s+|a\s+|an\s+)?[^,;.]{0,60}$", re.IGNORECASE)
SAID_BEFORE_RE = re.compile(r"\b(?:said|says|told [\w ]{0,12}|announced|reported|stated)\s+"
                            r"(?:on\s+|late\s+|early\s+)?$", re.IGNORECASE)
RELATION_BEFORE_RE = re.compile(
    r"\b(?:his|her|their|its)\s+(?:\w+\s+)?(?:predecessors?|successors?|wife|husband|spouse|"
    r"son|daughter|father|mother|brother|sister)\s*,?\s*$", re.IGNORECASE)
# ", a day after holding talks with X": a clause with no subject of its own.
SUBJECTLESS_LEAD_RE = re.compile(
    r"[\s,;—-]*(?:(?:a|one|two|three|four|five|six|a few) (?:days?|weeks?|hours?) )?"
    r"(?:after|before|while|since|following)\s+(?:[a-z]+ing)\b")
# Kinds of trigger in a count, strongest medium first, and the event type they give.
_TALLY_TYPES = (("phone", "phone_call"), ("video", "video_meeting"), ("meeting", "meeting"),
                ("consult", "consult"))
# "The first took place on March 15 with ...", "The latest was with ...": one of a count.
INSTANCE_RE = re.compile(
    r"(?:The|the|For the|Its|His|Her)\s+(?:first|last|latest|most recent|second|next)\b"
    r"[^.;]{0,60}?\bwith\b")
PLANNED_CONTEXT_RE = re.compile(
    r"\b(?:during (?:his|her|the|their) (?:visit|stay|trip|tour)|as part of (?:his|her|the|"
    r"their) (?:agenda|visit|trip|programme|program|tour)|later that day|the same day|also|"
    r"there)\b", re.IGNORECASE)
# "Third Ministerial Meeting of the Forum of China and the " before an organisation's name.
NAMED_EVENT_BEFORE_RE = re.compile(
    r"(?<![\w’'-])((?:[A-Z0-9][\w’'-]*\s+(?:(?:of|and|for|on|the)\s+)*)*"
    r"[A-Z0-9][\w’'-]*\s+(?:of|for|and)\s+(?:the\s+)?)$")
EVENT_NOUN_RE = re.compile(r"\b(?:Meeting|Summit|Session|Assembly|Forum|Conference|Congress|"
                           r"Dialogue|Council|Ceremony|Celebration|Symposium)\b")
# "he"/"she" as a word; written to open with a character class (a fast scan).
SUBJECT_PRONOUN_RE = re.compile(r"[HhSs](?<!\w[HhSs])(?:(?<=[Hh])e|(?<=[Ss])he)\b")
# The words SUBJECT_PRONOUN_RE matches, as whole tokens.
_PRONOUN_WORDS = WordFilter(lambda word: word in ("he", "He", "she", "She"))
# Words that deny the event just before its trigger ("had no intention of meeting").
# Written to open with a character class: a fast scan for sentences with no negation.
NEGATION_WORD_RE = re.compile(r"[nNwW](?<!\w[nNwW])(?:ot|ever|o|or|ithout|either)\b|n[’']t\b")
# Searched, like several patterns below, at every position of a window: a lookahead on the
# first letters of its words rules most positions out at once (speed).
NEGATED_BEFORE_RE = re.compile(
    r"(?=[nw])(?:(?:\b(?:not|never|no|nor|neither|without)|n[’']t)\s+(?!only\b|just\b)"
    r"(?:[\w’'-]+\s+){0,3}$|"
    # "decided not to travel to South Africa in person": no trip, no meeting there.
    r"\bnot\s+to\s+(?:travel|go|come|fly)\b[^.;,]{0,50}$)", re.IGNORECASE)
NEGATED_AFTER_RE = re.compile(
    r"[^.;]{0,70}?\b(?:is|was|were|are|has been|have been|had been|will be|would be)\s+"
    r"(?:not|never)\s+(?:(?:being\s+)?(?:planned|scheduled|expected|envisaged|prepared)|"
    r"on the agenda|(?:going|likely) to (?:happen|take place))\b", re.IGNORECASE)
# Words around a one-word name that make it part of a place's name.
PLACE_AFTER_RE = re.compile(
    r"[\s-]+(?:Palace|Hall|House|Square|Street|Avenue|Road|Bridge|Airport|University|Mosque|"
    r"Cathedral|Stadium|Hotel|Centre|Center|Park|Island|Islands|Province|Port|Bay|Gate|Tower|"
    r"Building|Institute|Foundation|Prize|Award|Doctrine|es|el)\b")
PLACE_BEFORE_RE = re.compile(r"[a-z,]\s+The\s+$")
# "Salman bin Abdulaziz Al Saud": a family-name particle puts the word inside a longer name.
NAME_PARTICLE_BEFORE_RE = re.compile(r"(?<![\w-])(?:Al|al|El|el|bin|bint|ibn|Abu|Ould|Ben)"
                                     r"[\s-]+$")
# "near Bandar Abbas", "in Port Said": a place word makes the name a place.
PLACE_PREFIX_BEFORE_RE = re.compile(r"(?<![\w-])(?:Bandar|Port|Fort|Cape|Lake|Mount|San|Santa|"
                                    r"Sao|São)\s+$")
# A one-word name followed by another capitalised word that names no one known.
NAME_GOES_ON_RE = re.compile(
    r" (?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|"
    r"March|April|May|June|July|August|September|October|November|December|On|In|At|"
    r"And|The|But|As|For|With|To|On|During|After|Before|After|Jr|Sr)\b)([A-Z][a-z]+)\b")
ACCEPTED_RE = re.compile(r"\baccept(?:ed|s|ing)?\s+(?:an|the|his|her|their)\s+invitation",
                         re.IGNORECASE)
BILATERAL_RE = re.compile(r"\b(?:bilateral|one-on-one|respective)\b", re.IGNORECASE)
LIST_GAP_RE = re.compile(r"(?:\s*,\s*(?:and\s+)?|\s+and\s+)(?:the\s+)?(?:[\w.’'-]+\s+){0,5}")
FORUM_EVENT_AFTER_RE = re.compile(r"\s+(?:[\w'’-]+\s+)?(?:summit|meeting|session|forum|"
                                  r"conference|assembly|congress|gathering)\b", re.IGNORECASE)
SEPARATE_RE = re.compile(r"\bseparate(?:ly)?\b", re.IGNORECASE)
SCENE_SUMMIT_RE = re.compile(r"\b(?:sidelines?|margins?) of (?:the |a |an )?(?:\(?[\w-]+\)? ){0,6}"
                             r"summit\b", re.IGNORECASE)
# "to visit Kyiv and Moscow ... to meet Zelensky and Putin": one meeting per place.
MULTI_VISIT_RE = re.compile(r"\bvisit(?:s|ed|ing)?\s+(?:to\s+)?(?:the\s+)?[A-Z][\w-]+"
                            r"(?:\s+[A-Z][\w-]+)?(?:\s*,\s*[A-Z][\w-]+)*\s+and\s+(?:the\s+)?"
                            r"[A-Z]")
SUMMIT_RE = re.compile(r"\bsummit\b", re.IGNORECASE)
REMARKS_RE = re.compile(r"\bremarks\b")
# The city of a dateline ("ASTANA, Dec 22 (Reuters) -", "Astana, Dec 22"), and how far
# into the article it places talks that name no other place.
DATELINE_CITY_RE = re.compile(r"\s*(?:date\s+\S+\s+)?([A-Z][A-Za-z'. -]{1,30}?)\s*(?:,|\(|--|-\s)")
DATELINE_REACH = 400
# Written to open with a character class (a fast scan), like SUBJECT_PRONOUN_RE below.
TALKS_RE = re.compile(r"[dnt](?<!\w[dnt])(?:(?<=t)alks|(?<=n)egotiations|(?<=d)iscussions)\b")
WORD_RE = re.compile(r"\S*")
UPCOMING_RE = re.compile(r"\b(?:upcoming|next week|next month|later this (?:week|month|year)|"
                         r"in the coming days|in the future)\b", re.IGNORECASE)
DUE_BEFORE_RE = re.compile(r"\b(?:due|slated|set|scheduled|expected)\s+(?:for\s+)?$")
# "called X to discuss the upcoming summit": the coming event is the topic of a past one.
TOPIC_BEFORE_RE = re.compile(r"\b(?:discuss(?:ed|ing)?|about|on|over|ahead of|regarding|"
                             r"prepare(?:d)? for|preparations for)\s+(?:the\s+|their\s+|an?\s+)?$",
                             re.IGNORECASE)
PAST_TRIGGER_RE = re.compile(r"(?i:[a-z-]+ed|met|spoke|held|sent|wrote|took|had)")
FIRST_BETWEEN_RE = re.compile(r"\bfirst\s+(?:[\w-]+\s+){0,3}between\s+$", re.IGNORECASE)
FIRST_SINCE_RE = re.compile(
    r"\b(?:their|the)\s+first\s+(?:[\w-]+\s+){0,3}?(?:(?:call|conversation|talks|meeting|"
    r"contact|summit|encounter)s?\s+(?:between\s+(?:the two|them|both)(?:\s+leaders|\s+men)?"
    r"\s+)?|(?:call|conversation|talks|meeting|contact|summit|encounter)\s+(?:since\s+)?)"
    r"since\s+(?:early\s+|mid-?|late\s+|the\s+)?$", re.IGNORECASE)
TIMES_AFTER_RE = re.compile(
    r"(?:\s+(?:by|over the|on the)?\s*[\w-]+){0,2}?\s+(?:several|many|numerous|multiple|"
    r"countless|a few|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+times\b|"
    r"\s+(?:repeatedly|regularly|frequently|often)\b", re.IGNORECASE)
NEXT_WORD_RE = re.compile(r"\s*([\w-]*)")
PLURAL_WORD_RE = re.compile(r"\b\w+(?:s|es)\b")
TITLE_GAP_RE = re.compile(r"[\s,]*(?:\w+\.?\s+)?")
UNDER_BEFORE_RE = re.compile(r"\b(?=[iu])(?:under|in)\s+$", re.IGNORECASE)
MEDIA_NAME_AFTER_RE = re.compile(r"\s+(?:Desk|Edition|Bureau|News|Report)\b")
SCENE_HOST_RE = re.compile(r"\b(?:dinner|banquet|reception|lunch|luncheon|gala)\s+"
                           r"(?:hosted|given|offered)\s+by\s+(?:[\w.-]+\s+){0,3}$",
                           re.IGNORECASE)
# "Before the meeting with Erdogan, Blinken held talks with Fidan": Erdogan is in
# another event, told to place this one in time.
OTHER_EVENT_LEAD_RE = re.compile(
    r"\b(?:Before|After|Following|Ahead of|Prior to)\s+(?:the|his|her|their)\s+"
    r"(?:[\w-]+\s+){0,2}(?:meeting|talks|call|conversation)\s+with\s+(?:[\w.’'-]+\s+){0,6}$")
SUBORDINATE_LEAD_RE = re.compile(r"[\s,]*(?:after|before|following|when|while)\b",
                                 re.IGNORECASE)
PREVIOUS_BEFORE_RE = re.compile(r"\b(?:previous|prior|last)\s+(?:[\w-]+\s+){0,2}$",
                                re.IGNORECASE)
BETWEEN_BEFORE_RE = re.compile(r"\bbetween\s+$")
SENT_MESSAGE_RE = re.compile(r"\b(?:sent|send|sends|message|letter|cable|telegram|wrote|"
                             r"addressed)\b", re.IGNORECASE)
SAME_DAY_LEAD_RE = re.compile(r"\W*(?:Later|Earlier)(?:\s+(?:in|on|that)\s+the\s+day|"
                              r"\s+that\s+day|\s+on)?\s*,", re.IGNORECASE)
LEADERS_OF_RE = re.compile(r"\b(?:leaders|heads of (?:state|government)|presidents|prime "
                           r"ministers)\s+of\b", re.IGNORECASE)
WHEN_LEAD_RE = re.compile(r"[\s,;]*when\b", re.IGNORECASE)
MESSAGE_NOUN_RE = re.compile(r"\b(?:message|letter|cable|telegram|note)s?\b", re.IGNORECASE)
MESSAGE_WORD_RE = re.compile(r"\b(?:condolence\w*|sympath\w+)\b", re.IGNORECASE)

# For the patterns searched most: words every match contains (see needles.py). A text
# without them is not searched.
TALLY_CLAUSE_NEEDLES = Needles(r"presidents|leaders|heads of state|ministers|countries|"
                               r"nations|governments", digit=True)
GENERIC_NEEDLES = Needles(r"maintain|keep in|stay in|strengthen communication")
INVITE_NEEDLES = Needles(r"invit")
SINCE_THEY_NEEDLES = Needles(r"since")
NOT_EVENT_CLAUSE_NEEDLES = Needles(r"level|ministerial")
NOT_EVENT_BEFORE_NEEDLES = Needles(r"supposed|meant|recall|offer|proposal|call|ready|willing|"
                                   r"prepared|remember|reminisc|pick")
HOST_NEEDLES = Needles(r"host")
SCENE_HOST_NEEDLES = Needles(r"hosted|given|offered")
SUMMIT_NEEDLES = Needles(r"summit")
RELATIVE_TOPIC_NEEDLES = Needles(r"who|which")
ATTEND_BEFORE_NEEDLES = Needles(r"attend|particip|take part|took part|taking part|join")
PREVIOUS_BEFORE_NEEDLES = Needles(r"previous|prior|last")
SINCE_NEEDLES = Needles(r"since|until|till|before|end of|from|for|office")
RELATION_BEFORE_NEEDLES = Needles(r"predecessor|successor|wife|husband|spouse|son|daughter|"
                                  r"father|mother|brother|sister")
ORDINAL_TIME_NEEDLES = Needles(r"time to")
PLANNED_NEEDLES = Needles(r"will|shall|'ll|scheduled|expected|set to|due to|plan|intend|agree|"
                          r"look|hop|upcoming|forthcoming|is to|are to|next|want|proposed|seek|"
                          r"prepar|would|possible|potential")
WEAK_PLANNED_NEEDLES = Needles(r"to (?:meet|hold|visit|have|pay|speak|talk|host|call)")
UPCOMING_NEEDLES = Needles(r"upcoming|next|later this|coming days|future")
TIMES_AFTER_NEEDLES = Needles(r"times|repeatedly|regularly|frequently|often")
COUNT_BEFORE_NEEDLES = Needles(r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                               r"dozen|hundred|several|numerous|many|multiple|number of|series of",
                               digit=True)

TYPE_INFO: dict[str, tuple[str, str, str]] = {
    # type: (CAMEO, PLOVER type, channel)
    "phone_call": ("041", "CONSULT", "phone"),
    "video_meeting": ("040", "CONSULT", "video"),
    "meeting": ("042", "CONSULT", "in_person"),
    "consult": ("040", "CONSULT", "unspecified"),
    "speech": ("010", "STATEMENT", "speech"),
    "message": ("010", "STATEMENT", "written"),
}
# Office words in a group phrase ("the two prime ministers") and the role they name.
GROUP_ROLE_WORDS = (("prime ministers", "head_of_government"), ("premiers", "head_of_government"),
                    ("foreign ministers", "foreign_minister"), ("top diplomats",
                                                                "foreign_minister"),
                    ("presidents", "head_of_state"))
FAR_APART_DAYS = 180
# A sentence that tells an event aside from the article's main one: a flashback or a
# separate contact ("Earlier on Wednesday, ...", "X had discussed it with Y on ...").
ASIDE_START_RE = re.compile(r"\W*(?:Earlier|Separately|Meanwhile|Previously)\b")
ASIDE_RE = re.compile(r"h(?<!\wh)ad (?:also )?(?:discussed|spoken|talked|met|held|called|"
                      r"telephoned)\b")     # "\bhad ...", opening with a letter (a fast scan)
MEDIUM_RANK = {"consult": 0, "meeting": 1, "video_meeting": 1, "phone_call": 1}


class _ArticleFlag:
    """Whether the article tells an in-person encounter and no remote one; searched
    over the whole text only when a clause asks (rarely), then kept."""

    __slots__ = ("_text", "_value")

    def __init__(self, text: str) -> None:
        self._text = text
        self._value: bool | None = None

    def __bool__(self) -> bool:
        if self._value is None:
            self._value = bool(IN_PERSON_ARTICLE_RE.search(self._text)) and not \
                REMOTE_ARTICLE_RE.search(self._text)
        return self._value


@dataclass(slots=True)
class Candidate:
    type: str
    parties: list[Actor]
    date: str | None
    precision: str
    date_explicit: bool
    status: str
    evidence: tuple[int, int]
    spans: list[tuple[int, int]] = field(default_factory=list)
    rule: str = ""
    cameo: str = ""
    plover_mode: str | None = None
    confidence: float = 0.6
    headline: bool = False
    anaphoric: bool = False
    grouped: bool = False       # told as part of a summit or meeting of several parties
    joins: bool = False         # "also attended the meeting": adds parties to an event
    soft_date: bool = False     # the date comes from "today"/"yesterday"
    past: bool = False          # told as an earlier one ("the previous call", "last met")

    def party_set(self) -> frozenset[str]:
        return frozenset(a.party for a in self.parties)


@dataclass(slots=True)
class _Sentence:
    """One sentence with everything found in it."""

    span: Sentence
    triggers: list[re.Match[str]]
    mentions: list[Mention]
    dates: list[DateMention]
    titles: list[TitleMatch]
    headline: bool = False
    tally: bool = False         # tells a count ("spoke by phone 352 times")
    # An embedded post ("... — Name (@handle) November 9, 2016"): its author and date.
    signed: tuple[Mention, DateMention | None] | None = None
    pronoun: re.Match[str] | None = None    # the first "he" or "she"


class Engine:
    def __init__(self, ref: Reference) -> None:
        self.ref = ref
        raw = ref.titles.get("titles", {}) if isinstance(ref.titles, dict) else {}
        self.titles = {k.lower(): tuple(v) for k, v in raw.items()}
        phrases = sorted(self.titles, key=len, reverse=True)
        # First words of the title phrases: the title pattern only runs where one occurs.
        self.title_starts = frozenset(p.split()[0].split("-")[0] for p in phrases)
        self._title_words = WordFilter(lambda word: word.lower() in self.title_starts)
        self.title_re = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases)
                                   + r")\b", re.IGNORECASE) if phrases else None
        hog = ref.titles.get("leader_is_head_of_government", []) if isinstance(
            ref.titles, dict) else []
        self.resolver = ActorResolver(ref, self.titles, frozenset(hog))
        self.capitals = {fold(row["capital"]): iso3 for iso3, row in ref.countries.items()
                         if row.get("capital")}

    # ------------------------------------------------------------------ driver
    def run(self, text: str, published: dt.date | None,
            mentions: list[Mention] | None = None,
            tokens: list[tuple[int, int, str]] | None = None,
            spans: list[Sentence] | None = None,
            article_dates: tuple[dt.date | None, dt.date | None] | None = None,
            ) -> list[Candidate]:
        """Events of one article; `mentions`, `tokens`, sentence `spans` and
        `article_dates` (`anchors(text, published)`) if already found."""
        self._tokens = tokens if tokens is not None else tokenize(text)
        self._low = article_lowered(text)
        self._mentions = mentions if mentions is not None else self.ref.find_mentions(
            text, self._tokens)
        self._triggers = [m for m in cues.find_triggers(text, self._tokens)
                          if _real_trigger(text, m)]
        self._trigger_starts = [m.start() for m in self._triggers]
        publication, anchor = article_dates or anchors(text, published)
        city = DATELINE_CITY_RE.match(text)
        self._dateline_country = self.capitals.get(fold(city.group(1))) if city else None
        if spans is None:
            spans = split_sentences(text)
        sentences = self._sentences(text, spans)
        ctx = Context(self.ref)
        in_person_article = _ArticleFlag(text)
        found: list[Candidate] = []
        last_date: tuple[str | None, str, int] | None = None
        self._year = None
        self._last_mention: tuple[DateMention, int] | None = None
        self._last_day: dt.date | None = None     # the last day-precise date told
        self._main_date: tuple[str, str] | None = None  # the first event's date
        self._cancelled: list[frozenset[str]] = []
        for index, sentence in enumerate(sentences):
            if sentence is None:
                # Nothing told, named or dated (most background sentences): the sentence
                # changes no context, except that a count's paragraph may end here.
                if ctx.tally is not None and ctx.tally[2] != spans[index].paragraph:
                    ctx.tally = None
                continue
            events, last_date = self._sentence(text, sentence, index, ctx, anchor,
                                               publication, last_date, in_person_article)
            found.extend(events)
            if self._main_date is None:
                self._main_date = next(
                    ((e.date, e.precision) for e in events if e.date and e.date_explicit
                     and e.status == "occurred" and not e.past), None)
            self._year = self._context_year(text, sentence, self._year)
        merged = _drop_greetings_in_encounters(
            text, _drop_unreal_plans(merge(found), self._cancelled))
        return [c for c in merged if not c.headline]

    @staticmethod
    def _context_year(text: str, s: _Sentence, year: int | None) -> int | None:
        """The year an article is about ("visits ... in 2019"), for day-months without one."""
        for mention in s.dates:
            lead = YEAR_CONTEXT_RE.search(text, max(s.span.start, mention.start - 12),
                                          mention.start)
            # Only a year that frames the sentence ("In 2019, he ...", "made 12 visits in
            # 2019", "on working visits in 2019"); "signed a pact in 2022" or "since taking
            # office in 2021" tells one past fact.
            if mention.kind == "year" and lead and (
                    s.tally or not text[s.span.start:lead.start()].strip()
                    or PLURAL_BEFORE_RE.search(text, max(s.span.start, lead.start() - 20),
                                               lead.start())):
                year = mention.year
        return year

    def _sentences(self, text: str, spans: list[Sentence]) -> list[_Sentence | None]:
        """What each sentence holds; None for one with nothing in it (most of them: such a
        sentence is made no object)."""
        starts = [s.start for s in spans]
        buckets: list[_Sentence | None] = [None] * len(spans)

        def bucket_of(pos: int) -> _Sentence | None:
            i = bisect.bisect_right(starts, pos) - 1
            if i < 0 or pos >= spans[i].end:
                return None
            bucket = buckets[i]
            if bucket is None:
                bucket = buckets[i] = _Sentence(spans[i], [], [], [], [])
            return bucket

        for mention in self._mentions:
            if (b := bucket_of(mention.start)) is not None:
                b.mentions.append(mention)
        for trigger in self._triggers:
            if (b := bucket_of(trigger.start())) is not None:
                b.triggers.append(trigger)
        meta = meta_spans(text)
        for date in find_dates(text, self._tokens):
            if any(a <= date.start < b for a, b in meta):
                continue
            if (b := bucket_of(date.start)) is not None:
                b.dates.append(date)
        self._sign_posts(text, spans, buckets, bucket_of)
        if self.title_re is not None:
            for m in self._titles(text):
                if (b := bucket_of(m.start())) is not None:
                    phrase = m.group().lower()
                    b.titles.append(TitleMatch(m.start(), m.end(), m.group(),
                                               self.titles.get(phrase, ())))
        for m in self._pronouns(text):
            if (b := bucket_of(m.start())) is not None and b.pronoun is None:
                b.pronoun = m
        links = has_link_leads(text)
        for i, bucket in enumerate(buckets):
            if i >= 4 and not links:
                break   # past the first lines only a link title is a headline
            if bucket is None:
                continue
            start, end = bucket.span.start, bucket.span.end
            bucket.headline = (links and bool(LINK_LEAD_RE.match(text, start, end))) or (
                i < 4 and (i == 0 or "\n" in text[spans[i - 1].end:start])
                and end - start < 160 and not HEADLINE_END_RE.search(text, start, end))
        return buckets

    def _pronouns(self, text: str) -> list[re.Match[str]]:
        """Every subject pronoun of the text, in order (one never spans a sentence end)."""
        if "_" in text:
            return list(SUBJECT_PRONOUN_RE.finditer(text))
        # Without "_" every token is a whole run of word characters, and a pronoun is one
        # of them: the pattern is tried only at those tokens.
        found = (SUBJECT_PRONOUN_RE.match(text, start)
                 for start, _end, _word in _PRONOUN_WORDS.select(self._tokens))
        return [m for m in found if m is not None]

    def _sign_posts(self, text: str, spans: list[Sentence], buckets: list[_Sentence | None],
                    bucket_of: Callable[[int], _Sentence | None]) -> None:
        """Embedded social-media posts end with a signature line naming the author and the
        date; the post's sentences ("we warmly congratulate you") take both (`bucket_of`:
        the sentence at a position, made if need be)."""
        if "(" not in text:
            return
        for sig in SIGNATURE_RE.finditer(text):
            author = next((m for m in self._mentions if m.kind == "person"
                           and sig.start("who") <= m.start < sig.end("who")), None)
            if author is None:
                continue
            when = next((d for b in buckets if b is not None for d in b.dates
                         if sig.start("when") <= d.start < sig.end("when")), None)
            line_start = text.rfind("\n", 0, sig.start()) + 1
            if text[line_start:sig.start()].strip():
                region = (line_start, sig.start())
            else:
                prev_end = len(text[:line_start].rstrip())
                region = (text.rfind("\n", 0, prev_end) + 1, line_start)
            for span in spans:
                if region[0] <= span.start < region[1] and (
                        bucket := bucket_of(span.start)) is not None:
                    bucket.signed = (author, when)

    def _titles(self, text: str) -> list[re.Match[str]]:
        found: list[re.Match[str]] = []
        pos = 0
        for start, _end, _word in self._title_words.select(self._tokens):
            if start < pos:
                continue
            m = self.title_re.match(text, start, min(len(text), start + 60))
            if m:
                found.append(m)
                pos = m.end()
        return found

    # ---------------------------------------------------------------- sentence
    def _sentence(self, text: str, s: _Sentence, index: int, ctx: Context,
                  anchor: dt.date | None, publication: dt.date | None,
                  last_date: tuple[str | None, str, int] | None, in_person_article: _ArticleFlag,
                  ) -> tuple[list[Candidate], tuple[str | None, str, int] | None]:
        start, end = s.span.start, s.span.end
        triggers = s.triggers
        # A rough date for resolving names and titles (the sentence's first date, else
        # context), needed only when the sentence has any.
        rough_on = self._rough_date(s, anchor, last_date) if (
            s.titles or s.signed is not None or any(m.kind == "person" for m in s.mentions)
        ) else None
        actors = self._actors(text, s, rough_on, ctx)
        events: list[Candidate] = []
        low = self._low
        s.tally = bool(triggers) and TALLY_CLAUSE_NEEDLES.may(low, start, end) and bool(
            TALLY_CLAUSE_RE.search(text, start, end))
        if triggers and not (GENERIC_NEEDLES.may(low, start, end)
                             and cues.GENERIC_RE.search(text, start, end)):
            for clause in _clauses(text, start, end):
                clause_triggers = [m for m in triggers if clause[0] <= m.start() < clause[1]]
                if not clause_triggers:
                    continue
                event = self._clause_event(text, s, clause, clause_triggers, actors, ctx,
                                           anchor, publication, last_date, index,
                                           in_person_article)
                if event:
                    events.extend(event)
        events = self._tally_instances(text, s, triggers, actors, events, ctx, anchor)
        named = [a for a in actors if a.via != "group"]
        ctx.remember(named)
        ctx.forums.extend(m for m in s.mentions if m.kind == "org")
        # "her predecessor, Lee": a person told about, not the one the story follows.
        named = [a for a in named if not (
            RELATION_BEFORE_NEEDLES.may(low, max(0, a.start - 30), a.start)
            and RELATION_BEFORE_RE.search(text, max(0, a.start - 30), a.start))]
        subjects = [a for a in named if a.start < (triggers[0].start() if triggers else end)]
        if subjects:
            ctx.last_subject = subjects[0]
        elif named and not triggers:
            ctx.last_subject = named[0]
        bilateral = [e for e in events if e.type != "speech"]
        if bilateral:
            if not ctx.main_parties:
                ctx.main_parties = list(bilateral[0].parties)
            ctx.last_parties = list(bilateral[-1].parties)
            ctx.last_aside = bool(ASIDE_START_RE.match(text, s.span.start)
                                  or ASIDE_RE.search(text, s.span.start, s.span.end))
        usable = [d for d in s.dates if not (
            SINCE_NEEDLES.may(low, max(0, d.start - 40), d.start)
            and SINCE_RE.search(text, max(0, d.start - 40), d.start))]
        dated = [d for d in usable if d.kind in ("absolute", "weekday", "nth", "month")]
        if dated:
            self._last_mention = (dated[-1], index)
        if usable:
            latest = self._resolve(s, usable[-1], anchor, last_date)
            if latest[0]:
                last_date = (*latest, index)
            for mention in reversed(dated):
                # A dated mention is no shift: the new `last_date` leaves it as resolved.
                value, precision = latest if mention is usable[-1] else self._resolve(
                    s, mention, anchor, last_date)
                if value and precision == "day":
                    self._last_day = _to_date(value)
                    break
        return events, last_date

    def _resolve(self, s: _Sentence, mention: DateMention, anchor: dt.date | None,
                 last_date: tuple[str | None, str, int] | None,
                 future: bool = False) -> tuple[str | None, str]:
        """`resolve`, with a shift ("a day earlier") counted from the day told before it:
        an earlier date of the sentence, else the last one of the text before."""
        if mention.kind != "shift":
            return resolve(mention, self._year_anchor(mention, anchor), future)
        base: dt.date | None = None
        for before in reversed([d for d in s.dates if d.start < mention.start]):
            if before.kind != "shift":
                value, precision = resolve(before, self._year_anchor(before, anchor), future)
                if value and precision == "day":
                    base = _to_date(value)
                    break
        last = self._last_mention
        if base is None and last is not None and last[0].kind != "month":
            value, precision = resolve(last[0], self._year_anchor(last[0], anchor), future)
            base = _to_date(value) if value and precision == "day" else None
        if base is None and last_date and last_date[0] and last_date[1] == "day":
            base = _to_date(last_date[0])
        if base is None and self._last_day is not None:
            base = self._last_day   # "on Saturday ... last month. A day after ...": the day
        if base is None:
            return None, "unknown"      # no day told before: left to the context rules
        return resolve(mention, base, future)

    def _year_anchor(self, mention: DateMention, anchor: dt.date | None) -> dt.date | None:
        """Day-months without a year take the year the article is about, if it names one."""
        year = getattr(self, "_year", None)
        if (anchor is None or year is None or year >= anchor.year or mention.year is not None
                or mention.kind not in ("absolute", "month") or mention.unit):
            return anchor
        return dt.date(year, 12, 31)

    def _tally_instances(self, text: str, s: _Sentence, triggers: list[re.Match[str]],
                         actors: list[Actor], events: list[Candidate], ctx: Context,
                         anchor: dt.date | None) -> list[Candidate]:
        """A count followed by its instances ("He spoke by phone 352 times. The first was
        with X on February 24."): the instances take the count's medium and actor."""
        start, end = s.span.start, s.span.end
        paragraph = s.span.paragraph
        if ctx.tally is not None and ctx.tally[2] != paragraph:
            ctx.tally = None
        if s.tally:
            kinds = {m.lastgroup for m in triggers}
            kind = next((t for k, t in _TALLY_TYPES if k in kinds), None)
            if kind is not None:
                subject = next((a for a in actors if a.start < triggers[0].start()),
                               ctx.last_subject)
                ctx.tally = (kind, subject, paragraph)
            return events
        if ctx.tally is None:
            return events
        kind, subject, _ = ctx.tally
        if events:
            if kind in ("phone_call", "video_meeting"):
                for event in events:
                    if event.type == "consult":
                        event.type = kind
                        event.cameo, event.plover_mode = _cameo_mode(kind, "")
            return events
        m = INSTANCE_RE.match(text, start, end)
        if m is None or subject is None:
            return events
        others = [a for a in actors if a.start >= m.end() and a.party != subject.party]
        if not others:
            return events
        dates = [d for d in s.dates if d.start >= start]
        value, precision = resolve(dates[0], anchor) if dates else (None, "unknown")
        cameo, mode = _cameo_mode(kind, "")
        return [Candidate(kind, _distinct([subject, *others]), value, precision,
                          bool(dates), "occurred", (start, end), [(start, end)],
                          rule=f"{kind}:tally-instance", cameo=cameo, plover_mode=mode)]

    def _planned_context_date(self, text: str, s: _Sentence, index: int,
                              anchor: dt.date | None) -> tuple[str | None, str, bool]:
        """"During his visit, he will meet X": a plan told right after the visit's date
        takes that date (read as future)."""
        last = self._last_mention
        if last is None or index - last[1] > 2 or not PLANNED_CONTEXT_RE.search(
                text, s.span.start, s.span.end):
            return None, "unknown", False
        value, precision = resolve(last[0], self._year_anchor(last[0], anchor), True)
        if value is None or (anchor is not None and value[:7] < anchor.isoformat()[:7]):
            return None, "unknown", False
        return value, precision, False

    @staticmethod
    def _rough_date(s: _Sentence, anchor: dt.date | None,
                    last_date: tuple[str | None, str, int] | None) -> dt.date | None:
        for mention in s.dates:
            value, _ = resolve(mention, anchor)
            if value:
                return _to_date(value)
        if last_date and last_date[0]:
            return _to_date(last_date[0])
        return anchor

    # ------------------------------------------------------------------ actors
    def _actors(self, text: str, s: _Sentence, on: dt.date | None, ctx: Context) -> list[Actor]:
        actors: list[Actor] = []
        mentions = s.mentions
        for mention in mentions:
            if mention.kind != "person" or (mention.form == "short" and (
                    _not_the_person(text, mention, mentions)
                    # A capital's name is the city unless the person was named in full.
                    or (mention.text in self.ref.capitals
                        and not any(k in ctx.seen for k in mention.keys)))):
                continue
            hint = _title_before(s.titles, mention.start, text)
            actor = self.resolver.person_actor(mention, on, ctx, hint)
            if actor is not None:
                actors.append(actor)
        pronoun = self._pronoun_subject(text, s, actors, ctx)
        if pronoun is not None:
            actors.append(pronoun)
        if s.signed is not None:
            actors.extend(self._author(text, s, actors, on, ctx))
        subject = actors[0] if actors else ctx.last_subject
        for title in s.titles:
            if any(a.start <= title.start < a.end for a in actors):
                continue
            actors.extend(self.resolver.title_actors(text, title, mentions, on, ctx, subject))
        actors.sort(key=lambda a: a.start)
        return actors

    @staticmethod
    def _pronoun_subject(text: str, s: _Sentence, actors: list[Actor],
                         ctx: Context) -> Actor | None:
        """"He held talks with ...": the last single subject, at the pronoun."""
        if ctx.last_subject is None:
            return None
        m = s.pronoun
        if not m:
            return None
        pos = m.start()
        if any(a.start < pos for a in actors):
            return None
        last = ctx.last_subject
        return Actor(last.name, last.country, last.org, pos, pos + len(m.group()), last.role,
                     last.person, via="pronoun")

    def _author(self, text: str, s: _Sentence, actors: list[Actor], on: dt.date | None,
                ctx: Context) -> list[Actor]:
        """"I/we" in a signed post is its author."""
        mention = s.signed[0]
        m = FIRST_PERSON_RE.search(text, s.span.start, s.span.end)
        author = self.resolver.person_actor(mention, on, ctx)
        if m is None or author is None or any(a.person == author.person for a in actors):
            return []
        author.start, author.end, author.via = m.start(), m.end(), "pronoun"
        return [author]

    # ------------------------------------------------------------------ clause
    def _clause_event(self, text: str, s: _Sentence, clause: tuple[int, int],
                      triggers: list[re.Match[str]], actors: list[Actor], ctx: Context,
                      anchor: dt.date | None, publication: dt.date | None,
                      last_date: tuple[str | None, str, int] | None, index: int,
                      in_person_article: _ArticleFlag,
                      ) -> list[Candidate] | None:
        c_start, c_end = clause
        clause_text = text[c_start:c_end]
        kinds = {m.lastgroup for m in triggers}
        if "cancel" in kinds:
            # "We cancelled the meeting with Putin": plans of these parties are off.
            parties = frozenset(a.party for a in actors)
            if len(parties) >= 2:
                self._cancelled.append(parties)
            return None
        if s.tally and TALLY_CLAUSE_RE.search(clause_text):
            return None
        # "In April and July respectively, X held two video summits": one event per date.
        per_date = [d for d in s.dates if c_start <= d.start < c_end
                    and d.kind in ("absolute", "month")]
        several = len(per_date) >= 2 and bool(RESPECTIVELY_RE.search(clause_text))
        low = self._low
        triggers = [m for m in triggers if (several or not _counted(text, c_start, m, low))
                    and not (m.group().lower() in ("meet", "meets")
                             and MEET_NOT_PERSON_RE.match(text, m.end()))]
        accepted = ACCEPTED_RE.search(clause_text) if "invite" in kinds else None
        if INVITE_NEEDLES.may(low, c_start, c_end) and INVITE_VISIT_RE.search(clause_text) \
                and not accepted:
            triggers = [m for m in triggers if m.lastgroup != "meeting"
                        or not m.group().lower().startswith("visit")]
        invited = INVITED_TO_RE.search(clause_text) if "invite" in kinds else None
        if invited and not accepted:
            # "invited him to the BRICS Summit to be hosted by India": the summit is
            # what the invitation is for, not an event told.
            triggers = [m for m in triggers if m.start() < c_start + invited.start()]
        relative = RELATIVE_TOPIC_RE.search(clause_text) if RELATIVE_TOPIC_NEEDLES.may(
            low, c_start, c_end) else None
        if relative and triggers[0].start() < c_start + relative.start():
            triggers = [m for m in triggers if m.start() < c_start + relative.start()]
        since_they = SINCE_THEY_RE.search(clause_text) if SINCE_THEY_NEEDLES.may(
            low, c_start, c_end) else None
        if since_they and triggers[0].start() < c_start + since_they.start():
            triggers = [m for m in triggers if m.start() < c_start + since_they.start()]
        greeted = GREETINGS_OF_RE.search(clause_text) if "callon" in kinds else None
        if greeted:
            triggers = [m for m in triggers if m.lastgroup != "message"]
            actors = [a for a in actors if a.start < c_start + greeted.end()]
        kinds = {m.lastgroup for m in triggers} - {"invite"}
        if not kinds:
            return None
        forum = self._forum(text, s, clause, ctx, triggers)
        event_type = _event_type(kinds, clause_text, forum is not None, in_person_article)
        if event_type is None:
            return None
        main = _main_trigger(text, triggers, event_type)
        first = main.start()
        if (NOT_EVENT_CLAUSE_NEEDLES.may(low, c_start, c_end)
                and cues.NOT_EVENT_CLAUSE_RE.search(clause_text)) or any(
                NOT_EVENT_BEFORE_NEEDLES.may(low, max(c_start, pos - 50), pos)
                and cues.NOT_EVENT_BEFORE_RE.search(text, max(c_start, pos - 50), pos)
                for pos in {triggers[0].start(), first}):
            return None
        if _negated(text, c_start, c_end, main):
            return None     # "had no plans to talk to", "a meeting ... was not planned"
        if event_type == "message" and self._told_in_encounter(text, s, c_start, clause_text):
            return None
        if event_type == "meeting" and self._visit_without_host(text, s, triggers, actors):
            return None
        clause_actors = self._without_scene_hosts(
            text, [a for a in actors if c_start <= a.start < c_end])
        sentence_actors = actors
        if len({a.party for a in clause_actors}) < 2 and len(actors) > len(clause_actors):
            # "..., but X did not meet him": no party from a clause that denies its event.
            sentence_actors = self._actors_outside_denials(text, s, actors, clause)
        # "attended the G20 summit by video link and delivered remarks": a speech there.
        if event_type != "speech" and ATTEND_BEFORE_NEEDLES.may(
                low, max(c_start, first - 80), first) and ATTEND_BEFORE_RE.search(
                text, max(c_start, first - 80), first) and len(
                {a.party for a in clause_actors if a.via != "group"}) < 2:
            return None     # attending a summit or meeting with no named counterpart
        parties_lists = self._parties(text, event_type, clause_actors, sentence_actors, first,
                                      clause_text, ctx, forum, c_start)
        if not parties_lists:
            return None
        if event_type == "consult" and c_start < DATELINE_REACH and \
                self._dateline_country is not None and TALKS_RE.search(clause_text) and \
                any(a.party == self._dateline_country for a in parties_lists[0]):
            event_type = "meeting"  # "ASTANA - X held talks with Tokayev": in the capital
        # Status and reference back are read only for a clause with parties (most have none).
        status = _status(text, c_start, first, clause_text, low)
        if accepted and event_type == "meeting" and c_start + accepted.start() < first:
            status = "planned"      # "accepted an invitation to visit Beijing"
        if triggers[0].start() < first and status == "occurred":
            # "will have a number of meetings, including on the sidelines of ...".
            status = _status(text, c_start, triggers[0].start(), clause_text, low)
        anaphoric = bool(DEFINITE_BEFORE_RE.search(text, max(c_start, first - 30), first)) \
            and not (kinds & {"phone", "video"})
        past = PREVIOUS_BEFORE_NEEDLES.may(low, max(c_start, first - 40), first) and bool(
            PREVIOUS_BEFORE_RE.search(text, max(c_start, first - 40), first))
        date, precision, explicit = self._date(text, s, clause, first, status, anchor,
                                               last_date, index, past)
        soft = explicit and any(d.kind in ("relday", "relper") for d in s.dates
                                if clause[0] <= d.start < clause[1])
        grouped = SUMMIT_NEEDLES.may(low, c_start, c_end) and bool(SUMMIT_RE.search(clause_text))
        joins = (anaphoric and bool(ALSO_ATTENDED_RE.search(clause_text))) or (
            HOST_NEEDLES.may(low, c_start, c_end) and bool(HOST_JOINS_RE.search(clause_text)))
        cameo, mode = _cameo_mode(event_type, clause_text)
        dated = [(date, precision)]
        if several:
            dated = [v for v in (resolve(d, self._year_anchor(d, anchor), status == "planned")
                                 for d in per_date) if v[0]]
        events = []
        since = self._first_since(text, s, clause, first, anchor, last_date) \
            if status == "occurred" else None
        if since is not None and len(parties_lists) == 1:
            # "their first call since June": a call in June too.
            dated = [*dated, since]
        earlier = self._since_they(s, clause, since_they, anchor, last_date) \
            if since_they and status == "occurred" and len(parties_lists) == 1 else None
        carried = _carried_message(c_start, clause_text, parties_lists[0]) if (
            event_type == "message" and kinds & {"meeting", "consult"}
            and len(parties_lists) == 1) else None
        if carried is not None:
            parties_lists = list(carried)
        for parties in parties_lists:
            if carried is not None and parties is carried[1]:
                event_type, cameo, mode = "meeting", *_cameo_mode("meeting", clause_text)
            for value, value_precision in dated:
                events.append(Candidate(
                    event_type, parties, value, value_precision,
                    explicit or (value, value_precision) == since, status,
                    (s.span.start, s.span.end), [(s.span.start, s.span.end)],
                    rule=f"{event_type}:{_rule_name(triggers)}", cameo=cameo, plover_mode=mode,
                    confidence=0.8 if explicit else 0.6, headline=s.headline,
                    anaphoric=anaphoric, grouped=grouped, joins=joins, soft_date=soft,
                    past=past and explicit))
        if earlier is not None:
            kind = "meeting" if since_they["verb"].lower() in ("met", "held talks") \
                else "consult"
            events.append(Candidate(
                kind, parties_lists[0], *earlier, True, status,
                (s.span.start, s.span.end), [(s.span.start, s.span.end)],
                rule=f"{kind}:since({since_they['verb'].lower()})",
                cameo=_cameo_mode(kind, "")[0], plover_mode=_cameo_mode(kind, "")[1],
                confidence=0.6, headline=s.headline, past=True))
        return events

    def _since_they(self, s: _Sentence, clause: tuple[int, int], since_they: re.Match[str],
                    anchor: dt.date | None, last_date: tuple[str | None, str, int] | None,
                    ) -> tuple[str, str] | None:
        """The date of the earlier event "since they met in Woodside in November" names."""
        start = clause[0] + since_they.end()
        for mention in s.dates:
            if start <= mention.start < min(clause[1], start + 80):
                value, precision = self._resolve(s, mention, anchor, last_date)
                if value and precision in ("day", "month", "year"):
                    return value, precision
        return None

    def _without_scene_hosts(self, text: str, actors: list[Actor]) -> list[Actor]:
        """"At the dinner hosted by Widodo, Modi had a brief exchange with Biden": the host
        of the setting is no party when two others are named; nor is the counterpart of
        another event that dates this one ("Before the meeting with Erdogan, ...")."""
        low = self._low
        # Each pattern is searched only where its plain words are (its "with" is lower-case).
        hosts = [a for a in actors if (
            SCENE_HOST_NEEDLES.may(low, max(0, a.start - 40), a.start)
            and SCENE_HOST_RE.search(text, max(0, a.start - 40), a.start)) or (
            "with" in text[max(0, a.start - 70):a.start]
            and OTHER_EVENT_LEAD_RE.search(text, max(0, a.start - 70), a.start))]
        rest = [a for a in actors if a not in hosts]
        if not hosts or len({a.party for a in rest}) < 2:
            return actors
        return rest

    def _first_since(self, text: str, s: _Sentence, clause: tuple[int, int], first: int,
                     anchor: dt.date | None, last_date: tuple[str | None, str, int] | None,
                     ) -> tuple[str, str] | None:
        """The date of the event a "first ... since" counts from, when the phrase names the
        same parties ("their first call since June", "the first talks between the two
        since mid-September"); a first visit "by an Israeli president since 2007" names
        no one and gives none."""
        for mention in s.dates:
            if not clause[0] <= mention.start < clause[1] or mention.start < first:
                continue
            m = FIRST_SINCE_RE.search(text, max(clause[0], first - 40), mention.start)
            if m is None:
                continue
            value, precision = self._resolve(s, mention, anchor, last_date)
            if value and precision in ("day", "month", "year"):
                return value, precision
        return None

    def _actors_outside_denials(self, text: str, s: _Sentence, actors: list[Actor],
                                clause: tuple[int, int]) -> list[Actor]:
        """The sentence's actors less those in another clause whose trigger is denied."""
        if not NEGATION_WORD_RE.search(text, s.span.start, s.span.end):
            return actors
        denied: list[tuple[int, int]] = []
        first = bisect.bisect_left(self._trigger_starts, s.span.start)
        last = bisect.bisect_left(self._trigger_starts, s.span.end)
        triggers = self._triggers[first:last]
        # ", after a call with X": the subordinate clause's subject is the sentence's, even
        # when the main clause denies its own event ("decided not to travel, after ...").
        subordinate = bool(SUBORDINATE_LEAD_RE.match(text, clause[0], clause[1]))
        for start, end in _clauses(text, s.span.start, s.span.end):
            if subordinate and start == s.span.start:
                continue
            if (start, end) != clause and any(
                    start <= m.start() < end and _negated(text, start, end, m)
                    for m in triggers):
                denied.append((start, end))
        return [a for a in actors if not any(x <= a.start < y for x, y in denied)]

    def _told_in_encounter(self, text: str, s: _Sentence, c_start: int,
                           clause_text: str) -> bool:
        """"They last spoke by phone in May, when X congratulated Y": the congratulations
        were said in the call or meeting of the clause before, not sent as a message."""
        if not WHEN_LEAD_RE.match(clause_text) or MESSAGE_NOUN_RE.search(clause_text):
            return False
        first = bisect.bisect_left(self._trigger_starts, s.span.start)
        last = bisect.bisect_left(self._trigger_starts, c_start)
        return any(m.lastgroup in ("phone", "video", "meeting", "consult")
                   for m in self._triggers[first:last])

    @staticmethod
    def _visit_without_host(text: str, s: _Sentence, triggers: list[re.Match[str]],
                            actors: list[Actor]) -> bool:
        """"his recent visit to Israel": a visit to a country none of the parties acts for."""
        meeting_words = [m for m in triggers if m.lastgroup in ("meeting", "callon")]
        if not meeting_words or any(not m.group().lower().startswith("visit")
                                    for m in meeting_words):
            return False
        for m in meeting_words:
            to = VISIT_TO_RE.match(text, m.start())
            if not to:
                return False
            place = next((x for x in s.mentions if x.start == to.end()), None)
            if place is None or place.kind != "country":
                return False
            if any(a.country == place.keys[0] for a in actors):
                return False
        return True

    def _forum(self, text: str, s: _Sentence, clause: tuple[int, int], ctx: Context,
               triggers: list[re.Match[str]]) -> Mention | None:
        """The forum a speech is given at: an organisation named after the speech word
        ("speech to the UN General Assembly"), else the last one named before."""
        speech = [m for m in triggers if m.lastgroup in ("speech", "video", "message")]
        orgs = [m for m in s.mentions if m.kind == "org" and clause[0] <= m.start < clause[1]]
        for word in speech:
            for org in orgs:
                if org.start <= word.start():
                    continue
                # "speech to the 6th Summit of Heads of State of the CELAC": the link
                # words come before the event's own name.
                gap = text[word.end():org.start - len(_named_event(text, org))]
                # "spoke at the NATO summit": the link word ends the trigger itself.
                linked = word.group().lower().startswith("address") or \
                    word.group().lower().endswith((" at", " to"))
                if FORUM_LINK_RE.fullmatch(gap) or (linked and ADDRESS_LINK_RE.fullmatch(gap)):
                    return org
        if orgs and not speech:
            return orgs[-1]
        for org in orgs:
            # "opened the virtual G20 summit with a speech": the forum named as an event.
            if speech and (FORUM_EVENT_AFTER_RE.match(text, org.end)
                           or FORUM_EVENT_AFTER_RE.search(" " + org.text)):
                return org
        if ctx.forums and (cues.FORUM_ANAPHOR_RE.search(text, clause[0], clause[1])
                           or REMARKS_RE.search(text, clause[0], clause[1])):
            # "addressed the meeting": the latest forum named as an event, else the latest.
            same = [f for f in ctx.forums if f.keys == ctx.forums[-1].keys]
            return next((f for f in reversed(same[-8:]) if _named_event(text, f)),
                        ctx.forums[-1])
        return None

    def _parties(self, text: str, event_type: str, clause_actors: list[Actor],
                 sentence_actors: list[Actor], first: int, clause_text: str, ctx: Context,
                 forum: Mention | None, clause_start: int) -> list[list[Actor]]:
        actors = _distinct(clause_actors)
        pronoun = SUBJECT_PRONOUN_RE.search(text, clause_start, first) or \
            SUBJECTLESS_LEAD_RE.match(text, clause_start, first)
        if pronoun and actors and len({a.party for a in actors}) < 2 and sentence_actors and \
                sentence_actors[0].start < clause_start and event_type != "speech" and \
                sentence_actors[0].party != actors[0].party:
            # ", a day after he held talks with X": "he" is the sentence's subject.
            actors = [sentence_actors[0], *actors]
        if len({a.party for a in actors}) < 2 and event_type not in ("speech",):
            wider = _distinct(sentence_actors)
            if len({a.party for a in wider}) > len({a.party for a in actors}):
                actors = wider
        if event_type == "speech":
            return self._speech_parties(text, actors, forum, ctx, self._mentions, self.ref)
        if len({a.party for a in actors}) < 2:
            actors = self._complete(actors, event_type, clause_text, ctx, clause_start)
        if len({a.party for a in actors}) < 2:
            return []
        subjects = [a for a in actors if a.start < first]
        objects = [a for a in actors if a.start >= first]
        if event_type == "message":
            if not objects and all(a in sentence_actors for a in subjects) and \
                    not EXCHANGED_RE.search(clause_text):
                return []   # "the leaders of A and B sent condolences": no recipient named
            subjects, objects = _sender_recipient(text, first, subjects, objects)
            if THANKED_FOR_RE.search(clause_text):
                subjects, objects = objects, subjects
            actors = subjects + objects
        if (len(subjects) < 2 and len(objects) < 2) or not subjects or not objects:
            return [actors]     # two parties, or none on one side: nothing to split
        if event_type == "meeting" and len(subjects) == 1 and LEADERS_OF_RE.search(
                text, first, objects[0].end + 12):
            # "met with leaders of Italy, France and Germany, when A, B and C arrived
            # together with D": one gathering, with those the "when" clause names.
            c_end = clause_start + len(clause_text)
            joined = [a for a in sentence_actors if a.start >= c_end
                      and WHEN_LEAD_RE.match(text, c_end)]
            return [_distinct(actors + joined)]
        separate = bool(SEPARATE_RE.search(clause_text))
        # "on the sidelines of the NATO summit" sets the scene: no multilateral event.
        group = not separate and bool(cues.GROUP_EVENT_RE.search(
            SCENE_SUMMIT_RE.sub(" ", clause_text)))
        several_places = bool(MULTI_VISIT_RE.search(clause_text))
        split = separate or several_places or bool(cues.SPLIT_EVENT_RE.search(clause_text)) \
            or event_type == "message"
        if not separate and HOST_RE.match(text, first):
            split = False   # "hosted A and B": one gathering
        if split and not group and subjects and objects:
            # ... but at a summit's sidelines a list is a round of bilateral meetings.
            listed = objects if len(subjects) == 1 else subjects
            if event_type == "meeting" and not (separate or several_places) and not (
                    BILATERAL_RE.search(clause_text) or THIRD_PLACE_RE.search(clause_text)) \
                    and _plain_list(text, listed):
                return [actors]     # "met A, B and C in Paris": one gathering
            if len(subjects) == 1 and len({a.party for a in objects}) >= 2:
                return [[subjects[0], o] for o in objects if o.party != subjects[0].party]
            if len(subjects) >= 2 and len(objects) == 1 and len(
                    {a.party for a in subjects}) >= 2:
                return [[sub, objects[0]] for sub in subjects if sub.party != objects[0].party]
        return [actors]

    @staticmethod
    def _speech_parties(text: str, actors: list[Actor], forum: Mention | None, ctx: Context,
                        mentions: list[Mention], ref: Reference) -> list[list[Actor]]:
        if forum is None:
            return []
        speakers = [a for a in actors if a.org != forum.keys[0]]
        if not speakers and ctx.last_subject is not None and \
                ctx.last_subject.org != forum.keys[0]:
            speakers = [ctx.last_subject]
        if not speakers:
            return []
        legislature = ref.legislatures.get(forum.keys[0])
        forum_actor = Actor(_forum_name(text, forum, mentions, ref), legislature,
                            None if legislature else forum.keys[0],
                            forum.start, forum.end, None, None, via="forum")
        return [[speaker, forum_actor] for speaker in speakers[:3]]

    @staticmethod
    def _complete(actors: list[Actor], event_type: str, clause_text: str,
                  ctx: Context, clause_start: int) -> list[Actor]:
        """Add the other party from context when the clause names only one."""
        parties = {a.party for a in actors}
        if actors and ctx.last_parties and HOST_JOINS_RE.search(clause_text):
            merged = _distinct(ctx.last_parties + actors)   # the event's own parties first
            if len({a.party for a in merged}) >= 2:
                return merged
        group = cues.GROUP_ANAPHOR_RE.search(clause_text)
        if group and cues.GENERIC_PLURAL_SUBJECT_RE.search(clause_text, 0, group.start()):
            group = None    # "EU leaders will hold their summit": another group's "their"
        referents = _group_referents(group.group(), ctx) if group else []
        if referents and (actors or group.start() < len(clause_text) // 2
                          # "the first talks between the two since June"
                          or FIRST_BETWEEN_RE.search(clause_text, 0, group.start())
                          # "the previous conversation between the two leaders"
                          or BETWEEN_BEFORE_RE.search(clause_text, 0, group.start())):
            merged = _distinct(actors + referents)
            if len({a.party for a in merged}) >= 2:
                return merged
        if not actors or (event_type == "message" and UNNAMED_RECIPIENT_RE.search(clause_text)):
            return actors   # "condolences to the people of Morocco": no named recipient
        resolved = {a.start - clause_start for a in actors if a.via == "pronoun"}
        if any(m.start() not in resolved for m in cues.OTHER_PRONOUN_RE.finditer(clause_text)) \
                or event_type in ("message",):
            pool: list[Actor] = []
            if event_type == "message" and ctx.focus is not None:
                pool.append(ctx.focus)
            pool.extend(reversed(ctx.last_parties))
            pool.extend(reversed(ctx.recent))
            for other in pool:
                if other.party not in parties:
                    return [*actors, other]
        return actors

    # -------------------------------------------------------------------- date
    def _date(self, text: str, s: _Sentence, clause: tuple[int, int], first: int, status: str,
              anchor: dt.date | None, last_date: tuple[str | None, str, int] | None,
              index: int, past: bool = False) -> tuple[str | None, str, bool]:
        future = status == "planned"
        usable = [d for d in s.dates
                  if not SINCE_RE.search(text, max(0, d.start - 30), d.start)
                  # "last met in November 2022, and agreed today": today is not then.
                  and not (past and d.kind == "relday")]
        if future:
            # "..., an official said Sunday": the day it was said, not the day planned.
            usable = [d for d in usable
                      if not SAID_BEFORE_RE.search(text, max(0, d.start - 25), d.start)]
        if not usable and s.signed is not None and s.signed[1] is not None:
            usable = [s.signed[1]]
        if future and anchor is not None:
            # A plan is not dated before publication ("spoke in October 2021, but this
            # will be their first meeting").
            usable = [d for d in usable if not _before_month(
                resolve(d, self._year_anchor(d, anchor), True)[0], anchor)]
        in_clause = [d for d in usable if clause[0] <= d.start < clause[1]]
        if not in_clause and not future and self._main_date is not None and \
                SAME_DAY_LEAD_RE.match(text, s.span.start):
            # "Later, ..." / "Earlier in the day, ...": the main event's day, not that of a
            # past event told just before.
            return self._main_date[0], self._main_date[1], True
        pool = in_clause or usable
        if pool:
            best = min(pool, key=lambda d: (_PRECISION_RANK.get(d.kind, 3),
                                            abs(d.start - first) + (0 if d.start > first else 5)))
            value, precision = self._resolve(s, best, anchor, last_date, future)
            if value:
                return value, precision, True
        if future:
            return self._planned_context_date(text, s, index, anchor)
        # A date after publication ("heads to the polls in December") is no past event's.
        if last_date and last_date[0] and not _after(last_date[0], anchor) and (
                cues.CONTINUATION_RE.search(text, s.span.start, s.span.end)
                or index - last_date[2] <= 4):
            return last_date[0], last_date[1], False
        if future or anchor is None:
            return None, "unknown", False
        return anchor.isoformat(), "day", False


_PRECISION_RANK = {"absolute": 0, "weekday": 0, "relday": 0, "nth": 0, "shift": 0, "month": 1,
                   "relper": 2, "year": 3}

_TYPE_GROUPS: dict[str, set[str]] = {
    "phone_call": {"phone"}, "video_meeting": {"video", "meeting", "consult"},
    "meeting": {"meeting", "callon", "consult"}, "consult": {"consult"},
    "speech": {"speech", "video"}, "message": {"message"},
}


def _carried_message(c_start: int, clause_text: str, parties: list[Actor],
                     ) -> tuple[list[Actor], list[Actor]] | None:
    """For a message an envoy carries: the message's parties (sender and recipient, not
    the envoy) and those of the envoy's meeting with the recipient (not the sender)."""
    m = CARRIED_MESSAGE_RE.search(clause_text)
    if m is None:
        return None
    start, end = c_start + m.start("sender"), c_start + m.end("sender")
    met = [a for a in parties if not start <= a.start < end]
    envoys = [a for a in met if a.start < c_start + m.start()][-1:]
    message = [a for a in parties if a not in envoys]
    if len({a.party for a in met}) < 2 or len({a.party for a in message}) < 2:
        return None
    return message, met


def _main_trigger(text: str, triggers: list[re.Match[str]], event_type: str) -> re.Match[str]:
    """The trigger that states the event: of the event's kind, not a scene-setting word
    ("on the sidelines", "during the visit")."""
    typed = [m for m in triggers if m.lastgroup in _TYPE_GROUPS[event_type]] or triggers
    for m in typed:
        word = m.group().lower()
        if word in CONTEXT_TRIGGER_WORDS:
            continue
        if any(other.start() > m.start() for other in typed) and \
                CONTEXT_TRIGGER_BEFORE_RE.search(text, max(0, m.start() - 30), m.start()):
            continue
        return m
    return typed[0]


def _event_type(kinds: set[str], clause_text: str, has_forum: bool,
                in_person_article: _ArticleFlag) -> str | None:
    if "phone" in kinds:
        return "phone_call"
    if "video" in kinds:
        if "speech" in kinds or (VIDEO_MESSAGE_RE.search(clause_text) and has_forum):
            return "speech" if has_forum else None
        if kinds & {"meeting", "consult", "message"} or has_forum or \
                VIDEO_EVENT_RE.search(clause_text):
            return "video_meeting"
        return None
    if "speech" in kinds and has_forum:
        return "speech"
    if "message" in kinds and not ("consult" in kinds and CONSULT_VERB_RE.search(clause_text)):
        return "message"
    if "callon" in kinds or "meeting" in kinds:
        return "meeting"
    if "consult" in kinds:
        lowered = clause_text.lower()
        if TALKS_RE.search(lowered) and (
                LOCATION_RE.search(clause_text) or in_person_article):
            return "meeting"
        return "consult"
    return None


def _status(text: str, c_start: int, first: int, clause_text: str, low: str | None) -> str:
    """`low`: the `lowered` text, or None."""
    word_end = WORD_RE.match(text, first, first + 30).end()
    window_start = max(c_start, first - 110)
    window = text[window_start:word_end]
    if INVITE_NEEDLES.may(low, window_start, word_end):
        window = INVITE_VISIT_RE.sub(" ", window)
    if ORDINAL_TIME_NEEDLES.may(low, window_start, word_end):
        window = ORDINAL_TIME_RE.sub(" ", window)
    if PLANNED_NEEDLES.may_text(window) and cues.PLANNED_RE.search(window) and \
            not cues.PAST_RE.search(window):
        return "planned"
    if WEAK_PLANNED_NEEDLES.may_text(window) and cues.WEAK_PLANNED_RE.search(window) and \
            not cues.PAST_VERB_RE.search(window):
        return "planned"
    upcoming = UPCOMING_RE.search(clause_text) if UPCOMING_NEEDLES.may(
        low, c_start, c_start + len(clause_text)) else None
    if upcoming and not (PAST_TRIGGER_RE.fullmatch(text, first, word_end) and (
            DUE_BEFORE_RE.search(clause_text, max(0, upcoming.start() - 12), upcoming.start())
            or (c_start + upcoming.start() > first and TOPIC_BEFORE_RE.search(
                clause_text, max(0, upcoming.start() - 25), upcoming.start())
                and not cues.PLANNED_RE.search(clause_text, upcoming.end())))):
        return "planned"    # "talks next week"; not "discussed elections due later this year"
    return "occurred"


def _not_the_person(text: str, mention: Mention, mentions: list[Mention]) -> bool:
    """A one-word name that is part of another name: a place ("The Hague", "Dar es
    Salaam", "Al-Salam Palace") or a person missing from the data ("Wang Wenbin")."""
    if PLACE_AFTER_RE.match(text, mention.end) or PLACE_BEFORE_RE.search(
            text, max(0, mention.start - 12), mention.start) or NAME_PARTICLE_BEFORE_RE.search(
            text, max(0, mention.start - 6), mention.start) or PLACE_PREFIX_BEFORE_RE.search(
            text, max(0, mention.start - 7), mention.start):
        return True
    m = NAME_GOES_ON_RE.match(text, mention.end)
    return m is not None and not any(x.start == m.start(1) for x in mentions)


def _group_referents(phrase: str, ctx: Context) -> list[Actor]:
    """Who "the two prime ministers", "both sides", "they" stand for: the last two actors
    with the office the phrase names, else the parties of the last event ("the two":
    its first two parties)."""
    lowered = phrase.lower()
    role = next((r for word, r in GROUP_ROLE_WORDS if word in lowered), None)
    if role is not None:
        found: list[Actor] = []
        for actor in reversed(ctx.recent):
            if actor.role == role and all(a.party != actor.party for a in found):
                found.insert(0, actor)
                if len(found) == 2:
                    return found
    if not ctx.last_parties and lowered.startswith(("the two", "both")):
        # No event told yet ("X and Y signed a pact. The two leaders ..."): the last two
        # persons named for different parties.
        named: list[Actor] = []
        for actor in reversed(ctx.recent):
            if actor.via == "name" and all(a.party != actor.party for a in named):
                named.insert(0, actor)
                if len(named) == 2:
                    return named
        return []
    if lowered.startswith(("the two", "both")):
        firsts: list[Actor] = []
        # An event told aside ("Earlier on Wednesday, the President spoke with ...") does
        # not take over "the two leaders" from the article's main pair.
        told = ctx.main_parties if ctx.last_aside and len(ctx.main_parties) >= 2 else \
            ctx.last_parties
        for actor in told:
            if all(a.party != actor.party for a in firsts):
                firsts.append(actor)
        return firsts[:2]
    return ctx.last_parties


def _plain_list(text: str, actors: list[Actor]) -> bool:
    """Whether the actors are named as one list ("A, B and C"), with no "with" or
    preposition repeated between them ("with A and with B")."""
    return len(actors) >= 2 and all(
        LIST_GAP_RE.fullmatch(text, a.end, b.start) for a, b in itertools.pairwise(actors))


def _negated(text: str, c_start: int, c_end: int, main: re.Match[str]) -> bool:
    """Whether the clause denies the event ("no plans to meet", "was not planned")."""
    pos, end = main.start(), min(c_end, main.end() + 90)
    first = max(c_start, pos - 45)
    if not NEGATION_WORD_RE.search(text, first, end):
        return False    # most clauses: no negation word near the trigger at all
    if NEGATED_BEFORE_RE.search(text, first, pos):
        return True
    return bool(NEGATED_AFTER_RE.match(text, main.end(), end))


def _counted(text: str, c_start: int, m: re.Match[str], low: str | None) -> bool:
    """A trigger inside a counted phrase ("three phone calls") belongs to a tally (`low`:
    the `lowered` text, or None)."""
    if m.lastgroup not in ("phone", "meeting", "consult", "video", "message", "speech"):
        return False
    end = m.end()
    if TIMES_AFTER_NEEDLES.may(low, end, end + 40) and TIMES_AFTER_RE.match(text, end, end + 40):
        return True     # "have spoken by phone several times": no one event
    before_start = max(c_start, m.start() - 40)
    if not COUNT_BEFORE_NEEDLES.may(low, before_start, m.start()):
        return False
    before = text[before_start:m.start()]
    if not cues.COUNT_BEFORE_RE.search(before):
        return False
    phrase = m.group().lower() + " " + NEXT_WORD_RE.match(text, m.end(), m.end() + 20).group(
        1).lower()
    return bool(PLURAL_WORD_RE.search(phrase))


def _real_trigger(text: str, m: re.Match[str]) -> bool:
    word = m.group().lower()
    if m.lastgroup == "consult" and UNDER_BEFORE_RE.search(text, max(0, m.start() - 8),
                                                           m.start()):
        return False    # "the deal under consultation"
    if m.lastgroup == "message" and word in ("wrote", "written") and _ON_IN_AFTER_RE.match(
            text, m.end(), m.end() + 4):
        return False    # "wrote on Twitter": a quote, not a letter
    if m.lastgroup == "video" and MEDIA_NAME_AFTER_RE.match(text, m.end()):
        return False    # "Online Desk:", a byline
    if m.lastgroup == "phone" and word.startswith("call") and (
            NOT_PHONE_CALL_RE.match(text, m.end())
            or SO_CALLED_RE.search(text, max(0, m.start() - 3), m.start())
            or VIDEO_BEFORE_CALL_RE.search(text, max(0, m.start() - 12), m.start())):
        return False
    if m.lastgroup == "speech" and word.startswith("address"):
        # "address the concerns" is not a speech; a forum must follow.
        return bool(_FORUM_AFTER_ADDRESS_RE.match(text, m.end(), m.end() + 80)
                    or _TO_AT_AFTER_RE.match(text, m.end(), m.end() + 5)
                    or (word in ("address",) and bool(_SPEECH_ADJECTIVE_BEFORE_RE.search(
                        text[max(0, m.start() - 20):m.start()]))))
    return True


# The patterns `_real_trigger` reads around a trigger, compiled once.
_ON_IN_AFTER_RE = re.compile(r"\s+(?:on|in)\b")
_FORUM_AFTER_ADDRESS_RE = re.compile(
    r"\s+(?:to\s+)?(?:the|a|an|this)\s+(?:\w+\s+){0,6}"
    r"(?:meeting|summit|assembly|session|forum|event|conference|"
    r"congress|parliament|nation|ceremony|gathering|dialogue|[A-Z])")
_TO_AT_AFTER_RE = re.compile(r"\s+(?:to|at)\b")
_SPEECH_ADJECTIVE_BEFORE_RE = re.compile(
    r"\b(?:special|keynote|video|opening|an|his|her|such)\s+$")


# What every match of CLAUSE_BREAK_RE holds: its mark (",", ";", a dash, or a "." with a
# space after it, so never a span's last character), or a word of a break that opens at a
# space. A sentence with none of them is one clause, found without running the pattern.
_CLAUSE_BREAK_MARKS = (",", ";", "—", "-", "but", " day", "follow", "both", "they", "the two")


def _may_break(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]` may hold a clause break (a necessary test, at C speed)."""
    span = text[start:end]
    for mark in _CLAUSE_BREAK_MARKS:
        if mark in span:
            return True
    return text.find(".", start, end - 1) >= 0


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    if not _may_break(text, start, end):
        return [(start, end)] if end > start else []
    cuts = [start]
    for m in CLAUSE_BREAK_RE.finditer(text, start, end):
        if m.lastgroup == "splice" and m.start() - cuts[-1] < 40:
            continue    # "During his visit, X will ...": a lead-in, not a clause
        cuts.append(m.start())
    cuts.append(end)
    return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]


def _named_event(text: str, forum: Mention) -> str:
    """The named event an organisation mention completes ("6th Summit of ... of the "), or ""."""
    before = text[max(0, forum.start - 160):forum.start]
    if not before.rstrip().endswith(("of", "for", "and", "the")):
        return ""   # every match ends so: the pattern, slow on long names, is not run
    m = NAMED_EVENT_BEFORE_RE.search(before)
    if not m or not EVENT_NOUN_RE.search(m.group(1)):
        return ""
    return m.group(1)[4:] if m.group(1).startswith("The ") else m.group(1)


def _forum_name(text: str, forum: Mention, mentions: list[Mention], ref: Reference) -> str:
    """The event a speech was given at, by its own name where the text has one ("the 6th
    Summit of Heads of State of the Community of ..."), else the organisation's."""
    if text[max(0, forum.start - 2):forum.start].endswith("("):
        # "Community of Latin American and Caribbean States (CELAC)": the long form.
        index = bisect.bisect_left([m.start for m in mentions], forum.start)
        if index > 0 and mentions[index - 1].keys == forum.keys and \
                forum.start - mentions[index - 1].end <= 3:
            forum = mentions[index - 1]
    lead = _named_event(text, forum)
    if not lead:
        return forum.text
    # "... of the CELAC": the organisation's full name reads as the event's name.
    return lead + (ref.org_name(forum.keys[0]) if forum.text.isupper() else forum.text)


# A message addressed to no person: its recipient is not some party named before.
UNNAMED_RECIPIENT_RE = re.compile(
    r"\bto the (?:people|families|victims|nation|citizens|government|leadership)\b",
    re.IGNORECASE)


def _sender_recipient(text: str, first: int, before: list[Actor],
                      after: list[Actor]) -> tuple[list[Actor], list[Actor]]:
    """Senders and recipients of a message: recipients follow the trigger ("congratulated
    X", "a letter to X"); an actor after the trigger not addressed by "to" is a sender
    ("In a letter to Xi, President Fernandez said")."""
    recipients: list[Actor] = []
    senders = list(before)
    for actor in after:
        gap = text[first:actor.start]
        addressed = not recipients and bool(RECIPIENT_GAP_RE.search(gap) or (
            ADDRESS_VERB_RE.match(text, first) and len(gap) < 40 and not re.search(r"[,;]", gap)))
        (recipients if addressed else senders).append(actor)
    if not recipients and len(senders) > 1 and not before:
        recipients = senders[-1:]
        senders = senders[:-1]
    return senders, recipients


def _distinct(actors: list[Actor]) -> list[Actor]:
    seen: set[tuple[str, str]] = set()
    out: list[Actor] = []
    for actor in actors:
        key = (actor.person or actor.name, actor.party)
        if key in seen or any(a.person and a.person == actor.person for a in out):
            continue
        seen.add(key)
        out.append(actor)
    return out


def _title_before(titles: list[TitleMatch], pos: int, text: str) -> str:
    for title in reversed(titles):
        if title.end <= pos and TITLE_GAP_RE.fullmatch(text, title.end, pos):
            return title.phrase
        if title.end <= pos:
            break
    return ""


def _cameo_mode(event_type: str, clause_text: str) -> tuple[str, str | None]:
    if event_type == "phone_call":
        return "041", "phone"
    if event_type == "video_meeting":
        return "040", "virtual"
    if event_type == "meeting":
        if THIRD_PLACE_RE.search(clause_text):
            return "044", "third-party"
        if HOST_RE.search(clause_text):
            return "043", "visit"
        return "042", "visit"
    if event_type == "message" and MESSAGE_WORD_RE.search(clause_text):
        return "018", None
    return TYPE_INFO[event_type][0], None


def _rule_name(triggers: list[re.Match[str]]) -> str:
    return "+".join(sorted({f"{m.lastgroup}({m.group().lower()})" for m in triggers}))


def _before_month(value: str | None, anchor: dt.date) -> bool:
    """Whether a resolved date lies in a month (or year) before `anchor`'s."""
    if not value:
        return False
    size = min(len(value), 7)
    return value[:size] < anchor.isoformat()[:size]


def _after(value: str, anchor: dt.date | None) -> bool:
    """Whether a resolved date lies wholly after `anchor`."""
    if anchor is None:
        return False
    return value[:len(value)] > anchor.isoformat()[:len(value)]


def _to_date(value: str) -> dt.date | None:
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
        if len(value) == 7:
            return dt.date(int(value[:4]), int(value[5:7]), 15)
        return dt.date(int(value[:4]), 7, 1)
    except ValueError:
        return None


# ------------------------------------------------------------------- merging
def _dates_compatible(a: Candidate, b: Candidate) -> bool:
    if not a.date or not b.date:
        return True
    if (a.past or b.past) and a.date[:7] != b.date[:7]:
        return False    # "the previous call took place on February 25": not today's call
    if a.date_explicit != b.date_explicit:
        # An undated lead ("X held talks with Y") is not a past meeting told in passing
        # with its own date far from the article's ("last visited in June 2019").
        da, db = _to_date(a.date), _to_date(b.date)
        return not (da and db and abs((da - db).days) > FAR_APART_DAYS)
    if not a.date_explicit:
        return True
    n = min(len(a.date), len(b.date))
    if a.date[:n] == b.date[:n]:
        return True
    if a.soft_date or b.soft_date:
        # "today" in a quoted statement may be a day off the event's own date.
        da, db = _to_date(a.date), _to_date(b.date)
        return bool(da and db and abs((da - db).days) <= 1)
    return False


def _persons_conflict(a: Candidate, b: Candidate) -> bool:
    """Two different named persons for the same party: two events (e.g. two emirs)."""
    for party in a.party_set():
        pa = {x.person for x in a.parties if x.party == party and x.person and x.via == "name"}
        pb = {x.person for x in b.parties if x.party == party and x.person and x.via == "name"}
        if pa and pb and not pa & pb:
            return True
    return False


def _types_compatible(a: str, b: str) -> bool:
    if a == b:
        return True
    return {a, b} <= set(MEDIUM_RANK) and "consult" in (a, b)


def merge(candidates: list[Candidate]) -> list[Candidate]:
    """One record per interaction: same parties, compatible type and date."""
    out: list[Candidate] = []
    for cand in candidates:
        target = next((e for e in out if e.status == cand.status
                       and e.party_set() == cand.party_set()
                       and _types_compatible(e.type, cand.type)
                       and _dates_compatible(e, cand)
                       and not _persons_conflict(e, cand)
                       and (e.type not in ("message", "speech")
                            or _same_actor(e.parties[0], cand.parties[0]))),
                      None)
        if target is None and cand.grouped:
            # "welcomed X to the summit": part of a multilateral event already told.
            target = next((e for e in reversed(out) if e.status == cand.status
                           and not (e.headline and not cand.headline)
                           and cand.party_set() < e.party_set() and len(e.party_set()) >= 3
                           and _dates_compatible(e, cand)
                           and e.type in ("meeting", "video_meeting", "consult")), None)
        if target is None and cand.anaphoric:
            # "the meeting", "their talks": the latest event whose parties include these.
            target = next((e for e in reversed(out) if e.status == cand.status
                           and cand.party_set() <= e.party_set()
                           and _dates_compatible(e, cand)
                           and e.type not in ("speech", "message")), None)
        if target is None and cand.joins:
            # "X also attended the meeting": more parties for the meeting told before,
            # not one told with a date of its own ("In June ... In September ...").
            target = next((e for e in reversed(out) if e.status == cand.status
                           and _dates_compatible(e, cand)
                           and e.type in ("meeting", "video_meeting")), None)
        if target is None:
            out.append(cand)
            continue
        _absorb(target, cand)
    return out


def _drop_greetings_in_encounters(text: str, events: list[Candidate]) -> list[Candidate]:
    """"Putin warmly congratulated Xi on his birthday" in a call's readout, "the two heads
    of state exchanged New Year greetings" in a video meeting's: said in that encounter
    (same parties, same day), not sent as a message."""
    encounters = {(e.party_set(), e.date) for e in events
                  if e.type in ("phone_call", "video_meeting", "meeting", "consult")
                  and e.status == "occurred"}
    return [e for e in events if not (
        e.type == "message" and e.status == "occurred" and (e.party_set(), e.date) in encounters
        and not SENT_MESSAGE_RE.search(text, *e.evidence))]


def _drop_unreal_plans(events: list[Candidate],
                       cancelled: list[frozenset[str]]) -> list[Candidate]:
    """Plans of parties whose meeting the article says was cancelled, and plans told
    by reference to a meeting that the article reports as held ("Ahead of the meeting,
    the leaders will discuss ...")."""
    held = [e.party_set() for e in events if e.status == "occurred"]
    out = []
    for e in events:
        if e.status == "planned" and (
                any(e.party_set() <= c for c in cancelled)
                or (e.anaphoric and not e.date_explicit and any(e.party_set() <= h
                                                                 for h in held))):
            continue
        out.append(e)
    return out


def _same_actor(a: Actor, b: Actor) -> bool:
    if a.via != "name" or b.via != "name":
        return a.party == b.party
    return (a.person or a.name) == (b.person or b.name)


def _absorb(target: Candidate, cand: Candidate) -> None:
    if (cand.anaphoric or cand.grouped) and cand.party_set() < target.party_set():
        target.spans.extend(s for s in cand.spans if s not in target.spans)
        return
    if cand.joins and not cand.party_set() <= target.party_set():
        if target.headline and not cand.headline:
            # The body tells the event the headline announced: it stays, with its date.
            target.headline = False
            target.date, target.precision = cand.date, cand.precision
            target.date_explicit, target.evidence = cand.date_explicit, cand.evidence
        target.parties.extend(a for a in cand.parties if a.party not in target.party_set())
        target.spans.extend(s for s in cand.spans if s not in target.spans)
        return
    if target.headline and not cand.headline:
        # The body tells the event better than a headline: its wording and date win.
        target.headline = False
        if cand.party_set() == target.party_set():
            target.parties = list(cand.parties)
        target.date, target.precision = cand.date, cand.precision
        target.date_explicit, target.evidence = cand.date_explicit, cand.evidence
    if MEDIUM_RANK.get(cand.type, 1) > MEDIUM_RANK.get(target.type, 1):
        target.type, target.cameo, target.plover_mode = cand.type, cand.cameo, cand.plover_mode
        target.rule = cand.rule
    if (cand.date_explicit and not target.date_explicit) or (
            cand.date_explicit == target.date_explicit and cand.date and target.date
            and len(cand.date) > len(target.date)):
        target.date, target.precision = cand.date, cand.precision
        target.date_explicit = cand.date_explicit
    for span in cand.spans:
        if span not in target.spans:
            target.spans.append(span)
    known = {a.person or a.name for a in target.parties}
    for actor in cand.parties:
        if actor.via == "name" and actor.person and actor.person not in known:
            # A named person replaces a title-only placeholder of the same party.
            target.parties = [a for a in target.parties
                              if not (a.party == actor.party and a.person is None)]
            target.parties.append(actor)
            known.add(actor.person)
    target.confidence = min(0.95, target.confidence + 0.1)
