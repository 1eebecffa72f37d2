"""The group's memory: questions, the passages that answered them, and members' votes, in
one SQLite file.

Every read and write runs on one thread that owns the connection, in the order asked:
recording a question only puts it on that thread's queue, so the event loop never waits on
the disk, and a lookup (``/gaps``, ``/forget-me``) is a future the caller awaits. A store
that cannot be opened or written (read-only disk, locked, full) costs no answer: one warning
when it starts failing, one when it works again, and answering goes on.

The schema is versioned (``PRAGMA user_version``); each migration runs once, in a
transaction, so a file from any earlier version opens with its rows kept.
"""

from __future__ import annotations

import dataclasses
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NamedTuple, TypeVar

from bot.config import StoreSettings
from bot.core.quiz import QuizProgress

log = logging.getLogger(__name__)

T = TypeVar("T")
Record = Literal["all", "unanswered", "none"]

# Each entry takes the schema from the version before it to its own (1-based).
MIGRATIONS = (
    # 1: each question, and the passages its answer returned, best first
    """
    CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,          -- where it was asked: no question twice
        asked_at REAL NOT NULL,            -- seconds since the epoch, UTC
        guild_id INTEGER,
        channel_id INTEGER,
        member TEXT NOT NULL,              -- a Discord user id, or "console"
        text TEXT NOT NULL,
        answered INTEGER NOT NULL,
        reason TEXT                        -- why not: not_covered, no_keywords, ...
    );
    CREATE INDEX questions_by_time ON questions (asked_at);
    CREATE INDEX questions_by_member ON questions (member);
    CREATE TABLE passages (
        question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
        rank INTEGER NOT NULL,
        passage_id TEXT NOT NULL,
        section TEXT NOT NULL,
        score REAL NOT NULL,
        PRIMARY KEY (question_id, rank)
    );
    """,
    # 2: members' votes on answers: one per member per answer, changeable
    """
    CREATE TABLE votes (
        question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
        member TEXT NOT NULL,
        vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
        voted_at REAL NOT NULL,
        PRIMARY KEY (question_id, member)
    );
    CREATE INDEX votes_by_member ON votes (member);
    """,
    # 3: each member's quiz schedule (Leitner boxes): what they answered, and when it is due
    """
    CREATE TABLE quiz (
        member TEXT NOT NULL,
        item TEXT NOT NULL,                -- QuizItem.key
        section TEXT NOT NULL,
        box INTEGER NOT NULL,              -- 1 (missed) .. len(LEITNER_DAYS)
        due_at REAL NOT NULL,
        answered_at REAL NOT NULL,         -- the last answer: kept retention_days after it
        right INTEGER NOT NULL DEFAULT 0,
        wrong INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (member, item)
    );
    """,
)
# Leitner boxes: an item answered right moves up a box and comes back after that box's
# days; one missed goes back to box 1, due again in ten minutes. Box 4 and up: mastered.
LEITNER_DAYS = (10 / (24 * 60), 1.0, 3.0, 7.0, 21.0)
MASTERED_BOX = 4
PRUNE_EVERY_S = 3600.0
# After the file could not be opened, jobs are refused at once for this long before it is
# tried again: a disk that is gone must not make every queued job wait on it in turn.
RETRY_AFTER_S = 30.0


@dataclass(frozen=True)
class Asked:
    """One question as it is kept."""

    key: str  # unique per question: "discord:<interaction or message id>", "console:…"
    member: str
    text: str
    answered: bool
    reason: str | None = None
    passages: tuple[tuple[str, str, float], ...] = ()  # (passage id, section, score)
    guild_id: int | None = None
    channel_id: int | None = None
    asked_at: float | None = None  # now, when None


class Kept(NamedTuple):
    """A kept question, as ``Store.questions`` gives it."""

    text: str
    answered: bool
    reason: str | None
    passage_id: str | None  # the answer's first passage
    up: int  # 👍 on the answer
    down: int  # 👎


@dataclass(frozen=True)
class Forgotten:
    questions: int
    votes: int
    quiz_items: int = 0  # quiz items with a schedule



class StoreUnavailable(Exception):
    """The store could not do what was asked (its cause is logged once)."""


class Store:
    """Parameters
    ----------
    path : the SQLite file (its folder is created).
    record : which questions are kept: "all", "unanswered" or "none".
    retention_days : questions older than this are deleted, with their votes.
    clock : seconds since the epoch (tests move it).
    lock_timeout : seconds a write waits for another process's lock on the file.
    """

    def __init__(self, path: Path, *, record: Record = "all", retention_days: int = 90,
                 clock: Callable[[], float] = time.time, lock_timeout: float = 5.0) -> None:
        self.path = path
        self.lock_timeout = lock_timeout
        self.record_policy = record
        self.retention_days = retention_days
        self.clock = clock
        self._jobs: queue.Queue[tuple[Callable[[sqlite3.Connection], Any], Future[Any], bool]
                                | None]
        self._jobs = queue.Queue()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._lock = threading.Lock()  # submit and close: no job queued after the last one
        self._failing = False
        self._last_prune = 0.0
        self._retry_at = 0.0

    @property
    def keeps_answers(self) -> bool:
        """Whether answered questions are kept (votes need them)."""
        return self.record_policy == "all"

    @property
    def keeps_quiz(self) -> bool:
        """Whether members' quiz answers are kept (``record: none`` keeps nothing)."""
        return self.record_policy != "none"

    def open(self) -> Store:
        """Start the store's thread, creating or migrating the file. A file that cannot be
        opened is logged, and tried again at the next question: never an exception."""
        ready: Future[None] = Future()
        self._thread = threading.Thread(target=self._run, args=(ready,), name="store",
                                        daemon=True)
        self._thread.start()
        ready.result()
        return self

    def close(self, timeout: float = 5.0) -> None:
        """Write what is queued, then stop; a job submitted later is refused."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._jobs.put(None)
        if self._thread is not None:
            self._thread.join(timeout)

    # -- what the bot asks of it ------------------------------------------------------

    def record(self, asked: Asked) -> None:
        """Keep a question as ``record`` says; returns at once."""
        if self.record_policy == "none" or (self.record_policy == "unanswered"
                                            and asked.answered):
            return
        if asked.asked_at is None:  # when it was asked, not when the disk got to it
            asked = dataclasses.replace(asked, asked_at=self.clock())
        # A lone surrogate (pasted from a broken source) is no UTF-8: kept as a replacement
        asked = dataclasses.replace(asked, text=asked.text.encode("utf-8", "replace").decode())
        self.submit(lambda db: self._insert(db, asked))

    def vote(self, key: str, member: str, vote: int) -> Future[bool]:
        """A member's 👍 (1) or 👎 (-1) on the answer to question ``key``, replacing their
        earlier vote on it; the future says whether that answer is kept."""
        if vote not in (-1, 1):
            raise ValueError("a vote is 1 or -1")

        def run(db: sqlite3.Connection) -> bool:
            found = db.execute(
                "INSERT INTO votes (question_id, member, vote, voted_at) "
                "SELECT id, ?, ?, ? FROM questions WHERE key = ? AND answered "
                "ON CONFLICT (question_id, member) DO UPDATE SET vote = excluded.vote, "
                "voted_at = excluded.voted_at", (member, vote, self.clock(), key))
            return found.rowcount > 0

        return self.submit(run)

    def forget(self, member: str) -> Future[Forgotten]:
        """Delete every question the member asked (others' votes on its answers with it)
        and every vote they gave; the counts are theirs: their questions, their votes.
        Deleted rows are overwritten and the write-ahead log emptied, so the text is gone
        from the disk too."""

        def run(db: sqlite3.Connection) -> Forgotten:
            votes = db.execute("DELETE FROM votes WHERE member = ?", (member,)).rowcount
            asked = db.execute("DELETE FROM questions WHERE member = ?", (member,)).rowcount
            quiz = db.execute("DELETE FROM quiz WHERE member = ?", (member,)).rowcount
            return Forgotten(asked, votes, quiz)

        return self.submit(run, checkpoint=True)

    def unanswered(self, days: int, guild_id: int | None = None, limit: int = 2000
                   ) -> Future[list[tuple[str, float]]]:
        """(text, asked_at) of the latest ``limit`` questions in the last ``days`` days
        that the notes did not cover (not those refused for their form: too long, no words
        of substance), in one guild or everywhere, newest first."""
        since = self.clock() - days * 86400

        def run(db: sqlite3.Connection) -> list[tuple[str, float]]:
            return db.execute(
                "SELECT text, asked_at FROM questions WHERE reason = 'not_covered' "
                "AND asked_at >= ? AND (? IS NULL OR guild_id = ?) ORDER BY asked_at DESC "
                "LIMIT ?", (since, guild_id, guild_id, limit)).fetchall()

        return self.submit(run)

    def disliked(self, days: int, guild_id: int | None = None, limit: int = 10
                 ) -> Future[list[tuple[str, str, int, int]]]:
        """(passage id, section, 👎, 👍) of the passages shown first in answers voted down
        in the last ``days`` days, most 👎 first."""
        since = self.clock() - days * 86400

        def run(db: sqlite3.Connection) -> list[tuple[str, str, int, int]]:
            return db.execute(
                "SELECT p.passage_id, p.section, SUM(v.vote < 0) AS down, SUM(v.vote > 0) "
                "FROM votes v JOIN questions q ON q.id = v.question_id "
                "JOIN passages p ON p.question_id = q.id AND p.rank = 1 "
                "WHERE q.asked_at >= ? AND (? IS NULL OR q.guild_id = ?) "
                "GROUP BY p.passage_id HAVING down > 0 "
                "ORDER BY down DESC, SUM(v.vote > 0), p.passage_id LIMIT ?",
                (since, guild_id, guild_id, limit)).fetchall()

        return self.submit(run)

    def questions(self) -> Future[list[Kept]]:
        """Every kept question, oldest first."""

        def run(db: sqlite3.Connection) -> list[Kept]:
            rows = db.execute(
                "SELECT q.text, q.answered, q.reason, p.passage_id, "
                "COALESCE(SUM(v.vote > 0), 0), COALESCE(SUM(v.vote < 0), 0) "
                "FROM questions q LEFT JOIN passages p ON p.question_id = q.id AND p.rank = 1 "
                "LEFT JOIN votes v ON v.question_id = q.id GROUP BY q.id ORDER BY q.asked_at, "
                "q.id").fetchall()
            return [Kept(t, bool(a), r, p, up, down) for t, a, r, p, up, down in rows]

        return self.submit(run)

    def quiz_schedule(self, member: str) -> Future[dict[str, tuple[int, float]]]:
        """The member's quiz schedule: item key -> (box, due_at)."""

        def run(db: sqlite3.Connection) -> dict[str, tuple[int, float]]:
            return {item: (box, due) for item, box, due in db.execute(
                "SELECT item, box, due_at FROM quiz WHERE member = ?", (member,))}

        return self.submit(run)

    def quiz_answer(self, member: str, item: str, section: str, right: bool) -> Future[int]:
        """A member's answer to a quiz item: its box moves up (right) or back to 1; the
        future gives the new box."""

        def run(db: sqlite3.Connection) -> int:
            row = db.execute("SELECT box FROM quiz WHERE member = ? AND item = ?",
                             (member, item)).fetchone()
            box = min((row[0] if row else 1) + 1, len(LEITNER_DAYS)) if right else 1
            now = self.clock()
            due = now + LEITNER_DAYS[box - 1] * 86400
            db.execute(
                "INSERT INTO quiz (member, item, section, box, due_at, answered_at, right, "
                "wrong) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (member, item) DO UPDATE "
                "SET box = excluded.box, due_at = excluded.due_at, section = excluded.section, "
                "answered_at = excluded.answered_at, right = right + excluded.right, "
                "wrong = wrong + excluded.wrong",
                (member, item, section, box, due, now, int(right), int(not right)))
            return box

        return self.submit(run)

    def quiz_progress(self, member: str) -> Future[list[QuizProgress]]:
        """The member's quiz progress, section by section."""

        def run(db: sqlite3.Connection) -> list[QuizProgress]:
            return [QuizProgress(*row) for row in db.execute(
                "SELECT section, COUNT(*), SUM(right), SUM(wrong), SUM(box >= ?) FROM quiz "
                "WHERE member = ? GROUP BY section ORDER BY section", (MASTERED_BOX, member))]

        return self.submit(run)

    # -- the store's thread ---------------------------------------------------------------

    def submit(self, job: Callable[[sqlite3.Connection], T], *,
               checkpoint: bool = False) -> Future[T]:
        """Run ``job`` with the connection on the store's thread, in one transaction; its
        result as a future (StoreUnavailable when the store cannot do it). ``checkpoint``:
        then empty the write-ahead log into the file (after a deletion a member asked
        for)."""
        done: Future[T] = Future()
        with self._lock:
            if self._closed or self._thread is None or not self._thread.is_alive():
                done.set_exception(StoreUnavailable("the store is not open"))
            else:
                self._jobs.put((job, done, checkpoint))
        return done

    def _run(self, ready: Future[None]) -> None:
        db = None
        try:
            db = self._connect()
        finally:
            ready.set_result(None)
        try:
            while True:
                try:
                    item = self._jobs.get(timeout=PRUNE_EVERY_S)
                except queue.Empty:  # a quiet hour: old questions still go
                    if db is not None:
                        self._do(db, self._prune_when_due, Future())
                    continue
                if item is None:
                    break
                job, done, checkpoint = item
                if not done.set_running_or_notify_cancel():  # its caller stopped waiting
                    continue
                if db is None and self.clock() >= self._retry_at:  # the disk may be back
                    db = self._connect()
                if db is None:
                    done.set_exception(StoreUnavailable(f"{self.path}: not available"))
                    continue
                if self._do(db, job, done, checkpoint):
                    self._do(db, self._prune_when_due, Future())
        finally:
            if db is not None:
                db.close()
            with self._lock:  # whatever still waits is refused, now and later
                self._closed = True
            while not self._jobs.empty():
                left = self._jobs.get_nowait()
                if left is not None and left[1].set_running_or_notify_cancel():
                    left[1].set_exception(StoreUnavailable("the store is closed"))

    def _do(self, db: sqlite3.Connection, job: Callable[[sqlite3.Connection], T],
            done: Future[T], checkpoint: bool = False) -> bool:
        try:
            db.execute("BEGIN")
            try:
                result = job(db)
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
            if checkpoint:
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except Exception as exc:  # the disk's errors, and any other: the thread lives on
            self._failed(exc)
            done.set_exception(StoreUnavailable(str(exc)))
            return False
        self._worked()
        done.set_result(result)
        return True

    def _connect(self) -> sqlite3.Connection | None:
        db = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=self.lock_timeout, isolation_level=None)
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA secure_delete = ON")  # deleted text is overwritten
            self._migrate(db)
            self._last_prune = 0.0
            self._do(db, self._prune_when_due, Future())
        except Exception as exc:  # the disk's, and a newer schema's (ValueError)
            self._failed(exc)
            self._retry_at = self.clock() + RETRY_AFTER_S
            if db is not None:
                db.close()
            return None
        self._worked()
        return db

    def _migrate(self, db: sqlite3.Connection) -> None:
        """Each missing migration in one transaction that holds the write lock from the
        start, so two processes opening an old file migrate it once."""
        while True:
            db.execute("BEGIN IMMEDIATE")
            try:
                version = db.execute("PRAGMA user_version").fetchone()[0]
                if version > len(MIGRATIONS):
                    raise ValueError(f"{self.path}: written by a newer fmstudy (schema "
                                     f"{version}, this one knows {len(MIGRATIONS)})")
                if version == len(MIGRATIONS):
                    db.execute("COMMIT")
                    return
                for statement in _statements(MIGRATIONS[version]):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {version + 1}")
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
            log.info("store %s: schema %d", self.path, version + 1)

    def _insert(self, db: sqlite3.Connection, asked: Asked) -> bool:
        row = db.execute(
            "INSERT INTO questions (key, asked_at, guild_id, channel_id, member, text, "
            "answered, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
            (asked.key, asked.asked_at, asked.guild_id, asked.channel_id, asked.member,
             asked.text, asked.answered, asked.reason))
        if row.rowcount == 0:  # already kept
            return False
        db.executemany(
            "INSERT INTO passages (question_id, rank, passage_id, section, score) "
            "VALUES (?, ?, ?, ?, ?)",
            [(row.lastrowid, rank, pid, section, score)
             for rank, (pid, section, score) in enumerate(asked.passages, 1)])
        return True

    def _prune_when_due(self, db: sqlite3.Connection) -> None:
        now = self.clock()
        if now - self._last_prune < PRUNE_EVERY_S and self._last_prune <= now:
            return
        self._last_prune = now
        cutoff = now - self.retention_days * 86400
        db.execute("DELETE FROM questions WHERE asked_at < ?", (cutoff,))
        db.execute("DELETE FROM quiz WHERE answered_at < ?", (cutoff,))

    def _failed(self, exc: BaseException) -> None:
        if not self._failing:
            log.warning("store %s: %s; answering goes on without it", self.path, exc)
        self._failing = True

    def _worked(self) -> None:
        if self._failing:
            log.warning("store %s: working again", self.path)
        self._failing = False


def open_store(settings: StoreSettings) -> Store:
    """The store config.yml describes, open."""
    return Store(settings.path, record=settings.record,
                 retention_days=settings.retention_days).open()


def passages_of(ranked: Sequence[Any]) -> tuple[tuple[str, str, float], ...]:
    """(id, section, score) of an answer's passages, as they are kept."""
    return tuple((r.passage.id, r.passage.section, round(float(r.score), 6)) for r in ranked)


def _statements(script: str) -> list[str]:
    """A migration's statements, one by one (``executescript`` would commit on its own)."""
    found, statement = [], ""
    for line in script.splitlines(keepends=True):
        statement += line.split("--")[0] + ("\n" if "--" in line else "")
        if sqlite3.complete_statement(statement):
            found.append(statement.strip())
            statement = ""
    return [s for s in found if s.strip(" ;\n")]
