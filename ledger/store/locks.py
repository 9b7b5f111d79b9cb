"""Telling a lock held by another connection from other refusals of the store.

SQLite answers a write that cannot take its lock in time with
``SQLITE_BUSY`` or ``SQLITE_LOCKED``, PostgreSQL a statement that waited past
``lock_timeout`` with SQLSTATE 55P03; the drivers raise them as
``OperationalError`` (``sqlite3``, ``psycopg``), which the eventsourcing
library wraps in its own ``OperationalError``. The ledger turns them into
``StoreBusy``, which ``ledger.store.retry`` retries.
"""

from __future__ import annotations

import sqlite3

_BUSY_WORDS = ("database is locked", "database is busy", "database table is locked",
               "lock timeout", "could not obtain lock")  # fmt: skip


def is_busy(err: BaseException) -> bool:
    """Whether a driver error says another connection holds a lock the operation needs.

    Recognises SQLite's ``SQLITE_BUSY`` / ``SQLITE_LOCKED`` ("database is
    locked", "database is busy", "database table is locked"), raw or wrapped
    by the eventsourcing library, and PostgreSQL's lock timeout (SQLSTATE
    55P03, "canceling statement due to lock timeout", "could not obtain lock").
    """
    if isinstance(err, sqlite3.OperationalError) or type(err).__name__ in (
        "OperationalError", "LockNotAvailable",
    ):  # fmt: skip
        text = str(err).lower()
        return any(words in text for words in _BUSY_WORDS)
    return False


def locked(store: str, wait: float) -> str:
    """The message of a write that waited ``wait`` seconds for a lock (``store`` as shown)."""
    return (
        f"the store {store} stayed locked by another writer for {wait:g} s (--wait); "
        "nothing was written"
    )
