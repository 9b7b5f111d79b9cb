"""Run the tamper matrix: which command refuses which change made behind the ledger's back.

    python -m benchmarks.tamper_matrix [--postgres postgresql://USER@HOST:PORT/DB]

For each store (a SQLite file; PostgreSQL when --postgres or LEDGER_TEST_POSTGRES
names a database), each change an operator could make with SQL (a byte of an
entry, the same with its leaf hash rewritten, an entry deleted in the middle
or at the tail, two entries swapped, an entry inserted, an index row moved, a
tree head zeroed), and each of two layouts (side tables kept; side tables
dropped, as a ledger written before the index existed), it loads the shipped
record, makes the change, runs every command that names a root, signs,
exports, copies or answers from the log, and prints ``refused`` or
``ANSWERED`` for each. ``n/a`` marks a change to a side table that the
layout does not have. Expected: every cell says refused, except that
``replay (index)`` answers (saying its root is the recorded tree head,
unchecked) where the change lies in entries or index rows it does not
read, and that a rehashed entry with no tree heads to contradict it is
caught only against a checkpoint taken before (``verify --checkpoint``).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from treaty_ledger.cli.main import main
from treaty_ledger.ledger.integrity.hashes import StoredRow, entry_hash

ANNEXATION = "act:crimea-accession-treaty-2014.rus.annexation.crimea"
SIDE_TABLES = ("valid_time_index", "subject_index", "tree_heads")
COMMANDS = {
    "verify": ["verify"],
    "replay (index)": ["replay", "--as-of", "2014-03"],
    "replay --verify": ["replay", "--as-of", "2014-03", "--verify"],
    "timeline": ["timeline"],
    "export": ["export", "claims", "--as-of", "2014-03", "--format", "json"],
    "diff": ["diff", "--from", "2014-01", "--to", "2014-12"],
    "actor": ["actor", "RUS", "--as-of", "2014-03"],
    "history": ["history", "crimea-accession-treaty-2014.rus.annexation.crimea"],
    "checkpoint": ["checkpoint"],
    "export-log": ["export-log"],
    "migrate": ["migrate", "--to"],
}


class Database:
    """Run SQL on one store as an operator would, behind the ledger's back."""

    def __init__(self, location: str) -> None:
        self.postgres = location.startswith("postgresql://")
        if self.postgres:
            import psycopg

            base, _, schema = location.partition("?schema=")
            self.conn = psycopg.connect(base, autocommit=True)
            self.conn.execute(f'SET search_path TO "{schema}"')
            self.id, self.mark, self.events = "notification_id", "%s", "treatyledger_events"
        else:
            self.conn = sqlite3.connect(location, isolation_level=None)
            self.id, self.mark, self.events = "rowid", "?", "stored_events"

    def run(self, sql: str, *params) -> list:
        sql = sql.replace("{id}", self.id).replace("?", self.mark)
        sql = sql.replace("stored_events", self.events)
        cursor = self.conn.execute(sql, params)
        return cursor.fetchall() if cursor.description else []

    def entry(self, position: int) -> tuple:
        return self.run(
            "SELECT {id}, originator_id, originator_version, topic, state FROM stored_events "
            "ORDER BY {id} LIMIT 1 OFFSET ?", position - 1,
        )[0]  # fmt: skip

    def close(self) -> None:
        self.conn.close()


def _byte(db: Database, rehash: bool = False) -> None:
    (nid,) = db.run("SELECT {id} FROM stored_events WHERE originator_id = ?", ANNEXATION)[0]
    _, oid, version, topic, state = db.run(
        "SELECT {id}, originator_id, originator_version, topic, state FROM stored_events "
        "WHERE {id} = ?", nid,
    )[0]  # fmt: skip
    changed = bytes(state).replace(b"Crimea", b"Crimeb", 1)
    db.run("UPDATE stored_events SET state = ? WHERE {id} = ?", changed, nid)
    if rehash:
        digest = entry_hash(StoredRow(nid, oid, version, topic, changed))
        db.run("UPDATE entry_hashes SET leaf_hash = ? WHERE position = ?", digest, nid)


def _swap(db: Database) -> None:
    first, second = db.entry(80), db.entry(81)
    moving = "UPDATE stored_events SET originator_id = ?, originator_version = ?, topic = ?, " \
        "state = ? WHERE {id} = ?"
    db.run(moving, "swap:placeholder", 1, first[3], bytes(first[4]), first[0])  # unique ids
    db.run(moving, *first[1:4], bytes(first[4]), second[0])
    db.run(moving, *second[1:4], bytes(second[4]), first[0])


def _insert(db: Database) -> None:
    _, oid, version, topic, state = db.entry(100)
    db.run("INSERT INTO stored_events (originator_id, originator_version, topic, state) "
           "VALUES (?, ?, ?, ?)", oid + ".forged", version, topic, bytes(state))  # fmt: skip


TAMPERS: dict[str, tuple[Callable[[Database], None], bool]] = {
    # name: (change, whether it needs the side tables)
    "byte change": (_byte, False),
    "byte change + rehash": (lambda db: _byte(db, rehash=True), False),
    "deletion, middle": (lambda db: db.run("DELETE FROM stored_events WHERE {id} = ?",
                                           db.entry(80)[0]), False),  # fmt: skip
    "deletion, tail": (lambda db: db.run("DELETE FROM stored_events WHERE {id} > ?",
                                         db.entry(160)[0]), False),  # fmt: skip
    "swap": (_swap, False),
    "insertion": (_insert, False),
    "index row": (lambda db: db.run(
        "UPDATE valid_time_index SET earliest = '2099-01-01', latest = '2099-01-01' "
        "WHERE record_key = ?", ANNEXATION), True),  # fmt: skip
    "tree head": (lambda db: db.run(
        "UPDATE tree_heads SET root = ? WHERE size = (SELECT MAX(size) FROM tree_heads)",
        bytes(32)), True),  # fmt: skip
}


def fresh_store(kind: str, folder: Path, postgres: str | None) -> str:
    if kind == "sqlite":
        return str(folder / f"{uuid.uuid4().hex[:8]}.db")
    return f"{postgres}?schema=tm_{uuid.uuid4().hex[:10]}"


def drop_store(location: str) -> None:
    if location.startswith("postgresql://"):
        import psycopg

        base, _, schema = location.partition("?schema=")
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def outcome(runner: CliRunner, args: list[str], location: str, folder: Path) -> str:
    if args[0] == "migrate":
        target = str(folder / f"copy-{uuid.uuid4().hex[:8]}.db")
        result = runner.invoke(main, ["migrate", "--from", location, "--to", target])
    else:
        result = runner.invoke(main, [*args, "--store", location])
    return "refused" if result.exit_code != 0 else "ANSWERED"


def run_matrix(kinds: list[str], postgres: str | None) -> list[tuple[str, str, str, dict]]:
    runner = CliRunner()
    rows = []
    with tempfile.TemporaryDirectory(prefix="tamper-") as temporary:
        folder = Path(temporary)
        for kind in kinds:
            for layout in ("side tables", "no side tables"):
                for name, (change, needs_tables) in TAMPERS.items():
                    if needs_tables and layout == "no side tables":
                        rows.append((kind, layout, name, dict.fromkeys(COMMANDS, "n/a")))
                        continue
                    location = fresh_store(kind, folder, postgres)
                    loaded = runner.invoke(main, ["import", "--shipped", "--store", location])
                    assert loaded.exit_code == 0, loaded.output
                    db = Database(location)
                    if layout == "no side tables":
                        for table in SIDE_TABLES:
                            db.run(f"DROP TABLE {table}")
                    change(db)
                    db.close()
                    cells = {label: outcome(runner, args, location, folder)
                             for label, args in COMMANDS.items()}  # fmt: skip
                    rows.append((kind, layout, name, cells))
                    drop_store(location)
    return rows


def main_matrix() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("LEDGER_TEST_POSTGRES"),
                        help="a PostgreSQL database to run the matrix on too")  # fmt: skip
    options = parser.parse_args()
    kinds = ["sqlite"] + (["postgres"] if options.postgres else [])
    rows = run_matrix(kinds, options.postgres)
    labels = list(COMMANDS)
    print(f"{'store':8} {'layout':15} {'change':22} " + " ".join(f"{c:>15}" for c in labels))
    for kind, layout, name, cells in rows:
        print(f"{kind:8} {layout:15} {name:22} " + " ".join(f"{cells[c]:>15}" for c in labels))


if __name__ == "__main__":
    main_matrix()
