from .conftest import parties, run


def test_will_hold_talks_is_planned_with_future_date() -> None:
    text = "Japanese Prime Minister Fumio Kishida will hold talks with Xi Jinping on Thursday."
    (event,) = run(text, "2022-11-15")["events"]
    assert event["status"] == "planned"
    assert event["date"] == "2022-11-17"
    assert parties(event) == {"JPN", "CHN"}


def test_looking_forward_to_meeting_is_planned() -> None:
    text = ("Xi Jinping held a video meeting with Vladimir Putin on Wednesday, and the two "
            "leaders looked forward to meeting in person in Beijing.")
    events = run(text, "2021-12-16")["events"]
    assert {(e["type"], e["status"]) for e in events} == {
        ("video_meeting", "occurred"), ("meeting", "planned")}


def test_cancelled_meeting_is_not_an_event() -> None:
    text = "Donald Trump cancelled his meeting with Vladimir Putin on Wednesday."
    assert run(text, "2025-10-23")["events"] == []


def test_ordinal_time_to_speak_is_not_planned() -> None:
    text = ("Xi Jinping delivered a speech at the World Economic Forum on Monday. "
            "This is his third time to speak at the forum as a head of state.")
    events = run(text, "2022-01-18")["events"]
    assert [e["status"] for e in events] == ["occurred"]


def test_planned_date_is_not_the_day_it_was_said() -> None:
    text = ("Park Geun-hye will travel to Washington for a summit with Barack Obama on "
            "Friday, an official said Sunday.")
    (event,) = run(text, "2015-10-11")["events"]
    assert event["status"] == "planned" and event["date"] == "2015-10-16"
