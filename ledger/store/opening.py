"""Opening a store: the library's environment for a location, topics, and small helpers.

What :class:`~treaty_ledger.ledger.store.application.Ledger` needs before it
can read or write: the eventsourcing application configured only by what the
ledger passes in, the environment for a PostgreSQL location (whose driver is
imported only then, the ``[postgres]`` extra), the stored topics of the
ledger's events, and how a location is named in messages (passwords redacted).
"""

from __future__ import annotations

import getpass
import json
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from eventsourcing.application import Application
from eventsourcing.persistence import Transcoder
from eventsourcing.utils import Environment, register_topic

from treaty_ledger.ledger.entries import Action
from treaty_ledger.ledger.errors import MissingExtra
from treaty_ledger.ledger.events import Corrected, Recorded, Retracted
from treaty_ledger.ledger.integrity.codec import OrjsonTranscoder
from treaty_ledger.ledger.model import Act, Instrument
from treaty_ledger.ledger.record_time import format_instant
from treaty_ledger.ledger.redaction import redact
from treaty_ledger.ledger.store.locations import (
    MEMORY,
    check_sqlite_file,
    mark_as_ledger,
    read_only_uri,
)

POSTGRES_SCHEME = ("postgresql://", "postgres://")

SQLITE_RECORDER = "treaty_ledger.ledger.store.sqlite:HashingSQLiteRecorder"
POSTGRES = "treaty_ledger.ledger.store.postgres"  # imported by the library only when used
POSTGRES_FACTORY = "treaty_ledger.ledger.store.pg_factory"
PAGE = 1000
CHUNK = 5000
RESTAMPS = 20
ACTIONS = {Recorded: Action.RECORD, Corrected: Action.CORRECT, Retracted: Action.RETRACT}
# The stored topic of each event names the module the events lived in before the project moved
# under the ``treaty_ledger`` namespace. It is part of every entry's leaf hash, so it never
# changes: the names are registered with the library, which resolves them to these classes.
TOPICS = {kind: f"ledger.events:{kind.__name__}" for kind in ACTIONS}
for _kind, _topic in TOPICS.items():
    register_topic(_topic, _kind)


Progress = Callable[[int, int], None]
"""Called with (items done, items in all) as long work goes on."""


def utc_now() -> datetime:
    """Return the current instant as an aware UTC datetime (the default clock)."""
    return datetime.now(UTC)


def originator_id(record: Instrument | Act) -> str:
    """Return the event-sequence id of a record: ``"<record kind>:<id>"``."""
    return f"{record.record}:{record.id}"


@dataclass(frozen=True)
class Versions:
    """Every version of one record, oldest first, as (action, content) pairs."""

    items: list[tuple[Action, Instrument | Act]]

    @property
    def current(self) -> Instrument | Act | None:
        """The record as it stands, or None once retracted."""
        action, record = self.items[-1]
        return None if action is Action.RETRACT else record

    @property
    def first(self) -> Instrument | Act:
        """The record as first recorded."""
        return self.items[0][1]


class LedgerApplication(Application[str]):
    name = "TreatyLedger"

    def construct_env(self, name: str, env=None) -> Environment:
        # Configured only by what the Ledger passes in, never by stray
        # environment variables of the library.
        return Environment(name, dict(env or {}))

    def construct_transcoder(self) -> Transcoder:
        return OrjsonTranscoder()


def shown(location: str) -> str:
    return redact(location) if is_postgres(location) else repr(location)


def is_postgres(location: str) -> bool:
    """Whether a location names a PostgreSQL database (scheme in any case)."""
    return location.lower().startswith(POSTGRES_SCHEME)


def store_env(location: str, *, create: bool, read_only: bool, wait: float):
    """The library's environment for a ledger at ``location``, and the creation lock (or None).

    A SQLite file is vetted first, and marked as a ledger when new
    (``ledger.store.locations``); ``wait`` (seconds) bounds every lock wait.

    Raises:
        StoreError, EmptyStore: the location is not a store the ledger can use.
        StoreBusy: a new SQLite file stayed locked by another process.
        MissingExtra: a PostgreSQL location without the ``[postgres]`` extra.
        ValueError: ``read_only`` with ``create``.
    """
    lock_seconds = str(max(1, math.ceil(wait)))
    if is_postgres(location):
        return postgres_env(location, create=create, read_only=read_only, wait=lock_seconds)
    if location == MEMORY:
        return {"PERSISTENCE_MODULE": "eventsourcing.popo"}, None
    if read_only and create:
        raise ValueError("a ledger opened read-only cannot create its store")
    if not check_sqlite_file(location, create=create):
        mark_as_ledger(location, wait)
    return sqlite_env(location, create=create, read_only=read_only, wait=lock_seconds), None


def sqlite_env(location: str, *, create: bool, read_only: bool, wait: str) -> dict:
    """The library's environment for a SQLite ledger file (already vetted and marked).

    ``wait``: whole seconds a connection waits for another's lock, as text.
    """
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": read_only_uri(Path(location)) if read_only else location,
        "SQLITE_LOCK_TIMEOUT": wait,
        "ORIGINATOR_ID_TYPE": "text",
        "CREATE_TABLE": "y" if create else "n",
        "APPLICATION_RECORDER_TOPIC": SQLITE_RECORDER,
    }


def postgres_env(location: str, *, create: bool, read_only: bool, wait: str = "120"):
    """The library's environment for a PostgreSQL ledger, and the creation lock (or None).

    Raises:
        MissingExtra: the PostgreSQL driver (the ``[postgres]`` extra) is not installed.
        StoreError: the location is not a database the ledger can use.
    """
    try:
        from treaty_ledger.ledger.store.pg_location import check_postgres, parse_postgres
    except ModuleNotFoundError as err:
        if err.name is None or not err.name.startswith("psycopg"):
            raise
        raise MissingExtra("postgres", "a PostgreSQL store") from err

    where = parse_postgres(location)
    if read_only and create:
        raise ValueError("a ledger opened read-only cannot create its store")
    creating = check_postgres(where, create=create, wait=int(wait))
    env = {
        "PERSISTENCE_MODULE": (
            f"{POSTGRES_FACTORY}:ReadOnlyOptionsPostgresFactory"
            if read_only
            else f"{POSTGRES_FACTORY}:OptionsPostgresFactory"
        ),
        "LEDGER_LIBPQ_OPTIONS": json.dumps(dict(where.options)),
        "POSTGRES_DBNAME": where.dbname,
        "POSTGRES_HOST": where.host,
        "POSTGRES_PORT": str(where.port),
        "POSTGRES_USER": where.user,
        "POSTGRES_SCHEMA": where.schema,
        "POSTGRES_CONNECT_TIMEOUT": dict(where.options).get("connect_timeout", "5"),
        "POSTGRES_POOL_SIZE": "2",
        "POSTGRES_LOCK_TIMEOUT": wait,
        "ORIGINATOR_ID_TYPE": "text",
        "CREATE_TABLE": "y" if create else "n",
        "APPLICATION_RECORDER_TOPIC": f"{POSTGRES}:HashingPostgresRecorder",
    }
    # An empty password lets libpq fall back to PGPASSWORD or ~/.pgpass.
    env["POSTGRES_PASSWORD"] = where.password or os.environ.get("PGPASSWORD", "")
    return env, creating


def format_record_time(instant: datetime) -> str:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("record times must be aware datetimes")
    return format_instant(instant)


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
