"""Imports read in chunks: the same rules and the same stored bytes as one piece."""

from __future__ import annotations

import pytest
from builders import Clock, act, instrument

import treaty_ledger.ledger.services.importer as importer_module
import treaty_ledger.ledger.store.appending as appending_module
from treaty_ledger.ledger.errors import InvalidRecord, UnknownInstrument
from treaty_ledger.ledger.events import Recorded
from treaty_ledger.ledger.integrity.codec import OrjsonTranscoder
from treaty_ledger.ledger.model import record_content
from treaty_ledger.ledger.records import Submitted
from treaty_ledger.ledger.services.importer import append_records
from treaty_ledger.ledger.store.application import Ledger


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    """Chunks of three records, so that a dozen records cross several chunk boundaries."""
    monkeypatch.setattr(importer_module, "_CHUNK", 3)
    monkeypatch.setattr(appending_module, "CHUNK", 3)


def batch(*records):
    return [Submitted(f"batch line {n}", r) for n, r in enumerate(records, start=1)]


ACTS = [act(f"a-{n}", "signature", f"200{n}", ["USA"], "t") for n in range(10)]


def test_an_act_may_name_an_instrument_that_comes_chunks_later(tmp_path):
    with Ledger(str(tmp_path / "l.db"), create=True, clock=Clock()) as ledger:
        report = append_records(ledger, batch(*ACTS, instrument("t")))
        assert report.positions == list(range(1, 12))
        assert [e.record.id for e in ledger.entries()] == [*(a.id for a in ACTS), "t"]


def test_a_missing_instrument_is_reported_at_its_first_act_and_nothing_is_written(tmp_path):
    location = str(tmp_path / "l.db")
    with Ledger(location, create=True) as ledger:
        append_records(ledger, batch(instrument("other")))
        with pytest.raises(UnknownInstrument, match="batch line 1, act 'a-0'"):
            append_records(ledger, batch(*ACTS))
        assert ledger.log_size == 1


def test_one_id_twice_with_other_content_across_chunks_is_refused(tmp_path):
    changed = act("a-1", "signature", "1999", ["USA"], "t")
    with Ledger(str(tmp_path / "l.db"), create=True) as ledger:
        with pytest.raises(InvalidRecord, match="different content at batch line 3"):
            append_records(ledger, batch(instrument("t"), *ACTS, changed))
        assert ledger.log_size == 0


def test_one_id_twice_with_the_same_content_is_stored_once(tmp_path):
    with Ledger(str(tmp_path / "l.db"), create=True) as ledger:
        report = append_records(ledger, batch(instrument("t"), *ACTS, ACTS[0]))
        assert len(report.added) == 11 and ledger.log_size == 11


def test_the_stored_state_is_the_codec_encoding_of_the_recorded_event(tmp_path):
    clock = Clock()
    with Ledger(str(tmp_path / "l.db"), create=True, clock=clock, user="tester") as ledger:
        append_records(ledger, batch(instrument("t"), *ACTS))
        rows = list(ledger.rows())
        entries = list(ledger.entries())
    for row, entry in zip(rows, entries, strict=True):
        event = Recorded(
            row.originator_id, 1, "2026-01-01T00:00:00.000000Z", "tester",
            record_content(entry.record),
        )  # fmt: skip
        state = dict(vars(event))
        del state["originator_id"], state["originator_version"]
        assert row.state == OrjsonTranscoder().encode(state)


def test_python_rules_are_skipped_only_inside_a_trusted_block():
    from pydantic import ValidationError

    from treaty_ledger.ledger.model import RECORD_ADAPTER, trusted_content

    content = record_content(ACTS[0]) | {"actors": ["XXX"], "summary": "two\nlines"}
    with trusted_content():
        assert RECORD_ADAPTER.validate_python(content).actors == ["XXX"]
    with pytest.raises(ValidationError, match="XXX"):
        RECORD_ADAPTER.validate_python(content)


def test_an_import_that_must_index_first_writes_every_chunk(tmp_path):
    import sqlite3

    location = str(tmp_path / "l.db")
    with Ledger(location, create=True) as ledger:
        append_records(ledger, batch(instrument("t")))
        # Meanwhile a version without the index appended: its entry has no side rows.
        conn = sqlite3.connect(location)
        with conn:
            for table in ("valid_time_index", "subject_index"):
                conn.execute(f"DELETE FROM {table}")
            conn.execute("DELETE FROM tree_heads")
        conn.close()
        report = append_records(ledger, batch(*ACTS))
        assert report.positions == list(range(2, 12))
        assert [e.record.id for e in ledger.entries()] == ["t", *(a.id for a in ACTS)]
        assert ledger.indexed() is not None
