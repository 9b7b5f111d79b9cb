"""The ledger application: the only code that talks to the event store.

Built on the eventsourcing library: its SQLite application recorder on a
file is the embedded default, its in-memory ("POPO") recorder serves tests.
Each record is its own sequence of events (originator id
``"instrument:<id>"`` or ``"act:<id>"``); the library's notification log
gives every entry a position in one total order. Entries are encoded by
:class:`ledger.codec.OrjsonTranscoder`.
"""

from __future__ import annotations

import getpass
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from eventsourcing.application import Application
from eventsourcing.persistence import PersistenceError, Transcoder
from eventsourcing.utils import Environment

from ledger.codec import OrjsonTranscoder
from ledger.entries import Entry
from ledger.errors import EmptyStore, StoreError
from ledger.events import Recorded
from ledger.model import RECORD_ADAPTER, Act, Instrument, record_content

DEFAULT_STORE = "ledger.db"
MEMORY = ":memory:"
_PAGE = 1000


def utc_now() -> datetime:
    """Return the current instant as an aware UTC datetime (the default clock)."""
    return datetime.now(UTC)


def resolve_location(given: str | None) -> str:
    """Return the store to use: ``given``, else ``$LEDGER_STORE``, else ``ledger.db``.

    A location is a SQLite file path (relative to the working directory) or
    ``:memory:`` for a store that lives as long as the process.
    """
    return given or os.environ.get("LEDGER_STORE") or DEFAULT_STORE


def originator_id(record: Instrument | Act) -> str:
    """Return the event-sequence id of a record: ``"<record kind>:<id>"``."""
    return f"{record.record}:{record.id}"


class _LedgerApplication(Application[str]):
    name = "TreatyLedger"

    def construct_env(self, name: str, env=None) -> Environment:
        # Configured only by what the Ledger passes in, never by stray
        # environment variables of the library.
        return Environment(name, dict(env or {}))

    def construct_transcoder(self) -> Transcoder:
        return OrjsonTranscoder()


class Ledger:
    """An append-only ledger of records over one event store.

    Use as a context manager, or call :meth:`close`.

    Args:
        location: a SQLite file path or ``:memory:`` (see :func:`resolve_location`).
        create: create the file and its table if missing (writing commands);
            when False a missing or empty store raises :class:`EmptyStore`.
        clock: returns the record time of new entries, an aware UTC datetime;
            injected by tests.
        user: who records (default ``$LEDGER_USER``, else the OS user).

    Raises:
        StoreError: the location is not a SQLite file the ledger can use (not
            a database, a database of something else, a folder, a PostgreSQL
            URL, unreadable); nothing is written.
        EmptyStore: ``create`` is False and the store holds no entries.
    """

    def __init__(
        self,
        location: str,
        *,
        create: bool = False,
        clock: Callable[[], datetime] = utc_now,
        user: str | None = None,
    ) -> None:
        self.location = location
        self._clock = clock
        self._user = user or os.environ.get("LEDGER_USER") or _os_user()
        env = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
        self._new_file: Path | None = None
        if location != MEMORY:
            if create and not Path(location).exists():
                self._new_file = Path(location)
            _check_sqlite_file(location, create=create)
            env = {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": location,
                "ORIGINATOR_ID_TYPE": "text",
                "CREATE_TABLE": "y" if create else "n",
            }
        try:
            self._app = _LedgerApplication(env=env)
        except PersistenceError as err:
            raise StoreError(f"cannot open the store {location!r}: {err}") from err
        if not create and self.log_size == 0:
            self.close()
            raise EmptyStore(location)

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        failed_empty = exc_type is not None and self._new_file is not None and self.log_size == 0
        self.close()
        if failed_empty:
            # The file was created for a write that failed: leave nothing behind.
            assert self._new_file is not None
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{self._new_file}{suffix}").unlink(missing_ok=True)

    def close(self) -> None:
        """Release the store's connections."""
        self._app.close()

    @property
    def log_size(self) -> int:
        """The number of entries (the highest position, 0 when empty)."""
        try:
            return self._app.recorder.max_notification_id() or 0
        except PersistenceError as err:
            raise StoreError(f"cannot read the store {self.location!r}: {err}") from err

    def latest(self, record_kind: str, record_id: str) -> Instrument | Act | None:
        """Return the record as last recorded under that kind and id, or None."""
        try:
            stored = self._app.recorder.select_events(
                f"{record_kind}:{record_id}", desc=True, limit=1
            )
        except PersistenceError as err:
            raise StoreError(f"cannot read the store {self.location!r}: {err}") from err
        if not stored:
            return None
        event = self._app.mapper.to_domain_event(stored[0])
        return RECORD_ADAPTER.validate_python(event.record)

    def append_new(self, records: Sequence[Instrument | Act]) -> list[int]:
        """Append records that are not yet in the ledger, all in one transaction.

        The caller (``ledger.importer``) has already checked that none of
        them is recorded. Every entry gets the same record time.

        Returns:
            The positions of the new entries, in order.

        Raises:
            StoreError: the store refused the write (another writer recorded
                the same id meanwhile, the disk is full, the file is
                read-only); nothing was written.
        """
        if not records:
            return []
        recorded_at = _format_instant(self._clock())
        events = [
            Recorded(
                originator_id=originator_id(record),
                originator_version=1,
                recorded_at=recorded_at,
                recorded_by=self._user,
                record=record_content(record),
            )
            for record in records
        ]
        try:
            recordings = self._app.save(*events)
        except PersistenceError as err:
            raise StoreError(
                f"the store {self.location!r} refused the write ({err}); nothing was written"
            ) from err
        return [recording.notification.id for recording in recordings]

    def entries(self) -> Iterator[Entry]:
        """Yield every entry in log order, reading the log page by page."""
        position = 0
        while True:
            try:
                page = self._app.recorder.select_notifications(
                    start=position, limit=_PAGE, inclusive_of_start=False
                )
            except PersistenceError as err:
                raise StoreError(f"cannot read the store {self.location!r}: {err}") from err
            if not page:
                return
            for notification in page:
                event = self._app.mapper.to_domain_event(notification)
                yield Entry(
                    position=notification.id,
                    recorded_at=datetime.fromisoformat(event.recorded_at),
                    recorded_by=event.recorded_by,
                    record=RECORD_ADAPTER.validate_python(event.record),
                )
            position = page[-1].id


def _format_instant(instant: datetime) -> str:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("the ledger's clock must return an aware datetime")
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _check_sqlite_file(location: str, *, create: bool) -> None:
    """Refuse, before the library touches it, a path the ledger must not use."""
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
