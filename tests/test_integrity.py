"""Tamper evidence: alterations made directly in the SQLite file are caught where they are."""

from __future__ import annotations

import sqlite3

import pytest
from builders import Clock, act, instrument
from hypothesis import given, settings
from hypothesis import strategies as st

from treaty_ledger.fixtures import shipped_files
from treaty_ledger.ledger.errors import StoreError
from treaty_ledger.ledger.integrity.checkpoints import Checkpoint, new_key, sign, signature_status
from treaty_ledger.ledger.integrity.codec import OrjsonTranscoder
from treaty_ledger.ledger.integrity.hashes import (
    FailureKind,
    StoredRow,
    checked_hash,
    entry_hash,
    new_entry_hash,
)
from treaty_ledger.ledger.integrity.log_format import entry_data, entry_from_data
from treaty_ledger.ledger.records import Submitted, parse_lines
from treaty_ledger.ledger.services.importer import append_records
from treaty_ledger.ledger.services.proofs import check_proof, prove
from treaty_ledger.ledger.services.verification import verify
from treaty_ledger.ledger.store.application import MEMORY, Ledger

RECORDS = [
    instrument("t"),
    *[act(f"t.a{n}", "signature", f"{1990 + n}", ["USA"], "t") for n in range(6)],
]


@pytest.fixture
def path(tmp_path):
    location = tmp_path / "ledger.db"
    with Ledger(str(location), create=True, clock=Clock()) as ledger:
        for record in RECORDS:  # one entry per transaction, as separate imports
            append_records(ledger, [Submitted("test", record)])
    return location


def checkpoint_of(path, key=None):
    with Ledger(str(path)) as ledger:
        made = Checkpoint(tree_size=ledger.log_size, root_hash=ledger.root_hash(), recorded_at="")
    return sign(made, key, "key") if key else made


def report(path, *checkpoints):
    with Ledger(str(path)) as ledger:
        return verify(ledger, [(f"cp{n}", cp) for n, cp in enumerate(checkpoints)])


def tamper(path, *statements):
    conn = sqlite3.connect(path)
    with conn:
        for statement, *params in statements:
            conn.execute(statement, params)
    conn.close()


def failure(result):
    assert not result.ok
    return (result.failure.position, result.failure.kind)


def test_an_untouched_log_verifies_against_its_checkpoint(path):
    checkpoint = checkpoint_of(path)
    result = report(path, checkpoint)
    assert result.ok and result.log_size == 7
    assert result.root_hash == checkpoint.root_hash
    assert result.checkpoints[0].consistent


def test_one_changed_byte_is_caught_at_its_position(path):
    tamper(
        path, ("UPDATE stored_events SET state = replace(state, '1993', '1994') WHERE rowid = 5",)
    )
    assert failure(report(path)) == (5, FailureKind.ALTERED)


def test_a_deleted_last_entry_is_caught_by_the_index_it_leaves_behind(path):
    tamper(
        path,
        ("DELETE FROM stored_events WHERE rowid = 7",),
        ("DELETE FROM entry_hashes WHERE position = 7",),
    )
    assert failure(report(path)) == (7, FailureKind.MISSING)


def test_a_deleted_last_entry_is_caught_against_an_earlier_checkpoint(path):
    checkpoint = checkpoint_of(path)
    tamper(
        path,
        ("DELETE FROM stored_events WHERE rowid = 7",),
        ("DELETE FROM entry_hashes WHERE position = 7",),
        ("DELETE FROM valid_time_index WHERE notification_id = 7",),
        ("DELETE FROM subject_index WHERE notification_id = 7",),
        ("DELETE FROM tree_heads WHERE size = 7",),
    )
    assert report(path).ok  # the truncated log and its side tables agree with each other...
    assert failure(report(path, checkpoint)) == (7, FailureKind.MISSING)  # ...not with the past


def test_a_deleted_entry_whose_hash_remains_is_missing(path):
    tamper(path, ("DELETE FROM stored_events WHERE rowid = 7",))
    assert failure(report(path)) == (7, FailureKind.MISSING)


def test_two_swapped_entries_are_reordered(path):
    tamper(
        path,
        ("UPDATE stored_events SET rowid = 100 WHERE rowid = 3",),
        ("UPDATE stored_events SET rowid = 3 WHERE rowid = 4",),
        ("UPDATE stored_events SET rowid = 4 WHERE rowid = 100",),
    )
    assert failure(report(path)) == (3, FailureKind.REORDERED)


def test_an_entry_inserted_at_the_end_is_caught(path):
    tamper(path, ("INSERT INTO stored_events SELECT 'act:t.x', 1, topic, state FROM stored_events "
                  "WHERE rowid = 7",))  # fmt: skip
    assert failure(report(path)) == (8, FailureKind.INSERTED)


def test_an_entry_inserted_in_the_middle_is_caught(path):
    shifts = [
        (f"UPDATE stored_events SET rowid = {n + 1} WHERE rowid = {n}",) for n in (7, 6, 5, 4)
    ]
    insert = (
        "INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state) "
        "SELECT 4, 'act:t.x', 1, topic, state FROM stored_events WHERE rowid = 3",
    )
    tamper(path, *shifts, insert)
    assert failure(report(path)) == (4, FailureKind.INSERTED)


def test_a_checkpoint_with_a_wrong_signature_is_caught(path):
    pem, _ = new_key()
    signed = checkpoint_of(path, pem)
    assert signature_status(signed) == "valid"
    forged = signed.model_copy(update={"tree_size": 6})
    assert signature_status(forged) == "invalid"
    assert failure(report(path, forged)) == (0, FailureKind.BAD_SIGNATURE)
    _, other = new_key()
    assert signature_status(signed, trusted_key=other) == "untrusted"


def test_a_checkpoint_of_another_log_is_inconsistent(path):
    other = checkpoint_of(path).model_copy(update={"root_hash": "0" * 64})
    assert failure(report(path, other)) == (0, FailureKind.INCONSISTENT)


def test_the_same_log_verifies_identically_after_export_and_reimport(path):
    checkpoint = checkpoint_of(path)
    with Ledger(str(path)) as original:
        exported = [entry_data(entry) for entry in original.entries()]
    with Ledger(MEMORY, create=True) as copy:
        copy.append_log([entry_from_data(data, "test") for data in exported])
        result = verify(copy, [("cp", checkpoint)])
        assert result.ok and result.root_hash == checkpoint.root_hash


def test_inclusion_proofs_check_offline_and_fail_when_altered(path):
    pem, public = new_key()
    checkpoint = checkpoint_of(path, pem)
    with Ledger(str(path)) as ledger:
        bundle = prove(ledger, "t.a2", checkpoint)
    result = check_proof(bundle, public)
    assert result.ok and list(result.entries) == [4]
    entry = bundle.entries[0]
    forged_leaf = entry.model_copy(update={"leaf": entry.leaf[:-4] + "AAA="})
    assert not check_proof(bundle.model_copy(update={"entries": [forged_leaf]})).ok
    tamper(
        path, ("UPDATE stored_events SET state = replace(state, '1992', '1999') WHERE rowid = 4",)
    )
    with Ledger(str(path)) as ledger, pytest.raises(StoreError):
        prove(ledger, "t.a2", checkpoint)


def test_read_only_refuses_every_write(path):
    with Ledger(str(path), read_only=True) as ledger:
        assert ledger.log_size == 7
        with pytest.raises(StoreError) as caught:
            append_records(
                ledger, [Submitted("test", act("t.new", "signature", "2000", ["FRA"], "t"))]
            )
    assert "read-only" in str(caught.value)


def test_rows_swapped_with_their_hashes_are_caught_by_record_time(path):
    tamper(
        path,
        ("UPDATE stored_events SET rowid = 100 WHERE rowid = 3",),
        ("UPDATE stored_events SET rowid = 3 WHERE rowid = 5",),
        ("UPDATE stored_events SET rowid = 5 WHERE rowid = 100",),
        ("UPDATE entry_hashes SET position = 100 WHERE position = 3",),
        ("UPDATE entry_hashes SET position = 3 WHERE position = 5",),
        ("UPDATE entry_hashes SET position = 5 WHERE position = 100",),
    )
    assert failure(report(path)) == (4, FailureKind.REORDERED)


def test_a_row_slipped_in_before_the_first_is_caught(path):
    tamper(
        path,
        (
            "INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state) "
            "SELECT 0, 'act:t.x', 1, topic, state FROM stored_events WHERE rowid = 7",
        ),
    )
    assert failure(report(path)) == (1, FailureKind.INSERTED)


def test_a_root_is_never_named_for_an_altered_log(path):
    with Ledger(str(path)) as ledger:
        intact = ledger.root_hash()
    tamper(
        path, ("UPDATE stored_events SET state = replace(state, '1993', '1994') WHERE rowid = 5",)
    )
    with Ledger(str(path)) as ledger, pytest.raises(StoreError) as caught:
        ledger.root_hash()
    assert "fails verification at position 5" in str(caught.value)
    assert intact not in str(caught.value)


def test_a_key_is_required_to_accept_a_checkpoint_when_given(path):
    _, public = new_key()
    unsigned = checkpoint_of(path)
    with Ledger(str(path)) as ledger:
        result = verify(ledger, [("cp", unsigned)], trusted_key=public)
    assert failure(result) == (0, FailureKind.BAD_SIGNATURE)
    assert result.checkpoints[0].signature == "untrusted"


def test_a_proof_must_name_the_act_it_proves(path):
    pem, public = new_key()
    with Ledger(str(path)) as ledger:
        bundle = prove(ledger, "t.a2", checkpoint_of(path, pem))
    assert check_proof(bundle, public).ok
    assert not check_proof(bundle.model_copy(update={"act": "t.a3"}), public).ok
    unsigned = bundle.model_copy(
        update={"checkpoint": bundle.checkpoint.model_copy(update={"signature": None})}
    )
    assert not check_proof(unsigned, public).ok


_KEYS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(state=st.dictionaries(_KEYS, _JSON, max_size=6), version=st.integers(1, 10**6))
def test_the_fast_leaf_hash_is_the_rfc_8785_hash_of_what_the_codec_writes(state, version):
    row = StoredRow(0, "act:x", version, "ledger.events:Recorded", OrjsonTranscoder().encode(state))
    assert new_entry_hash(row) == entry_hash(row)


def test_the_fast_leaf_hash_is_the_rfc_8785_hash_of_every_shipped_entry(tmp_path):
    location = str(tmp_path / "ledger.db")
    with Ledger(location, create=True) as ledger:
        for path in shipped_files():
            with open(path, "rb") as handle:
                append_records(ledger, parse_lines(handle, path.name))
        rows = list(ledger.rows())
    assert len(rows) > 150
    for row in rows:
        assert new_entry_hash(row) == entry_hash(row)


def test_a_fast_hash_that_does_not_match_falls_back_to_the_exact_one():
    state = b'{"recorded_at": "2026-01-01T00:00:00.000000Z"}'  # JSON, but not as the codec writes
    row = StoredRow(0, "act:x", 1, "ledger.events:Recorded", state)
    assert new_entry_hash(row) != entry_hash(row)
    assert checked_hash(row, entry_hash(row)) == entry_hash(row)
