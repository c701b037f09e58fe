"""SQLite persistence of cards, their FSRS memory state and every review.

One file, `home/study.sqlite`. Cards are stored so that a retired card (its
note removed, or its question edited away) keeps its history, and comes back
with it if the question returns. Every method commits before returning, so a
new connection (another process, a restart) sees the same state.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from studygraph.assistant.study.cards import Card

SCHEMA = """
CREATE TABLE IF NOT EXISTS cards (
    id TEXT PRIMARY KEY, note TEXT NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL,
    kind TEXT NOT NULL, source TEXT NOT NULL, start_line INTEGER NOT NULL, end_line INTEGER NOT NULL,
    question_line INTEGER NOT NULL, composed INTEGER NOT NULL, key_concepts TEXT NOT NULL,
    topics TEXT NOT NULL, corpus TEXT NOT NULL DEFAULT '', active INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS memory (
    card_id TEXT PRIMARY KEY, state TEXT NOT NULL, due TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS reviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT, card_id TEXT NOT NULL, rating INTEGER NOT NULL,
    reviewed_at TEXT NOT NULL, due TEXT NOT NULL, score REAL, verdict TEXT, missed TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS reviews_card ON reviews(card_id);
CREATE TABLE IF NOT EXISTS unanswered (card_id TEXT PRIMARY KEY, corpus TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS before_review (review_id INTEGER PRIMARY KEY, state TEXT, due TEXT);
CREATE TABLE IF NOT EXISTS suspended (card_id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS edits (card_id TEXT PRIMARY KEY, question TEXT NOT NULL, answer TEXT NOT NULL);
"""
OWN = "own"  # cards the student wrote: no note, never retired by a sync
CARD_COLUMNS = ("id, question, answer, kind, source, start_line, end_line, composed, key_concepts, note, "
                "question_line, topics")


@dataclass(frozen=True)
class Review:
    """One rating of one card, with the grade of the typed answer when there was one."""

    card_id: str
    rating: int
    reviewed_at: datetime
    due: datetime
    score: float | None = None
    verdict: str | None = None
    missed: tuple[str, ...] = ()


def _card(row: tuple) -> Card:
    (cid, question, answer, kind, source, start, end, composed, concepts, note, qline, topics) = row
    return Card(cid, question, answer, kind, source, start, end, bool(composed), tuple(json.loads(concepts)),
                note, qline, tuple(json.loads(topics)))


class ReviewStore:
    """Cards, memory states and reviews in one SQLite file.

    Args:
        path: the database file; its folder is created if missing.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Streamlit calls from several threads; one connection behind a lock is enough.
        self._conn = sqlite3.connect(self.path, check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock, self._conn:
            self._conn.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def _rows(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._conn.execute(sql, args).fetchall()

    def replace_cards(self, cards: list[Card], corpus: dict[str, str], now: datetime) -> tuple[set[str], set[str]]:
        """Make `cards` the active set; every other card retires (history kept).

        Args:
            cards: the cards of the whole corpus as it is now.
            corpus: per card id, the fingerprint its composed answer was made under.
            now: time of the sync.

        Returns:
            (ids added or revived, ids retired).
        """
        before = {cid for (cid,) in self._rows("SELECT id FROM cards WHERE active = 1 AND kind != ?", (OWN,))}
        ids = {c.id for c in cards}
        with self._lock, self._conn:
            self._conn.execute("UPDATE cards SET active = 0 WHERE active = 1 AND kind != ?", (OWN,))
            self._conn.executemany(
                "INSERT INTO cards (id, note, question, answer, kind, source, start_line, end_line, question_line,"
                " composed, key_concepts, topics, corpus, active, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)"
                " ON CONFLICT(id) DO UPDATE SET note = excluded.note, question = excluded.question,"
                " answer = excluded.answer, kind = excluded.kind, source = excluded.source,"
                " start_line = excluded.start_line, end_line = excluded.end_line,"
                " question_line = excluded.question_line, composed = excluded.composed,"
                " key_concepts = excluded.key_concepts, topics = excluded.topics, corpus = excluded.corpus,"
                " active = 1, updated_at = excluded.updated_at",
                [
                    (c.id, c.note, c.question, c.answer, c.kind, c.source, c.start_line, c.end_line,
                     c.question_line, int(c.composed), json.dumps(list(c.key_concepts)),
                     json.dumps(list(c.topics)), corpus.get(c.id, ""), now.isoformat())
                    for c in cards
                ],
            )
        return ids - before, before - ids

    def cards(self, active: bool = True, suspended: bool = False) -> list[Card]:
        """Cards in note order, with the student's edits; retired ones only with
        active=False, suspended ones only with suspended=True."""
        where = ["active = 1"] if active else []
        if not suspended:
            where.append("id NOT IN (SELECT card_id FROM suspended)")
        sql = f"SELECT {CARD_COLUMNS} FROM cards {'WHERE ' + ' AND '.join(where) if where else ''}"
        rows = self._rows(sql + " ORDER BY note, question_line, kind, question")
        return self._edited([_card(row) for row in rows])

    def card(self, card_id: str, active: bool = True) -> Card | None:
        where = " AND active = 1" if active else ""
        rows = self._rows(f"SELECT {CARD_COLUMNS} FROM cards WHERE id = ?{where}", (card_id,))
        return self._edited([_card(rows[0])])[0] if rows else None

    def _edited(self, cards: list[Card]) -> list[Card]:
        edits = {cid: (q, a) for cid, q, a in self._rows("SELECT card_id, question, answer FROM edits")}
        return [replace(c, question=edits[c.id][0], answer=edits[c.id][1]) if c.id in edits else c for c in cards]

    def suspended(self) -> set[str]:
        return {cid for (cid,) in self._rows("SELECT card_id FROM suspended")}

    def suspend(self, card_id: str, on: bool = True) -> None:
        """Leave a card out of every queue and count (on=False brings it back)."""
        with self._lock, self._conn:
            if on:
                self._conn.execute("INSERT OR IGNORE INTO suspended (card_id) VALUES (?)", (card_id,))
            else:
                self._conn.execute("DELETE FROM suspended WHERE card_id = ?", (card_id,))

    def edit(self, card_id: str, question: str, answer: str) -> None:
        """The student's wording of a card; it survives syncs (the id, and so the history, stays)."""
        with self._lock, self._conn:
            self._conn.execute(
                "INSERT INTO edits (card_id, question, answer) VALUES (?, ?, ?) ON CONFLICT(card_id)"
                " DO UPDATE SET question = excluded.question, answer = excluded.answer", (card_id, question, answer))

    def add_own(self, card: Card, now: datetime) -> None:
        """Store a card the student wrote (kind "own"); syncs leave it alone."""
        with self._lock, self._conn:
            self._conn.execute(
                "INSERT OR REPLACE INTO cards (id, note, question, answer, kind, source, start_line, end_line,"
                " question_line, composed, key_concepts, topics, corpus, active, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, '', 1, ?)",
                (card.id, card.note, card.question, card.answer, card.kind, card.source, card.start_line,
                 card.end_line, card.question_line, json.dumps(list(card.key_concepts)),
                 json.dumps(list(card.topics)), now.isoformat()))

    def composed(self) -> dict[str, tuple[Card, str]]:
        """Stored composed cards with the corpus fingerprint they were made under."""
        rows = self._rows(f"SELECT {CARD_COLUMNS}, corpus FROM cards WHERE composed = 1")
        return {row[0]: (_card(row[:-1]), row[-1]) for row in rows}

    def unanswered(self, corpus: str) -> set[str]:
        """Questions `ask` could not answer under this corpus fingerprint."""
        return {cid for (cid,) in self._rows("SELECT card_id FROM unanswered WHERE corpus = ?", (corpus,))}

    def set_unanswered(self, card_ids: set[str], corpus: str) -> None:
        with self._lock, self._conn:
            self._conn.execute("DELETE FROM unanswered")
            self._conn.executemany("INSERT INTO unanswered (card_id, corpus) VALUES (?, ?)",
                                   [(cid, corpus) for cid in sorted(card_ids)])

    def memory(self, card_id: str) -> tuple[str, datetime] | None:
        rows = self._rows("SELECT state, due FROM memory WHERE card_id = ?", (card_id,))
        return (rows[0][0], datetime.fromisoformat(rows[0][1])) if rows else None

    def due_times(self) -> dict[str, datetime]:
        """Next due time of every card reviewed at least once."""
        return {cid: datetime.fromisoformat(due) for cid, due in self._rows("SELECT card_id, due FROM memory")}

    def record(self, review: Review, state: str) -> None:
        """Store a review and the memory state it produced (keeping the one it
        replaces, for `undo`), in one transaction."""
        with self._lock, self._conn:
            old = self._conn.execute("SELECT state, due FROM memory WHERE card_id = ?", (review.card_id,)).fetchone()
            cursor = self._conn.execute(
                "INSERT INTO reviews (card_id, rating, reviewed_at, due, score, verdict, missed)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (review.card_id, review.rating, review.reviewed_at.isoformat(), review.due.isoformat(),
                 review.score, review.verdict, json.dumps(list(review.missed))),
            )
            self._conn.execute("INSERT INTO before_review (review_id, state, due) VALUES (?, ?, ?)",
                               (cursor.lastrowid, *(old or (None, None))))
            self._conn.execute(
                "INSERT INTO memory (card_id, state, due) VALUES (?, ?, ?)"
                " ON CONFLICT(card_id) DO UPDATE SET state = excluded.state, due = excluded.due",
                (review.card_id, state, review.due.isoformat()),
            )

    def undo(self) -> Review | None:
        """Take back the latest review: delete it and restore the card's memory as it was.

        Returns:
            The review taken back, or None when there is none (or it predates undo).
        """
        with self._lock, self._conn:
            row = self._conn.execute(
                "SELECT r.id, r.card_id, r.rating, r.reviewed_at, r.due, r.score, r.verdict, r.missed, b.state, b.due"
                " FROM reviews r JOIN before_review b ON b.review_id = r.id ORDER BY r.id DESC LIMIT 1").fetchone()
            if row is None:
                return None
            rid, cid, rating, at, due, score, verdict, missed, state, old_due = row
            self._conn.execute("DELETE FROM reviews WHERE id = ?", (rid,))
            self._conn.execute("DELETE FROM before_review WHERE review_id = ?", (rid,))
            if state is None:
                self._conn.execute("DELETE FROM memory WHERE card_id = ?", (cid,))
            else:
                self._conn.execute("UPDATE memory SET state = ?, due = ? WHERE card_id = ?", (state, old_due, cid))
        return Review(cid, rating, datetime.fromisoformat(at), datetime.fromisoformat(due), score, verdict,
                      tuple(json.loads(missed)))

    def states(self) -> dict[str, tuple[str, datetime]]:
        """Memory state JSON and due time of every card reviewed at least once."""
        return {cid: (state, datetime.fromisoformat(due))
                for cid, state, due in self._rows("SELECT card_id, state, due FROM memory")}

    def reviews(self, card_id: str | None = None) -> list[Review]:
        """Reviews in time order, of one card or all."""
        sql = "SELECT card_id, rating, reviewed_at, due, score, verdict, missed FROM reviews"
        rows = self._rows(sql + (" WHERE card_id = ?" if card_id else "") + " ORDER BY id", (card_id,) if card_id else ())
        return [
            Review(cid, rating, datetime.fromisoformat(at), datetime.fromisoformat(due), score, verdict,
                   tuple(json.loads(missed)))
            for cid, rating, at, due, score, verdict, missed in rows
        ]
