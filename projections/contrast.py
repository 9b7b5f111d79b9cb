"""Contrast: a proposal set against the commitments in force on a day.

For each provision of a proposal, its relations (records of their own:
``ledger.model.Relation``) name the provisions of other instruments it
``contradicts``, ``would-replace``, ``reinterprets`` or ``reaffirms``. The
contrast reads each target as replay leaves it on the as-of day (its status,
who is bound, a group's members through it), asks whether the proposer was
itself bound by it, and lists the violations of that instrument alleged
against the proposer and those the proposer alleged (the counter-allegations).

Whom a provision would reach: the states in its ``addressee_class``, when it
names one (``ledger.addressee_classes``), else its addressees or named
obligors, a group (NATO) read as its members of the day: the parties of its
founding treaty then (``projections.replay.GROUP_TREATIES``), each with the
day its membership began.

A relation carries no valid time of its own: its ``date`` is when a source
drew the link. What counts is what was recorded by ``known_at``: a retracted
relation is gone, a corrected one reads as corrected. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from treaty_ledger.ledger.addressee_classes import class_rule
from treaty_ledger.ledger.dates import AsOf, parse_valid_time
from treaty_ledger.ledger.entries import Entry
from treaty_ledger.ledger.errors import NotAProposal, UnknownInstrument
from treaty_ledger.ledger.model import Act, Instrument, Provision, Relation
from treaty_ledger.ledger.record_time import KnownAt
from treaty_ledger.ledger.vocabulary import (
    CHANGING_RELATIONS,
    ActorStatus,
    ActType,
    InstrumentStatus,
    LegalNature,
)
from treaty_ledger.projections.contrast_models import (
    Allegation,
    Contrast,
    ContrastProvision,
    Link,
    Member,
)
from treaty_ledger.projections.known import Knowledge, known, standing
from treaty_ledger.projections.models import InstrumentState, Replay
from treaty_ledger.projections.replay import GROUP_TREATIES, replay_known

PROPOSING = frozenset({ActType.PROPOSAL, ActType.DEMANDS, ActType.ADOPTION})
"""Acts whose actors put an instrument forward: its proposers."""
_MEMBER = frozenset({ActorStatus.PARTY, ActorStatus.WITHDRAWING})


def is_proposal(instrument: Instrument, relations: Iterable[Relation]) -> bool:
    """Whether an instrument proposes: a draft, a set of demands, or linked from by a relation."""
    if instrument.legal_nature in (LegalNature.DRAFT, LegalNature.UNILATERAL):
        return True
    return any(relation.from_.instrument == instrument.id for relation in relations)


def contrast(
    entries: Iterable[Entry], proposal: str, as_of: AsOf, known_at: KnownAt | None = None
) -> Contrast:
    """Set each provision of ``proposal`` against the commitments of ``as_of.day``.

    Only what was recorded by ``known_at`` counts (None: everything); acts
    count when every day they may fall on is on or before the as-of day.

    Raises:
        UnknownInstrument: no instrument ``proposal`` was recorded by then.
        NotAProposal: the instrument is not a proposal (:func:`is_proposal`).
        InvalidMoment: ``known_at`` is a position beyond the end of the log.
    """
    knowledge = known(list(entries), known_at)
    records = [item.record for item in standing(knowledge.entries)]
    instruments = {r.id: r for r in records if isinstance(r, Instrument)}
    relations = [r for r in records if isinstance(r, Relation)]
    acts = [r for r in records if isinstance(r, Act) and r.valid_time.latest <= as_of.day]
    if proposal not in instruments:
        raise UnknownInstrument(proposal)
    instrument = instruments[proposal]
    if not is_proposal(instrument, relations):
        raise NotAProposal(proposal)
    result = replay_known(knowledge, as_of)
    states = {state.id: state for state in result.instruments}
    proposers = sorted(
        {code for act in acts if act.instrument == proposal and act.type in PROPOSING
         for code in act.actors}
    )  # fmt: skip
    allegations = sorted(
        (act for act in acts if act.type is ActType.ALLEGED_VIOLATION),
        key=lambda act: (act.valid_time.earliest, act.valid_time.latest, act.id),
    )  # in valid-time order
    then = BoundThen(knowledge)
    provisions = [
        _provision(
            provision,
            [r for r in relations if r.from_.instrument == proposal
             and r.from_.provision == provision.id],
            instruments, states, result, proposers, allegations, then,
        )
        for provision in instrument.provisions
    ]  # fmt: skip
    return Contrast(
        proposal=proposal,
        title=instrument.title,
        legal_nature=instrument.legal_nature.value,
        proposers=proposers,
        status=states[proposal].status.value if proposal in states else None,
        as_of=as_of.text,
        as_of_day=as_of.day.isoformat(),
        known_at=result.known_at,
        position=result.position,
        provisions=provisions,
    )


def members(group: str, result: Replay) -> list[Member]:
    """The members of ``group`` on the replay's day, each with the day it joined (EDTF).

    In the order they joined (then by code).

    Members are the parties (or withdrawing parties) of the group's founding
    treaty (``GROUP_TREATIES``); a membership begins when the actor became a
    party. An actor that is not such a group has no members: ``[]``.
    """
    treaty = GROUP_TREATIES.get(group)
    state = next((s for s in result.instruments if s.id == treaty), None)
    if state is None:
        return []
    found = []
    for row in state.actors:
        if row.status not in _MEMBER:
            continue
        party = [role.since for role in row.roles if role.status is ActorStatus.PARTY]
        found.append(Member(actor=row.actor, joined=party[0] if party else row.since))
    return sorted(found, key=lambda m: (parse_valid_time(m.joined).earliest, m.actor))


def _reached(codes: Iterable[str], result: Replay) -> set[str]:
    found: set[str] = set()
    for code in codes:
        if code in GROUP_TREATIES:
            found.update(member.actor for member in members(code, result))
        else:
            found.add(code)
    return found


def _provision(
    provision: Provision,
    relations: Sequence[Relation],
    instruments: dict[str, Instrument],
    states: dict[str, InstrumentState],
    result: Replay,
    proposers: list[str],
    allegations: list[Act],
    then: BoundThen,
) -> ContrastProvision:
    resolved, class_members = None, None
    if provision.addressee_class is not None:
        rule = class_rule(provision.addressee_class)
        resolved = rule is not None
        class_members = []
        if rule is not None:
            class_members = [
                member for member in members(rule.group, result)
                if rule.admits(parse_valid_time(member.joined).earliest)
            ]  # fmt: skip
    if class_members is not None:
        reaches = {member.actor for member in class_members}
    else:
        named = provision.obligors if isinstance(provision.obligors, list) else []
        reaches = _reached(provision.addressees or named, result)
    links = [
        _link(relation, instruments, states, proposers, allegations, then)
        for relation in sorted(relations, key=lambda r: (r.to.instrument, r.to.provision, r.id))
    ]
    return ContrastProvision(
        id=provision.id,
        type=provision.type.value,
        summary=provision.summary,
        addressees=list(provision.addressees),
        addressee_class=provision.addressee_class,
        class_resolved=resolved,
        class_members=class_members,
        reaches=sorted(reaches),
        links=links,
    )


def _link(
    relation: Relation,
    instruments: dict[str, Instrument],
    states: dict[str, InstrumentState],
    proposers: list[str],
    allegations: list[Act],
    then: BoundThen,
) -> Link:
    target = instruments.get(relation.to.instrument)
    state = states.get(relation.to.instrument)
    provision = next(
        (p for p in target.provisions if p.id == relation.to.provision), None
    ) if target else None  # fmt: skip
    row = next(
        (p for p in state.provisions if p.id == relation.to.provision), None
    ) if state else None  # fmt: skip
    bound = list(row.bound) if row else []
    through = {group: list(codes) for group, codes in row.through.items()} if row else {}
    bound_states = set(bound) | {code for codes in through.values() for code in codes}
    concerning = [a for a in allegations if a.instrument == relation.to.instrument]
    return Link(
        relation=relation.id,
        kind=relation.kind,
        changes=relation.kind in CHANGING_RELATIONS,
        instrument=relation.to.instrument,
        title=target.title if target else None,
        provision=relation.to.provision,
        provision_summary=provision.summary if provision else None,
        instrument_status=state.status.value if state else None,
        in_force=_in_force(state),
        bound=bound,
        through=through,
        proposer_bound=[code for code in proposers if code in bound_states],
        alleged_against_proposer=[
            allegation(a, then) for a in concerning if set(proposers) & set(a.recipients)
        ],
        alleged_by_proposer=[
            allegation(a, then) for a in concerning if set(proposers) & set(a.actors)
        ],
        date=relation.date,
        summary=relation.summary,
        drawn_by=list(relation.drawn_by),
        sources=list(relation.sources),
    )


def _in_force(state: InstrumentState | None) -> bool:
    if state is None or state.legal_nature is LegalNature.DRAFT:
        return False
    if state.legal_nature is LegalNature.TREATY:
        return state.status is InstrumentStatus.IN_FORCE
    return state.status in (InstrumentStatus.ADOPTED, InstrumentStatus.IN_FORCE)


class BoundThen:
    """Who was bound by an instrument on the day of an allegation: one replay a day, kept.

    ``knowledge`` is what was known (``projections.known``); the day is the
    allegation's last possible day, at its close.
    """

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self.replays: dict[date, Replay] = {}

    def accused(self, act: Act) -> list[str]:
        """The recipients of ``act`` bound then by its provision (else by its instrument's)."""
        day = act.valid_time.latest
        if day not in self.replays:
            self.replays[day] = replay_known(self.knowledge, AsOf(day.isoformat(), day))
        state = next((s for s in self.replays[day].instruments if s.id == act.instrument), None)
        bound: set[str] = set()
        for row in state.provisions if state else []:
            if act.provision is None or row.id == act.provision:
                bound.update(row.bound, *row.through.values())
        return [code for code in act.recipients if code in bound]


def allegation(act: Act, then: BoundThen) -> Allegation:
    """The read model of one alleged-violation act (``then`` says who was bound that day)."""
    return Allegation(
        id=act.id,
        date=act.date,
        instrument=act.instrument,
        provision=act.provision,
        alleged_by=list(act.actors),
        against=list(act.recipients),
        summary=act.summary,
        sources=list(act.sources),
        accused_bound=then.accused(act),
    )
