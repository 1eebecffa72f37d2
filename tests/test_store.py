"""The group's memory: what is kept, exactly once, erasable, pruned, migrated, and never in
the way of an answer."""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from pathlib import Path

import pytest

from bot.store import MIGRATIONS, Asked, Store, StoreUnavailable

ANSWERED = Asked("discord:1", "111", "what is emergence?", True, None,
                 (("summary#definitions-1", "Definitions", 0.5),
                  ("summary#risks-1", "Risks", 0.2)), guild_id=7, channel_id=8)
REFUSED = Asked("discord:2", "222", "what is the capital of france?", False, "not_covered",
                guild_id=7, channel_id=8)


@pytest.fixture
def clock():
    now = [1_800_000_000.0]
    return now


def rows(store: Store) -> list[tuple]:
    return [(k.text, k.answered, k.passage_id, k.up, k.down)
            for k in store.questions().result()]


def opened(path: Path, clock=None, **kw) -> Store:
    return Store(path, clock=(lambda: clock[0]) if clock else time.time, **kw).open()


def test_questions_are_kept_as_record_says_and_each_only_once(tmp_path):
    for record, kept in (("all", 2), ("unanswered", 1), ("none", 0)):
        store = opened(tmp_path / f"{record}.sqlite3", record=record)
        for asked in (ANSWERED, REFUSED, ANSWERED, REFUSED):  # a handler run twice
            store.record(asked)
        assert len(store.questions().result()) == kept
        store.close()
    rows = sqlite3.connect(tmp_path / "all.sqlite3").execute(
        "SELECT q.text, q.answered, q.reason, q.member, q.guild_id, p.rank, p.passage_id, p.score "
        "FROM questions q LEFT JOIN passages p ON p.question_id = q.id ORDER BY q.id, p.rank"
    ).fetchall()
    assert rows == [
        ("what is emergence?", 1, None, "111", 7, 1, "summary#definitions-1", 0.5),
        ("what is emergence?", 1, None, "111", 7, 2, "summary#risks-1", 0.2),
        ("what is the capital of france?", 0, "not_covered", "222", 7, None, None, None)]


def test_one_vote_per_member_per_answer_changeable(tmp_path):
    store = opened(tmp_path / "s.sqlite3")
    store.record(ANSWERED)
    store.record(REFUSED)
    assert store.vote("discord:1", "333", -1).result()
    assert store.vote("discord:1", "333", 1).result()  # changed its mind: still one vote
    assert store.vote("discord:1", "444", -1).result()
    assert not store.vote("discord:2", "333", 1).result()  # a refusal has no answer to vote
    assert not store.vote("discord:999", "333", 1).result()  # nothing kept under that key
    assert rows(store) == [
        ("what is emergence?", True, "summary#definitions-1", 1, 1),
        ("what is the capital of france?", False, None, 0, 0)]
    assert store.disliked(30).result() == [("summary#definitions-1", "Definitions", 1, 1)]
    with pytest.raises(ValueError):
        store.vote("discord:1", "333", 2)
    store.close()


def test_forget_me_erases_a_members_questions_and_votes_and_says_how_many(tmp_path):
    store = opened(tmp_path / "s.sqlite3")
    store.record(ANSWERED)  # asked by 111
    store.record(REFUSED)  # asked by 222
    store.vote("discord:1", "222", 1).result()  # 222's vote on 111's answer
    store.vote("discord:1", "111", 1).result()
    gone = store.forget("222").result()
    assert (gone.questions, gone.votes) == (1, 1)
    assert rows(store) == [("what is emergence?", True, "summary#definitions-1", 1, 0)]
    gone = store.forget("111").result()
    assert (gone.questions, gone.votes) == (1, 1)  # its question, and its own vote
    assert len(store.questions().result()) == 0
    assert store.forget("111").result().questions == 0
    store.close()


def test_questions_older_than_the_retention_are_deleted(tmp_path, clock):
    store = opened(tmp_path / "s.sqlite3", clock, retention_days=10)
    store.record(ANSWERED)
    assert len(store.questions().result()) == 1  # written (the store's jobs run in order) before
    clock[0] += 5 * 86400  # the clock moves
    store.record(REFUSED)
    assert store.unanswered(30).result() == [(REFUSED.text, clock[0])]
    clock[0] += 6 * 86400  # the first is 11 days old, the second 6
    # Pruning follows the store's next job (at most hourly), before the job after it:
    store.record(Asked("discord:3", "1", "later", False, "not_covered"))
    assert [q[0] for q in store.questions().result()] == [REFUSED.text, "later"]
    assert store.unanswered(3).result() == [("later", clock[0])]  # the window asked for
    store.close()


def test_a_store_from_each_earlier_schema_keeps_its_rows(tmp_path):
    for version in range(1, len(MIGRATIONS)):
        path = tmp_path / f"v{version}.sqlite3"
        db = sqlite3.connect(path)
        for script in MIGRATIONS[:version]:
            db.executescript(script)
        db.execute(f"PRAGMA user_version = {version}")
        db.execute("INSERT INTO questions (key, asked_at, member, text, answered, reason) "
                   "VALUES ('discord:5', ?, '9', 'an old question', 0, 'not_covered')",
                   (time.time(),))
        db.commit()
        db.close()
        store = opened(path)
        assert rows(store) == [("an old question", False, None, 0, 0)]
        store.record(ANSWERED)
        assert store.vote("discord:1", "9", 1).result()  # the newest schema's table
        store.close()
        assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == len(
            MIGRATIONS)


def test_a_store_that_cannot_be_written_warns_once_and_refuses_politely(tmp_path, caplog):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    store = Store(blocked / "s.sqlite3")  # its folder cannot be made
    with caplog.at_level(logging.WARNING, logger="bot.store"):
        store.open()
        for _ in range(3):
            store.record(REFUSED)  # returns at once, whatever the disk says
        with pytest.raises(StoreUnavailable):
            store.forget("222").result()
    store.close()
    assert len([r for r in caplog.records if "answering goes on" in r.message]) == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files")
def test_a_read_only_store_file_costs_nothing_but_a_warning(tmp_path, caplog):
    path = tmp_path / "s.sqlite3"
    store = opened(path)
    store.record(REFUSED)
    store.close()
    path.chmod(0o444)
    try:
        with caplog.at_level(logging.WARNING, logger="bot.store"):
            store = opened(path)
            store.record(ANSWERED)  # returns at once
            with pytest.raises(StoreUnavailable):
                store.vote("discord:2", "1", 1).result()
            store.close()
    finally:
        path.chmod(0o644)
    assert any("answering goes on" in r.message for r in caplog.records)


def test_a_locked_store_warns_once_and_works_again_when_the_lock_goes(tmp_path, caplog):
    path = tmp_path / "s.sqlite3"
    store = opened(path, lock_timeout=0.05)
    store.record(REFUSED)
    assert len(store.questions().result()) == 1
    other = sqlite3.connect(path, isolation_level=None)  # another process holds the file
    other.execute("BEGIN EXCLUSIVE")
    with caplog.at_level(logging.WARNING, logger="bot.store"):
        for _ in range(3):
            store.record(ANSWERED)  # returns at once, whatever the disk says
        with pytest.raises(StoreUnavailable):
            store.forget("222").result()
        other.execute("ROLLBACK")
        other.close()
        store.record(ANSWERED)
        assert len(store.questions().result()) == 2
    store.close()
    messages = [r.message for r in caplog.records]
    assert sum("answering goes on" in m for m in messages) == 1
    assert sum("working again" in m for m in messages) == 1


def test_a_store_written_by_a_newer_version_is_left_alone(tmp_path, caplog):
    path = tmp_path / "s.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    with caplog.at_level(logging.WARNING, logger="bot.store"):
        store = opened(path)
        store.record(REFUSED)
        with pytest.raises(StoreUnavailable):
            len(store.questions().result())
        store.close()
    assert any("newer fmstudy" in r.message for r in caplog.records)


def test_gaps_group_questions_asked_in_other_words(lexical_knowledge):
    gaps = lexical_knowledge.gaps([
        ("what is RLHF?", 3.0), ("what does RLHF mean", 5.0), ("o que é RLHF?", 1.0),
        ("how big is GPT-4?", 4.0), ("what is LoRA", 6.0)])
    assert [(g.question, g.times, g.last_asked) for g in gaps] == [
        ("what does RLHF mean", 3, 5.0), ("what is LoRA", 1, 6.0),
        ("how big is GPT-4?", 1, 4.0)]


def test_text_the_disk_cannot_take_is_kept_readable_and_the_store_lives_on(tmp_path):
    store = opened(tmp_path / "s.sqlite3")
    store.record(Asked("console:1", "console", "broken \udc80 text", False, "not_covered"))
    store.record(REFUSED)
    assert [k.text for k in store.questions().result()] == [
        "broken ? text", REFUSED.text]
    store.close()
    with pytest.raises(StoreUnavailable):  # closed: refused at once, never left waiting
        store.questions().result(timeout=1)


def test_gaps_leave_out_questions_refused_for_their_form(tmp_path):
    store = opened(tmp_path / "s.sqlite3")
    store.record(Asked("discord:7", "1", "x" * 5000, False, "too_long"))
    store.record(Asked("discord:8", "1", "what?", False, "no_keywords"))
    store.record(REFUSED)
    assert [text for text, _ in store.unanswered(30).result()] == [REFUSED.text]
    store.close()


def test_forgotten_text_leaves_the_disk_too(tmp_path):
    path = tmp_path / "s.sqlite3"
    store = opened(path)
    secret = "a question only carol should have asked"
    store.record(Asked("discord:9", "carol", secret, False, "not_covered"))
    store.record(REFUSED)
    assert len(store.questions().result()) == 2
    assert store.forget("carol").result().questions == 1
    on_disk = b"".join(f.read_bytes() for f in tmp_path.iterdir() if f.is_file())
    assert secret.encode() not in on_disk and REFUSED.text.encode() in on_disk
    store.close()
