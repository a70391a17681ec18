"""Rules added after a blind check on long articles written for it (0.3.1)."""

from .conftest import parties, run


def test_calling_a_visit_something_is_no_phone_call() -> None:
    text = ("Egyptian President Abdel Fattah al-Sisi received Jordan's King Abdullah II in "
            "Cairo on Monday. Sisi called the visit a \"turning point\" in relations between the "
            "two countries.")
    events = run(text, "2019-03-26")["events"]
    assert [e["type"] for e in events] == ["meeting"]


def test_virtual_bilateral_is_a_video_meeting() -> None:
    text = ("Japanese Prime Minister Yoshihide Suga held a virtual bilateral with Indian Prime "
            "Minister Narendra Modi on Friday.")
    (event,) = run(text, "2021-03-14")["events"]
    assert (event["type"], event["date"]) == ("video_meeting", "2021-03-12")


def test_addressed_the_assembly_named_before_is_a_speech() -> None:
    text = ("Leaders gathered for the United Nations General Assembly in New York this week. "
            "South African President Cyril Ramaphosa addressed the General Assembly on "
            "Wednesday.")
    events = run(text, "2019-09-27")["events"]
    assert [(e["type"], parties(e)) for e in events] == [("speech", {"ZAF", "UN"})]


def test_the_host_of_a_meeting_joins_it() -> None:
    text = ("Ethiopian Prime Minister Abiy Ahmed met Eritrean President Isaias Afwerki in "
            "Juba on Sunday. South Sudanese President Salva Kiir hosted the meeting.")
    (event,) = run(text, "2019-06-10")["events"]
    assert parties(event) == {"ETH", "ERI", "SSD"}


def test_spoken_several_times_is_no_event() -> None:
    text = "Macron and Putin have spoken by phone several times since the war began."
    assert run(text, "2022-05-04")["events"] == []


def test_the_two_prime_ministers_are_the_last_two_premiers() -> None:
    text = ("Indian Prime Minister Narendra Modi met Nepali Prime Minister KP Sharma Oli in "
            "Kathmandu on Friday. Modi had earlier held talks with Bhutanese King Jigme Khesar "
            "Namgyel Wangchuck in Thimphu. The two prime ministers last met in New Delhi in "
            "January.")
    events = run(text, "2018-05-13")["events"]
    dated = {(e["date"], frozenset(parties(e))) for e in events}
    assert ("2018-01", frozenset({"IND", "NPL"})) in dated


def test_the_king_is_the_monarch_not_the_last_president() -> None:
    text = ("King Mohammed VI received Senegalese President Macky Sall in Rabat on Tuesday. "
            "On Monday, the King sent a message of congratulations to Ghanaian President Nana "
            "Akufo-Addo.")
    events = run(text, "2017-01-11")["events"]
    message = next(e for e in events if e["type"] == "message")
    assert parties(message) == {"MAR", "GHA"}


def test_a_subjectless_after_clause_takes_the_sentence_subject() -> None:
    text = ("U.S. Secretary of State Antony Blinken met Jordan's King Abdullah II in Amman on "
            "Sunday, a day after holding talks in Ankara with Turkish President Recep Tayyip "
            "Erdogan.")
    events = run(text, "2023-11-06")["events"]
    assert {(e["date"], frozenset(parties(e))) for e in events} == {
        ("2023-11-05", frozenset({"USA", "JOR"})), ("2023-11-04", frozenset({"USA", "TUR"}))}


def test_other_groups_their_is_no_reference_back() -> None:
    text = ("Olaf Scholz and Emmanuel Macron held a video call on Monday. "
            "NATO leaders will hold their summit in Vilnius next month.")
    events = run(text, "2023-06-13")["events"]
    assert [e["status"] for e in events] == ["occurred"]


def test_an_upcoming_phrase_about_something_else_is_no_plan() -> None:
    text = ("Kenyan President Uhuru Kenyatta met Tanzanian President Samia Suluhu Hassan in "
            "Nairobi on Tuesday. The two leaders discussed the census due later this year.")
    events = run(text, "2021-05-05")["events"]
    assert [e["status"] for e in events] == ["occurred"]


def test_a_family_particle_or_a_capital_is_not_a_one_word_name() -> None:
    text = ("King Salman bin Abdulaziz Al Saud received Oman's Sultan Haitham bin Tariq in "
            "Riyadh on Monday and praised Muscat's role in the region.")
    (event,) = run(text, "2021-07-13")["events"]
    assert parties(event) == {"SAU", "OMN"}


def test_a_cable_of_condolences_is_a_message() -> None:
    text = ("Kuwait's Emir Sheikh Nawaf Al-Ahmad Al-Jaber Al-Sabah sent a cable of condolences "
            "on Sunday to Turkish President Recep Tayyip Erdogan over the earthquake victims.")
    (event,) = run(text, "2023-02-07")["events"]
    assert (event["type"], event["date"]) == ("message", "2023-02-05")
    assert parties(event) == {"KWT", "TUR"}


def test_came_a_day_after_counts_back_from_the_last_day_told() -> None:
    text = ("Ugandan President Yoweri Museveni received Kenyan President William Ruto in "
            "Kampala on Friday, a month after the election. Ruto's visit came a day after his "
            "deputy, Rigathi Gachagua, met Tanzanian President Samia Suluhu Hassan in Dodoma.")
    events = run(text, "2022-10-10")["events"]
    dates = {frozenset(parties(e)): e["date"] for e in events}
    assert dates[frozenset({"UGA", "KEN"})] == "2022-10-07"
    assert dates[frozenset({"KEN", "TZA"})] == "2022-10-06"


def test_the_two_leaders_before_any_event_are_the_last_two_named() -> None:
    text = ("New Zealand Prime Minister Chris Hipkins and Fijian Prime Minister Sitiveni Rabuka "
            "signed a partnership statement in Suva on Tuesday. The two leaders had discussed "
            "it when Hipkins visited Nadi in March.")
    events = run(text, "2023-06-01")["events"]
    # Signing together in Suva is a meeting too (0.3.3).
    assert [(e["date"], parties(e)) for e in events] == [("2023-05-30", {"NZL", "FJI"}),
                                                         ("2023-03", {"NZL", "FJI"})]


def test_their_first_talk_since_a_month_is_an_event_then() -> None:
    text = ("French President Emmanuel Macron spoke with Chinese President Xi Jinping by phone "
            "on Tuesday. It was the first conversation between the two since early March.")
    events = run(text, "2022-05-11")["events"]
    assert sorted((e["type"], e["date"]) for e in events) == [
        ("consult", "2022-03"), ("phone_call", "2022-05-10")]


def test_a_first_visit_by_an_unnamed_office_holder_since_a_year_gives_no_event() -> None:
    text = ("Greek Prime Minister Kyriakos Mitsotakis met Turkish President Recep Tayyip "
            "Erdogan in Ankara on Monday, the first visit by a Greek premier since 2018.")
    events = run(text, "2024-05-14")["events"]
    assert [e["date"] for e in events] == ["2024-05-13"]
