"""pytest-benchmark: import, replay and indexed queries of a small synthetic ledger.

Run: ``pytest benchmarks``. The ratio table against raw SQLite is ``python -m benchmarks.compare``.
"""

from __future__ import annotations

import orjson
import pytest

from benchmarks.synthetic import records
from treaty_ledger.cli.queries import replay_query, timeline_query
from treaty_ledger.ledger.dates import parse_as_of
from treaty_ledger.ledger.records import parse_record
from treaty_ledger.ledger.services.importer import append_records
from treaty_ledger.ledger.store.application import MEMORY, Ledger
from treaty_ledger.projections.replay import replay

ROWS = [orjson.dumps(record) for record in records(2000, instruments=200)]


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("bench") / "ledger.db")
    with Ledger(path, create=True) as ledger:
        append_records(ledger, [parse_record(row, "bench") for row in ROWS])
    return path


def test_replay_as_of(benchmark, filled):
    def run():
        with Ledger(filled) as ledger:
            return replay(ledger.entries(), parse_as_of("2014-03"))

    result = benchmark(run)
    assert result.position == len(ROWS)


def test_replay_of_one_instrument_through_the_index(benchmark, filled):
    def run():
        with Ledger(filled, read_only=True) as ledger:
            return replay_query(ledger, parse_as_of("2014-03"), instrument="synthetic-7")

    result = benchmark(run)
    assert [state.id for state in result.instruments] in ([], ["synthetic-7"])
    assert result.position == len(ROWS)


def test_timeline_of_one_actor_through_the_index(benchmark, filled):
    def run():
        with Ledger(filled, read_only=True) as ledger:
            return timeline_query(ledger, actor="POL")

    result = benchmark(run)
    assert result.acts and all("POL" in (*a.actors, *a.recipients) for a in result.acts)


def test_import_in_memory(benchmark):
    def run():
        with Ledger(MEMORY, create=True) as ledger:
            return append_records(ledger, [parse_record(row, "bench") for row in ROWS])

    report = benchmark(run)
    assert len(report.added) == len(ROWS)
