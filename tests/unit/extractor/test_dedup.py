from .conftest import run


def test_caption_and_paragraph_are_one_event_with_both_spans() -> None:
    caption = "Xi Jinping meets with Emmanuel Macron in Beijing, Nov. 5, 2019."
    body = "Chinese President Xi Jinping met with French President Emmanuel Macron on Tuesday."
    text = f"{caption}\n\n{body}"
    (event,) = run(text, "2019-11-06")["events"]
    assert event["date"] == "2019-11-05"
    assert len(event["evidence_spans"]) == 2
    for start, end in event["evidence_spans"]:
        assert text[start:end] in (caption, body)


def test_reference_back_to_the_call_is_not_a_new_event() -> None:
    text = ("Joe Biden spoke with Xi Jinping by phone on Friday.\n\n"
            "During the call, the two leaders discussed climate change.")
    events = run(text, "2021-09-11")["events"]
    assert len(events) == 1
    assert events[0]["type"] == "phone_call"
