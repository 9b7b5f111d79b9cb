"""Memberships: one actor's status toward every instrument over time.

Folds the standing acts in valid-time order (as replay does, through
``projections.state``) once, and records for each instrument the actor's
status from the day each act became certain (its latest possible day) until
the next change. A status a former state held and passed to its successor
is the successor's from the day of the succession, as in replay. Pure: it
never opens a store.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from treaty_ledger.ledger.entries import Entry
from treaty_ledger.ledger.model import Instrument
from treaty_ledger.ledger.record_time import KnownAt
from treaty_ledger.projections.known import known, standing
from treaty_ledger.projections.order import happenings
from treaty_ledger.projections.state import LedgerState


@dataclass(frozen=True)
class Membership:
    """The actor's ``status`` toward ``instrument`` from ``start`` until ``end``.

    ``start`` is inclusive; ``end`` is exclusive, or None while it still holds
    at the end of the record. ``status`` is an actor status (``party``,
    ``withdrawn``, ...), or ``ended`` from the day the instrument was
    terminated or superseded while the actor held a status toward it.
    """

    instrument: str
    status: str
    start: date
    end: date | None


def memberships(
    entries: Iterable[Entry], actor: str, known_at: KnownAt | None = None
) -> list[Membership]:
    """List the actor's statuses toward each instrument, by instrument id, then start.

    Raises:
        InvalidMoment: ``known_at`` is a position beyond the end of the log.
    """
    records = standing(known(entries, known_at).entries)
    state = LedgerState(catalogue={r.record.id: r.record for r in records
                                   if isinstance(r.record, Instrument)})  # fmt: skip
    current: dict[str, tuple[str, date]] = {}
    spans: list[Membership] = []
    for happening in state.in_order(happenings(records)):
        state.apply(happening)
        day = happening.time.latest
        now = {}
        for instrument_id, progress in state.instruments.items():
            roles = progress.actors.get(actor)
            if roles is not None and roles.roles:
                ended = progress.ended
                now[instrument_id] = "ended" if ended else roles.status.value
        for instrument_id in set(current) | set(now):
            before, status = current.get(instrument_id), now.get(instrument_id)
            if before is not None and before[0] == status:
                continue
            if before is not None:
                if before[1] < day:  # a status replaced on the day it began never held
                    spans.append(Membership(instrument_id, before[0], before[1], day))
                del current[instrument_id]
            if status is not None:
                current[instrument_id] = (status, day)
    spans += [Membership(iid, status, start, None) for iid, (status, start) in current.items()]
    return sorted(spans, key=lambda span: (span.instrument, span.start))
