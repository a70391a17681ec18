"""Sixth blind check (0.3.6): counterpart lists, scene hosts, denials and readout titles."""

from __future__ import annotations

from .conftest import parties, run


def _events(text: str, published: str) -> set[tuple]:
    return {(e["type"], e["date"], frozenset(parties(e))) for e in run(text, published)["events"]
            if e["status"] == "occurred"}


def test_sidelines_of_a_summit_with_acronym_split_the_list() -> None:
    text = ("Chinese President Xi Jinping met with Russian President Vladimir Putin and Turkish "
            "President Recep Tayyip Erdogan on Wednesday on the sidelines of the Shanghai "
            "Cooperation Organization (SCO) summit in Astana.")
    assert _events(text, "2024-07-04") == {
        ("meeting", "2024-07-03", frozenset({"CHN", "RUS"})),
        ("meeting", "2024-07-03", frozenset({"CHN", "TUR"}))}


def test_leaders_of_several_countries_met_together() -> None:
    text = ("Volodymyr Zelensky spoke to the press. The President met with leaders of Italy, "
            "France and Germany in Kyiv on June 16, when Mario Draghi, Emmanuel Macron and Olaf "
            "Scholz arrived by train together with Romanian President Klaus Iohannis.")
    assert _events(text, "2022-08-24") == {
        ("meeting", "2022-06-16", frozenset({"UKR", "ITA", "FRA", "DEU", "ROU"}))}


def test_readout_principal_stays_the_prime_minister() -> None:
    text = ("Prime Minister Narendra Modi held talks with Italian Prime Minister Giorgia Meloni "
            "on 16 November. At the dinner hosted by President Joko Widodo on 15 November, the "
            "Prime Minister had a brief exchange with US President Joe Biden.")
    assert ("meeting", "2022-11-15", frozenset({"IND", "USA"})) in _events(text, "2022-11-16")
    assert all(len(p) == 2 for _, _, p in _events(text, "2022-11-16"))


def test_decided_not_to_travel_after_a_call() -> None:
    text = ("Vladimir Putin addressed the BRICS summit by video link on August 23. The President "
            "had decided in July not to travel to South Africa in person, after a telephone "
            "conversation with Ramaphosa on July 20.")
    found = _events(text, "2023-08-24")
    assert ("phone_call", "2023-07-20", frozenset({"RUS", "ZAF"})) in found
    assert not any(kind == "meeting" for kind, _, _ in found)


def test_previous_call_and_birthday_wishes_in_a_call() -> None:
    text = ("Vladimir Putin had a telephone conversation with Xi Jinping. Vladimir Putin warmly "
            "congratulated Xi Jinping on his birthday. The previous telephone conversation "
            "between the two leaders took place on February 25.")
    assert _events(text, "2022-06-15") == {
        ("phone_call", "2022-06-15", frozenset({"RUS", "CHN"})),
        ("phone_call", "2022-02-25", frozenset({"RUS", "CHN"}))}


def test_greetings_exchanged_in_a_video_meeting() -> None:
    text = ("Chinese President Xi Jinping held a video meeting with Russian President Vladimir "
            "Putin on Friday. The two heads of state exchanged New Year greetings.")
    assert _events(text, "2022-12-30") == {
        ("video_meeting", "2022-12-30", frozenset({"CHN", "RUS"}))}


def test_last_met_keeps_its_own_date_over_today() -> None:
    text = ("Joe Biden met with Xi Jinping in Woodside on Wednesday. The two leaders last met "
            "in Bali in November 2022, and agreed today to resume military communication.")
    assert ("meeting", "2022-11", frozenset({"USA", "CHN"})) in _events(text, "2023-11-16")


def test_remarks_at_a_summit_attended_by_video() -> None:
    text = ("President Donald J. Trump attended the Extraordinary G20 Leaders' Summit via video "
            "link on Thursday and delivered remarks on the pandemic.")
    assert _events(text, "2020-03-27") == {("speech", "2020-03-26", frozenset({"USA", "G20"}))}


def test_speech_at_a_quoted_forum_name() -> None:
    text = ('On Thursday, Chinese President Xi Jinping delivered a speech at the "SCO Plus" '
            "meeting, calling on member states to unite.")
    assert _events(text, "2024-07-04") == {("speech", "2024-07-04", frozenset({"CHN", "SCO"}))}


def test_first_such_address_delivered_to_a_parliament() -> None:
    text = ("Volodymyr Zelensky has addressed 26 parliaments. The first such address was "
            "delivered to the European Parliament on March 1.")
    assert _events(text, "2022-08-24") == {("speech", "2022-03-01", frozenset({"UKR", "EU"}))}


def test_later_takes_the_main_event_day_not_a_flashback() -> None:
    text = ("Volodymyr Zelenskyy had a phone conversation with Emmanuel Macron on Saturday. He "
            "recalled his visit to Paris in February, when he met Emmanuel Macron. Later, "
            "Volodymyr Zelenskyy also spoke by phone with British Prime Minister Rishi Sunak.")
    assert ("phone_call", "2023-05-06", frozenset({"UKR", "GBR"})) in _events(text, "2023-05-08")


def test_eam_is_the_foreign_minister() -> None:
    text = ("External Affairs Minister S. Jaishankar met Chinese Foreign Minister Wang Yi in "
            "Moscow on 10 September. EAM also held talks with Russian Foreign Minister Sergey "
            "Lavrov on 10 September.")
    found = run(text, "2020-09-11")["events"]
    assert any(parties(e) == {"IND", "RUS"} for e in found)
