"""Imports read in chunks: the same rules and the same stored bytes as one piece."""

from __future__ import annotations

import orjson
import pytest
from builders import Clock, act, instrument

import treaty_ledger.ledger.services.importer as importer_module
import treaty_ledger.ledger.store.recording as recording_module
from treaty_ledger.ledger.contents import iter_contents
from treaty_ledger.ledger.errors import InvalidRecord, UnknownInstrument
from treaty_ledger.ledger.events import Recorded
from treaty_ledger.ledger.integrity.codec import OrjsonTranscoder
from treaty_ledger.ledger.model import record_content
from treaty_ledger.ledger.records import Submitted
from treaty_ledger.ledger.services.import_report import Positions, RecordKeys
from treaty_ledger.ledger.services.importer import append_records
from treaty_ledger.ledger.services.verification import verify
from treaty_ledger.ledger.store.application import Ledger


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    """Chunks of three records, so that a dozen records cross several chunk boundaries."""
    monkeypatch.setattr(importer_module, "_CHUNK", 3)


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


def lines_of(*records) -> list[bytes]:
    return [orjson.dumps(record_content(r)) for r in records]


def test_a_bad_line_chunks_after_writing_began_writes_nothing(store_location):
    bad = record_content(ACTS[0]) | {"id": "a-bad", "actors": ["rus"]}
    lines = [*lines_of(*ACTS), orjson.dumps(bad)]
    with Ledger(store_location, create=True, clock=Clock()) as ledger:
        append_records(ledger, batch(instrument("t")))
        before = list(ledger.rows())
        with pytest.raises(InvalidRecord, match="f line 11, act 'a-bad', field 'actors.0'"):
            append_records(ledger, lambda: iter_contents(lines, "f"))
        assert list(ledger.rows()) == before
        assert ledger.log_size == 1
        report = append_records(ledger, lambda: iter_contents(lines[:-1], "f"))
        assert list(report.positions) == list(range(2, 12))


def test_a_record_already_recorded_met_again_with_other_content_names_where_it_was_first():
    changed = act("a-0", "signature", "1999", ["USA"], "t")
    with Ledger(":memory:", create=True) as ledger:
        append_records(ledger, batch(instrument("t"), ACTS[0]))
        with pytest.raises(InvalidRecord, match="batch line 8.*different content at batch line 1"):
            append_records(ledger, batch(ACTS[0], *ACTS[1:7], changed))
        assert ledger.log_size == 2


def test_fast_content_and_models_store_the_same_bytes_hashes_and_index(tmp_path):
    records = [instrument("t"), *ACTS, act("x", "alleged-violation", "2001?", ["RUS"],
                                          recipients=["USA", "DEU"])]  # fmt: skip
    stored = []
    for name, items in (("models", batch(*records)),
                        ("contents", list(iter_contents(lines_of(*records), "f")))):  # fmt: skip
        with Ledger(str(tmp_path / f"{name}.db"), create=True, clock=Clock(), user="t") as ledger:
            append_records(ledger, items)
            stored.append((list(ledger.rows()), ledger.recorded_hashes(), ledger.side_tables()))
    (rows, hashes, sides), (rows2, hashes2, sides2) = stored
    assert rows == rows2 and hashes == hashes2
    assert [[tuple(row) for row in table] for table in sides] == [
        [tuple(row) for row in table] for table in sides2
    ]


def _indexes(location: str) -> set[str]:
    import sqlite3

    query = "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    with sqlite3.connect(location) as conn:
        return {name for (name,) in conn.execute(query)}


def test_an_import_that_defers_the_side_indexes_builds_them_before_it_commits(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(recording_module, "DEFER_INDEXES_FROM", 4)
    location = str(tmp_path / "l.db")
    with Ledger(location, create=True, clock=Clock()) as ledger:
        indexes = _indexes(location)
        assert {"subject_index_days", "valid_time_index_record"} <= indexes
        bad = record_content(ACTS[9]) | {"id": "z", "date": "2014-02-30"}
        with pytest.raises(InvalidRecord):  # after the indexes were dropped: all rolled back
            append_records(ledger, lambda: iter_contents([*lines_of(*ACTS), orjson.dumps(bad)],
                                                         "f"))  # fmt: skip
        assert _indexes(location) == indexes and ledger.log_size == 0
        append_records(ledger, batch(instrument("t"), *ACTS))
        assert _indexes(location) == indexes
        assert verify(ledger).ok
        reads = ledger.indexed()
        assert reads is not None
        found = reads.excerpt(None, ["actor:USA"]).entries
        assert [entry.record.id for entry in found] == [a.id for a in ACTS]


def test_an_import_report_reads_as_lists_and_holds_no_tuples():
    keys = RecordKeys([("act", "a-1"), ("instrument", "t")])
    keys.append(("relation", "r"))
    assert keys == [("act", "a-1"), ("instrument", "t"), ("relation", "r")]
    assert keys[-1] == ("relation", "r") and keys[1:] == [("instrument", "t"), ("relation", "r")]
    assert keys != [("act", "a-1")] and list(RecordKeys()) == []
    positions = Positions(range(3, 6))
    positions.extend([9])
    assert positions == [3, 4, 5, 9] and positions[-1] == 9 and positions[:2] == [3, 4]
    with pytest.raises(KeyError):
        keys.append(("treaty", "t"))
