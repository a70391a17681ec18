"""A lookup by canonical id: the event, an id merged into another, or none."""

from __future__ import annotations

from services.aggregator.views import canonical_answer

CID = "0123456789abcdef01234567"


def test_a_held_event_is_answered() -> None:
    record = {"canonical_id": CID, "deleted": False, "mentions": 2}
    assert canonical_answer(CID, record) == (record, 200)


def test_a_retired_id_names_the_event_it_was_merged_into() -> None:
    body, status = canonical_answer(CID, {"canonical_id": CID, "deleted": True,
                                          "merged_into": "fedcba9876543210fedcba98"})
    assert status == 404 and body["merged_into"] == "fedcba9876543210fedcba98"


def test_an_unknown_id_is_not_found() -> None:
    body, status = canonical_answer(CID, None)
    assert status == 404 and CID in body["error"] and "merged_into" not in body
