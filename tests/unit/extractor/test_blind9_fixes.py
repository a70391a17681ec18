"""Ninth blind check (0.3.9): relative clauses that tell about something else, courtesy
calls that convey a third party's greetings, invitations, earlier events told in a
"since they met" phrase, offers of talks and two-adjective message tallies."""

from __future__ import annotations

from .conftest import parties, run


def _events(text: str, published: str, status: str = "occurred") -> set[tuple]:
    return {(e["type"], e["date"], frozenset(parties(e))) for e in run(text, published)["events"]
            if e["status"] == status}


def test_trigger_in_a_relative_clause_does_not_type_the_talk() -> None:
    text = ("On Wednesday, Chilean President Gabriel Boric had a conversation with Brazilian "
            "President Luiz Inacio Lula da Silva, who briefed him on plans for the next summit "
            "of the bloc.")
    assert _events(text, "2023-07-06") == {("consult", "2023-07-05", frozenset({"CHL", "BRA"}))}


def test_courtesy_call_conveying_greetings_is_a_meeting_without_the_sender() -> None:
    text = ("Foreign Minister Penny Wong called on Indonesian President Joko Widodo on "
            "Tuesday and conveyed the warm greetings of Prime Minister Anthony Albanese.")
    assert _events(text, "2022-06-08") == {("meeting", "2022-06-07", frozenset({"AUS", "IDN"}))}


def test_invitation_to_take_part_in_a_summit_is_no_event() -> None:
    text = ("Italian Prime Minister Giorgia Meloni met Kenyan President William Ruto in Rome "
            "on Monday. Meloni invited Ruto to take part online in the summit she will host "
            "in Apulia in June.")
    assert _events(text, "2024-01-30") == {("meeting", "2024-01-29", frozenset({"ITA", "KEN"}))}


def test_since_they_met_is_a_meeting_in_that_month() -> None:
    text = ("German Chancellor Olaf Scholz and Chinese Premier Li Qiang spoke by phone on "
            "Friday, their first conversation since they met in Berlin in June.")
    assert _events(text, "2023-09-09") == {
        ("phone_call", "2023-09-08", frozenset({"DEU", "CHN"})),
        ("meeting", "2023-06", frozenset({"DEU", "CHN"}))}


def test_rejected_offer_of_talks_is_no_event() -> None:
    text = ("Venezuelan President Nicolas Maduro rejected an offer of talks with Colombian "
            "President Ivan Duque on Sunday.")
    assert _events(text, "2019-03-04") == set()


def test_congratulatory_and_condolence_messages_are_one_message_tally() -> None:
    text = ("In 2022, Indonesian President Joko Widodo sent or exchanged more than 60 "
            "congratulatory and condolence messages with foreign leaders.")
    tallies = run(text, "2023-01-02")["tallies"]
    assert [(t["type"], t["count"], t["qualifier"], t["period"]) for t in tallies] == [
        ("message", 60, "at_least", "2022")]


def test_statement_via_video_at_the_general_debate_is_a_speech_at_the_un() -> None:
    text = ("Chilean President Sebastian Pinera delivered a statement via video at the general "
            "debate of the 75th session of the United Nations General Assembly on Tuesday.")
    assert _events(text, "2020-09-23") == {("speech", "2020-09-22", frozenset({"CHL", "UN"}))}
