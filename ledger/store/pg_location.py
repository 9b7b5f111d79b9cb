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

from treaty_ledger.ledger.errors import EmptyStore, StoreBusy, StoreError
from treaty_ledger.ledger.redaction import redact
from treaty_ledger.ledger.store.locations import FORMAT, MARKER_TABLE
from treaty_ledger.ledger.store.locks import locked

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
    options: tuple[tuple[str, str], ...] = ()

    @property
    def shown(self) -> str:
        """The location for messages, without the password."""
        host = self.host if not self.host.startswith("/") else ""
        socket = f"&host={self.host}" if not host else ""
        return (
            f"postgresql://{self.user}@{host}:{self.port}/{self.dbname}?schema={self.schema}"
            f"{socket}"
        )

    def connect(self, timeout: int = 5) -> psycopg.Connection:
        """Open one connection (autocommit), or raise :class:`StoreError` saying why not."""
        try:
            settings: dict = {"connect_timeout": timeout, **dict(self.options)}
            return psycopg.connect(
                host=self.host, port=self.port, user=self.user, password=self.password,
                dbname=self.dbname, autocommit=True, **settings,
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
    unknown = sorted(set(query) - {"schema", "host", "port", *LIBPQ_PARAMETERS})
    if unknown:
        raise StoreError(
            f"unsupported parameter {unknown[0][:60]!r} in {shown!r}; give schema, host, port "
            f"or {', '.join(sorted(LIBPQ_PARAMETERS))}"
        )
    for name, values in query.items():
        if len(values) > 1:
            raise StoreError(f"{name} is given twice in {shown!r}")
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
        if "port" in query:
            port = int(query["port"][0])
    except ValueError as err:
        raise StoreError(f"bad port in {shown!r}") from err
    if not 0 < port < 65536:
        raise StoreError(f"bad port in {shown!r}")
    dbname = unquote(parts.path.lstrip("/"))
    host = query["host"][0] if "host" in query else parts.hostname
    if not host or not dbname:
        raise StoreError(
            f"give host and database: postgresql://USER@HOST:PORT/DB or "
            f"postgresql://USER@/DB?host=/SOCKET/DIR, not {shown!r}"
        )
    return PostgresLocation(
        host=host, port=port, user=unquote(parts.username or _os_user()),
        password=unquote(parts.password) if parts.password else None, dbname=dbname,
        schema=schema, options=_libpq_options(query, shown),
    )  # fmt: skip


LIBPQ_PARAMETERS = {
    "sslmode": ("disable", "allow", "prefer", "require", "verify-ca", "verify-full"),
    "sslrootcert": None, "connect_timeout": None, "application_name": None, "options": None,
}  # fmt: skip
"""The libpq URI parameters a location may carry beside ``schema``, ``host`` and ``port``
(PostgreSQL documentation, 34.1.2 Parameter Key Words), with their allowed values."""


def _libpq_options(query: dict, shown: str) -> tuple[tuple[str, str], ...]:
    """The libpq parameters of a location's query, checked; ``(name, value)`` pairs, sorted.

    Raises:
        StoreError: an sslmode libpq does not know, or a connect_timeout that
            is not a whole number of seconds.
    """
    options = []
    for name, allowed in sorted(LIBPQ_PARAMETERS.items()):
        if name not in query:
            continue
        value = query[name][0]
        if allowed is not None and value not in allowed:
            raise StoreError(
                f"{name} {value[:60]!r} in {shown!r} is not one of {', '.join(allowed)}"
            )
        if name == "connect_timeout" and not value.isdigit():
            raise StoreError(f"connect_timeout in {shown!r} must be whole seconds")
        options.append((name, value))
    return tuple(options)


def check_postgres(
    location: PostgresLocation, *, create: bool, wait: int = 120
) -> psycopg.Connection | None:
    """Vet the database like ``ledger.store.locations.check_sqlite_file``; mark a new ledger.

    With ``create``, takes a session advisory lock on the schema's name first
    and returns the connection holding it: the caller creates the event
    store's tables, then closes it, so that processes creating one ledger at
    once do so one after the other; ``wait`` (seconds) bounds the wait for it.

    Returns:
        The connection holding the creation lock (``create``), else None.

    Raises:
        StoreError: unreachable server, refused credentials, missing database,
            or a schema holding tables of something else.
        StoreBusy: another writer held the creation lock for ``wait`` seconds.
        EmptyStore: reading an empty schema.
    """
    conn = location.connect()
    try:
        if create:
            conn.execute("SELECT set_config('lock_timeout', %s, false)", (f"{wait}s",))
            conn.execute(
                "SELECT pg_advisory_lock(hashtext(%s))", (f"treaty-ledger:{location.schema}",)
            )
        _vet(conn, location, create=create)
    except psycopg.errors.LockNotAvailable as err:
        conn.close()
        raise StoreBusy(locked(location.shown, wait)) from err
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
