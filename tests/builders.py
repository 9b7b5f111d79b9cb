"""Small builders of records and entries for tests: real shapes, short to write."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from treaty_ledger.ledger.entries import Entry
from treaty_ledger.ledger.model import Act, Instrument

SOURCE = {"title": "Test source", "publisher": "Treaty Ledger tests", "date": "2026"}


def instrument(
    instrument_id: str, nature: str = "treaty", provisions: list | None = None
) -> Instrument:
    """An instrument with a title derived from its id."""
    return Instrument.model_validate(
        {
            "record": "instrument",
            "id": instrument_id,
            "title": f"Title of {instrument_id}",
            "legal_nature": nature,
            "provisions": provisions or [],
            "sources": [SOURCE],
        }
    )


def act(
    act_id: str, kind: str, date: str, actors: list[str], instrument: str | None = None, **extra
) -> Act:
    """An act with one source; ``extra`` sets any other field."""
    data = {
        "record": "act",
        "id": act_id,
        "type": kind,
        "date": date,
        "actors": actors,
        "summary": f"{kind} {act_id}",
        "sources": [SOURCE],
        **extra,
    }
    if instrument is not None:
        data["instrument"] = instrument
    return Act.model_validate(data)


def entries(*records: Instrument | Act) -> list[Entry]:
    """Entries at positions 1..n, in the order given, recorded on 2026-01-01 UTC."""
    return [
        Entry(position, datetime(2026, 1, 1, tzinfo=UTC), "tests", record)
        for position, record in enumerate(records, start=1)
    ]


class Clock:
    """An injected clock: returns ``now``, then moves it on by ``step`` (default one second).

    Starts at 2026-01-01T00:00:00Z; a zero or negative step makes entries share
    an instant or go back in time, for the tests of record-time rules.
    """

    def __init__(self, step: timedelta = timedelta(seconds=1)) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)
        self.step = step

    def __call__(self) -> datetime:
        current = self.now
        self.now += self.step
        return current


def shipped_size() -> int:
    """How many records the shipped record files hold (their non-blank lines)."""
    from treaty_ledger.fixtures import shipped_files

    return sum(1 for path in shipped_files() for line in path.open("rb") if line.strip())


def shipped_entries() -> list[Entry]:
    """The shipped record imported into an in-memory ledger (all of it), as its entries."""
    from treaty_ledger.fixtures import shipped_files
    from treaty_ledger.ledger.records import parse_lines
    from treaty_ledger.ledger.services.importer import append_records
    from treaty_ledger.ledger.store.application import MEMORY, Ledger

    submitted = []
    for path in shipped_files():
        with open(path, "rb") as handle:
            submitted.extend(parse_lines(handle, path.name))
    with Ledger(MEMORY, create=True) as ledger:
        report = append_records(ledger, submitted)
        assert len(report.added) == len(submitted)
        return list(ledger.entries())
