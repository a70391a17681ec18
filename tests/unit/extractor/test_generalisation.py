"""Events told in wordings, date forms and with actors other than the common ones."""

from .conftest import parties, run


def test_video_conference_is_a_video_meeting() -> None:
    text = ("Kenyan President William Ruto held a video conference with Ghanaian President "
            "Nana Akufo-Addo on Thursday.")
    (event,) = run(text, "2023-05-12")["events"]
    assert (event["type"], event["date"]) == ("video_meeting", "2023-05-11")
    assert parties(event) == {"KEN", "GHA"}


def test_will_host_is_a_planned_meeting() -> None:
    text = "Emmanuel Macron will host Narendra Modi at the Elysee Palace next week."
    (event,) = run(text, "2023-07-07")["events"]
    assert (event["type"], event["status"]) == ("meeting", "planned")
    assert parties(event) == {"FRA", "IND"}


def test_denied_meetings_are_no_events() -> None:
    for text in ("Moscow said a summit between Putin and Erdogan was not planned.",
                 "Erdogan had no intention of meeting Bashar al-Assad.",
                 "Scholz has no plans to talk to Putin, his spokesman said."):
        assert run(text, "2023-04-12")["events"] == [], text


def test_a_day_earlier_counts_from_the_day_told_before() -> None:
    text = ("Chinese President Xi Jinping met Brazilian President Lula da Silva on Friday. "
            "Lula had met Chinese Premier Li Qiang a day earlier.")
    events = run(text, "2023-04-15")["events"]
    assert sorted(e["date"] for e in events) == ["2023-04-13", "2023-04-14"]


def test_a_day_after_clause_is_the_day_before() -> None:
    text = ("Boris Johnson met Joe Biden at the White House on Tuesday, a day after he "
            "held talks with Antonio Guterres in New York.")
    events = run(text, "2021-09-22")["events"]
    assert {(e["date"], frozenset(parties(e))) for e in events} == {
        ("2021-09-21", frozenset({"GBR", "USA"})), ("2021-09-20", frozenset({"GBR", "UN"}))}


def test_separate_meetings_at_a_summit_are_bilateral() -> None:
    text = ("On the sidelines of the G20 summit on Saturday, Joe Biden held separate meetings "
            "with Rishi Sunak and Giorgia Meloni.")
    events = run(text, "2023-09-10")["events"]
    assert sorted(sorted(parties(e)) for e in events) == [["GBR", "USA"], ["ITA", "USA"]]


def test_visit_to_two_capitals_gives_one_meeting_each() -> None:
    text = ("Brazilian President Lula da Silva plans to visit Kyiv and Moscow next month "
            "to meet Volodymyr Zelensky and Vladimir Putin.")
    events = run(text, "2023-04-20")["events"]
    assert sorted(sorted(parties(e)) for e in events) == [["BRA", "RUS"], ["BRA", "UKR"]]
    assert {e["status"] for e in events} == {"planned"}


def test_plain_list_met_in_a_capital_is_one_gathering() -> None:
    text = ("Xi Jinping met Emmanuel Macron, Olaf Scholz and Ursula von der Leyen in Beijing "
            "on Thursday.")
    (event,) = run(text, "2023-04-07")["events"]
    assert parties(event) == {"CHN", "FRA", "DEU", "EU"}


def test_one_word_name_inside_a_place_name_is_no_party() -> None:
    text = ("Yoweri Museveni paid a courtesy call on Samia Suluhu Hassan at State House in "
            "Dar es Salaam on Tuesday.")
    (event,) = run(text, "2023-01-11")["events"]
    assert parties(event) == {"UGA", "TZA"}


def test_unknown_longer_name_is_not_a_known_namesake() -> None:
    text = ("Foreign Ministry spokesperson Wang Wenbin congratulated Gustavo Petro at a press "
            "briefing on Monday.")
    assert run(text, "2022-06-21")["events"] == []


def test_travel_for_talks_is_an_in_person_meeting() -> None:
    text = "Antony Blinken will travel to Riyadh on Tuesday for talks with Mohammed bin Salman."
    (event,) = run(text, "2023-06-05")["events"]
    assert (event["type"], event["status"], event["date"]) == ("meeting", "planned",
                                                               "2023-06-06")


def test_hours_of_talks_is_not_a_count() -> None:
    text = "Antony Blinken held eight hours of talks with Qin Gang in Beijing on Sunday."
    (event,) = run(text, "2023-06-19")["events"]
    assert parties(event) == {"USA", "CHN"}


def test_offer_and_name_calling_are_no_events() -> None:
    text = ("Vladimir Putin offered to hold online talks with Joe Biden on Thursday, after "
            "Biden called him a killer.")
    assert run(text, "2021-03-19")["events"] == []


def test_speech_opening_a_named_summit() -> None:
    text = "King Salman opened the virtual G20 summit on Saturday with a speech."
    (event,) = run(text, "2020-11-23")["events"]
    assert (event["type"], parties(event)) == ("speech", {"SAU", "G20"})


def test_spoke_at_a_summit_is_a_speech() -> None:
    text = "Volodymyr Zelensky spoke at the NATO summit on Wednesday."
    (event,) = run(text, "2024-07-11")["events"]
    assert (event["type"], parties(event)) == ("speech", {"UKR", "NATO"})


def test_accepted_invitation_is_a_planned_visit() -> None:
    text = ("Joko Widodo has accepted an invitation from Xi Jinping to visit Beijing later "
            "this month.")
    (event,) = run(text, "2022-07-11")["events"]
    assert (event["type"], event["status"]) == ("meeting", "planned")


def test_invitation_alone_is_no_event() -> None:
    text = "William Ruto has invited Indian Prime Minister Narendra Modi to visit Nairobi."
    assert run(text, "2023-06-02")["events"] == []
