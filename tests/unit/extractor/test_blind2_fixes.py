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
