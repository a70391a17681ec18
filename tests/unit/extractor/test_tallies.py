from .conftest import run


def test_counted_calls_with_year_period() -> None:
    text = "In 2021, President Xi Jinping made 79 phone calls with foreign leaders."
    (tally,) = run(text, "2022-01-02")["tallies"]
    assert tally["type"] == "phone_call"
    assert tally["count"] == 79
    assert tally["qualifier"] == "exact"
    assert tally["period"] == "2021"
    assert tally["actor"]["country"] == "CHN"


def test_total_over_several_types_with_at_least() -> None:
    text = ("In 2021, Xi Jinping delivered speeches and sent messages totaling at least 100.")
    (tally,) = run(text, "2022-01-02")["tallies"]
    assert sorted(tally["type"]) == ["message", "speech"]
    assert (tally["count"], tally["qualifier"]) == (100, "at_least")


def test_ordinal_is_not_a_tally() -> None:
    text = "This is the fifth visit of Narendra Modi to Russia since 2014."
    assert run(text, "2019-09-04")["tallies"] == []
