"""Compliance: by instrument, what bound an actor and what was alleged against it and by it.

So that a sentence such as "Russia has repeatedly violated restrictions it
accepted" can be checked act by act: for each instrument, the provisions
that bound the actor on the as-of day (itself, or through a group it was a
member of that day, as replay reads them), and every alleged-violation act
concerning it dated by then in which the actor is the accused (a recipient)
or the accuser (an actor), each with its date, who alleged it, its sources
and whether the accused was bound by what it is said to have violated on
that day (a restriction it had accepted, or one it was not bound by). An
allegation names the actor literally: one made against NATO is not listed
under each ally. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable

from treaty_ledger.ledger.dates import AsOf
from treaty_ledger.ledger.entries import Entry
from treaty_ledger.ledger.model import Act
from treaty_ledger.ledger.record_time import KnownAt
from treaty_ledger.ledger.vocabulary import ActType
from treaty_ledger.projections.contrast import BoundThen, allegation
from treaty_ledger.projections.contrast_models import BoundBy, Compliance, InstrumentCompliance
from treaty_ledger.projections.known import known, standing
from treaty_ledger.projections.replay import replay_known


def compliance(
    entries: Iterable[Entry], actor: str, as_of: AsOf, known_at: KnownAt | None = None
) -> Compliance:
    """List, by instrument, the commitments binding ``actor`` (a checked code) and allegations.

    Instruments come in id order, those with allegations naming no
    instrument last (``instrument`` None); allegations in valid-time order.

    Raises:
        InvalidMoment: ``known_at`` is a position beyond the end of the log.
    """
    knowledge = known(list(entries), known_at)
    result = replay_known(knowledge, as_of)
    acts = sorted(
        (item.record for item in standing(knowledge.entries)
         if isinstance(item.record, Act) and item.record.type is ActType.ALLEGED_VIOLATION
         and item.record.valid_time.latest <= as_of.day),
        key=lambda act: (act.valid_time.earliest, act.valid_time.latest, act.id),
    )  # fmt: skip
    then = BoundThen(knowledge)
    against = [act for act in acts if actor in act.recipients]
    by = [act for act in acts if actor in act.actors]
    rows = []
    seen: set[str | None] = set()
    for state in result.instruments:
        bound = []
        for provision in state.provisions:
            if actor in provision.bound:
                bound.append(BoundBy(provision=provision.id, type=provision.type.value,
                                     summary=provision.summary, through=None))  # fmt: skip
            for group, members in provision.through.items():
                if actor in members:
                    bound.append(BoundBy(provision=provision.id, type=provision.type.value,
                                         summary=provision.summary, through=group))  # fmt: skip
        mine = [a for a in against if a.instrument == state.id]
        theirs = [a for a in by if a.instrument == state.id]
        if not (bound or mine or theirs):
            continue
        seen.add(state.id)
        status = next((row.status.value for row in state.actors if row.actor == actor), None)
        rows.append(InstrumentCompliance(
            instrument=state.id, title=state.title, instrument_status=state.status.value,
            actor_status=status, bound_by=bound,
            alleged_against=[allegation(a, then) for a in mine],
            alleged_by=[allegation(a, then) for a in theirs],
        ))  # fmt: skip
    rest = sorted({a.instrument for a in [*against, *by] if a.instrument not in seen},
                  key=lambda name: (name is None, name or ""))  # fmt: skip
    for name in rest:
        rows.append(InstrumentCompliance(
            instrument=name, title=None, instrument_status=None, actor_status=None, bound_by=[],
            alleged_against=[allegation(a, then) for a in against if a.instrument == name],
            alleged_by=[allegation(a, then) for a in by if a.instrument == name],
        ))  # fmt: skip
    return Compliance(
        actor=actor,
        as_of=as_of.text,
        as_of_day=as_of.day.isoformat(),
        known_at=result.known_at,
        position=result.position,
        instruments=rows,
    )
