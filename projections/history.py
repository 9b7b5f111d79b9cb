"""History: every version of acts and instruments, in the order they were recorded."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from treaty_ledger.ledger.entries import Entry
from treaty_ledger.ledger.errors import UnknownAct, UnknownInstrument
from treaty_ledger.ledger.model import Act, Instrument, Relation
from treaty_ledger.ledger.record_time import KnownAt, format_instant
from treaty_ledger.projections.known import Knowledge, known
from treaty_ledger.projections.report_models import History, HistoryItem


def history(
    entries: Iterable[Entry],
    *,
    act_id: str | None = None,
    instrument: str | None = None,
    actor: str | None = None,
    known_at: KnownAt | None = None,
) -> History:
    """List the entries of the selected records in log order.

    Select one act (``act_id``); or an instrument and every act that concerns
    it in any version (``instrument``); or every act that involves an actor
    in any version, as actor, recipient or predecessor (``actor``). With no
    selection, every entry.

    Raises:
        UnknownAct: ``act_id`` has no entry.
        UnknownInstrument: ``instrument`` has no entry.
    """
    return history_known(
        known(entries, known_at), act_id=act_id, instrument=instrument, actor=actor
    )


def history_known(
    knowledge: Knowledge,
    *,
    act_id: str | None = None,
    instrument: str | None = None,
    actor: str | None = None,
) -> History:
    """List what was known (``projections.known``) as :func:`history` does.

    The knowledge need only hold every entry of the records the selection can
    keep: those of the act (or relation), or those of every record that
    concerns the instrument, or that names the actor or succeeds it, in any
    version (what the valid-time index selects: ``ledger.index.reads``).

    Raises:
        UnknownAct: ``act_id`` has no entry.
        UnknownInstrument: ``instrument`` has no entry.
    """
    items = [
        (item, previous)
        for item, previous in with_previous(knowledge.entries)
        if _selected(item, previous, act_id, instrument, actor)
    ]
    if act_id is not None and not items:
        raise UnknownAct(act_id)
    if instrument is not None and not any(e.record.record == "instrument" for e, _ in items):
        raise UnknownInstrument(instrument)
    return History(
        known_at=knowledge.known_at,
        position=knowledge.position,
        items=[history_item(entry, previous) for entry, previous in items],
    )


def with_previous(entries: Iterable[Entry]) -> Iterator[tuple[Entry, Instrument | Act | None]]:
    """Pair each entry with its record's version before it (None for a first entry)."""
    last: dict[tuple[str, str], Instrument | Act] = {}
    for entry in entries:
        yield entry, last.get(entry.key)
        last[entry.key] = entry.record


def concerns_instrument(record: Instrument | Act | None, instrument_id: str) -> bool:
    """Whether the record is the instrument, an act concerning it, or a relation to or from it."""
    if isinstance(record, Instrument):
        return record.id == instrument_id
    if isinstance(record, Act):
        return instrument_id in (record.instrument, record.successor)
    if isinstance(record, Relation):
        return instrument_id in (record.from_.instrument, record.to.instrument)
    return False


def involves_actor(record: Instrument | Act | None, code: str) -> bool:
    """Whether the record is an act with ``code`` as actor, recipient or predecessor."""
    return isinstance(record, Act) and (
        code in record.actors or code in record.recipients or record.predecessor == code
    )


def history_item(entry: Entry, previous: Instrument | Act | None = None) -> HistoryItem:
    """The read model of one entry; ``previous`` is its record's version before it."""
    before = previous.model_dump(mode="json") if previous is not None else {}
    return HistoryItem(
        position=entry.position,
        recorded_at=format_instant(entry.recorded_at),
        recorded_by=entry.recorded_by,
        action=entry.action.value,
        kind=entry.record.record,
        id=entry.record.id,
        changed=list(entry.changed),
        previous={name: before.get(name) for name in entry.changed},
        reason=entry.reason,
        sources=list(entry.sources),
        record=entry.record.model_dump(mode="json", exclude_none=True),
    )


def _selected(
    entry: Entry,
    previous: Instrument | Act | None,
    act_id: str | None,
    instrument: str | None,
    actor: str | None,
) -> bool:
    versions = (entry.record, previous)
    if act_id is not None:
        return entry.record.record in ("act", "relation") and entry.record.id == act_id
    if instrument is not None:
        return any(concerns_instrument(version, instrument) for version in versions)
    if actor is not None:
        return any(involves_actor(version, actor) for version in versions)
    return True
