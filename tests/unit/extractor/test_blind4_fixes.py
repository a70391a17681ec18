"""Rules added after a fourth blind check on long articles written for it (0.3.4)."""

from .conftest import parties, run


def _kinds(text: str, published: str) -> list[tuple[str, str | None, str, frozenset[str]]]:
    return sorted((e["type"], e["date"], e["status"], frozenset(parties(e)))
                  for e in run(text, published)["events"])


def test_congratulations_told_in_a_call_are_no_message() -> None:
    text = ("Austrian Chancellor Karl Nehammer met Czech Prime Minister Petr Fiala in Vienna on "
            "Monday. The two leaders last spoke by telephone in November, when Nehammer "
            "congratulated Fiala on taking office.")
    kinds = [(k, d) for k, d, _s, _p in _kinds(text, "2022-03-09")]
    assert kinds == [("meeting", "2022-03-07"), ("phone_call", "2021-11")]


def test_a_year_told_with_one_fact_does_not_carry_over() -> None:
    text = ("Portuguese Prime Minister Antonio Costa signed a defence pact with Spain in 2019. "
            "Costa met Spanish Prime Minister Pedro Sanchez in Lisbon in May.")
    (event,) = run(text, "2021-09-20")["events"]
    assert (event["type"], event["date"]) == ("meeting", "2021-05")


def test_a_year_framing_a_count_carries_over() -> None:
    text = ("The Chilean president made 12 visits in 2019. "
            "He met Argentine President Mauricio Macri in Buenos Aires in June.")
    (event,) = run(text, "2021-01-10")["events"]
    assert event["date"] == "2019-06"


def test_due_to_meet_after_a_summit_word_is_planned() -> None:
    text = ("Canadian Prime Minister Justin Trudeau flew on to Tokyo for the G7 summit, where he "
            "is due to meet Japanese Prime Minister Fumio Kishida.")
    (event,) = run(text, "2023-05-18")["events"]
    assert (event["type"], event["status"], parties(event)) == ("meeting", "planned",
                                                                {"CAN", "JPN"})


def test_past_meeting_and_a_plan_in_one_sentence() -> None:
    text = ("Greek Prime Minister Kyriakos Mitsotakis met German Chancellor Olaf Scholz in Berlin "
            "in May, and is due to visit Berlin again on Nov. 13.")
    assert [(k, s) for k, _d, s, _p in _kinds(text, "2023-09-01")] == [
        ("meeting", "occurred"), ("meeting", "planned")]


def test_would_in_reported_speech_before_a_video_call() -> None:
    text = ("French President Emmanuel Macron warned Russian President Vladimir Putin on Tuesday "
            "that Europe would respond if Russia escalated, during a two-hour video call.")
    (event,) = run(text, "2022-02-10")["events"]
    assert (event["type"], event["date"], event["status"]) == ("video_meeting", "2022-02-08",
                                                               "occurred")


def test_called_a_result_something_is_no_phone_call() -> None:
    text = ("Hungarian Prime Minister Viktor Orban sent a message to Polish President Andrzej "
            "Duda on Sunday in which he called the result \"a great victory.\"")
    (event,) = run(text, "2020-07-14")["events"]
    assert event["type"] == "message"


def test_brief_exchange_at_a_summit_is_a_meeting() -> None:
    text = ("Australian Prime Minister Anthony Albanese had a brief exchange at the APEC summit "
            "in Lima with Chinese President Xi Jinping on Saturday.")
    (event,) = run(text, "2024-11-18")["events"]
    assert (event["type"], parties(event)) == ("meeting", {"AUS", "CHN"})


def test_a_past_meeting_long_before_is_not_the_lead_event() -> None:
    text = ("Vladimir Putin held talks with President of Kazakhstan Kassym-Jomart Tokayev in the "
            "Kremlin.\n\nTokayev last visited Russia in June 2019, when he and Putin held talks "
            "in Moscow.")
    dates = sorted(e["date"] for e in run(text, "2023-03-22")["events"])
    assert dates == ["2019-06", "2023-03-22"]


def test_headline_event_confirmed_by_a_joined_body_event() -> None:
    text = ("Scholz and Sunak meet for first time at Rome summit\n\n"
            "ROME (AFP) - German Chancellor Olaf Scholz and British Prime Minister Rishi Sunak "
            "held their first talks on Monday at a summit in Rome hosted by Italian Prime "
            "Minister Giorgia Meloni and attended by French President Emmanuel Macron.")
    (event,) = run(text, "2023-02-14")["events"]
    assert (event["type"], parties(event)) == ("meeting", {"DEU", "GBR", "ITA", "FRA"})
