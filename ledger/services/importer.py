"""Append a batch of records to the ledger: all of them, or none.

The rules of an import (``ledger import``, ``ledger record``):

* every record is validated before it is written (``ledger.contents``,
  ``ledger.records``), and a bad one anywhere in the batch writes nothing;
* a record already in the ledger with the same content is skipped and
  reported as already recorded, so re-importing a file adds nothing;
* a record id already in the ledger (or earlier in the same batch) with
  different content is a conflict: the ledger never edits an entry;
* an act may name only instruments, provisions and successor instruments
  that are in the ledger or in the same batch;
* the new records are appended in one transaction, in the order given.

A batch is read once per attempt, in chunks, each written as soon as it is
checked (``ledger.store.streaming``), so that a file of a million records is
appended in one transaction without being held: what is kept is the current
chunk, the report, and the instruments and first references of the batch.
Whether an id was met earlier in the batch is asked of the store, which sees
the transaction's own writes; where it was met is found by reading the batch
again, only to name it in an error.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence

from treaty_ledger.ledger.contents import Content
from treaty_ledger.ledger.errors import (
    InvalidRecord,
    RecordConflict,
    UnknownInstrument,
    UnknownProvision,
)
from treaty_ledger.ledger.index.rows import record_index_row
from treaty_ledger.ledger.integrity.codec import dumps, loads
from treaty_ledger.ledger.model import Act, Instrument, record_content
from treaty_ledger.ledger.records import Submitted
from treaty_ledger.ledger.services.import_report import AppendReport
from treaty_ledger.ledger.store.application import Ledger
from treaty_ledger.ledger.store.opening import Versions
from treaty_ledger.ledger.store.retry import retrying
from treaty_ledger.ledger.store.streaming import NewRecord, StoreReads

__all__ = ["AppendReport", "append_records", "check_references"]


_CHUNK = 5000

Item = Submitted | Content
Batch = Sequence[Item] | Callable[[], Iterable[Item]]
"""The records of one import: a sequence, or a function that reads them afresh each time
it is called (the import runs again after a conflict with another writer)."""


def append_records(ledger: Ledger, submitted: Batch) -> AppendReport:
    """Append the records that are new; skip the ones already recorded.

    Runs again from its reads when another writer gets in the way
    (``ledger.store.retry``), so concurrent imports of one file store each record
    once.

    Args:
        submitted: the records (validated models, or stored content from
            ``ledger.contents``), or a function returning them anew.

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
    return retrying(lambda: _append_once(ledger, read), ledger.wait)


def _append_once(ledger: Ledger, read: Callable[[], Iterable[Item]]) -> AppendReport:
    attempts: list[_Reading] = []

    def produce(store: StoreReads) -> Iterator[list[NewRecord]]:
        attempts.append(_Reading())  # the store may call again from the start
        return attempts[-1].new_records(read(), store)

    try:
        positions = ledger.append_stream(produce)
    except _MetAgain as again:
        raise _met_again(read(), again) from None
    report = attempts[-1].report if attempts else AppendReport()
    report.positions.extend(positions)
    return report


class _MetAgain(Exception):  # noqa: N818  (a signal, turned into InvalidRecord)
    """An id met again with other content after an earlier chunk wrote it (where: unknown)."""

    def __init__(self, oid: str, where: str) -> None:
        super().__init__(oid)
        self.oid = oid
        self.where = where


def _met_again(items: Iterable[Item], again: _MetAgain) -> InvalidRecord:
    """The error of an id met again with other content, naming where it was first met."""
    kind, _, record_id = again.oid.partition(":")
    for item in items:
        where, data = _content(item)
        if (data["record"], data["id"]) == (kind, record_id):
            return InvalidRecord(
                again.where, record_id, None,
                f"the same id appears with different content at {where}",
            )  # fmt: skip
    raise AssertionError(f"{again.oid} was written but is not in the batch")


def _content(item: Item) -> Content:
    if isinstance(item, Content):
        return item
    return Content(item.where, record_content(item.record))


_Read = tuple[str, str, bytes, tuple]
"""A record as the import keeps it until its chunk is written: (event-sequence id, where,
content as the codec encodes it, index row as a plain tuple). Plain tuples of text and
bytes, which the garbage collector stops following at its first pass: thousands held for
a chunk would otherwise be walked by every full collection of a long import."""


class _Reading:
    """One reading of a batch: its report, references, and the records found already recorded."""

    def __init__(self) -> None:
        self.report = AppendReport()
        self.references = _References()
        self.already: dict[str, tuple[bytes, str]] = {}  # oid: digest of content, where

    def new_records(self, items: Iterable[Item], store: StoreReads) -> Iterator[list[NewRecord]]:
        """Yield each chunk's new records; check the batch's references after the last.

        Each record is reduced as it is read to what the rest of the import
        needs (its references noted, its content encoded, its index row made
        from the data in hand), and its data let go.
        """
        chunk: list[_Read] = []
        for item in items:
            where, data = _content(item)
            self.references.note(data, where)
            oid = f"{data['record']}:{data['id']}"  # store.opening.originator_id
            index = tuple(record_index_row("record", data, store.recorded_at))
            chunk.append((oid, where, dumps(data), index))
            if len(chunk) == _CHUNK:
                yield self._new_in(chunk, store)
                chunk = []
        if chunk:
            yield self._new_in(chunk, store)
        self.references.check(store)

    def _new_in(self, chunk: list[_Read], store: StoreReads) -> list[NewRecord]:
        """The chunk's records that are new, in order, refusing ids met with other content.

        As an import held whole would: first every repeat of an id in the
        chunk is compared with where it was first met, then the records met
        for the first time are checked against the ledger.
        """
        recorded = store.recorded(list(dict.fromkeys(read[0] for read in chunk)))
        met: dict[str, tuple[bytes, str | None]] = {}  # in this chunk: content, where first
        fresh = []
        for read in chunk:
            oid, where, data, _ = read
            first = met.get(oid)
            if first is None and recorded.get(oid):  # written by an earlier chunk
                first = (data, None) if store.same_as_written(oid, data) else (b"", None)
            elif first is None and oid in self.already:
                digest, first_where = self.already[oid]
                first = (data if _digest(data) == digest else b"", first_where)
            if first is None:
                met[oid] = (data, where)
                fresh.append(read)
                continue
            met.setdefault(oid, first)
            if first[0] != data:
                if first[1] is None:
                    raise _MetAgain(oid, where)
                raise InvalidRecord(
                    where, oid.partition(":")[2], None,
                    f"the same id appears with different content at {first[1]}",
                )  # fmt: skip
        new: list[NewRecord] = []
        for oid, where, data, index in fresh:
            kind, _, record_id = oid.partition(":")
            if oid in recorded and _already(store, data, where):
                self.report.already.append((kind, record_id))
                self.already[oid] = (_digest(data), where)
                continue
            new.append((oid, data, index))
            self.report.added.append((kind, record_id))
        return new


def _digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _already(store: StoreReads, content: bytes, where: str) -> bool:
    """Whether a record whose id is in the ledger is recorded with this content (encoded).

    Raises:
        RecordConflict: the id is recorded with other content, or retracted.
    """
    given = loads(content)
    kind, record_id = given["record"], given["id"]
    versions = store.versions(kind, record_id)
    if versions is None:
        return False
    if given in (record_content(versions.first), _record(versions.current)):
        return True
    if versions.current is None:
        raise RecordConflict(record_id, "id", "retracted", "recorded again", where, kind)
    name, old, new_value = _first_difference(record_content(versions.current), given)
    raise RecordConflict(record_id, name, old, new_value, where, kind)


def _record(record: Instrument | Act | None) -> dict | None:
    return None if record is None else record_content(record)


class _References:
    """The instruments of a batch and the first act naming each instrument or provision.

    Acts may name instruments that come later in the batch, so references
    are checked once the whole batch has been read, in the order they were
    first made (the first bad one is the one reported).
    """

    def __init__(self) -> None:
        self.instruments: dict[str, frozenset[str]] = {}  # id: its provisions' ids
        self.first: dict[tuple[str, str | None], dict] = {}
        self.where: dict[str, str] = {}
        self.relations: list[dict] = []

    def note(self, data: dict, where: str) -> None:
        """Note a record's content (the first act naming each instrument and provision)."""
        if data["record"] == "instrument":
            self.instruments[data["id"]] = frozenset(p["id"] for p in data["provisions"])
            return
        if data["record"] == "relation":
            self.relations.append(data)
            self.where[data["id"]] = where
            return
        for name, provision in (
            (data.get("instrument"), data.get("provision")),
            (data.get("successor"), None),
        ):
            if name is not None and (name, provision) not in self.first:
                self.first[(name, provision)] = data
                self.where[data["id"]] = where

    def check(self, store: StoreReads) -> None:
        acts = list({data["id"]: data for data in self.first.values()}.values())

        def provisions(instrument_id: str) -> frozenset[str] | None:
            if instrument_id in self.instruments:
                return self.instruments[instrument_id]
            return _standing_provisions(store.versions("instrument", instrument_id))

        _check(provisions, [*acts, *self.relations], self.where)


def _standing_provisions(versions: Versions | None) -> frozenset[str] | None:
    """The provision ids of an instrument as it stands, or None (unknown or retracted)."""
    found = versions.current if versions else None
    if not isinstance(found, Instrument):
        return None
    return frozenset(provision.id for provision in found.provisions)


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
    instruments = {
        record.id: frozenset(provision.id for provision in record.provisions)
        for record in batch
        if isinstance(record, Instrument)
    }

    def provisions(instrument_id: str) -> frozenset[str] | None:
        if instrument_id in instruments:
            return instruments[instrument_id]
        return _standing_provisions(ledger.versions("instrument", instrument_id))

    others = [record_content(record) for record in batch if not isinstance(record, Instrument)]
    _check(provisions, others, where or {})


def _check(
    provisions: Callable[[str], frozenset[str] | None], batch: Iterable[dict], where: dict[str, str]
) -> None:
    """Check the references of acts and relations (content), looking instruments up once each.

    Raises:
        UnknownInstrument, UnknownProvision: as :func:`check_references`.
    """
    known: dict[str, frozenset[str] | None] = {}

    def lookup(instrument_id: str, where_text: str) -> frozenset[str]:
        if instrument_id not in known:
            known[instrument_id] = provisions(instrument_id)
        found = known[instrument_id]
        if found is None:
            raise UnknownInstrument(instrument_id, where_text)
        return found

    for data in batch:
        kind, record_id = data["record"], data["id"]
        if kind not in ("act", "relation"):
            continue
        origin = where.get(record_id)
        where_text = f"{origin}, {kind} {record_id!r}" if origin else f"{kind} {record_id!r}"
        if kind == "relation":
            for end in (data["from"], data["to"]):
                if end["provision"] not in lookup(end["instrument"], where_text):
                    raise UnknownProvision(end["provision"], end["instrument"], where_text)
            continue
        instrument, provision = data.get("instrument"), data.get("provision")
        if instrument is not None:
            found = lookup(instrument, where_text)
            if provision is not None and provision not in found:
                raise UnknownProvision(provision, instrument, where_text)
        if data.get("successor") is not None:
            lookup(data["successor"], where_text)


def _first_difference(old: dict, new: dict) -> tuple[str, object, object]:
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            return key, old.get(key), new.get(key)
    raise AssertionError("records differ but no field does")
