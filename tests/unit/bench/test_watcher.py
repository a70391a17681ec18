"""The benchmark's follower of the actor_events changelog counts what the table holds.

Keys are as the changelog holds them: the row key as a JSON string.
"""

from bench.harness import ActorEventsWatcher


def test_an_id_is_held_while_any_row_holds_it() -> None:
    watcher = ActorEventsWatcher({"c1", "c2"})
    watcher.add(b'"CHN|2021-12|c1"', b"{}", 10)
    watcher.add(b'"RUS|2021-12|c1"', b"{}", 11)
    assert watcher.missing() == 1
    watcher.add(b'"CHN|2021-12|c1"', None, 12)  # one of its rows deleted: still held
    assert watcher.missing() == 1
    watcher.add(b'"RUS|2021-12|c1"', None, 13)
    assert watcher.missing() == 2
    watcher.add(b'"USA|2021-11|c2"', b"{}", 14)
    watcher.add(b'"USA|2021-11|c2"', b"{}", 15)  # rewritten: counted once
    assert watcher.missing() == 1
    assert watcher.appearances["c2"] == [14, 15]
    assert watcher.last_timestamp == 15


def test_expectations_set_later_count_what_is_already_held() -> None:
    watcher = ActorEventsWatcher(set())
    watcher.add(b'"CHN|2021-12|c1"', b"{}", 1)
    watcher.add(b'"CHN|2021-12|c9"', None, 2)  # a tombstone of a row never seen
    watcher.expect({"c1", "c2", "c9"})
    assert watcher.missing() == 2
    watcher.add(b'"Xi|Jinping|2021-12|c2"', b"{}", 3)  # the id is what follows the last "|"
    assert watcher.missing() == 1


def test_completion_is_the_time_of_the_record_that_completed_it() -> None:
    watcher = ActorEventsWatcher({"c1"})
    watcher.add(b'"CHN|2021-12|c1"', b"{}", 10)
    watcher.add(b'"CHN|2021-12|c9"', b"{}", 20)  # later, in the same poll
    assert watcher.missing() == 0 and watcher.completed_at == 10
    watcher.add(b'"CHN|2021-12|c1"', None, 30)
    assert watcher.completed_at == 0
