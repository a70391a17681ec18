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


def test_plan_after_a_dated_visit_takes_the_visit_date() -> None:
    text = ("Prime Minister Mahinda Rajapaksa is scheduled to leave for India on February "
            "7th.\n\nDuring his visit, the Prime Minister is scheduled to meet Narendra Modi.")
    (event,) = run(text, "2020-01-18")["events"]
    assert event["status"] == "planned" and event["date"] == "2020-02-07"


def test_later_that_day_takes_the_day_told_before() -> None:
    text = ("On Thursday, Park Geun-hye will tour the Pentagon. Later that day, she will "
            "attend a lunch hosted by Joe Biden. On Wednesday, she will visit a space "
            "center to strengthen bilateral cooperation.")
    (event,) = run(text, "2015-10-11")["events"]
    assert event["date"] == "2015-10-15" and parties(event) == {"KOR", "USA"}


def test_cancelled_meeting_leaves_no_plan() -> None:
    text = ("Donald Trump said he cancelled the meeting with Vladimir Putin. He had confirmed "
            "plans to meet Putin in Budapest.")
    assert run(text, "2025-10-23")["events"] == []


def test_plan_told_ahead_of_a_held_meeting_is_the_same_meeting() -> None:
    text = ("Sergey Lavrov met Qin Gang in Samarkand on Thursday. Ahead of the meeting, "
            "reports said the ministers will discuss Afghanistan.")
    events = run(text, "2023-04-13")["events"]
    assert [e["status"] for e in events] == ["occurred"]


def test_status_read_before_the_first_trigger() -> None:
    text = ("Foreign Minister AK Abdul Momen will have a number of bilateral meetings "
            "including with his Indian counterpart on the sidelines of the G20 foreign "
            "ministers' meeting in New Delhi on March 1-2.")
    (event,) = run(text, "2023-02-28")["events"]
    assert event["status"] == "planned" and event["date"] == "2023-03"


def test_plan_is_not_dated_before_publication() -> None:
    text = ("Fumio Kishida will meet Xi Jinping on Thursday in Bangkok. The leaders spoke on "
            "the phone in October 2021, but this will be their first in-person meeting.")
    events = run(text, "2022-11-15")["events"]
    got = sorted((e["status"], e["type"], e["date"]) for e in events)
    assert got == [("occurred", "phone_call", "2021-10"), ("planned", "meeting", "2022-11-17")]
