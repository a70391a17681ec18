"""Seventh blind check (0.3.7): dating clauses, compound sentences, invitations, accented
names and possibilities."""

from __future__ import annotations

from .conftest import parties, run


def _events(text: str, published: str) -> set[tuple]:
    return {(e["type"], e["date"], frozenset(parties(e))) for e in run(text, published)["events"]
            if e["status"] == "occurred"}


def test_counterpart_of_a_dating_meeting_is_no_party() -> None:
    text = ("ANKARA (AP) — Italian Prime Minister Giorgia Meloni met Turkish President Recep "
            "Tayyip Erdogan in Ankara on Tuesday. After the talks with Erdogan, Meloni had "
            "lunch with Turkish Foreign Minister Hakan Fidan.")
    found = [e for e in run(text, "2025-04-30")["events"]]
    assert len(found) == 2
    assert {len(e["participants"]) for e in found} == {2}


def test_compound_sentence_with_a_new_subject_is_two_events() -> None:
    text = ("Modi spoke with President Joe Biden by telephone on May 3, and Secretary of "
            "State Antony Blinken met Modi in New Delhi in March.")
    assert _events(text, "2023-05-10") == {
        ("phone_call", "2023-05-03", frozenset({"IND", "USA"})),
        ("meeting", "2023-03", frozenset({"IND", "USA"}))}


def test_a_summit_hosted_months_later_joins_no_earlier_meeting() -> None:
    text = ("In 2023, Prime Minister Narendra Modi made 14 foreign visits. In June, Modi "
            "held talks with President Joe Biden at the White House. In September, Modi "
            "hosted the G20 summit in New Delhi, on the sidelines of which he held "
            "bilateral talks with French President Emmanuel Macron.")
    assert _events(text, "2023-12-31") == {
        ("meeting", "2023-06", frozenset({"IND", "USA"})),
        ("meeting", "2023-09", frozenset({"IND", "FRA"}))}


def test_accented_name_is_no_month() -> None:
    text = ("BUDAPEST - President Recep Tayyip Erdoğan met Prime Minister Viktor Orbán on "
            "Monday. Erdoğan also met with Hungarian President Katalin Novák at the Sándor "
            "Palace.")
    assert {e[1] for e in _events(text, "2023-12-18")} == {"2023-12-18"}


def test_invitation_to_a_summit_is_no_meeting() -> None:
    text = ("Prime Minister Narendra Modi met President Xi Jinping today in Tianjin. The "
            "Prime Minister invited him to the BRICS Summit to be hosted by India in 2026.")
    assert _events(text, "2025-08-31") == {("meeting", "2025-08-31", frozenset({"IND", "CHN"}))}


def test_could_pick_up_the_phone_is_no_call() -> None:
    text = ("President Joe Biden met President Xi Jinping on Wednesday. Biden said he and Xi "
            "agreed that either of them could pick up the phone and call the other.")
    assert _events(text, "2023-11-16") == {("meeting", "2023-11-15", frozenset({"USA", "CHN"}))}


def test_called_on_and_conveyed_is_a_courtesy_call() -> None:
    text = ("On 15 December, External Affairs Minister S. Jaishankar called on President "
            "Anura Kumara Dissanayake and conveyed India's commitment to the partnership.")
    assert _events(text, "2024-12-16") == {("meeting", "2024-12-15", frozenset({"IND", "LKA"}))}


def test_called_on_to_is_an_appeal() -> None:
    text = "Modi called on President Vladimir Putin to end the war in Ukraine on Monday."
    assert _events(text, "2022-09-20") == set()


def test_indian_honorific_does_not_end_the_sentence() -> None:
    text = ("NEW DELHI - President Ranil Wickremesinghe was welcomed at Rashtrapati Bhavan, "
            "where he was received by President Smt. Droupadi Murmu on Friday.")
    assert _events(text, "2023-07-21") == {("meeting", "2023-07-21", frozenset({"IND", "LKA"}))}


def test_discussions_in_a_named_place_are_a_meeting() -> None:
    text = ("Prime Minister Narendra Modi held productive discussions with President Anura "
            "Kumara Dissanayake at Hyderabad House in New Delhi today.")
    assert _events(text, "2024-12-16") == {("meeting", "2024-12-16", frozenset({"IND", "LKA"}))}


def test_surname_in_a_place_name_is_no_person() -> None:
    text = ("Vladimir Putin sent a message of condolences to President of Iran Masoud "
            "Pezeshkian over the explosion at the port near Bandar Abbas.")
    assert _events(text, "2025-04-27") == {("message", "2025-04-27", frozenset({"RUS", "IRN"}))}
