"""Rules added after a third blind check on long articles written for it (0.3.3)."""

from .conftest import parties, run


def test_also_called_is_a_phone_call() -> None:
    text = ("Lithuanian President Gitanas Nauseda also called Latvian President Egils Levits "
            "on Friday.")
    (event,) = run(text, "2023-03-28")["events"]
    assert (event["type"], event["date"], parties(event)) == ("phone_call", "2023-03-24",
                                                              {"LTU", "LVA"})


def test_a_call_about_an_upcoming_summit_occurred() -> None:
    text = ("Finnish President Sauli Niinisto called Swedish Prime Minister Ulf Kristersson on "
            "Friday to discuss the upcoming NATO summit.")
    (event,) = run(text, "2023-03-28")["events"]
    assert (event["type"], event["status"]) == ("phone_call", "occurred")
