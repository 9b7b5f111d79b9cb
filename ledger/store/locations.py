"""Where a ledger lives: resolving a store location and vetting a SQLite file.

The only module besides ``ledger.store.application`` that touches the database driver:
it opens an existing file read-only to see what it is before the event store
library does anything to it.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from treaty_ledger.ledger.errors import EmptyStore, StoreBusy, StoreError
from treaty_ledger.ledger.store.locks import is_busy, locked

MEMORY = ":memory:"
MARKER_TABLE = "treaty_ledger"
FORMAT = "treaty-ledger/1"


def check_sqlite_file(location: str, *, create: bool) -> bool:
    """Refuse, before the event store library touches it, a path the ledger must not use.

    A ledger file holds the event store's ``stored_events`` table and a
    ``treaty_ledger`` table that marks it as a ledger (format
    ``treaty-ledger/1``), so that the database of another application, even
    one built on the same event store library, is never read or written.

    Returns:
        True when the file is a ledger already; False when it is missing or
        an empty database (only possible with ``create``).

    Raises:
        StoreError: a URL (only SQLite files are supported), a folder, a
            missing parent folder (when creating), a file that is not a
            SQLite database, one that cannot be opened, or a database of
            something else.
        EmptyStore: reading (``create`` False) a missing file or an empty
            database.
    """
    if not location.strip():
        raise StoreError("the store path is empty; give the path of a SQLite file")
    if "://" in location:
        scheme = location.split("://")[0]
        raise StoreError(
            f"unsupported store {scheme}://...: give the path of a SQLite file "
            "or a postgresql://USER@HOST:PORT/DB location"
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
        return False
    tables, marked = _inspect(location, path)
    if not tables:
        if not create:
            raise EmptyStore(location)
        return False
    if marked and not create and "stored_events" not in tables:
        raise EmptyStore(location)  # being created by another process
    if not marked:
        kind = (
            "another event-sourced application" if "stored_events" in tables else "something else"
        )
        raise StoreError(
            f"{location!r} is a SQLite database of {kind} "
            f"(tables: {', '.join(sorted(tables))}), not a ledger store; "
            "nothing was read or written"
        )
    return True


def mark_as_ledger(location: str, wait: float = 5.0) -> None:
    """Write the ``treaty_ledger`` marker table into a new or empty SQLite file.

    Also puts the file in WAL mode, so that the processes creating one store at
    once do not each switch it (a switch needs every other connection gone).

    Args:
        wait: seconds to wait for another process's lock on the file.

    Raises:
        StoreBusy: another process kept the file locked for ``wait`` seconds.
        StoreError: the file cannot be written.
    """
    conn = sqlite3.connect(location, timeout=wait, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("BEGIN IMMEDIATE")  # the table and its row appear together
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (key TEXT PRIMARY KEY, value TEXT)"
        )
        conn.execute(
            f"INSERT OR REPLACE INTO {MARKER_TABLE} (key, value) VALUES ('format', ?)", (FORMAT,)
        )
        conn.execute("COMMIT")
    except sqlite3.Error as err:
        if is_busy(err):
            raise StoreBusy(locked(repr(location), wait)) from err
        raise StoreError(f"cannot write the store {location!r}: {err}") from err
    finally:
        conn.close()


def read_only_uri(path: Path) -> str:
    """The URI that opens a SQLite file for reading only.

    ``mode=ro``, unless SQLite could not keep its shared-memory file beside
    a WAL-mode database: a folder the user cannot write, holding no ``-shm``
    file and no ``-wal`` file with content (an auditor's read-only copy of a
    closed ledger). Then ``immutable=1``: SQLite reads the file as it is,
    without locks (sqlite.org/uri.html). Where a ``-wal`` file holds
    entries not yet in the database, ``mode=ro`` is kept, and opening fails
    with SQLite's error rather than reading the file without them.
    """
    resolved = path.resolve()
    wal, shm = Path(f"{resolved}-wal"), Path(f"{resolved}-shm")
    folder_writable = os.access(resolved.parent, os.W_OK)
    wal_holds_data = wal.exists() and wal.stat().st_size > 0
    if not folder_writable and not shm.exists() and not wal_holds_data:
        return resolved.as_uri() + "?immutable=1"
    return resolved.as_uri() + "?mode=ro"


def _inspect(location: str, path: Path) -> tuple[set[str], bool]:
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True)
        try:
            tables = {
                row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            marked = MARKER_TABLE in tables and conn.execute(
                f"SELECT value FROM {MARKER_TABLE} WHERE key='format'"
            ).fetchone() == (FORMAT,)
        finally:
            conn.close()
    except sqlite3.OperationalError as err:
        raise StoreError(
            f"cannot open the store {location!r} ({err}); SQLite needs to read the file "
            "and to write beside it in its folder"
        ) from err
    except sqlite3.DatabaseError as err:
        raise StoreError(f"{location!r} is not a ledger store ({err})") from err
    return tables, marked
