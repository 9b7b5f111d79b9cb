"""The ledger application: the only code that talks to the event store.

Built on the eventsourcing library: its SQLite application recorder on a
file is the embedded default, its in-memory ("POPO") recorder serves tests.
Each record is its own sequence of events (originator id
``"instrument:<id>"`` or ``"act:<id>"``): version 1 records it, later
versions correct or retract it. The library's notification log gives every
entry a position in one total order. Entries are encoded by
:class:`~treaty_ledger.ledger.integrity.codec.OrjsonTranscoder`.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from eventsourcing.persistence import PersistenceError
from eventsourcing.utils import TopicError

from treaty_ledger.ledger.entries import Entry
from treaty_ledger.ledger.errors import EmptyStore, StoreBusy, StoreError
from treaty_ledger.ledger.events import Corrected, Recorded, Retracted
from treaty_ledger.ledger.index.check import check_log
from treaty_ledger.ledger.index.queries import IndexReader
from treaty_ledger.ledger.index.reads import IndexedReads
from treaty_ledger.ledger.integrity.hashes import StoredRow, entry_hash
from treaty_ledger.ledger.integrity.verified_log import VerifiedLog
from treaty_ledger.ledger.model import RECORD_ADAPTER, Source
from treaty_ledger.ledger.store.appending import Appending
from treaty_ledger.ledger.store.locations import MEMORY
from treaty_ledger.ledger.store.locks import is_busy, locked
from treaty_ledger.ledger.store.opening import (
    ACTIONS,
    PAGE,
    LedgerApplication,
    Versions,
    is_postgres,
    os_user,
    shown,
    store_env,
    utc_now,
)
from treaty_ledger.ledger.store.recording import SideTablesDamaged, SideTablesRecorder
from treaty_ledger.ledger.store.retry import DEFAULT_WAIT, retrying
from treaty_ledger.ledger.trusted_records import trusted_record, trusted_sources


class Ledger(Appending):
    """An append-only ledger of records over one event store.

    Use as a context manager, or call :meth:`close`.

    Args:
        location: a SQLite file path or ``:memory:``.
        create: create the file and its table if missing (writing commands);
            when False a missing or empty store raises :class:`EmptyStore`.
        clock: returns the record time of new entries, an aware datetime;
            injected by tests. Record time never goes backwards in log
            order: an entry gets the later of the clock and the last entry's
            record time.
        user: who records (default ``$LEDGER_USER``, else the OS user).
        read_only: open the SQLite file read-only (``mode=ro``); every write
            is refused with a :class:`StoreError`.
        wait: seconds a write (or the opening of a store being created) waits
            for another process's lock before giving up with
            :class:`StoreBusy` (``ledger.store.retry``; default 120).
        on_wait: called once when a write on SQLite starts waiting for another
            writer's lock, so a command can say that it waits.

    Raises:
        StoreError: the location is not a SQLite file the ledger can use;
            nothing is written.
        StoreBusy: the store stayed locked by another process for ``wait`` seconds.
        EmptyStore: ``create`` is False and the store holds no entries.
    """

    def __init__(
        self,
        location: str,
        *,
        create: bool = False,
        clock: Callable[[], datetime] = utc_now,
        user: str | None = None,
        read_only: bool = False,
        wait: float = DEFAULT_WAIT,
        on_wait: Callable[[], None] | None = None,
    ) -> None:
        if not wait >= 0:
            raise ValueError(f"wait must be a number of seconds, 0 or more, not {wait!r}")
        self.location = location
        self.read_only = read_only
        self.wait = float(wait)
        self._clock = clock
        self.user = (user or os.environ.get("LEDGER_USER") or os_user()).strip()
        if not self.user or not self.user.isprintable():
            raise StoreError(
                f"{self.user!r} is not a name for the record (--by or LEDGER_USER): "
                "give one line of text"
            )
        self._new_file: Path | None = None
        retrying(lambda: self._open(location, create, read_only), self.wait)
        recorder = self._app.recorder
        if isinstance(recorder, SideTablesRecorder):
            recorder.lock_wait, recorder.on_wait = self.wait, on_wait
        if not create and self._is_empty():
            self.close()
            raise EmptyStore(location)
        if create and isinstance(recorder, SideTablesRecorder):
            self._complete_index()

    def _open(self, location: str, create: bool, read_only: bool) -> None:
        """Make the library's application over the store; a busy store raises StoreBusy."""
        local = location != MEMORY and not is_postgres(location)
        if local and create and not Path(location).exists():
            self._new_file = Path(location)
        env, creating = store_env(location, create=create, read_only=read_only, wait=self.wait)
        try:
            self._app = LedgerApplication(env=env)
        except (PersistenceError, OSError, sqlite3.Error) as err:
            if is_busy(err):
                raise StoreBusy(locked(shown(location), self.wait)) from err
            raise StoreError(f"cannot open the store {shown(location)}: {err}") from err
        finally:
            if creating is not None:
                creating.close()  # releases the creation lock

    def _complete_index(self) -> None:
        """Write the side tables of a ledger made before they existed (once, on a write open)."""
        recorder = self._app.recorder
        try:
            if not recorder.index_is_complete():
                recorder.rebuild_index()
        except (PersistenceError, SideTablesDamaged) as err:
            self.close()
            raise StoreError(
                f"cannot index the store {shown(self.location)} ({err}); nothing was written"
            ) from err

    def indexed(self) -> IndexedReads | None:
        """Index-backed reads (``ledger.index.reads``), or None when the store has no index.

        An in-memory store has none, nor a ledger written by a version
        without it and opened read-only; their readers scan the log.
        """
        reader = self._index_reader()
        return None if reader is None else IndexedReads(reader, shown(self.location))

    def _index_reader(self) -> IndexReader | None:
        """The store's index queries, if it keeps an index that covers every entry."""
        recorder = self._app.recorder
        if not isinstance(recorder, SideTablesRecorder):
            return None
        with self._reading():
            return recorder.index_reader() if recorder.index_is_complete() else None

    def side_tables(self) -> tuple[list[Any], list[Any], list[Any]] | None:
        """Every row of the valid-time index, subject index and tree heads, or None.

        None for a store without the tables (in memory, or written by a
        version without the index). For ``ledger verify`` (``ledger.index.check``).
        """
        recorder = self._app.recorder
        if not isinstance(recorder, SideTablesRecorder):
            return None
        with self._reading():
            # Checked whether or not they cover every entry: a cut could hide behind that.
            return recorder.index_reader().side_tables() if recorder.has_side_tables() else None

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        failed_empty = exc_type is not None and self._new_file is not None and self._is_empty()
        self.close()
        if failed_empty:
            # The file was created for a write that failed: leave nothing behind.
            assert self._new_file is not None
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{self._new_file}{suffix}").unlink(missing_ok=True)

    def close(self) -> None:
        """Release the store's connections, ending first any read its caller left unfinished."""
        recorder = self._app.recorder
        if isinstance(recorder, SideTablesRecorder):
            recorder.close_streams()
        self._app.close()

    def _is_empty(self) -> bool:
        """Whether the store holds no entry (without counting them)."""
        with self._reading():
            return not self._app.recorder.max_notification_id()

    @property
    def log_size(self) -> int:
        """The number of entries, which is also the position of the last (0 when empty)."""
        reads = self.indexed()
        return reads.log_size() if reads is not None else self._count()

    def check_entry_count(self, recorded: int) -> None:
        """Refuse a log whose stored entries are not as many as its index and tree head record.

        A cheap guard for answers read through the index, which read only some
        entries: an entry deleted (or inserted) with its side rows changes the
        count, though no entry that is read fails its hash.

        Raises:
            StoreError: the counts differ (naming both); ``ledger verify`` finds where.
        """
        stored = self._count()
        if stored != recorded:
            raise StoreError(
                f"the log of {self.where} fails verification: it holds {stored} entries where "
                f"its valid-time index and tree head record {recorded} (missing or inserted "
                "entries); run 'ledger verify'"
            )

    def _count(self, upto_id: int | None = None) -> int:
        """Entries whose notification id is at most ``upto_id`` (all when None)."""
        recorder = self._app.recorder
        with self._reading():
            if isinstance(recorder, SideTablesRecorder):
                return recorder.count_events(upto_id)
            last = recorder.max_notification_id() or 0  # in memory: ids have no gaps
            return last if upto_id is None else min(last, upto_id)

    def _ranks(self, ids: list[int]) -> list[int]:
        """Turn the notification ids of entries just committed into log positions.

        Inserts are serialised (SQLite's write lock, the PostgreSQL recorder's
        table lock), so entries commit in id order and ids skipped by rolled-back
        inserts leave no entry: an entry's position is the count of ids up to it.
        """
        if not ids:
            return []
        recorder = self._app.recorder
        if isinstance(recorder, SideTablesRecorder):
            with self._reading():
                last = recorder.index_reader().position_of(max(ids))
        else:
            last = self._count(max(ids))
        return list(range(last - len(ids) + 1, last + 1))

    def versions(self, record_kind: str, record_id: str) -> Versions | None:
        """Return every version of the record with that kind and id, or None."""
        with self._reading():
            stored = self._app.recorder.select_events(f"{record_kind}:{record_id}")
        if not stored:
            return None
        items = []
        for item in stored:
            entry = self._decoded(0, item)
            items.append((entry.action, entry.record))
        return Versions(items)

    def existing(self, keys: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        """Return those (record kind, id) pairs that have at least one entry, in bulk."""
        wanted = {f"{kind}:{record_id}": (kind, record_id) for kind, record_id in keys}
        recorder = self._app.recorder
        with self._reading():
            if isinstance(recorder, SideTablesRecorder):
                found = recorder.select_existing(list(wanted))
            else:
                found = {oid for oid in wanted if recorder.select_events(oid, limit=1)}
        return {wanted[oid] for oid in found}

    def entries(self) -> Iterator[Entry]:
        """Yield every entry in log order, at positions 1, 2, 3..., reading page by page."""
        for rank, notification in enumerate(self._notifications(), start=1):
            yield self._decoded(rank, notification)

    def _notifications(self) -> Iterator:
        last_id = None  # the first page starts at the very first id, whatever it is
        while True:
            with self._reading():
                page = self._app.recorder.select_notifications(
                    start=last_id, limit=PAGE, inclusive_of_start=False
                )
            if not page:
                return
            yield from page
            last_id = page[-1].id

    def rows(self) -> Iterator[StoredRow]:
        """Yield every stored entry exactly as stored, with its notification id, in log order."""
        for item in self._notifications():
            yield StoredRow(
                item.id, str(item.originator_id), item.originator_version, item.topic, item.state
            )

    def recorded_hashes(self) -> dict[int, bytes]:
        """Notification id to the leaf hash recorded when that entry was appended.

        An in-memory store records none apart from its entries: its hashes
        are computed from them.
        """
        recorder = self._app.recorder
        if isinstance(recorder, SideTablesRecorder):
            with self._reading():
                return recorder.select_hashes()
        return {row.position: entry_hash(row) for row in self.rows()}

    def verified(self) -> VerifiedLog:
        """Read the log once and run on it every check ``ledger verify`` runs.

        The entries against the hashes recorded when they were appended, and
        the side tables (index rows, tree heads) against the entries
        (``index.check.check_log``). The log refuses to name a root or give
        its entries when any check fails, with the line ``ledger verify``
        prints.
        """
        notifications = list(self._notifications())
        rows = [
            StoredRow(n.id, str(n.originator_id), n.originator_version, n.topic, n.state)
            for n in notifications
        ]
        leaves, failure = check_log(rows, self.recorded_hashes(), self.side_tables())
        message = "" if failure is None else failure.line(self.where)
        # Entries before the first failure hash to what the ledger wrote after validating
        # them: only their types are checked again. From the failure on, everything is.
        trusted_until = failure.position if failure is not None else len(rows) + 1
        entries = [
            self._decoded(rank, n, trusted=rank < trusted_until)
            for rank, n in enumerate(notifications, start=1)
        ]
        return VerifiedLog(entries, leaves, message, failure.position if failure else None)

    @property
    def where(self) -> str:
        """The store as messages name it (a path, or a location without its password)."""
        return shown(self.location)

    def root_hash(self, upto: int | None = None) -> str:
        """The RFC 9162 Merkle root (hex) of the first ``upto`` entries, from their content.

        Raises:
            StoreError: the entries up to ``upto`` fail verification.
        """
        return self.verified().root_hash(upto)

    def _decoded(self, position: int, stored, *, trusted: bool = False) -> Entry:
        """Decode one stored event; a damaged one is a :class:`StoreError`, not a crash.

        ``position`` is 0 when it is not known (the entry is then named by its record).
        ``trusted``: the entry's hash matched the one recorded when it was appended, so
        its record is rebuilt with its JSON types checked (``ledger.trusted_records``).
        """
        try:
            event = self._app.mapper.to_domain_event(stored)
            return self._entry(position, event, trusted=trusted)
        except (ValueError, TypeError, KeyError, AttributeError, TopicError) as err:
            which = f"position {position}" if position else f"{stored.originator_id!s}"
            raise StoreError(
                f"the entry at {which} of {shown(self.location)} cannot be read "
                f"({type(err).__name__}: {str(err)[:200]}); the store is damaged or was "
                "written by something else"
            ) from err

    def _entry(
        self, position: int, event: Recorded | Corrected | Retracted, *, trusted: bool
    ) -> Entry:
        adapt = trusted_record if trusted else RECORD_ADAPTER.validate_python
        record = adapt(event.record)
        recorded_at = datetime.fromisoformat(event.recorded_at)
        if isinstance(event, Recorded):
            return Entry(position, recorded_at, event.recorded_by, record)
        sources = trusted_sources(event.sources) if trusted else tuple(
            Source.model_validate(source) for source in event.sources
        )
        changed = tuple(event.changed) if isinstance(event, Corrected) else ()
        return Entry(
            position,
            recorded_at,
            event.recorded_by,
            record,
            ACTIONS[type(event)],
            changed,
            event.reason,
            sources,
        )

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Turn the store's errors into :class:`StoreError` (:class:`StoreBusy` if locked)."""
        try:
            yield
        except (PersistenceError, sqlite3.Error) as err:
            if is_busy(err):
                raise StoreBusy(locked(shown(self.location), self.wait)) from err
            hint = "; give --read-only to read a store you cannot write" if "readonly" in str(
                err) else ""  # fmt: skip
            raise StoreError(f"cannot read the store {shown(self.location)}: {err}{hint}") from err
