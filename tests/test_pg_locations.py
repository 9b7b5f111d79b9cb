"""PostgreSQL locations take libpq's URI parameters beside schema; reserved schemas are refused."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from builders import shipped_size
from click.testing import CliRunner
from conftest import postgres_dsn

from treaty_ledger.cli.main import main
from treaty_ledger.ledger.errors import StoreError
from treaty_ledger.ledger.store.application import Ledger
from treaty_ledger.ledger.store.pg_location import parse_postgres


@pytest.fixture
def schema():
    dsn = postgres_dsn()
    name = f"t_{uuid.uuid4().hex[:12]}"
    yield dsn.split("?")[0], name
    with psycopg.connect(dsn.split("?")[0], autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def test_libpq_parameters_reach_every_connection_of_the_ledger(schema):
    base, name = schema
    app = f"tl-{name}"
    location = (f"{base}?schema={name}&sslmode=disable&connect_timeout=3&application_name={app}"
                "&options=-c%20statement_timeout%3D60000")  # fmt: skip
    assert CliRunner().invoke(main, ["import", "--shipped", "--store", location]).exit_code == 0
    with Ledger(location, read_only=True) as ledger, psycopg.connect(base) as watcher:
        assert ledger.log_size == shipped_size()  # the pool has connected
        found = watcher.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", (app,)
        ).fetchone()[0]
    assert found >= 1


def test_a_socket_directory_is_a_host(schema):
    base, name = schema
    dbname = base.rsplit("/", 1)[1]
    location = f"postgresql://{psycopg.conninfo.conninfo_to_dict(base).get('user', 'root')}@/" \
        f"{dbname}?host=/var/run/postgresql&port=5432&schema={name}"
    where = parse_postgres(location)
    assert (where.host, where.port) == ("/var/run/postgresql", 5432)
    result = CliRunner().invoke(main, ["import", "--shipped", "--store", location])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("schema=pg_catalog", "schema 'pg_catalog' is reserved by PostgreSQL"),
        ("sslmode=sometimes", "sslmode 'sometimes' in"),
        ("connect_timeout=soon", "connect_timeout in"),
        ("sslmode=disable&sslmode=require", "sslmode is given twice"),
        ("password_file=x", "unsupported parameter 'password_file'"),
    ],
)
def test_bad_location_parameters_are_one_clean_error(query, message):
    with pytest.raises(StoreError, match=message):
        parse_postgres(f"postgresql://me@127.0.0.1:5432/db?{query}")
