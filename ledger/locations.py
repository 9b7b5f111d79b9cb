"""Where a ledger lives: resolving a store location and vetting a SQLite file.

The only module besides ``ledger.store`` that touches the database driver:
it opens an existing file read-only to see what it is before the event store
library does anything to it.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from ledger.errors import EmptyStore, StoreError

DEFAULT_STORE = "ledger.db"
MEMORY = ":memory:"


def resolve_location(given: str | None) -> str:
    """Return the store to use: ``given``, else ``$LEDGER_STORE``, else ``ledger.db``.

    A location is a SQLite file path (relative to the working directory) or
    ``:memory:`` for a store that lives as long as the process.
    """
    return given or os.environ.get("LEDGER_STORE") or DEFAULT_STORE


def check_sqlite_file(location: str, *, create: bool) -> None:
    """Refuse, before the event store library touches it, a path the ledger must not use.

    Raises:
        StoreError: a URL (only SQLite files are supported), a folder, a
            missing parent folder (when creating), a file that is not a
            SQLite database, or a database with tables of something else.
        EmptyStore: reading (``create`` False) a missing file or a database
            without the ledger's table.
    """
    if "://" in location:
        raise StoreError(
            f"unsupported store {location!r}: give the path of a SQLite file "
            "(PostgreSQL stores are not supported yet)"
        )
    path = Path(location)
    if path.is_dir():
        raise StoreError(f"the store {location!r} is a folder; give the path of a SQLite file")
    if not path.exists():
        if not create:
            raise EmptyStore(location)
        if not path.parent.exists():
            raise StoreError(
                f"cannot create the store {location!r}: folder {str(path.parent)!r} does not exist"
            )
        return
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            rows = conn.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as err:
        raise StoreError(f"{location!r} is not a ledger store ({err})") from err
    tables = {row[0] for row in rows}
    if tables and "stored_events" not in tables:
        raise StoreError(
            f"{location!r} is a SQLite database of something else "
            f"(tables: {', '.join(sorted(tables))}), not a ledger store"
        )
    if not tables and not create:
        raise EmptyStore(location)
