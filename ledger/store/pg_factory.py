"""The library's PostgreSQL factories, passing a location's libpq parameters to every connection.

The event store library builds its connection pool from host, port, user,
password and database only; a location may also carry ``sslmode``,
``sslrootcert``, ``connect_timeout``, ``application_name`` and ``options``
(``store.pg_location``). These factories add them, as JSON in the
environment key :data:`LIBPQ_KEY`, to the pool's connection arguments before
the pool opens, so that every connection the ledger makes uses them, with the
ledger's lock wait (``POSTGRES_LOCK_TIMEOUT``, seconds) as the session's
``lock_timeout``.
"""

from __future__ import annotations

import json
from typing import Any

from eventsourcing.postgres import PostgresFactory

from treaty_ledger.ledger.store.postgres import ReadOnlyPostgresFactory

LIBPQ_KEY = "LEDGER_LIBPQ_OPTIONS"


def _add_options(factory: Any, env: Any) -> None:
    options = json.loads(env.get(LIBPQ_KEY) or "{}")
    # Every lock wait of the ledger's sessions (opening for writing creates indexes
    # IF NOT EXISTS, which waits for a writer's table lock) is bounded by --wait.
    seconds = env.get("POSTGRES_LOCK_TIMEOUT")
    if seconds:
        given = options.get("options", "")
        options["options"] = f"{given} -c lock_timeout={int(seconds)}s".strip()
    factory.datastore.pool.kwargs.update(options)


class OptionsPostgresFactory(PostgresFactory):
    """The library's factory, with the location's libpq parameters on every connection."""

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        _add_options(self, env)


class ReadOnlyOptionsPostgresFactory(ReadOnlyPostgresFactory):
    """:class:`~treaty_ledger.ledger.store.postgres.ReadOnlyPostgresFactory`, with them too."""

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        _add_options(self, env)
