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


def test_signing_together_in_a_city_is_a_meeting() -> None:
    text = ("Solomon Islands Prime Minister Jeremiah Manele and Australian Prime Minister "
            "Anthony Albanese signed a policing agreement in Canberra on Thursday.")
    (event,) = run(text, "2024-06-21")["events"]
    assert (event["type"], event["date"], parties(event)) == ("meeting", "2024-06-20",
                                                              {"SLB", "AUS"})


def test_signing_in_a_month_is_no_meeting() -> None:
    text = "Albanese signed the agreement with Chinese Premier Li Qiang in January."
    assert run(text, "2024-06-21")["events"] == []


def test_told_the_general_assembly_is_a_speech() -> None:
    text = ("Costa Rican President Rodrigo Chaves told the 77th session of the United Nations "
            "General Assembly on Wednesday that debt was crushing poor countries.")
    (event,) = run(text, "2022-09-22")["events"]
    assert (event["type"], event["date"], parties(event)) == ("speech", "2022-09-21",
                                                              {"CRI", "UN"})


def test_a_message_carried_by_an_envoy_and_the_envoys_meeting() -> None:
    text = ("Oman's Foreign Minister Badr Albusaidi conveyed a message from Sultan Haitham bin "
            "Tarik to Iranian President Masoud Pezeshkian during talks in Tehran on Monday.")
    events = run(text, "2024-10-15")["events"]
    found = {(e["type"], e["date"]): {p["name"] for p in e["participants"]} for e in events}
    assert set(found) == {("message", "2024-10-14"), ("meeting", "2024-10-14")}
    assert "Badr Albusaidi" not in found[("message", "2024-10-14")]
    assert "Badr Albusaidi" in found[("meeting", "2024-10-14")]


def test_messages_of_two_senders_stay_messages() -> None:
    text = ("On Tuesday, Tanzanian President Samia Suluhu Hassan and Mozambican President "
            "Filipe Nyusi sent condolence messages to Malawian President Lazarus Chakwera.")
    events = run(text, "2024-06-12")["events"]
    assert sorted(e["type"] for e in events) == ["message", "message"]
