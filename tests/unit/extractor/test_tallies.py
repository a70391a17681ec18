import pytest

from services.extractor.tallies import number_value

from .conftest import run


def tallies(text: str, published: str = "2022-06-30") -> list[tuple]:
    """(country, type, count, qualifier, period) of each tally, types sorted."""
    out = []
    for tally in run(text, published)["tallies"]:
        kind = tally["type"]
        kind = tuple(sorted(kind)) if isinstance(kind, list) else kind
        out.append((tally["actor"]["country"], kind, tally["count"], tally["qualifier"],
                    tally["period"]))
    return out


def test_counted_calls_with_year_period() -> None:
    text = "In 2021, President Xi Jinping made 79 phone calls with foreign leaders."
    assert tallies(text, "2022-01-02") == [("CHN", "phone_call", 79, "exact", "2021")]


def test_total_over_several_types_with_at_least() -> None:
    text = ("In 2021, Xi Jinping made 30 phone calls, attended 12 diplomatic events via video "
            "link, delivered speeches and sent messages totaling at least 100.")
    assert tallies(text, "2022-01-02") == [
        ("CHN", "phone_call", 30, "exact", "2021"),
        ("CHN", "video_meeting", 12, "exact", "2021"),
        ("CHN", ("message", "speech"), 100, "at_least", "2021"),
    ]


@pytest.mark.parametrize(("sentence", "kind", "count", "qualifier"), [
    ("Emmanuel Macron held 14 meetings with foreign leaders this year.", "meeting", 14, "exact"),
    ("Emmanuel Macron had twenty-one telephone conversations with Olaf Scholz this year.",
     "phone_call", 21, "exact"),
    ("Emmanuel Macron spoke by phone 35 times this year.", "phone_call", 35, "exact"),
    ("Emmanuel Macron met Olaf Scholz a dozen times this year.", "meeting", 12, "exact"),
    ("Emmanuel Macron met Olaf Scholz half a dozen times this year.", "meeting", 6, "exact"),
    ("Emmanuel Macron hosted more than 40 heads of state this year.", "meeting", 40, "at_least"),
    ("Emmanuel Macron attended over 18 events via video link this year.", "video_meeting", 18,
     "at_least"),
    ("Emmanuel Macron made about 25 foreign trips this year.", "meeting", 25, "about"),
    ("Emmanuel Macron made nearly 60 calls this year.", "phone_call", 60, "about"),
    ("Emmanuel Macron held some 30 video conferences this year.", "video_meeting", 30, "about"),
    ("Emmanuel Macron and Olaf Scholz have spoken five times by phone this year.", "phone_call",
     5, "exact"),
    ("Emmanuel Macron and his German counterpart Olaf Scholz met 20 times this year.",
     "meeting", 20, "exact"),
])
def test_count_phrases(sentence: str, kind: str, count: int, qualifier: str) -> None:
    assert tallies(sentence) == [("FRA", kind, count, qualifier, "2022")]


def test_visits_to_countries_are_two_tallies() -> None:
    text = "Last year Recep Tayyip Erdogan paid 27 visits to 21 countries."
    assert tallies(text) == [("TUR", "meeting", 27, "exact", "2021"),
                             ("TUR", "meeting", 21, "exact", "2021")]


def test_coordinated_counts_share_their_noun() -> None:
    text = "Volodymyr Zelensky made eight official and five working visits to 12 countries in 2019."
    assert tallies(text, "2021-10-15") == [("UKR", "meeting", 8, "exact", "2019"),
                                           ("UKR", "meeting", 5, "exact", "2019"),
                                           ("UKR", "meeting", 12, "exact", "2019")]


@pytest.mark.parametrize(("sentence", "period"), [
    ("In the past 10 years, Narendra Modi has made 42 trips abroad.", "2012-06-30/2022-06-30"),
    ("Narendra Modi made 36 foreign visits during the last five years.",
     "2017-06-30/2022-06-30"),
    ("Since the start of the COVID-19 pandemic, Narendra Modi made 80 phone calls.",
     "2020-01-01/2022-06-30"),
    ("Since February 24, Narendra Modi has held 20 phone calls with leaders.",
     "2022-02-24/2022-06-30"),
    ("During the Winter Olympics this year, Narendra Modi held 12 bilateral meetings.",
     "2022-02"),
    ("Last year, Narendra Modi made 15 visits abroad.", "2021"),
    ("Narendra Modi made 15 visits abroad in 2019.", "2019"),
    ("In March, Narendra Modi held 12 phone calls with leaders.", "2022-03"),
    ("Narendra Modi has held 12 phone calls with leaders since December.",
     "2021-12-01/2022-06-30"),
    ("Narendra Modi has met foreign leaders more than 40 times since 2019.",
     "2019-01-01/2022-06-30"),
    ("Over the past year, Narendra Modi held 20 phone calls with leaders.",
     "2021-06-30/2022-06-30"),
    ("In the past decade, Narendra Modi has visited Russia eight times.",
     "2012-06-30/2022-06-30"),
])
def test_periods(sentence: str, period: str) -> None:
    ((_, _, _, _, found),) = tallies(sentence)
    assert found == period


def test_period_set_earlier_carries_over() -> None:
    text = ("The office of Volodymyr Zelensky published his statistics from February 24, 2022. "
            "The president spoke by phone 300 times with other leaders.")
    assert tallies(text, "2022-12-29") == [
        ("UKR", "phone_call", 300, "exact", "2022-02-24/2022-12-29")]


def test_since_taking_office_uses_the_term_start() -> None:
    text = ("This was the fourth talk between Vladimir Putin and Joe Biden since the latter's "
            "assumption of office. Previously, the two leaders had three phone calls.")
    assert tallies(text, "2021-12-07") == [
        ("RUS", "phone_call", 3, "exact", "2021-01-20/2021-12-07")]


def test_actor_is_the_subject_not_the_object() -> None:
    text = ("In 2025, Vladimir Putin held 12 meetings with envoys. "
            "This includes 10 telephone conversations with Donald Trump and four meetings "
            "with his aides.")
    assert tallies(text, "2025-12-29") == [("RUS", "meeting", 12, "exact", "2025"),
                                           ("RUS", "phone_call", 10, "exact", "2025"),
                                           ("RUS", "meeting", 4, "exact", "2025")]


def test_since_taking_office_uses_the_counting_persons_term() -> None:
    text = "Joe Biden has made 12 trips abroad since he took office."
    assert tallies(text, "2022-06-30") == [
        ("USA", "meeting", 12, "exact", "2021-01-20/2022-06-30")]


def test_object_after_a_verb_and_speaker_are_not_the_actor() -> None:
    text = ("Vladimir Putin visited Beijing this week. Vladimir Putin has met Xi Jinping 39 "
            "times. Yury Ushakov said the president had 10 phone calls with Donald Trump.")
    assert tallies(text) == [("RUS", "meeting", 39, "exact", "2022"),
                             ("RUS", "phone_call", 10, "exact", "2022")]


def test_counts_with_their_own_nouns_are_not_coordinated() -> None:
    text = "In 2021 Xi Jinping had 79 phone conversations and 40 video meetings."
    assert tallies(text) == [("CHN", "phone_call", 79, "exact", "2021"),
                             ("CHN", "video_meeting", 40, "exact", "2021")]


def test_generic_count_takes_the_types_of_its_breakdown() -> None:
    text = ("In 2025, Vladimir Putin talked with American officials on 17 occasions. "
            "This includes a visit to Alaska, 10 phone calls and six meetings with envoys.")
    found = tallies(text, "2025-12-29")
    assert ("RUS", ("meeting", "phone_call"), 17, "exact", "2025") in found


def test_spoke_online_counts_video_talks_and_addresses() -> None:
    text = "Volodymyr Zelensky also communicated or spoke online 186 times this year."
    assert tallies(text, "2022-12-29") == [
        ("UKR", ("speech", "video_meeting"), 186, "exact", "2022")]


@pytest.mark.parametrize("sentence", [
    "This is the fifth visit of Narendra Modi to Russia since 2014.",
    "Narendra Modi made two overseas visits per month.",
    "On average, Narendra Modi made two visits a month.",
    "Narendra Modi attended 31 events within 48 hours.",
    "Narendra Modi held 44 meetings of the security council.",
    "Narendra Modi received around 18 requests for bilateral meetings.",
    "Narendra Modi sent two billion doses to 120 countries.",
    "Narendra Modi signed 12 agreements with 30 countries.",
    "Narendra Modi will make three visits abroad next month.",
    "Narendra Modi held two video summits, in April and July respectively.",
    "Narendra Modi made 42 trips abroad covering 69 countries.",
    "Narendra Modi received 12 letters of credence this week.",
    "During his two visits to Moscow, Narendra Modi met Vladimir Putin.",
    "Narendra Modi met half a dozen ministers at home.",
])
def test_not_a_tally(sentence: str) -> None:
    found = tallies(sentence)
    assert all(count != 69 for _, _, count, _, _ in found)
    if "42 trips" not in sentence:
        assert found == []


@pytest.mark.parametrize(("word", "value"), [
    ("eight", 8), ("twenty-one", 21), ("a dozen", 12), ("1,200", 1200), ("Forty two", 42),
])
def test_number_words(word: str, value: int) -> None:
    assert number_value(word) == value
