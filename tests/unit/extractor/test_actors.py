from .conftest import parties, run


def test_title_resolves_to_office_holder_on_the_date() -> None:
    text = "Chinese President Xi Jinping held talks by phone on Monday with the German Chancellor."
    (event,) = run(text, "2021-06-10")["events"]
    assert parties(event) == {"CHN", "DEU"}
    names = {p["name"] for p in event["participants"]}
    assert "Angela Merkel" in names


def test_counterpart_takes_the_subject_role() -> None:
    text = ("Indian Prime Minister Narendra Modi spoke by phone with his French counterpart "
            "on Friday.")
    (event,) = run(text, "2021-10-27")["events"]
    assert parties(event) == {"IND", "FRA"}


def test_pronoun_and_short_name_resolve_from_context() -> None:
    text = ("Russian President Vladimir Putin arrived in Paris on Monday.\n\n"
            "He met French President Emmanuel Macron at the Elysee Palace.")
    events = run(text, "2021-10-27")["events"]
    assert [parties(e) for e in events] == [{"RUS", "FRA"}]


def test_unknown_person_with_title_and_country_counts() -> None:
    text = "US defence secretary Lloyd Austin spoke with his Indian counterpart Rajnath Singh."
    (event,) = run(text, "2021-02-08")["events"]
    assert parties(event) == {"USA", "IND"}


def test_country_before_a_comma_is_not_the_title_country() -> None:
    text = ("On Ukraine, the Prime Minister said more aid was needed. "
            "The Prime Minister spoke with Justin Trudeau on Monday.")
    events = run(text, "2022-06-27")["events"]
    assert all("UKR" not in parties(e) for e in events)


def test_plural_title_of_an_organisation_names_no_head() -> None:
    text = ("Recep Tayyip Erdogan flew to Brussels on Monday to attend a summit of NATO "
            "heads of state and government.")
    assert run(text, "2022-03-24")["events"] == []


def test_speaker_is_not_the_forum_own_head() -> None:
    text = ("Kristalina Georgieva met William Ruto in Nairobi on Wednesday. "
            "Her remarks came as Kenya plans a bond sale.")
    events = run(text, "2023-05-05")["events"]
    assert [e["type"] for e in events] == ["meeting"]


def test_role_after_as_is_not_a_party() -> None:
    text = "Yoweri Museveni congratulated Donald Trump upon his election as US president."
    (event,) = run(text, "2016-11-09")["events"]
    assert [p["name"] for p in event["participants"]] == ["Yoweri Museveni", "Donald Trump"]


def test_relative_named_in_apposition_is_not_the_next_subject() -> None:
    text = ("Park Geun-hye will visit Washington this week. In 2011, her predecessor, "
            "Lee Myung-bak, toured the Pentagon. Later, she will attend a lunch hosted by "
            "Joe Biden on Thursday.")
    events = run(text, "2015-10-11")["events"]
    names = [sorted(p["name"] for p in e["participants"]) for e in events]
    assert names == [["Joe Biden", "Park Geun-hye"]]


def test_plural_titles_join_a_meeting_and_name_no_single_person() -> None:
    text = ("Sergey Lavrov and Qin Gang took part in a meeting in Samarkand on Thursday. "
            "Top diplomats of Tajikistan, Turkmenistan and Uzbekistan also attended the "
            "meeting. Later the top diplomats reaffirmed their readiness to cooperate.")
    (event,) = run(text, "2023-04-13")["events"]
    assert parties(event) == {"RUS", "CHN", "TJK", "TKM", "UZB"}
