"""Answer ``ledger export`` a row at a time: the whole log checked, then read through the index.

Every export answers from the whole log, so the log first passes every check
of ``ledger verify`` as one stream (``services.verification.checked_log``).
Then, through the valid-time index, each table reads only what it needs and
yields its rows as they are made:

* ``status``, ``provisions``, ``claims``: one replay of the as-of day,
  streamed (``queries.whole_replay_parts``); held: the replay's working
  state, and one instrument's read model at a time;
* ``acts``, ``violations``, ``--format plover``: the acts' notices in
  valid-time order; held: one act (plover: the acts sharing both days, and
  the excerpts of the last 16 instruments whose other parties it asked for);
* ``demands``: the draft and unilateral instruments and the acts naming them;
* ``contrast``: the proposals, the instruments their relations name, and
  what a replay of those needs (``queries.instrument_knowledge``).

The JSON document also lists the acts a replay of the day leaves
indeterminate, so it replays the day (streamed) for every table. A ledger
without the index is read whole (``projections.exports.export_document``).
Rows come as JSON-ready dicts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from treaty_ledger.cli.queries import instrument_knowledge, whole_replay_parts
from treaty_ledger.ledger.dates import AsOf
from treaty_ledger.ledger.index.reads import IndexedReads
from treaty_ledger.ledger.model import Instrument, Relation
from treaty_ledger.ledger.record_time import KnownAt
from treaty_ledger.ledger.services.verification import CheckedLog, checked_log
from treaty_ledger.ledger.store.application import Ledger
from treaty_ledger.projections.contrast import is_proposal
from treaty_ledger.projections.contrast_rows import contrast_rows
from treaty_ledger.projections.exports import (
    DEMANDING,
    REPLAYED,
    TIMED,
    demand_rows,
    export_document,
    export_head,
)
from treaty_ledger.projections.known import Standing, standing
from treaty_ledger.projections.models import Replay
from treaty_ledger.projections.order import happening
from treaty_ledger.projections.plover import plover_order, plover_record, plover_records
from treaty_ledger.projections.replay import replay_known
from treaty_ledger.projections.timeline import timeline_acts


@dataclass(frozen=True)
class ExportStream:
    """An export as it is read: the JSON document without its rows, and the rows to come.

    ``head`` is None unless the document was asked for; ``rows`` are
    JSON-ready dicts, read from the ledger as they are consumed (keep it open).
    """

    head: dict | None
    rows: Iterator[dict]


def export_stream(
    ledger: Ledger, name: str, as_of: AsOf, known_at: KnownAt | None, *, document: bool
) -> ExportStream:
    """Export ``name`` (a key of ``projections.exports.ROW_MODELS``) as of a day.

    Raises:
        StoreError: the log fails a check of ``ledger verify``, or an entry
            read afterwards fails its own.
        InvalidMoment: ``known_at`` is not a moment of the log.
    """
    reads = ledger.indexed()
    if reads is None:
        whole = export_document(ledger.verified(), name, as_of, known_at)
        rows = whole.pop("rows")
        return ExportStream(whole if document else None, iter(rows))
    log = checked_log(ledger, known_at)
    pending = None
    if name in REPLAYED:
        parts = whole_replay_parts(reads, log.position, log.known_at, as_of)
        models = REPLAYED[name](parts)
        pending = parts.head.indeterminate
    elif name in TIMED:
        ordered = _notices(reads, log, as_of.day)
        models = TIMED[name](timeline_acts(ordered, end=as_of.day), as_of)
    elif name == "demands":
        models = iter(demand_rows(_demanding(reads, log), as_of))
    else:
        models = iter(_contrast_rows(reads, log, as_of))
    head = None
    if document:
        if pending is None:  # the replay's read model is never built: only its head is read
            replayed = whole_replay_parts(reads, log.position, log.known_at, as_of)
            pending = replayed.head.indeterminate
        head = export_head(name, as_of, log.known_at, log.position, log.root_hash, pending)
    return ExportStream(head, (row.model_dump(mode="json") for row in models))


def plover_stream(ledger: Ledger, as_of: AsOf, known_at: KnownAt | None) -> Iterator[dict]:
    """The PLOVER records of the acts (``projections.plover``), one at a time.

    Raises:
        As :func:`export_stream`, when the first record is asked for.
    """
    reads = ledger.indexed()
    if reads is None:
        yield from plover_records(ledger.verified().checked().entries, as_of, known_at)
        return
    log = checked_log(ledger, known_at)
    catalogue = {item.id: item for item in _instruments(reads, log.position)}

    @lru_cache(maxsize=16)
    def known_about(instrument: str):
        return instrument_knowledge(reads, log.position, log.known_at, [instrument])

    def replayed(day: AsOf, instrument: str) -> Replay:
        return replay_known(known_about(instrument), day, instrument=instrument)

    acts = (item.act for item in _notices(reads, log, as_of.day))
    for act in plover_order(acts):
        if act.valid_time.latest <= as_of.day:
            yield plover_record(act, catalogue.get(act.instrument or ""), replayed)


def _notices(reads: IndexedReads, log: CheckedLog, last_day: date):
    """The standing acts' notices that may fall on or before ``last_day``, in valid-time order."""
    for item in reads.ordered_acts(log.position, last_day, effects=False):
        yield happening(item.entry.record, item.first_position, item.effect)  # type: ignore[arg-type]


def _instruments(reads: IndexedReads, position: int) -> list[Instrument]:
    records = standing(reads.records_of_kind("instrument", position))
    return [item.record for item in records if isinstance(item.record, Instrument)]


def _demanding(reads: IndexedReads, log: CheckedLog) -> list[Standing]:
    """The draft and unilateral instruments and the records naming them, as they stand."""
    demanding = [i.id for i in _instruments(reads, log.position) if i.legal_nature in DEMANDING]
    if not demanding:
        return []
    subjects = [f"instrument:{name}" for name in demanding]
    return standing(reads.excerpt_at(log.position, log.known_at, subjects).entries)


def _contrast_rows(reads: IndexedReads, log: CheckedLog, as_of: AsOf) -> list:
    """The contrast rows from the proposals and what their replay needs (none: no rows)."""
    relations = [
        item.record
        for item in standing(reads.records_of_kind("relation", log.position))
        if isinstance(item.record, Relation)
    ]
    proposals = [i.id for i in _instruments(reads, log.position) if is_proposal(i, relations)]
    if not proposals:
        return []
    targets = sorted({relation.to.instrument for relation in relations})
    knowledge = instrument_knowledge(reads, log.position, log.known_at, [*proposals, *targets])
    return contrast_rows(knowledge.entries, as_of)
