"""Pages about one record: an instrument, an actor, an act; two days compared; a search.

Each builder reads the whole log once, verified (``Ledger.verified``), and
folds it with the same projections the command line uses: ``replay``,
``timeline``, ``profile``, ``history``, ``diff``, ``status_spans`` and
``memberships``. Each names the log size and Merkle root its answer came from:
the root of the entries known at the reading's moment.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from treaty_ledger.cli.web.base import PageError, Reading
from treaty_ledger.cli.web.proving import describe, latest_checkpoint
from treaty_ledger.cli.web.svg import status_chart
from treaty_ledger.ledger.actors import check_actor_code, display_name
from treaty_ledger.ledger.dates import AsOf
from treaty_ledger.ledger.errors import UnknownInstrument
from treaty_ledger.ledger.integrity.checkpoints import InvalidCheckpoint
from treaty_ledger.ledger.integrity.verified_log import VerifiedLog
from treaty_ledger.ledger.model import Act, Instrument
from treaty_ledger.ledger.store.application import Ledger
from treaty_ledger.projections.chart_data import status_spans
from treaty_ledger.projections.diff import diff
from treaty_ledger.projections.history import history
from treaty_ledger.projections.known import known, standing
from treaty_ledger.projections.memberships import memberships
from treaty_ledger.projections.profile import profile
from treaty_ledger.projections.replay import replay
from treaty_ledger.projections.timeline import timeline


def read_log(store: str) -> VerifiedLog:
    """The whole log, read once and checked.

    Raises:
        EmptyStore, StoreError: the store cannot be read or fails verification.
    """
    with Ledger(store, read_only=True) as ledger:
        return ledger.verified().checked()


def named(log: VerifiedLog, known_at: str, position: int) -> dict[str, Any]:
    """The context every page shows: the moment, log size and root hash of its answer."""
    return {"known_at": known_at, "position": position, "log_size": position,
            "root_hash": log.root_hash(position)}  # fmt: skip


def instrument_context(store: str, read: Reading, instrument_id: str, today: date) -> dict:
    """The instrument's state on the day, its provisions, its timeline and its chart.

    Raises:
        UnknownInstrument: the ledger has no such instrument (as known then).
    """
    log = read_log(store)
    records = {r.record.id: r.record for r in standing(known(log.entries, read.known_at).entries)
               if isinstance(r.record, Instrument)}  # fmt: skip
    record = records.get(instrument_id)
    if record is None:
        raise UnknownInstrument(instrument_id)
    state = replay(log.entries, read.as_of, known_at=read.known_at, instrument=instrument_id)
    line = timeline(log.entries, instrument=instrument_id, known_at=read.known_at)
    chart = None
    if line.acts:
        first = date.fromisoformat(line.acts[0].earliest)
        last = max(today, read.as_of.day, date.fromisoformat(line.acts[-1].latest))
        rows, spans, marks = status_spans(log.entries, first, last, [instrument_id],
                                          known_at=read.known_at)  # fmt: skip
        actor_rows, actor_spans, actor_marks = status_spans(
            log.entries, first, last, by_actor_of=instrument_id, known_at=read.known_at
        )
        chart = status_chart(rows + actor_rows, spans + actor_spans, actor_marks, first, last,
                             read.as_of.day)  # fmt: skip
    return {
        "record": record,
        "state": state.instruments[0] if state.instruments else None,
        "indeterminate": state.indeterminate,
        "acts": line.acts,
        "chart": chart,
        **named(log, state.known_at, state.position),
    }


def actor_context(store: str, read: Reading, code: str) -> dict:
    """The actor's profile on the day and its memberships over time.

    Raises:
        InvalidActorCode: ``code`` names no state, former state or organisation (400).
    """
    check_actor_code(code)
    log = read_log(store)
    found = profile(log.entries, code, read.as_of, known_at=read.known_at)
    spans = memberships(log.entries, code, known_at=read.known_at)
    chart = None
    if spans:
        first = min(span.start for span in spans)
        last = max(date.today(), read.as_of.day, *(s.end for s in spans if s.end))
        rows = list(dict.fromkeys(span.instrument for span in spans))
        bars = [_Span(s.instrument, s.status, s.start, s.end or last) for s in spans]
        chart = status_chart(rows, bars, [], first, last, read.as_of.day)
    return {"profile": found, "memberships": spans, "chart": chart,
            **named(log, found.known_at, found.position)}  # fmt: skip


def act_context(store: str, read: Reading, act_id: str, checkpoint: str | None) -> dict:
    """Every version of the act in record order, and whether a proof can be offered.

    ``proof`` says whether a checkpoint is configured and, if so, describes
    the latest (``cli.web.proving.describe``) and counts the act's entries
    within its tree, or names the problem reading it.

    Raises:
        UnknownAct: the ledger has no entry of that act (as known then).
    """
    log = read_log(store)
    found = history(log.entries, act_id=act_id, known_at=read.known_at)
    proof: dict[str, object] = {"configured": checkpoint is not None}
    if checkpoint is not None:
        try:
            latest = latest_checkpoint(checkpoint)
        except InvalidCheckpoint as err:
            proof["problem"] = str(err)
        else:
            proof.update(describe(latest))
            proof["entries"] = sum(item.position <= latest.tree_size for item in found.items)
    return {"history": found, "current": found.items[-1], "proof": proof,
            **named(log, found.known_at, found.position)}  # fmt: skip


def compare_context(
    store: str, read: Reading, start: AsOf, end: AsOf, instrument: str | None = None
) -> dict:
    """The changes of status between the close of ``start`` and of ``end``, and the acts between.

    The acts are those whose possible days overlap the days after ``start``
    up to ``end`` (inclusive), in valid-time order. With ``instrument``, only
    the changes and acts concerning that instrument.

    Raises:
        PageError: 400 when ``end`` is not after ``start``.
        UnknownInstrument: ``instrument`` is not in the ledger.
    """
    if end.day <= start.day:
        raise PageError(400, f"to: {end.text!r} must be after from ({start.text!r})")
    log = read_log(store)
    found = diff(log.entries, start, end, read.known_at)
    between = timeline(log.entries, start=start.day + timedelta(days=1), end=end.day,
                       instrument=instrument, known_at=read.known_at)  # fmt: skip
    changes = [c for c in found.changes if instrument in (None, c.instrument)]
    return {"diff": found, "changes": changes, "start": start, "end": end, "acts": between.acts,
            "instrument": instrument, **named(log, found.known_at, found.position)}  # fmt: skip


def search_context(store: str, read: Reading, text: str) -> dict:
    """Instruments, acts and actors whose id, title, name or summary contains ``text``.

    Case-insensitive; an empty ``text`` finds nothing. At most 200 acts.
    """
    log = read_log(store)
    knowledge = known(log.entries, read.known_at)
    records = [r.record for r in standing(knowledge.entries)]
    instruments = [r for r in records if isinstance(r, Instrument)]
    titles = {i.id: i.title for i in instruments}
    needle = text.casefold().strip()
    found_instruments, found_acts, codes = [], [], set()
    for record in records:
        if isinstance(record, Act):
            codes.update(record.actors, record.recipients)
    if needle:
        found_instruments = [i for i in instruments
                             if needle in f"{i.id} {i.title}".casefold()]  # fmt: skip
        for act in (r for r in records if isinstance(r, Act)):
            haystack = " ".join([act.id, act.summary, titles.get(act.instrument or "", ""),
                                 *act.actors, *act.recipients,
                                 *(display_name(code) for code in act.actors)])  # fmt: skip
            if needle in haystack.casefold():
                found_acts.append(act)
    actors = sorted(code for code in codes
                    if needle and needle in f"{code} {display_name(code)}".casefold())  # fmt: skip
    return {"text": text, "instruments": found_instruments, "acts": found_acts[:200],
            "more": max(len(found_acts) - 200, 0), "actors": actors,
            **named(log, knowledge.known_at, knowledge.position)}  # fmt: skip


class _Span:
    """A membership as a chart span (``row``, ``status``, ``start``, ``end``)."""

    def __init__(self, row: str, status: str, start: date, end: date) -> None:
        self.row, self.status, self.start, self.end = row, status, start, end


def contrast_context(store: str, read: Reading, proposal: str) -> dict:
    """A proposal set against the commitments of the day (``projections.contrast``).

    Raises:
        UnknownInstrument: no such instrument (404); NotAProposal: not a proposal (400).
    """
    from treaty_ledger.projections.contrast import contrast

    log = read_log(store)
    found = contrast(log.entries, proposal, read.as_of, read.known_at)
    return {"contrast": found, **named(log, found.known_at, found.position)}
