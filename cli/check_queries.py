"""Answer ``check`` and ``chart`` from the whole log: checked as a stream, then read by index.

Both answer from the whole log, so it first passes every check of ``ledger
verify`` as one stream (``services.verification.checked_log``). Then,
through the valid-time index:

* ``check`` folds every standing act's happenings once in valid-time order
  (``projections.check.Checker``), holding the fold's state, the acts of one
  day at a time and the findings as tuples; the delays of an instrument with
  a general entry into force are checked one such instrument at a time;
* ``chart`` folds only what the rows it draws depend on
  (``queries.instrument_knowledge``: their records, the groups' treaties,
  successions of states, an organisation's other commitments).

A ledger without the index is read whole (``projections.check.check``,
``projections.chart_data.status_spans``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from treaty_ledger.cli.queries import instrument_knowledge
from treaty_ledger.ledger.model import Act, Instrument, Relation
from treaty_ledger.ledger.record_time import KnownAt
from treaty_ledger.ledger.services.verification import checked_log
from treaty_ledger.ledger.store.application import Ledger
from treaty_ledger.projections.chart_data import Marker, Span, status_spans
from treaty_ledger.projections.check import Checker, CheckReport, Finding, check
from treaty_ledger.projections.known import standing
from treaty_ledger.projections.order import happening


def check_stream(ledger: Ledger) -> tuple[CheckReport, Iterator[Finding]]:
    """The check report without its findings, and its findings (errors first) as they are made.

    Raises:
        StoreError: the log fails a check of ``ledger verify``, or an entry
            read afterwards fails its own.
    """
    reads = ledger.indexed()
    if reads is None:
        report = check(ledger.verified().checked().entries)
        return report.model_copy(update={"findings": []}), iter(report.findings)
    log = checked_log(ledger)
    records = [*reads.records_of_kind("instrument", log.position),
               *reads.records_of_kind("relation", log.position)]  # fmt: skip
    standing_records = sorted(standing(records), key=lambda item: item.first_position)
    instruments = {r.record.id: r.record for r in standing_records
                   if isinstance(r.record, Instrument)}  # fmt: skip
    relations = [r.record for r in standing_records if isinstance(r.record, Relation)]
    checker = Checker(instruments, relations)
    checker.fold(
        happening(item.entry.record, item.first_position, item.effect)  # type: ignore[arg-type]
        for item in reads.ordered_acts(log.position, date.max)
    )
    for instrument in sorted(checker.law.general):
        excerpt = reads.excerpt_at(log.position, log.known_at, [f"instrument:{instrument}"])
        checker.delays([item.record for item in standing(excerpt.entries)
                        if isinstance(item.record, Act) and item.record.instrument == instrument])
    return checker.report(log.position)


def chart_query(
    ledger: Ledger,
    start: date,
    end: date,
    instruments: Iterable[str],
    by_actor_of: str | None,
    known_at: KnownAt | None,
) -> tuple[list[str], list[Span], list[Marker]]:
    """The rows, spans and markers of a chart (``projections.chart_data.status_spans``).

    Raises:
        UnknownInstrument: an instrument that is not in the ledger.
        StoreError: the log fails a check of ``ledger verify``, or an entry
            read afterwards fails its own.
        InvalidMoment: ``known_at`` is not a moment of the log.
    """
    reads = ledger.indexed()
    if reads is None:
        entries = ledger.verified().checked().entries
        return status_spans(entries, start, end, instruments, by_actor_of, known_at)
    log = checked_log(ledger, known_at)
    wanted = [by_actor_of] if by_actor_of else list(dict.fromkeys(instruments))
    knowledge = instrument_knowledge(reads, log.position, log.known_at, wanted)
    return status_spans(knowledge.entries, start, end, instruments, by_actor_of)
