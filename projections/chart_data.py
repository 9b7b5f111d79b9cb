"""Chart data: status over time as spans, and markers for notable acts.

``status_spans`` folds the standing acts in valid-time order (as replay
does) and records, for each row, the status from the day each act became
certain (its latest possible day) until the next change. Rows are
instruments (their status) or, with ``by_actor_of``, the actors of one
instrument (their status toward it). Markers are the suspensions,
withdrawals and denunciations (both as ``withdrawal``), terminations and
annexations given notice within the range, on the day of the notice.
Pure: the chart itself is drawn by ``cli.charting``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from treaty_ledger.ledger.entries import Entry
from treaty_ledger.ledger.errors import UnknownInstrument
from treaty_ledger.ledger.model import Act, Instrument
from treaty_ledger.ledger.record_time import KnownAt
from treaty_ledger.ledger.vocabulary import ActType, InstrumentStatus
from treaty_ledger.projections.known import known, standing
from treaty_ledger.projections.order import Phase, happenings
from treaty_ledger.projections.state import LedgerState

DEFAULT_INSTRUMENTS = (
    "cfe-1990",
    "inf-1987",
    "open-skies-1992",
    "vienna-document-1990",
    "vienna-document-1992",
    "vienna-document-1994",
    "vienna-document-1999",
    "vienna-document-2011",
    "nato-russia-founding-act-1997",
)
MARKED = frozenset(
    {ActType.SUSPENSION, ActType.WITHDRAWAL, ActType.DENUNCIATION, ActType.TERMINATION,
     ActType.ANNEXATION}
)  # fmt: skip


@dataclass(frozen=True)
class Span:
    """A row's status from ``start`` (inclusive) to ``end`` (exclusive)."""

    row: str
    status: str
    start: date
    end: date


@dataclass(frozen=True)
class Marker:
    """A notable act on a row, on the day it became certain."""

    row: str
    day: date
    kind: str
    act: str


def status_spans(
    entries: Iterable[Entry],
    start: date,
    end: date,
    instruments: Iterable[str] = DEFAULT_INSTRUMENTS,
    by_actor_of: str | None = None,
    known_at: KnownAt | None = None,
) -> tuple[list[str], list[Span], list[Marker]]:
    """Return (rows in display order, spans clipped to [start, end], markers in range).

    Raises:
        UnknownInstrument: an instrument that is not in the ledger.
    """
    records = standing(known(entries, known_at).entries)
    present = {r.record.id for r in records if isinstance(r.record, Instrument)}
    wanted = [by_actor_of] if by_actor_of else list(dict.fromkeys(instruments))
    for instrument_id in wanted:
        if instrument_id not in present:
            raise UnknownInstrument(instrument_id)
    state = LedgerState(catalogue={r.record.id: r.record for r in records
                                   if isinstance(r.record, Instrument)})
    changes: dict[str, list[tuple[date, str | None]]] = {}
    markers: list[Marker] = []
    for happening in state.in_order(happenings(records)):
        state.apply(happening)
        day = happening.time.latest
        now = _statuses(state, wanted, by_actor_of)
        for row, history in changes.items():
            if row not in now and history[-1][1] is not None:
                history.append((day, None))  # gone: a former state succeeded, or the treaty ended
        for row, status in now.items():
            history = changes.setdefault(row, [])
            if not history or history[-1][1] != status:
                history.append((day, status))
        act = happening.act
        if act.type in MARKED and happening.phase is Phase.NOTICE and start <= day <= end:
            row = _marker_row(act, wanted, by_actor_of)
            if row is not None:
                kind = "withdrawal" if act.type is ActType.DENUNCIATION else act.type.value
                markers.append(Marker(row, day, kind, act.id))
    spans = []
    for row, history in changes.items():
        for index, (since, status) in enumerate(history):
            until = history[index + 1][0] if index + 1 < len(history) else end
            clipped = (max(since, start), min(until, end))
            if status is not None and clipped[0] < clipped[1]:
                spans.append(Span(row, status, *clipped))
    rows = [row for row in (wanted if not by_actor_of else sorted(changes)) if row in changes]
    return rows, spans, markers


def _statuses(state: LedgerState, wanted: list[str], by_actor_of: str | None) -> dict[str, str]:
    if by_actor_of:
        progress = state.instruments.get(by_actor_of)
        if progress is None or progress.status in (
            InstrumentStatus.TERMINATED, InstrumentStatus.SUPERSEDED
        ):  # fmt: skip
            return {}  # an ended treaty binds no one: its actors' bars stop with it
        return {code: roles.status.value for code, roles in progress.actors.items() if roles.roles}
    return {
        instrument_id: progress.status.value
        for instrument_id in wanted
        if (progress := state.instruments.get(instrument_id)) and progress.status
    }


def _marker_row(act: Act, wanted: list[str], by_actor_of: str | None) -> str | None:
    if by_actor_of:
        return next((code for code in act.actors if act.instrument == by_actor_of), None)
    return act.instrument if act.instrument in wanted else None
