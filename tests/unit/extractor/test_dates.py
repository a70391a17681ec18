import datetime as dt

from services.extractor.dates import anchors, find_dates, resolve

ANCHOR = dt.date(2021, 10, 27)  # a Wednesday


def _resolve_all(text: str, future: bool = False) -> list[tuple[str | None, str]]:
    return [resolve(m, ANCHOR, future) for m in find_dates(text)]


def test_absolute_and_day_month_without_year() -> None:
    assert _resolve_all("on December 15, 2020") == [("2020-12-15", "day")]
    # A day-month after publication belongs to the year before.
    assert _resolve_all("on Dec. 15") == [("2020-12-15", "day")]
    assert _resolve_all("on Dec. 15", future=True) == [("2021-12-15", "day")]


def test_weekdays_relative_days_and_months() -> None:
    assert _resolve_all("on Tuesday") == [("2021-10-26", "day")]
    assert _resolve_all("on Friday", future=True) == [("2021-10-29", "day")]
    assert _resolve_all("yesterday") == [("2021-10-26", "day")]
    assert _resolve_all("last month") == [("2021-09", "month")]
    assert _resolve_all("in June this year") == [("2021-06", "month")]
    assert _resolve_all("in 2019") == [("2019", "year")]


def test_month_name_may_needs_support() -> None:
    assert find_dates("they may meet") == []
    assert _resolve_all("in May 2020") == [("2020-05", "month")]


def test_dateline_anchor_is_preferred_for_weekdays() -> None:
    text = " date 2021-10-27 Title\n\nBEIJING, Oct. 26 (Xinhua) -- Xi spoke."
    assert anchors(text, None) == (dt.date(2021, 10, 27), dt.date(2021, 10, 26))


def test_no_anchor_leaves_relative_dates_unknown() -> None:
    (mention,) = find_dates("on Tuesday")
    assert resolve(mention, None) == (None, "unknown")
