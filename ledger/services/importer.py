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

A batch is read once per attempt, in chunks, so that a file of a million
records is checked and appended without holding its models: what is kept
is each new record's encoded content and, per id, a digest of its content.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from treaty_ledger.ledger.errors import (
    InvalidRecord,
    RecordConflict,
    UnknownInstrument,
    UnknownProvision,
)
from treaty_ledger.ledger.integrity.codec import dumps
from treaty_ledger.ledger.model import Act, Instrument, Relation, record_content
from treaty_ledger.ledger.records import Submitted
from treaty_ledger.ledger.store.application import Ledger
from treaty_ledger.ledger.store.opening import Progress, originator_id
from treaty_ledger.ledger.store.retry import retrying


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


_CHUNK = 5000

Batch = Sequence[Submitted] | Callable[[], Iterable[Submitted]]
"""The records of one import: a sequence, or a function that reads them afresh each time
it is called (the import runs again after a conflict with another writer)."""


def append_records(
    ledger: Ledger, submitted: Batch, progress: Progress = lambda done, total: None
) -> AppendReport:
    """Append the records that are new; skip the ones already recorded.

    Runs again from its reads when another writer gets in the way
    (``ledger.store.retry``), so concurrent imports of one file store each record
    once.

    Args:
        submitted: the records, or a function returning them anew.
        progress: called with (records appended, records to append) while
            the new records are written.

    Raises:
        RecordConflict: an id is recorded with different content.
        InvalidRecord: an id appears twice in the batch with different
            content, or a record read from the batch is not valid.
        UnknownInstrument, UnknownProvision: an act refers to something that
            is neither in the ledger nor in the batch.
        StoreError: the store refused the write, or stayed busy.
        In every case nothing is written.
    """
    read = submitted if callable(submitted) else lambda: submitted
    return retrying(lambda: _append_once(ledger, read(), progress), ledger.wait)


def _append_once(ledger: Ledger, items: Iterable[Submitted], progress: Progress) -> AppendReport:
    report = AppendReport()
    seen: dict[tuple[str, str], tuple[bytes, str]] = {}
    new: list[tuple[str, bytes]] = []
    references = _References()
    for chunk in _chunks(items):
        fresh = []
        for item in chunk:
            record = item.record
            key = (record.record, record.id)
            encoded = dumps(record_content(record))  # the stored form (ledger.codec)
            digest = hashlib.sha256(encoded).digest()
            first = seen.get(key)
            if first is None:
                seen[key] = (digest, item.where)
                fresh.append((item, encoded))
            elif first[0] != digest:
                raise InvalidRecord(
                    item.where,
                    record.id,
                    None,
                    f"the same id appears with different content at {first[1]}",
                )
        existing = ledger.existing([(i.record.record, i.record.id) for i, _ in fresh])
        for item, encoded in fresh:
            record = item.record
            references.note(item)
            if (record.record, record.id) in existing and _already(ledger, item):
                report.already.append((record.record, record.id))
                continue
            new.append((originator_id(record), encoded))
            report.added.append((record.record, record.id))
    references.check(ledger)
    report.positions.extend(ledger.append_contents(new, progress))
    return report


def _chunks(items: Iterable[Submitted]) -> Iterator[list[Submitted]]:
    chunk: list[Submitted] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == _CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _already(ledger: Ledger, item: Submitted) -> bool:
    """Whether a record whose id is in the ledger is recorded with this content.

    Raises:
        RecordConflict: the id is recorded with other content, or retracted.
    """
    record = item.record
    versions = ledger.versions(record.record, record.id)
    if versions is None:
        return False
    given = record_content(record)
    if given in (record_content(versions.first), _content(versions.current)):
        return True
    if versions.current is None:
        raise RecordConflict(
            record.id, "id", "retracted", "recorded again", item.where, record.record
        )
    name, old, new_value = _first_difference(record_content(versions.current), given)
    raise RecordConflict(record.id, name, old, new_value, item.where, record.record)


def _content(record: Instrument | Act | None) -> dict | None:
    return None if record is None else record_content(record)


class _References:
    """The instruments of a batch and the first act naming each instrument or provision.

    Acts may name instruments that come later in the batch, so references
    are checked once the whole batch has been read, in the order they were
    first made (the first bad one is the one reported).
    """

    def __init__(self) -> None:
        self.instruments: dict[str, Instrument] = {}
        self.first: dict[tuple[str, str | None], Act] = {}
        self.where: dict[str, str] = {}
        self.relations: list[Relation] = []

    def note(self, item: Submitted) -> None:
        record = item.record
        if isinstance(record, Instrument):
            self.instruments[record.id] = record
            return
        if isinstance(record, Relation):
            self.relations.append(record)
            self.where[record.id] = item.where
            return
        for name, provision in ((record.instrument, record.provision), (record.successor, None)):
            if name is not None and (name, provision) not in self.first:
                self.first[(name, provision)] = record
                self.where[record.id] = item.where

    def check(self, ledger: Ledger) -> None:
        acts = list({act.id: act for act in self.first.values()}.values())
        check_references(
            ledger, [*self.instruments.values(), *acts, *self.relations], self.where
        )


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
        if isinstance(act, Relation):
            _check_relation(act, lookup, (where or {}).get(act.id))
            continue
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


def _check_relation(
    relation: Relation, lookup: Callable[[str, str], Instrument], origin: str | None
) -> None:
    """Check that both provisions a relation links exist (raises as ``check_references``)."""
    where_text = f"{origin}, relation {relation.id!r}" if origin else f"relation {relation.id!r}"
    for end in (relation.from_, relation.to):
        instrument = lookup(end.instrument, where_text)
        if end.provision not in {provision.id for provision in instrument.provisions}:
            raise UnknownProvision(end.provision, end.instrument, where_text)


def _first_difference(old: dict, new: dict) -> tuple[str, object, object]:
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            return key, old.get(key), new.get(key)
    raise AssertionError("records differ but no field does")
