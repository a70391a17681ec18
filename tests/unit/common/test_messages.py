"""Shared message contracts: schemas, ids, codec, settings."""

from __future__ import annotations

import pytest

from services.common import ids, schemas
from services.common.codec import DecodeError, decode_object, payload_as_text
from services.common.messages import deadletter_message, event_message, tally_message
from services.common.settings import Settings

ARTICLE = {"id": "a1", "url": None, "published": "2021-10-27", "source": None}
EVENT = {"type": "phone_call", "date": "2021-10-26", "precision": "day", "status": "occurred",
         "participants": [{"name": "Xi Jinping", "country": "CHN"},
                          {"name": "Emmanuel Macron", "country": "FRA"}],
         "evidence": "Xi held a phone conversation with Macron."}


def test_event_message_matches_schema_and_has_codes() -> None:
    message = event_message(EVENT, article=ARTICLE, extractor_version="t")
    schemas.validate("event", message)
    assert (message["cameo"], message["plover_type"], message["plover_mode"],
            message["channel"]) == ("041", "CONSULT", "phone", "phone")


def test_event_id_is_stable_and_order_free() -> None:
    swapped = {**EVENT, "participants": list(reversed(EVENT["participants"]))}
    assert ids.event_id("a1", EVENT) == ids.event_id("a1", swapped)
    assert ids.event_id("a1", EVENT) != ids.event_id("a2", EVENT)


def test_schema_rejects_a_bad_event() -> None:
    message = event_message({**EVENT, "precision": "week"}, article=ARTICLE,
                            extractor_version="t")
    with pytest.raises(schemas.InvalidMessage, match="precision"):
        schemas.validate("event", message)


def test_tally_and_deadletter_messages_match_schemas() -> None:
    tally = {"actor": {"name": "Xi Jinping", "country": "CHN"}, "type": ["speech", "message"],
             "count": 100, "qualifier": "at_least", "period": "2021", "evidence": "..."}
    schemas.validate("tally", tally_message(tally, article=ARTICLE, extractor_version="t"))
    letter = deadletter_message(stage="extract", reason="invalid JSON", payload=b"\xff")
    schemas.validate("deadletter", letter)
    assert letter["payload_encoding"] == "base64"


@pytest.mark.parametrize("payload, reason", [
    (b"", "empty"), (b"{", "invalid JSON"), (b"[]", "JSON object"), (b"\xc3(", "UTF-8")])
def test_decode_object_reasons(payload: bytes, reason: str) -> None:
    with pytest.raises(DecodeError, match=reason):
        decode_object(payload)


def test_payload_truncated_for_deadletter() -> None:
    text, encoding, truncated = payload_as_text(b"abcdef", 3)
    assert (text, encoding, truncated) == ("abc", "utf-8", True)


def test_settings_from_env_round_trip(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(partitions=7, topic_events="e2", kafka_bootstrap_servers="h:1")
    for key, value in settings.to_env().items():
        monkeypatch.setenv(key, value)
    assert Settings.from_env() == settings


def test_settings_reject_bad_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_PARTITIONS", "many")
    with pytest.raises(ValueError, match="PARLEY_PARTITIONS"):
        Settings.from_env()


def test_truncation_inside_a_character_stays_text() -> None:
    text, encoding, truncated = payload_as_text("é" * 10, 5)
    assert (text, encoding, truncated) == ("éé", "utf-8", True)
