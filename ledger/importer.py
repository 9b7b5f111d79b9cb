"""Append a batch of records to the ledger: all of them, or none.

The rules of an import (``ledger import``, ``ledger record``):

* every record is validated before anything is written (``ledger.records``);
* a record already in the ledger with the same content is skipped and
  reported as already recorded, so re-importing a file adds nothing;
* a record id already in the ledger (or earlier in the same batch) with
  different content is a conflict: the ledger never edits an entry;
* an act may name only instruments, provisions and successor instruments
  that are in the ledger or in the same batch;
* the new records are appended in one transaction, in the order given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ledger.errors import InvalidRecord, RecordConflict, UnknownInstrument, UnknownProvision
from ledger.model import Act, Instrument, record_content
from ledger.records import Submitted
from ledger.retry import retrying
from ledger.store import Ledger


@dataclass(frozen=True)
class AppendReport:
    """What an import did.

    Attributes:
        added: ``(kind, id)`` of each record appended, in order.
        already: ``(kind, id)`` of each record that was already recorded
            with the same content.
        positions: log positions of the appended entries, in order.
    """

    added: list[tuple[str, str]] = field(default_factory=list)
    already: list[tuple[str, str]] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)


def append_records(ledger: Ledger, submitted: Sequence[Submitted]) -> AppendReport:
    """Append the records that are new; skip the ones already recorded.

    Runs again from its reads when another writer gets in the way
    (``ledger.retry``), so concurrent imports of one file store each record
    once.

    Raises:
        RecordConflict: an id is recorded with different content.
        InvalidRecord: an id appears twice in the batch with different content.
        UnknownInstrument, UnknownProvision: an act refers to something that
            is neither in the ledger nor in the batch.
        StoreError: the store refused the write, or stayed busy.
        In every case nothing is written.
    """
    return retrying(lambda: _append_once(ledger, submitted))


def _append_once(ledger: Ledger, submitted: Sequence[Submitted]) -> AppendReport:
    unique = _unique(submitted)
    report = AppendReport()
    new: list[Submitted] = []
    existing = ledger.existing([(item.record.record, item.record.id) for item in unique])
    for item in unique:
        record = item.record
        if (record.record, record.id) not in existing:
            new.append(item)
            continue
        versions = ledger.versions(record.record, record.id)
        if versions is None:
            new.append(item)
            continue
        given = record_content(record)
        if given in (record_content(versions.first), _content(versions.current)):
            report.already.append((record.record, record.id))
            continue
        if versions.current is None:
            raise RecordConflict(
                record.id, "id", "retracted", "recorded again", item.where, record.record
            )
        name, old, new_value = _first_difference(record_content(versions.current), given)
        raise RecordConflict(record.id, name, old, new_value, item.where, record.record)
    check_references(
        ledger, [item.record for item in unique], {i.record.id: i.where for i in unique}
    )
    report.positions.extend(ledger.append_new([item.record for item in new]))
    report.added.extend((item.record.record, item.record.id) for item in new)
    return report


def _unique(submitted: Sequence[Submitted]) -> list[Submitted]:
    seen: dict[tuple[str, str], Submitted] = {}
    for item in submitted:
        key = (item.record.record, item.record.id)
        first = seen.get(key)
        if first is None:
            seen[key] = item
        elif record_content(first.record) != record_content(item.record):
            raise InvalidRecord(
                item.where,
                item.record.id,
                None,
                f"the same id appears with different content at {first.where}",
            )
    return list(seen.values())


def _content(record: Instrument | Act | None) -> dict | None:
    return None if record is None else record_content(record)


def check_references(
    ledger: Ledger, batch: Sequence[Instrument | Act], where: dict[str, str] | None = None
) -> None:
    """Check that every act in ``batch`` names instruments and provisions that exist.

    An instrument exists when it is in ``batch`` or stands (not retracted)
    in the ledger. ``where`` maps record ids to where they came from, for
    messages.

    Raises:
        UnknownInstrument, UnknownProvision: naming the act and its origin.
    """
    instruments: dict[str, Instrument | None] = {
        record.id: record for record in batch if isinstance(record, Instrument)
    }

    def lookup(instrument_id: str, where: str) -> Instrument:
        if instrument_id not in instruments:
            versions = ledger.versions("instrument", instrument_id)
            found = versions.current if versions else None
            instruments[instrument_id] = found if isinstance(found, Instrument) else None
        instrument = instruments[instrument_id]
        if instrument is None:
            raise UnknownInstrument(instrument_id, where)
        return instrument

    for act in batch:
        if not isinstance(act, Act):
            continue
        origin = (where or {}).get(act.id)
        where_text = f"{origin}, act {act.id!r}" if origin else f"act {act.id!r}"
        if act.instrument is not None:
            instrument = lookup(act.instrument, where_text)
            if act.provision is not None and act.provision not in {
                provision.id for provision in instrument.provisions
            }:
                raise UnknownProvision(act.provision, act.instrument, where_text)
        if act.successor is not None:
            lookup(act.successor, where_text)


def _first_difference(old: dict, new: dict) -> tuple[str, object, object]:
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            return key, old.get(key), new.get(key)
    raise AssertionError("records differ but no field does")
