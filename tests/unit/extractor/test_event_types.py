import pytest

from .conftest import parties, run


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Xi Jinping held a phone conversation with Emmanuel Macron on Tuesday.", "phone_call"),
    ("Xi Jinping spoke with Emmanuel Macron by phone on Tuesday.", "phone_call"),
    ("Xi Jinping took a phone call from Emmanuel Macron on Tuesday.", "phone_call"),
    ("Xi Jinping held talks via video link with Emmanuel Macron on Tuesday.", "video_meeting"),
    ("Xi Jinping and Emmanuel Macron held a virtual summit on Tuesday.", "video_meeting"),
    ("Xi Jinping met with Emmanuel Macron in Beijing on Tuesday.", "meeting"),
    ("Xi Jinping hosted Emmanuel Macron in Beijing on Tuesday.", "meeting"),
    ("Xi Jinping spoke with Emmanuel Macron on Tuesday.", "consult"),
    ("Xi Jinping sent a congratulatory message to Emmanuel Macron on Tuesday.", "message"),
])
def test_wording_gives_the_type(sentence: str, expected: str) -> None:
    (event,) = run(sentence)["events"]
    assert event["type"] == expected
    assert event["date"] == "2021-10-26"
    assert parties(event) == {"CHN", "FRA"}


def test_speech_names_speaker_and_forum() -> None:
    text = ("Xi Jinping delivered a keynote speech at the opening ceremony of the World "
            "Economic Forum via video link on Monday.")
    (event,) = run(text, "2022-01-18")["events"]
    assert event["type"] == "speech"
    assert parties(event) == {"CHN", "WEF"}
    assert event["date"] == "2022-01-17"


def test_multilateral_event_lists_every_party() -> None:
    text = ("Xi Jinping held a video summit with French President Emmanuel Macron and German "
            "Chancellor Angela Merkel on April 16, 2021.")
    (event,) = run(text, "2021-04-17")["events"]
    assert parties(event) == {"CHN", "FRA", "DEU"}


def test_separate_meetings_with_a_list_are_bilateral() -> None:
    text = ("On the sidelines, Narendra Modi met with Emmanuel Macron, Olaf Scholz and "
            "Fumio Kishida on June 27, 2022.")
    events = run(text, "2022-06-28")["events"]
    assert sorted(sorted(parties(e)) for e in events) == [
        ["DEU", "IND"], ["FRA", "IND"], ["IND", "JPN"]]


def test_followed_by_separates_two_summits() -> None:
    text = ("Officials cited last month's summit between Park Geun-hye and Xi Jinping, "
            "followed by a summit between Barack Obama and Xi.")
    events = run(text, "2015-10-11")["events"]
    assert sorted(sorted(parties(e)) for e in events) == [["CHN", "KOR"], ["CHN", "USA"]]


def test_message_sender_and_recipient() -> None:
    text = ("In a recent letter to Xi Jinping, Argentine President Alberto Fernandez praised "
            "the partnership. The letter Vladimir Putin sent to Joe Biden on Sunday was "
            "published.")
    events = run(text, "2021-12-12")["events"]
    senders = sorted(e["participants"][0]["name"] for e in events)
    assert senders == ["Alberto Fernández", "Vladimir Putin"]


def test_co_senders_without_recipient_are_no_message() -> None:
    text = ("The leaders of Pakistan and India offered condolences over the earthquake. "
            "Narendra Modi wrote on Twitter that he was saddened.")
    assert run(text, "2023-02-06")["events"] == []


def test_signed_post_gives_author_and_date() -> None:
    text = ("Donald Trump won the election.\n\n"
            "We warmly congratulate you. Your victory is the victory of all.\n\n"
            "— Pierre Nkurunziza (pnkurunziza) November 9, 2016\n\n"
            "Many more messages came in.")
    (event,) = run(text, "2016-11-10")["events"]
    assert parties(event) == {"BDI", "USA"} and event["date"] == "2016-11-09"
    assert event["participants"][0]["name"] == "Pierre Nkurunziza"


def test_counted_senders_are_no_event() -> None:
    text = ("Donald Trump won the vote. Eight African presidents have sent congratulations "
            "to him via their official accounts.")
    assert run(text, "2016-11-10")["events"] == []


def test_instances_of_a_count_take_its_medium_and_actor() -> None:
    text = ("Narendra Modi spoke by phone 40 times with foreign leaders this year. On "
            "January 5, he held the first talks with Joe Biden.\n\n"
            "He met 12 times with heads of government. The first took place on March 2 with "
            "Prime Minister Fumio Kishida.")
    events = run(text, "2022-12-30")["events"]
    got = sorted((e["type"], e["date"], tuple(sorted(parties(e)))) for e in events)
    assert got == [("meeting", "2022-03-02", ("IND", "JPN")),
                   ("phone_call", "2022-01-05", ("IND", "USA"))]


def test_speech_forum_named_as_the_event() -> None:
    text = ("Xi Jinping delivered a video speech on Saturday to the 6th Summit of Heads of "
            "State and Government of the CELAC.")
    (event,) = run(text, "2021-09-18")["events"]
    forum = event["participants"][1]
    assert forum["org"] == "CELAC"
    assert forum["name"].startswith("6th Summit of Heads of State and Government of the ")
    assert forum["name"] != "6th Summit of Heads of State and Government of the CELAC"


def test_speech_at_the_meeting_takes_the_named_meeting() -> None:
    text = ("The Third Ministerial Meeting of the Forum of China and CELAC was held on "
            "Friday. Wang Yi delivered a keynote speech at the meeting.")
    (event,) = run(text, "2021-12-04")["events"]
    assert event["participants"][1]["name"].startswith("Third Ministerial Meeting of the Forum")
