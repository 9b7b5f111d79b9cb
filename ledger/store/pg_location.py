"""PostgreSQL stores: parsing a ``postgresql://`` location and vetting the database.

A location is ``postgresql://USER[:PASSWORD]@HOST[:PORT]/DBNAME`` (RFC 3986
URI as libpq reads it), with one extension of ours: ``?schema=NAME`` puts the
ledger's tables in that schema (default ``public``), so that one database can
hold several ledgers. Before the event store library opens a pool, the
ledger connects once (``psycopg``) to give a clear error for an unreachable
server, refused credentials, a missing database, or a database that holds
something other than a ledger.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

import psycopg
from psycopg import sql

from treaty_ledger.ledger.errors import EmptyStore, StoreError
from treaty_ledger.ledger.redaction import redact
from treaty_ledger.ledger.store.locations import FORMAT, MARKER_TABLE

EVENTS_TABLE = "treatyledger_events"  # the library names it after the application
_SCHEMA = re.compile(r"[a-z_][a-z0-9_]{0,62}")


@dataclass(frozen=True)
class PostgresLocation:
    """Where a PostgreSQL ledger lives."""

    host: str
    port: int
    user: str
    password: str | None
    dbname: str
    schema: str

    @property
    def shown(self) -> str:
        """The location for messages, without the password."""
        return (
            f"postgresql://{self.user}@{self.host}:{self.port}/{self.dbname}?schema={self.schema}"
        )

    def connect(self, timeout: int = 5) -> psycopg.Connection:
        """Open one connection (autocommit), or raise :class:`StoreError` saying why not."""
        try:
            return psycopg.connect(
                host=self.host, port=self.port, user=self.user, password=self.password,
                dbname=self.dbname, connect_timeout=timeout, autocommit=True,
            )  # fmt: skip
        except psycopg.OperationalError as err:
            raise StoreError(f"cannot open the store {self.shown}: {_why(err)}") from err


def parse_postgres(location: str) -> PostgresLocation:
    """Parse a ``postgresql://`` location.

    Raises:
        StoreError: no host or database name, a bad port, or a schema name
            other than lower-case letters, digits and underscores.
    """
    shown = redact(location)
    try:
        parts = urlsplit(location)
    except ValueError as err:
        raise StoreError(f"{shown!r} is not a postgresql:// location ({err})") from err
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(query) - {"schema"})
    if unknown:
        raise StoreError(f"unsupported parameter {unknown[0]!r} in {shown!r}; only schema")
    if len(query.get("schema", [])) > 1:
        raise StoreError(f"schema is given twice in {shown!r}")
    schema = query.get("schema", ["public"])[-1]
    if not _SCHEMA.fullmatch(schema):
        raise StoreError(f"schema {schema!r} must be lower-case letters, digits and _")
    if schema.startswith("pg_") or schema == "information_schema":
        raise StoreError(
            f"schema {schema!r} is reserved by PostgreSQL (pg_... and information_schema); "
            "choose another ?schema="
        )
    try:
        port = parts.port if parts.port is not None else 5432
    except ValueError as err:
        raise StoreError(f"bad port in {shown!r}") from err
    if not 0 < port < 65536:
        raise StoreError(f"bad port in {shown!r}")
    dbname = unquote(parts.path.lstrip("/"))
    if not parts.hostname or not dbname:
        raise StoreError(f"give host and database: postgresql://USER@HOST:PORT/DB, not {shown!r}")
    return PostgresLocation(
        host=parts.hostname, port=port, user=unquote(parts.username or _os_user()),
        password=unquote(parts.password) if parts.password else None, dbname=dbname,
        schema=schema,
    )  # fmt: skip


def check_postgres(location: PostgresLocation, *, create: bool) -> psycopg.Connection | None:
    """Vet the database like ``ledger.store.locations.check_sqlite_file``; mark a new ledger.

    With ``create``, takes a session advisory lock on the schema's name first
    and returns the connection holding it: the caller creates the event
    store's tables, then closes it, so that processes creating one ledger at
    once do so one after the other.

    Returns:
        The connection holding the creation lock (``create``), else None.

    Raises:
        StoreError: unreachable server, refused credentials, missing database,
            or a schema holding tables of something else.
        EmptyStore: reading an empty schema.
    """
    conn = location.connect()
    try:
        if create:
            conn.execute(
                "SELECT pg_advisory_lock(hashtext(%s))", (f"treaty-ledger:{location.schema}",)
            )
        _vet(conn, location, create=create)
    except BaseException:
        conn.close()
        raise
    if create:
        return conn
    conn.close()
    return None


def _vet(conn: psycopg.Connection, location: PostgresLocation, *, create: bool) -> None:
    tables = {
        row[0]
        for row in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
            (location.schema,),
        )
    }
    marked = MARKER_TABLE in tables and conn.execute(
        sql.SQL("SELECT value FROM {}.{} WHERE key = 'format'").format(
            sql.Identifier(location.schema), sql.Identifier(MARKER_TABLE)
        )
    ).fetchone() == (FORMAT,)
    if marked:
        if not create and EVENTS_TABLE not in tables:
            raise EmptyStore(location.shown)  # being created by another process
        return
    if tables - {MARKER_TABLE}:
        kind = (
            "another event-sourced application"
            if any(name.endswith("_events") for name in tables)
            else "something else"
        )
        raise StoreError(
            f"{location.shown} holds tables of {kind} ({', '.join(sorted(tables))}), "
            "not a ledger; nothing was read or written; choose another ?schema="
        )
    if not create:
        raise EmptyStore(location.shown)
    schema = sql.Identifier(location.schema)
    with conn.transaction():
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(schema))
        conn.execute(
            sql.SQL("CREATE TABLE IF NOT EXISTS {}.{} (key text PRIMARY KEY, value text)").format(
                schema, sql.Identifier(MARKER_TABLE)
            )
        )
        conn.execute(
            sql.SQL("INSERT INTO {}.{} VALUES ('format', %s) ON CONFLICT DO NOTHING").format(
                schema, sql.Identifier(MARKER_TABLE)
            ),
            (FORMAT,),
        )


_UNREACHABLE = (
    "Connection refused",
    "could not connect",
    "timeout",
    "Is the server running",
    "could not translate",
)


def _why(err: psycopg.OperationalError) -> str:
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    text = "; ".join(lines) or type(err).__name__
    if "password authentication failed" in text or "role" in text and "does not exist" in text:
        return f"the server refused the credentials ({text})"
    if "database" in text and "does not exist" in text:
        return f"no such database ({text})"
    if any(sign in text for sign in _UNREACHABLE):
        return f"the server cannot be reached ({text})"
    return text


def _os_user() -> str:
    """libpq's default user name: the operating-system user."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "postgres"
