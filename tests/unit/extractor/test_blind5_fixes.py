"""Fifth blind check (0.3.5): periods and counts of official reviews, readout wordings."""

from __future__ import annotations

from .conftest import parties, run


def _tallies(text: str, published: str) -> set[tuple]:
    return {(t["actor"]["country"], t["type"] if isinstance(t["type"], str) else tuple(t["type"]),
             t["count"], t["qualifier"], t["period"]) for t in run(text, published)["tallies"]}


def test_past_months_period_ends_at_publication() -> None:
    text = ("Over the past six months, Ukrainian President Volodymyr Zelensky has addressed "
            "26 national parliaments by video link and held more than 200 telephone "
            "conversations with foreign leaders.")
    assert _tallies(text, "2022-08-24") == {
        ("UKR", "speech", 26, "exact", "2022-02-24/2022-08-24"),
        ("UKR", "phone_call", 200, "at_least", "2022-02-24/2022-08-24")}


def test_first_half_of_the_year() -> None:
    text = ("In the first half of the year, French President Emmanuel Macron made 14 trips "
            "abroad and held 95 telephone conversations with foreign leaders.")
    assert _tallies(text, "2023-07-03") == {
        ("FRA", "meeting", 14, "exact", "2023-01-01/2023-06-30"),
        ("FRA", "phone_call", 95, "exact", "2023-01-01/2023-06-30")}


def test_twelve_months_and_messages_of_congratulations() -> None:
    text = ("Over the past 12 months, Vladimir Putin held 52 telephone conversations and 18 "
            "video meetings with foreign counterparts, and sent more than 300 messages of "
            "congratulations and condolences.")
    period = "2020-12-30/2021-12-30"
    assert _tallies(text, "2021-12-30") == {
        ("RUS", "phone_call", 52, "exact", period), ("RUS", "video_meeting", 18, "exact", period),
        ("RUS", "message", 300, "at_least", period)}


def test_during_the_summit_takes_the_summit_days() -> None:
    text = ("Indian Prime Minister Narendra Modi attended the G20 Summit held in Bali on "
            "15-16 November 2022.\n\nDuring the Summit, the Prime Minister had more than 20 "
            "interactions with world leaders.")
    assert _tallies(text, "2022-11-17") == {
        ("IND", "meeting", 20, "at_least", "2022-11-15/2022-11-16")}


def test_count_compared_with_last_year() -> None:
    text = ("Turkish President Recep Tayyip Erdogan received 35 heads of state and government "
            "this year, up from 28 last year.")
    assert _tallies(text, "2023-12-31") == {("TUR", "meeting", 35, "exact", "2023"),
                                            ("TUR", "meeting", 28, "exact", "2022")}


def test_visiting_countries_and_same_count_in_two_periods() -> None:
    text = ("Chinese President Xi Jinping made seven overseas trips in 2019, visiting 12 "
            "countries.\n\nAt the G20 summit on 28-29 June, Xi held 12 bilateral meetings.")
    assert _tallies(text, "2019-12-30") == {
        ("CHN", "meeting", 7, "exact", "2019"), ("CHN", "meeting", 12, "exact", "2019"),
        ("CHN", "meeting", 12, "exact", "2019-06-28/2019-06-29")}


def test_since_inauguration() -> None:
    text = ("Since his inauguration, President Volodymyr Zelensky has held 46 phone calls with "
            "foreign leaders.")
    assert _tallies(text, "2019-11-20") == {("UKR", "phone_call", 46, "exact",
                                             "2019-05-20/2019-11-20")}


def test_covering_countries_is_no_tally() -> None:
    text = "Xi Jinping has made 42 trips abroad, covering five continents and 69 countries."
    assert {t[2] for t in _tallies(text, "2022-10-21")} == {42}


def test_parties_helper_in_use() -> None:
    events = run("Xi Jinping met Vladimir Putin in Moscow on Tuesday.", "2023-03-22")["events"]
    assert [parties(e) for e in events] == [{"CHN", "RUS"}]


def test_two_leaders_after_an_aside_are_the_main_pair() -> None:
    text = ("Vladimir Putin held talks in Sochi with Turkish President Recep Tayyip Erdogan on "
            "Tuesday.\n\nMr Erdogan had discussed the operation with US President Donald Trump "
            "by telephone on October 6.\n\nThe two leaders last met in Moscow in August.")
    found = {(e["type"], e["date"], frozenset(parties(e)))
             for e in run(text, "2019-10-23")["events"]}
    assert ("meeting", "2019-08", frozenset({"RUS", "TUR"})) in found
    assert not any(kind == "meeting" and codes == {"TUR", "USA"} for kind, _, codes in found)


def test_two_leaders_after_a_plain_second_call_are_that_pair() -> None:
    text = ("Joe Biden spoke with Xi Jinping by phone on Monday.\n\nBiden also spoke with "
            "French President Emmanuel Macron on Monday. The two leaders discussed Ukraine.")
    found = [parties(e) for e in run(text, "2022-03-15")["events"]]
    assert {"USA", "FRA"} in found and all(p != {"CHN", "FRA"} for p in found)
