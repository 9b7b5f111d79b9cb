"""Answers read through the valid-time index: the guards they run, and what they say.

An answer through the index reads only some entries. Before reading it counts the
stored entries (through a narrow index of their own) against the recorded tree head,
so an entry deleted together with its side rows is refused; and the root it names is
said to be unchecked, on the command line and in the browser view alike.
"""

from __future__ import annotations

import json
import sqlite3

import pytest
from builders import shipped_size
from click.testing import CliRunner
from fastapi.testclient import TestClient

from treaty_ledger.cli.http_api import create_app
from treaty_ledger.cli.main import main


@pytest.fixture
def store(tmp_path):
    path = str(tmp_path / "ledger.db")
    assert CliRunner().invoke(main, ["import", "--shipped", "--store", path]).exit_code == 0
    return path


def _delete_with_side_rows(path: str, position: int) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM stored_events WHERE rowid = ?", (position,))
        conn.execute("DELETE FROM entry_hashes WHERE position = ?", (position,))
        conn.execute("DELETE FROM valid_time_index WHERE notification_id = ?", (position,))
        conn.execute("DELETE FROM subject_index WHERE notification_id = ?", (position,))


@pytest.mark.parametrize(
    "args",
    [["replay", "--as-of", "2014-03"], ["replay", "--as-of", "2014-03", "--instrument", "cfe-1990"],
     ["timeline", "--actor", "RUS"]],
    ids=["replay", "replay-instrument", "timeline-actor"],
)  # fmt: skip
def test_an_entry_deleted_with_its_side_rows_is_refused_through_the_index(store, args):
    _delete_with_side_rows(store, 83)
    result = CliRunner().invoke(main, [*args, "--store", store])
    assert result.exit_code == 1
    size = shipped_size()
    assert f"holds {size - 1} entries where its valid-time index and tree head record {size}" in (
        result.output
    )


def test_the_regime_page_says_its_root_is_the_recorded_head_unchecked(store):
    page = TestClient(create_app(store)).get("/", params={"as_of": "2014-03"}).text
    assert 'id="root-unchecked"' in page and "recorded tree head, unchecked" in page


def test_the_regime_page_refuses_a_log_cut_in_the_middle(store):
    _delete_with_side_rows(store, 83)
    page = TestClient(create_app(store)).get("/", params={"as_of": "2014-03"})
    assert page.status_code == 503 and "missing or inserted entries" in page.text


def _count_plan(path: str) -> str:
    with sqlite3.connect(path) as conn:
        plan = conn.execute("EXPLAIN QUERY PLAN SELECT COUNT(*) FROM stored_events").fetchall()
    conn.close()
    return plan[0][3]


def test_a_ledger_without_the_count_index_gains_it_with_its_next_write(store, tmp_path):
    # Entries are counted through an index on the version alone; a ledger written before
    # it existed counts them through the primary key's index until something writes.
    assert _count_plan(store).endswith("USING COVERING INDEX stored_events_count")
    with sqlite3.connect(store) as conn:
        conn.execute("DROP INDEX stored_events_count")
        (record,) = conn.execute("SELECT state FROM stored_events WHERE rowid = 83").fetchone()
    conn.close()
    assert "stored_events_count" not in _count_plan(store)
    runner = CliRunner()
    result = runner.invoke(main, ["timeline", "--actor", "RUS", "--store", store])
    assert result.exit_code == 0 and "as known at" in result.output.lower()
    again = tmp_path / "again.jsonl"  # a record already there: the write adds no entry
    again.write_text(json.dumps(json.loads(record)["record"]) + "\n")
    result = runner.invoke(main, ["import", str(again), "--store", store])
    assert result.exit_code == 0 and "1 already recorded" in result.output
    assert _count_plan(store).endswith("USING COVERING INDEX stored_events_count")
    _delete_with_side_rows(store, 83)  # the guard counts through it
    result = runner.invoke(main, ["timeline", "--actor", "RUS", "--store", store])
    assert result.exit_code == 1 and f"holds {shipped_size() - 1} entries" in result.output
