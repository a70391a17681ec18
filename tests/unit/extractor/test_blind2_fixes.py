"""Rules added after a second blind check on long articles written for it (0.3.2)."""

from .conftest import parties, run


def test_a_city_in_a_dateline_is_no_person() -> None:
    text = ("MUSCAT, May 3 (ONA) - Oman's Sultan Haitham bin Tarik received Qatari Emir "
            "Sheikh Tamim bin Hamad Al Thani on Tuesday.")
    (event,) = run(text, "2022-05-03")["events"]
    assert parties(event) == {"OMN", "QAT"}


def test_a_city_after_in_is_no_person() -> None:
    text = ("Kenyan President William Ruto met Ugandan President Yoweri Museveni in Dar es "
            "Salaam on Friday.")
    (event,) = run(text, "2023-03-11")["events"]
    assert parties(event) == {"KEN", "UGA"}


def test_meet_again_before_the_end_of_the_month_is_planned_this_month() -> None:
    text = ("Ethiopian Prime Minister Abiy Ahmed met Kenyan President William Ruto in Nairobi "
            "on Monday. The two leaders agreed to meet again before the end of the month.")
    events = run(text, "2023-02-14")["events"]
    planned = [e for e in events if e["status"] == "planned"]
    assert [(e["date"], e["precision"]) for e in planned] == [("2023-02", "month")]


def test_ready_to_host_is_no_planned_meeting() -> None:
    text = ("Egyptian Foreign Minister Sameh Shoukry said Cairo remained ready to host Sudanese "
            "army chief Abdel Fattah al-Burhan.")
    assert run(text, "2023-06-02")["events"] == []


def test_condolences_to_the_people_take_no_recipient_from_before() -> None:
    text = ("Jordan's King Abdullah II sent a cable of condolences to Turkish President Recep "
            "Tayyip Erdogan on Tuesday. Kuwait's Emir Sheikh Nawaf al-Ahmad al-Jaber al-Sabah "
            "expressed condolences to the people of Turkey.")
    events = run(text, "2023-02-08")["events"]
    assert [parties(e) for e in events] == [{"JOR", "TUR"}]


def test_talks_placed_by_the_dateline_in_a_party_capital_are_a_meeting() -> None:
    text = ("TASHKENT, May 4 (Reuters) - Turkmen President Serdar Berdimuhamedov and Uzbek "
            "President Shavkat Mirziyoyev held talks on Wednesday. The two leaders last spoke "
            "by telephone in March.")
    events = run(text, "2022-05-04")["events"]
    assert ("meeting", "2022-05-04") in [(e["type"], e["date"]) for e in events]


def test_talks_under_a_third_city_dateline_stay_a_consult() -> None:
    text = ("GENEVA, May 4 (Reuters) - Turkmen President Serdar Berdimuhamedov and Uzbek "
            "President Shavkat Mirziyoyev held talks on Wednesday. The two leaders last spoke "
            "by telephone in March.")
    events = run(text, "2022-05-04")["events"]
    assert ("consult", "2022-05-04") in [(e["type"], e["date"]) for e in events]
