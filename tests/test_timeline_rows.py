"""Timeline rows built from checked stored acts equal the ones validation builds.

``projections.timeline.trusted_timeline_act`` builds the rows of an indexed
timeline (``timeline --actor``, ``--instrument``) without pydantic's
validation: it must give exactly what ``TimelineAct.model_validate`` gives
(same values, same types, same fields set, same JSON), for every act of the
shipped record and of the benchmarks' synthetic ledgers. The answer is built
with the cyclic garbage collector paused (``cli.queries.collector_paused``).
"""

from __future__ import annotations

import gc
import sqlite3

import pytest
from builders import shipped_entries
from click.testing import CliRunner

from treaty_ledger.cli.main import main
from treaty_ledger.cli.queries import collector_paused
from treaty_ledger.ledger.dates import valid_time_of
from treaty_ledger.ledger.model import record_content
from treaty_ledger.projections.models import TimelineAct
from treaty_ledger.projections.timeline import trusted_timeline_act


def _validated(record: dict, earliest: str, latest: str, position: int) -> TimelineAct:
    get = record.get
    return TimelineAct.model_validate({
        "id": record["id"], "type": record["type"], "date": record["date"],
        "earliest": earliest, "latest": latest, "effective": get("effective"),
        "instrument": get("instrument"), "provision": get("provision"),
        "successor": get("successor"), "actors": record["actors"],
        "recipients": get("recipients", []), "predecessor": get("predecessor"),
        "territory": get("territory"), "sequence": get("sequence"),
        "summary": record["summary"], "date_note": get("date_note"),
        "contested": get("contested"), "sources": record["sources"], "position": position,
    })  # fmt: skip


def _same_rows(records: list[dict]) -> None:
    built_sources: dict = {}  # shared, as one answer shares it
    for position, record in enumerate(records, start=1):
        time = valid_time_of(record["date"])
        days = (time.earliest.isoformat(), time.latest.isoformat())
        built = trusted_timeline_act(record, *days, position, built_sources)
        validated = _validated(record, *days, position)
        assert built == validated
        assert repr(built) == repr(validated)  # enum members, not bare text; nested models
        assert built.model_fields_set == validated.model_fields_set
        assert [s.model_fields_set for s in built.sources] == [
            s.model_fields_set for s in validated.sources
        ]
        assert built.model_dump_json() == validated.model_dump_json()


def test_every_shipped_act_gives_the_row_validation_gives():
    acts = [record_content(entry.record) for entry in shipped_entries()]
    acts = [content for content in acts if content["record"] == "act"]
    assert any("contested" in act for act in acts)
    assert any("url" in source for act in acts for source in act["sources"])
    assert any("url" not in source for act in acts for source in act["sources"])
    _same_rows(acts)


def test_every_synthetic_act_gives_the_row_validation_gives():
    from benchmarks.synthetic import records

    acts = [record for record in records(3000, instruments=50) if record["record"] == "act"]
    assert len(acts) == 3000
    _same_rows(acts)


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"type": "handshake"}, KeyError),
        ({"sources": [["not", "an", "object"]]}, TypeError),
        ({"sources": [{"title": "T", "publisher": "P", "date": "2001", "page": 3}]}, ValueError),
        ({"contested": {"by": ["UKR"], "grounds": "g"}}, ValueError),
    ],
    ids=["unknown act type", "source not an object", "unknown source field", "contest short"],
)
def test_a_stored_act_not_as_the_ledger_writes_it_is_refused(change, error):
    act = {"record": "act", "id": "a-1", "type": "signature", "date": "2001-02-03",
           "actors": ["UKR"], "summary": "s",
           "sources": [{"title": "T", "publisher": "P", "date": "2001"}]}  # fmt: skip
    trusted_timeline_act(act, "2001-02-03", "2001-02-03", 1)  # as written: built
    with pytest.raises(error):
        trusted_timeline_act({**act, **change}, "2001-02-03", "2001-02-03", 1)


def test_the_collector_is_off_while_paused_and_back_on_after_even_on_error():
    assert gc.isenabled()
    with pytest.raises(KeyError), collector_paused():
        assert not gc.isenabled()
        raise KeyError("x")
    assert gc.isenabled()


def test_a_pause_within_a_pause_leaves_the_collector_off_for_the_outer_one():
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


_ABOUT_RUS = "(SELECT MIN(notification_id) FROM subject_index WHERE subject = 'actor:RUS')"


@pytest.mark.parametrize(
    ("statement", "refusal"),
    [
        (f"UPDATE stored_events SET state = CAST(replace(CAST(state AS TEXT), 'Russia', "
         f"'Rossia') AS BLOB) WHERE rowid = {_ABOUT_RUS}",
         "(altered: the entry does not hash to what was recorded)"),
        (f"DELETE FROM entry_hashes WHERE position = {_ABOUT_RUS}",
         "(inserted: no hash was recorded for this entry"),
        (f"UPDATE valid_time_index SET sequence = 7 WHERE notification_id = {_ABOUT_RUS}",
         "(index: its valid-time index row does not match the entry)"),
    ],
    ids=["content altered", "hash row deleted", "index row forged"],
)  # fmt: skip
def test_an_actors_timeline_refuses_an_entry_that_fails_its_checks(tmp_path, statement, refusal):
    store, runner = _shipped(tmp_path), CliRunner()
    position = _change(store, statement)
    result = runner.invoke(main, ["timeline", "--actor", "RUS", "--store", store])
    assert result.exit_code == 1
    assert f"fails verification at position {position} {refusal}" in result.output


def test_an_entry_stored_with_other_spacing_is_read_by_its_canonical_hash(tmp_path):
    # The fast hash of the stored bytes differs; the RFC 8785 hash of the content does not.
    store, runner = _shipped(tmp_path), CliRunner()
    before = runner.invoke(main, ["timeline", "--actor", "RUS", "--json", "--store", store])
    _change(store, "UPDATE stored_events SET state = CAST(replace(CAST(state AS TEXT), "
            f"'\"record\":', '\"record\" : ') AS BLOB) WHERE rowid = {_ABOUT_RUS}")  # fmt: skip
    after = runner.invoke(main, ["timeline", "--actor", "RUS", "--json", "--store", store])
    assert (before.exit_code, after.exit_code) == (0, 0)
    assert after.output == before.output


def _shipped(tmp_path) -> str:
    store = str(tmp_path / "ledger.db")
    assert CliRunner().invoke(main, ["import", "--shipped", "--store", store]).exit_code == 0
    return store


def _change(store: str, statement: str) -> int:
    """Run one statement that changes one row; the position of the entry it concerns."""
    with sqlite3.connect(store) as conn:
        (position,) = conn.execute(f"SELECT {_ABOUT_RUS}").fetchone()
        assert conn.execute(statement).rowcount == 1
    conn.close()
    return position
