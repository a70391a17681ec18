"""Eighth blind check (0.3.8): speeches to national legislatures, which act for their
country."""

from __future__ import annotations

from .conftest import parties, run


def _events(text: str, published: str, status: str = "occurred") -> set[tuple]:
    return {(e["type"], e["date"], frozenset(parties(e))) for e in run(text, published)["events"]
            if e["status"] == status}


def test_speech_to_a_national_parliament_by_video_is_the_country() -> None:
    text = ("KYIV, June 5 -- Ukrainian President Volodymyr Zelensky addressed the members of "
            "the National Diet of Japan via video link on Tuesday, his office said.")
    assert _events(text, "2024-06-05") == {("speech", "2024-06-04", frozenset({"UKR", "JPN"}))}


def test_joint_session_of_us_congress_is_a_speech_to_the_usa() -> None:
    text = ("WASHINGTON -- Israeli Prime Minister Benjamin Netanyahu addressed a joint session "
            "of the US Congress on Wednesday, his fourth such address.")
    assert _events(text, "2024-07-25") == {("speech", "2024-07-24", frozenset({"ISR", "USA"}))}


def test_planned_address_to_a_joint_meeting_of_congress() -> None:
    text = ("Kenyan President William Ruto will address a joint meeting of Congress on "
            "Thursday, the White House said on Monday.")
    assert _events(text, "2024-05-20", "planned") == {
        ("speech", "2024-05-23", frozenset({"KEN", "USA"}))}

