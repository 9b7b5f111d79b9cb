"""The streamed check of the whole log agrees with the whole-log check, change for change.

``index.log_scan`` reads the log as streams, holding a few hashes; the
whole-log check (``index.check.check_log``) holds everything. For the shipped
record, untouched and changed behind the ledger's back in every way the
tamper matrix makes and a few more on the side tables, on SQLite and
PostgreSQL, both must agree on whether the log holds; where it holds, on its
size, root and leaves; and every moment a command may ask for must resolve as
``projections.known`` resolves it over the whole log.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from test_index import build

from benchmarks.tamper_matrix import TAMPERS, Database
from treaty_ledger.cli.main import main
from treaty_ledger.ledger.errors import LedgerError
from treaty_ledger.ledger.index.check import check_log
from treaty_ledger.ledger.index.log_scan import scan_log
from treaty_ledger.ledger.integrity.merkle import (
    PackedLeaves,
    consistency_proof,
    inclusion_path,
    root,
)
from treaty_ledger.ledger.record_time import format_instant, parse_known_at
from treaty_ledger.ledger.services.verification import checked_log
from treaty_ledger.ledger.store.application import Ledger
from treaty_ledger.projections.known import known

SIDE_TABLE_CHANGES = {
    "subject row deleted": "DELETE FROM subject_index WHERE notification_id = "
    "(SELECT MIN(notification_id) FROM subject_index WHERE subject = 'actor:RUS')",
    "subject row added": "INSERT INTO subject_index SELECT subject, first_day, last_day, "
    "record_key, notification_id FROM subject_index WHERE subject = 'actor:UKR' LIMIT 1",
    "subject row of no entry": "INSERT INTO subject_index VALUES ('actor:RUS', '2000-01-01', "
    "'2000-01-01', 'act:nothing', 999999)",
    "hash row of no entry": "INSERT INTO entry_hashes VALUES (999999, ?)",
    "hash row deleted": "DELETE FROM entry_hashes WHERE position = "
    "(SELECT notification_id FROM valid_time_index WHERE position = 50)",
    "index row deleted": "DELETE FROM valid_time_index WHERE position = 50",
    "index row of no entry": "INSERT INTO valid_time_index SELECT 999999, 999999, record_key, "
    "action, recorded_at, earliest, latest, effective_earliest, effective_latest, sequence "
    "FROM valid_time_index WHERE position = 3",
    "index positions swapped": "UPDATE valid_time_index SET position = -position "
    "WHERE position IN (20, 21); UPDATE valid_time_index SET position = 41 + position "
    "WHERE position < 0",
    "last tree head deleted": "DELETE FROM tree_heads WHERE size = (SELECT MAX(size) FROM "
    "tree_heads)",
    "tree head beyond the log": "INSERT INTO tree_heads SELECT size + 5, root, frontier "
    "FROM tree_heads WHERE size = (SELECT MAX(size) FROM tree_heads)",
    "tree head of nothing": "INSERT INTO tree_heads VALUES (0, ?, ?)",
    "first tree head altered": "UPDATE tree_heads SET frontier = ? WHERE size = "
    "(SELECT MIN(size) FROM tree_heads)",
}


@pytest.fixture(scope="module")
def shipped_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("shipped")
    result = CliRunner().invoke(main, ["import", "--shipped", "--store", str(folder / "l.db")])
    assert result.exit_code == 0, result.output
    return folder / "l.db"


@pytest.fixture(params=["sqlite", "postgres"])
def shipped(request, shipped_file, tmp_path):
    if request.param == "sqlite":
        target = tmp_path / "ledger.db"
        target.write_bytes(shipped_file.read_bytes())
        return str(target)
    location = request.getfixturevalue("postgres_location")
    result = CliRunner().invoke(main, ["import", "--shipped", "--store", location])
    assert result.exit_code == 0, result.output
    return location


def _both(location: str):
    """(whether the streamed check holds, its scan; the whole-log check's leaves and failure)."""
    with Ledger(location, read_only=True) as ledger:
        recorder = ledger._app.recorder
        with recorder.index_reader().whole_log() as streams:
            scan = scan_log(streams, keep_leaves=True)
        leaves, failure = check_log(
            list(ledger.rows()), ledger.recorded_hashes(), ledger.side_tables()
        )
    return scan, leaves, failure


def test_an_untouched_log_holds_both_ways_with_the_same_root_and_leaves(shipped):
    scan, leaves, failure = _both(shipped)
    assert failure is None and scan.holds
    assert scan.size == len(leaves) > 100
    assert scan.root == root(leaves)
    assert list(scan.leaves) == leaves


@pytest.mark.parametrize("change", [*TAMPERS, *SIDE_TABLE_CHANGES])
def test_every_change_fails_the_streamed_check_as_it_fails_the_whole_log_check(shipped, change):
    db = Database(shipped)
    if change in TAMPERS:
        TAMPERS[change][0](db)
    else:
        for statement in SIDE_TABLE_CHANGES[change].split("; "):
            db.run(statement, *[bytes(32)] * statement.count("?"))
    db.close()
    scan, _, failure = _both(shipped)
    assert failure is not None
    assert not scan.holds


def _generated(tmp_path) -> str:
    location = str(tmp_path / "generated.db")
    build(location, seed=3)
    return location


def test_every_moment_resolves_as_over_the_whole_log(tmp_path):
    location = _generated(tmp_path)
    with Ledger(location, read_only=True) as ledger:
        entries = ledger.verified().entries
        size = len(entries)
        texts = ["@1", f"@{size // 3}", f"@{size}", format_instant(entries[0].recorded_at),
                 format_instant(entries[size // 2].recorded_at), "2025-12-31"]  # fmt: skip
        for text in [None, *texts]:
            moment = parse_known_at(text) if text else None
            checked = checked_log(ledger, moment)
            whole = known(entries, moment)
            assert (checked.size, checked.position, checked.known_at) == (
                size, whole.position, whole.known_at
            ), text
            assert checked.root_hash == root(ledger.verified().leaves[: whole.position]).hex()


@pytest.mark.parametrize("text", ["@100000", "2999-01-01"])
def test_a_moment_the_log_does_not_have_is_refused_as_over_the_whole_log(tmp_path, text):
    location = _generated(tmp_path)
    with Ledger(location, read_only=True) as ledger:
        moment = parse_known_at(text)
        with pytest.raises(LedgerError) as streamed:
            checked_log(ledger, moment)
        with pytest.raises(LedgerError) as whole:
            known(ledger.verified().entries, moment)
    assert str(streamed.value) == str(whole.value)


def test_packed_leaves_slice_and_prove_as_a_list_does():
    leaves = [bytes([n]) * 32 for n in range(37)]
    packed = PackedLeaves()
    for leaf in leaves:
        packed.append(leaf)
    assert len(packed) == 37 and list(packed) == leaves and packed[-1] == leaves[-1]
    assert list(packed[5:9]) == leaves[5:9] and len(packed[30:99]) == 7
    assert root(packed) == root(leaves)
    for size in (1, 16, 20, 37):
        assert consistency_proof(size, packed) == consistency_proof(size, leaves)
    assert inclusion_path(11, packed) == inclusion_path(11, leaves)
    with pytest.raises(IndexError):
        packed[37]
