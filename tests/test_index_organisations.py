"""One instrument's replay through the index knows its organisation's other commitments.

Joining one commitment of an organisation (accepting the Helsinki Final Act)
joins every commitment of it in effect that day (``projections.state``), so a
replay of one OSCE commitment needs the acts on all of them. The shipped
record has thirteen; through the index each one's replay must equal the
whole-log replay, on every day asked.
"""

from __future__ import annotations

import pytest
from builders import shipped_entries
from click.testing import CliRunner

from treaty_ledger.cli.main import main
from treaty_ledger.cli.queries import replay_query
from treaty_ledger.ledger.dates import parse_as_of
from treaty_ledger.ledger.model import Instrument
from treaty_ledger.ledger.store.application import Ledger
from treaty_ledger.projections.replay import replay

DAYS = ["1975-08", "1991-12", "1999-11-19", "2014-03", "2024"]
NAMING = {"log_size", "root_hash", "root_checked"}


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    store = tmp_path_factory.mktemp("shipped") / "ledger.db"
    result = CliRunner().invoke(main, ["import", "--shipped", "--store", str(store)])
    assert result.exit_code == 0, result.output
    return str(store)


def test_the_shipped_record_has_commitments_of_an_organisation():
    organised = {e.record.id for e in shipped_entries()
                 if isinstance(e.record, Instrument) and e.record.organisation}  # fmt: skip
    assert len(organised) >= 10


@pytest.mark.parametrize("day", DAYS)
def test_every_instrument_replays_through_the_index_as_from_the_whole_log(shipped, day):
    as_of = parse_as_of(day)
    with Ledger(shipped, read_only=True) as ledger:
        entries = ledger.verified().entries
        ids = sorted({e.record.id for e in entries if isinstance(e.record, Instrument)})
        for instrument in ids:
            indexed = replay_query(ledger, as_of, instrument=instrument)
            whole = replay(entries, as_of, instrument=instrument)
            assert indexed.model_dump(exclude=NAMING) == whole.model_dump(exclude=NAMING), (
                instrument
            )
