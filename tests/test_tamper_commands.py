"""One rule for every command: what ``ledger verify`` refuses, nothing answers from.

The shipped record in a SQLite file, changed with sqlite3 as an operator
could; every command that names a root, signs, exports, copies or answers
from the whole log must refuse with exactly the line ``ledger verify``
prints, naming the same position.
"""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from click.testing import CliRunner

from treaty_ledger.cli.main import main
from treaty_ledger.ledger.integrity.hashes import StoredRow, entry_hash

ANNEXATION = "act:crimea-accession-treaty-2014.rus.annexation.crimea"
WHOLE_LOG_COMMANDS = [
    ["replay", "--as-of", "2014-03", "--verify"],
    ["replay", "--as-of", "2014-03", "--instrument", "crimea-accession-treaty-2014", "--verify"],
    ["timeline"],
    ["timeline", "--actor", "RUS", "--verify"],
    ["export", "claims", "--as-of", "2014-03", "--format", "json"],
    ["export", "status", "--as-of", "2014-03", "--format", "csv"],
    ["diff", "--from", "2014-01", "--to", "2014-12"],
    ["actor", "RUS", "--as-of", "2014-03"],
    ["history", "crimea-accession-treaty-2014.rus.annexation.crimea"],
    ["checkpoint"],
    ["export-log"],
    ["instruments"],
]


@pytest.fixture
def store(shipped_store, tmp_path):
    target = tmp_path / "ledger.db"
    shutil.copy(shipped_store, target)
    return target


def run(*args):
    return CliRunner().invoke(main, [str(arg) for arg in args])


def last_line(result) -> str:
    return result.output.strip().splitlines()[-1]


def tamper(path, statement, *params) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(statement, params)
    conn.close()


def cut_tail(path) -> None:
    """Delete the last 8 entries' event rows only; their hashes, index rows and heads stay."""
    tamper(path, "DELETE FROM stored_events WHERE rowid > 160")


def rehash_altered(path) -> None:
    """Change one byte of the annexation of Crimea and write its new leaf hash."""
    conn = sqlite3.connect(path)
    with conn:
        rowid, oid, version, topic, state = conn.execute(
            "SELECT rowid, originator_id, originator_version, topic, state FROM stored_events "
            "WHERE originator_id = ?",
            (ANNEXATION,),
        ).fetchone()
        changed = state.replace(b"Crimea", b"Crimeb", 1)
        assert changed != state
        digest = entry_hash(StoredRow(rowid, oid, version, topic, changed))
        conn.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", (changed, rowid))
        conn.execute("UPDATE entry_hashes SET leaf_hash = ? WHERE position = ?", (digest, rowid))
    conn.close()


def move_index_row(path) -> None:
    """Move the annexation's days to 2099 in the valid-time index (the entry is untouched)."""
    tamper(
        path,
        "UPDATE valid_time_index SET earliest = '2099-01-01', latest = '2099-01-01' "
        "WHERE record_key = ?",
        ANNEXATION,
    )


CASES = {
    "tail cut": (cut_tail, "position 161 (missing"),
    "entry rehashed": (rehash_altered, "(tree-head"),
    "index row moved": (move_index_row, "(index"),
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("command", WHOLE_LOG_COMMANDS, ids=lambda args: " ".join(args[:2]))
def test_every_whole_log_command_refuses_with_the_line_verify_prints(store, case, command):
    change, expected = CASES[case]
    change(store)
    verified = run("verify", "--store", store)
    assert verified.exit_code == 1
    assert expected in last_line(verified)
    result = run(*command, "--store", store)
    assert result.exit_code == 1, result.output
    assert last_line(result) == last_line(verified)
    assert "Traceback" not in result.output


@pytest.mark.parametrize("case", CASES)
def test_migrate_never_launders_a_tampered_log(store, tmp_path, case):
    change, _ = CASES[case]
    change(store)
    verified = run("verify", "--store", store)
    result = run("migrate", "--from", store, "--to", tmp_path / "clean.db")
    assert result.exit_code == 1
    assert last_line(result) == last_line(verified)
    assert not (tmp_path / "clean.db").exists()


def test_a_prefix_of_a_log_with_a_cut_tail_is_refused_too(store):
    cut_tail(store)
    result = run("replay", "--as-of", "2014-03", "--known-at", "@100", "--store", store)
    assert result.exit_code == 1
    assert "position 161 (missing" in last_line(result)


def test_an_answer_through_the_index_says_its_root_is_the_recorded_head_unchecked(store):
    move_index_row(store)
    result = run("replay", "--as-of", "2014-03", "--store", store)
    assert result.exit_code == 0
    assert "Crimea" not in result.output.split("Territorial claims")[-1]
    assert "(the recorded tree head, unchecked: " in result.output
    checked = run("replay", "--as-of", "2014-03", "--verify", "--store", store)
    assert checked.exit_code == 1 and "(index" in last_line(checked)


def test_an_untouched_log_answers_with_its_root_checked(store):
    result = run("replay", "--as-of", "2014-03", "--verify", "--store", store, "--json")
    assert result.exit_code == 0
    assert '"root_checked":true' in result.output.replace(" ", "")
    indexed = run("replay", "--as-of", "2014-03", "--store", store, "--json")
    assert '"root_checked":false' in indexed.output.replace(" ", "")


def _rehash(path, old: bytes, new: bytes) -> int:
    conn = sqlite3.connect(path)
    with conn:
        rowid, oid, version, topic, state = conn.execute(
            "SELECT rowid, originator_id, originator_version, topic, state FROM stored_events "
            "WHERE originator_id = ?",
            (ANNEXATION,),
        ).fetchone()
        changed = state.replace(old, new, 1)
        assert changed != state
        digest = entry_hash(StoredRow(rowid, oid, version, topic, changed))
        conn.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", (changed, rowid))
        conn.execute("UPDATE entry_hashes SET leaf_hash = ? WHERE position = ?", (digest, rowid))
    conn.close()
    return rowid


def test_verify_names_the_first_position_where_heads_and_leaves_diverge(store):
    _rehash(store, b"Crimea", b"Crimeb")  # position 138, under the head of size 160
    result = run("verify", "--store", store)
    assert result.exit_code == 1
    # The head of size 28 vouches for 1-28; the head of size 160 holds the root of
    # 1-128 (which the leaves give) and of 129-160 (which they do not).
    assert "at position 129 (tree-head: the recorded tree heads and the leaves diverge " \
        "within positions 129 to 160" in last_line(result)


def test_an_index_row_failing_because_its_entry_changed_names_the_entry_altered(store):
    position = _rehash(store, b'"date":"2014-03-18"', b'"date":"2014-03-19"')
    result = run("verify", "--store", store)
    assert result.exit_code == 1
    assert f"at position {position} (altered: the entry changed after it was appended" in (
        last_line(result)
    )
