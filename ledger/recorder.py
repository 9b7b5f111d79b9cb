"""The ledger's SQLite recorder: the library's application recorder plus entry hashes.

It subclasses the eventsourcing library's ``SQLiteApplicationRecorder`` so
that every insert also writes each entry's leaf hash (``ledger.integrity``)
into the ``entry_hashes`` table, in the same transaction: an entry and its
hash are committed together or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor

from ledger.codec import loads
from ledger.integrity import StoredRow, entry_hash

HASHES_TABLE = "entry_hashes"


class RecordTimeBehind(Exception):  # noqa: N818  (a signal to restamp, not a user error)
    """New entries carry a record time earlier than the entry before them; nothing was written.

    Raised inside the write transaction, after the insert has taken SQLite's
    write lock, so that the check cannot race another writer. The ledger
    restamps the entries and tries again.
    """

    def __init__(self, latest: str) -> None:
        self.latest = latest
        super().__init__(f"the log's last record time is {latest}")


class HashingSQLiteRecorder(SQLiteApplicationRecorder):
    """Application recorder that keeps a leaf hash per position beside the events."""

    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {HASHES_TABLE} "
            "(position INTEGER PRIMARY KEY, leaf_hash BLOB NOT NULL)",
        ]

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        positions = super()._insert_events(c, stored_events, **kwargs)
        assert positions is not None
        if positions:
            c.execute(
                f"SELECT state FROM {self.events_table_name} WHERE rowid < ? "
                "ORDER BY rowid DESC LIMIT 1",
                (positions[0],),
            )
            previous = c.fetchone()
            if previous is not None:
                latest = loads(previous["state"])["recorded_at"]
                if any(loads(event.state)["recorded_at"] < latest for event in stored_events):
                    raise RecordTimeBehind(latest)
        hashes = [
            (
                position,
                entry_hash(
                    StoredRow(
                        position,
                        str(event.originator_id),
                        event.originator_version,
                        event.topic,
                        event.state,
                    )
                ),
            )
            for position, event in zip(positions, stored_events, strict=True)
        ]
        c.executemany(f"INSERT INTO {HASHES_TABLE} (position, leaf_hash) VALUES (?, ?)", hashes)
        return positions

    def select_hashes(self, upto: int | None = None) -> dict[int, bytes]:
        """Return position to recorded leaf hash, for positions up to ``upto`` (all if None)."""
        statement = f"SELECT position, leaf_hash FROM {HASHES_TABLE}"
        params: list[int] = []
        if upto is not None:
            statement += " WHERE position <= ?"
            params.append(upto)
        with self.datastore.transaction(commit=False) as c:
            c.execute(statement + " ORDER BY position", params)
            return {row["position"]: bytes(row["leaf_hash"]) for row in c.fetchall()}
