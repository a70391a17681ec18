from services.extractor.batch import extract_lines

from .conftest import parties, run


def test_generic_statements_and_opinions_are_not_events() -> None:
    text = ("Xi Jinping and Emmanuel Macron have maintained close communication. "
            "Xi said China is ready to work with France on climate change.")
    assert run(text)["events"] == []


def test_invitation_alone_is_not_an_event() -> None:
    text = "Vladimir Putin invited Narendra Modi to visit Vladivostok."
    assert run(text, "2019-06-13")["events"] == []


def test_headline_only_is_not_an_event() -> None:
    text = " date 2021-10-27 Xi and Macron to discuss climate\n\nThe weather was fine."
    assert run(text, None)["events"] == []


def test_empty_and_bad_lines_do_not_raise() -> None:
    results = list(extract_lines(['{"id": "a", "text": ""}', "not json", b'{"id": 3}']))
    assert results[0] == {"id": "a", "events": [], "tallies": []}
    assert results[1]["error"] and results[1]["id"] is None
    assert results[2]["id"] == 3 and "error" in results[2]


def test_meeting_that_did_not_happen_or_is_remembered_is_not_an_event() -> None:
    text = ("Emmanuel Macron was supposed to meet Olaf Scholz in Berlin on Monday. "
            "Justin Trudeau and Joe Biden recalled a visit to Ottawa by Biden years ago.")
    assert run(text, "2022-05-10")["events"] == []


def test_talks_left_to_deputies_are_not_an_event_of_the_ministers() -> None:
    text = ("Sergey Lavrov and Wang Yi agreed to hold consultations in Moscow at the level "
            "of their deputies.")
    assert run(text, "2022-05-10")["events"] == []


def test_words_that_only_look_like_triggers() -> None:
    text = ("Online Desk: Joe Biden and Fumio Kishida signed the deal under consultation "
            "since May.")
    assert run(text, "2022-05-10")["events"] == []


def test_attending_a_summit_with_no_named_counterpart_is_not_an_event() -> None:
    text = ("Antony Blinken met Catherine Colonna on Monday. The US Secretary of State will "
            "travel to New Delhi on March 1 to participate in the G20 Foreign Ministers' "
            "Meeting.")
    events = run(text, "2023-02-28")["events"]
    assert [parties(e) for e in events] == [{"USA", "FRA"}]


def test_own_pronoun_does_not_pull_in_a_party() -> None:
    text = ("Sergey Lavrov met Qin Gang on Thursday. During his visit, Lavrov will also "
            "participate in a ministerial meeting of regional diplomats.")
    events = run(text, "2023-04-13")["events"]
    assert [parties(e) for e in events] == [{"RUS", "CHN"}]
