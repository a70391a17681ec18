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
