"""Shared fixtures: test helpers on the path, and a store of every kind for contract tests.

Every test starts with no record built yet in the process (see ``ledger.trusted_records``).

PostgreSQL tests read the server from ``LEDGER_TEST_POSTGRES`` (a DSN such
as ``postgresql://root@127.0.0.1:5432/test``) and skip with a visible reason
where it is unset; with ``LEDGER_REQUIRE_POSTGRES=1`` (as in CI) a missing
server fails the run instead. Each PostgreSQL test gets a schema of its own,
dropped afterwards.
"""

import os
import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(1, str(Path(__file__).parent.parent))  # benchmarks' synthetic ledgers

STORE_KINDS = ["memory", "sqlite", "postgres"]


@pytest.fixture(autouse=True)
def _records_built_by_hand(monkeypatch):
    """Each test reads as a fresh process does: its first records are built by hand.

    ``ledger.trusted_records`` counts the records a process built and hands over to
    pydantic's validators after ``BY_HAND``; without this, tests run late in a session
    would only ever see the validators.
    """
    from treaty_ledger.ledger import trusted_records

    monkeypatch.setattr(trusted_records, "_by_hand", 0)


def postgres_dsn() -> str:
    """The test server's DSN, or skip (or fail, when it is required)."""
    dsn = os.environ.get("LEDGER_TEST_POSTGRES")
    if not dsn:
        if os.environ.get("LEDGER_REQUIRE_POSTGRES") == "1":
            pytest.fail("LEDGER_REQUIRE_POSTGRES=1 but LEDGER_TEST_POSTGRES is not set")
        pytest.skip("PostgreSQL store not tested: set LEDGER_TEST_POSTGRES to a DSN")
    return dsn


@pytest.fixture
def postgres_location():
    """A ledger location in a fresh schema of the test server."""
    import psycopg

    dsn = postgres_dsn()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    separator = "&" if "?" in dsn else "?"
    yield f"{dsn}{separator}schema={schema}"
    with psycopg.connect(dsn.split("?")[0], autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=STORE_KINDS)
def store_location(request, tmp_path):
    """A location of each store kind: in memory, a SQLite file, a PostgreSQL schema."""
    if request.param == "memory":
        return ":memory:"
    if request.param == "sqlite":
        return str(tmp_path / "ledger.db")
    return request.getfixturevalue("postgres_location")


@pytest.fixture(scope="session")
def shipped_store(tmp_path_factory) -> Path:
    """A SQLite ledger holding the shipped record, made once a session: copy it, never change it."""
    from click.testing import CliRunner

    from treaty_ledger.cli.main import main

    path = tmp_path_factory.mktemp("shipped-store") / "shipped.db"
    result = CliRunner().invoke(main, ["import", "--shipped", "--store", str(path)])
    assert result.exit_code == 0, result.output
    return path
