"""Actor profile: one actor's place in the record as of a day.

Its status toward each instrument (every role it holds); what it is bound by
(itself, or through a group it belongs to that day: NATO's pledges bind its
members of the day); what was demanded of it (provisions naming it among
their addressees: never an obligation, VCLT arts. 34-35); the provisions in
its favour on operative instruments (named as beneficiary, or owed to
"parties" while it is one); the demands it made and received; the violations
alleged by and against it. A group's profile lists its members: NATO's are
the parties to the North Atlantic Treaty as of the day.
A former state's profile names the states that continue it; a successor
state is owed what was owed to the state it continues.
"""

from __future__ import annotations

from collections.abc import Iterable

from treaty_ledger.ledger.actors import display_name, is_organisation
from treaty_ledger.ledger.computed import computed
from treaty_ledger.ledger.dates import AsOf
from treaty_ledger.ledger.entries import Entry
from treaty_ledger.ledger.model import Act
from treaty_ledger.ledger.record_time import KnownAt
from treaty_ledger.ledger.vocabulary import ActType
from treaty_ledger.projections.known import Standing, known, standing
from treaty_ledger.projections.models import InstrumentState, Replay
from treaty_ledger.projections.replay import GROUP_TREATIES, replay
from treaty_ledger.projections.report_models import ActorInstrument, ActorProfile, ProvisionRef

_MEMBER = frozenset({"party", "withdrawing"})
_OPERATIVE = frozenset({"adopted", "in-force"})


def profile(
    entries: Iterable[Entry], actor: str, as_of: AsOf, known_at: KnownAt | None = None
) -> ActorProfile:
    """Build the profile of ``actor`` (a checked actor code) as of ``as_of``."""
    entries = list(entries)
    result = replay(entries, as_of, known_at=known_at)
    records = standing(known(entries, known_at).entries)
    return profile_of(actor, as_of, result, result.instruments, records)


def profile_of(
    actor: str,
    as_of: AsOf,
    head: Replay,
    instruments: Iterable[InstrumentState],
    records: Iterable[Standing],
) -> ActorProfile:
    """Build the profile of ``actor`` from a replay of the day and the records that stand.

    ``head`` names the moment (its instruments are not read); ``instruments``
    come one at a time (``projections.replay.ReplayParts``) and only what
    concerns the actor is kept. ``records`` need only hold the acts naming
    the actor and the successions of states (what the valid-time index
    selects), by first position.
    """
    acts = [
        r.record
        for r in records
        if isinstance(r.record, Act) and r.record.valid_time.latest <= as_of.day
    ]
    successions = [a for a in acts if a.type is ActType.SUCCESSION and a.predecessor == actor]
    # Whom this actor continues (the Russian Federation continues the USSR): what was owed
    # to them is owed to it, as named obligors are read through their successor.
    continues = {a.predecessor for a in acts if a.type is ActType.SUCCESSION and a.predecessor
                 and a.instrument is None and actor in a.actors}  # fmt: skip
    names = {actor} | continues
    held, bound_by, in_favour, demanded_of = [], [], [], []
    group_members = [] if actor in GROUP_TREATIES else None
    for inst in instruments:
        if group_members is not None and inst.id == GROUP_TREATIES[actor]:
            group_members = [r.actor for r in inst.actors if r.status.value in _MEMBER]
        mine = [row for row in inst.actors if row.actor == actor]
        party = bool(mine) and mine[0].status.value in _MEMBER
        operative = inst.status.value in _OPERATIVE
        for row in mine:
            held.append(computed(
                ActorInstrument,
                instrument=inst.id, title=inst.title, instrument_status=inst.status.value,
                status=row.status.value, since=row.since,
                roles=[role.status.value for role in row.roles], toward=row.toward,
                contested_by=row.contested_by,
            ))  # fmt: skip
        for prov in inst.provisions:
            ref = dict(instrument=inst.id, provision=prov.id, type=prov.type.value,
                       summary=prov.summary, instrument_status=inst.status.value)  # fmt: skip
            if actor in prov.bound:
                bound_by.append(computed(ProvisionRef, **ref))
            for group, members in prov.through.items():
                if actor in members:
                    bound_by.append(computed(ProvisionRef, **ref, through=group))
            if names & set(prov.addressees):
                demanded_of.append(computed(ProvisionRef, **ref))
            owed = prov.beneficiaries
            if operative and (
                (isinstance(owed, list) and names & set(owed)) or (owed == "parties" and party)
            ):
                in_favour.append(computed(ProvisionRef, **ref))
    issuing = (ActType.DEMANDS, ActType.PROPOSAL)
    alleged = [a for a in acts if a.type is ActType.ALLEGED_VIOLATION]
    return computed(
        ActorProfile,
        actor=actor,
        name=display_name(actor),
        kind="organisation" if is_organisation(actor) else (
            "former-state" if successions or display_name(actor, historic_only=True) else "state"
        ),
        as_of=as_of.text, as_of_day=as_of.day.isoformat(), known_at=head.known_at,
        position=head.position, members=group_members,
        continued_by=sorted({code for act in successions for code in act.actors}) or None,
        instruments=held, bound_by=bound_by, demanded_of=demanded_of,
        in_favour_of=in_favour,
        demands_made=[a.id for a in acts if a.type in issuing and actor in a.actors],
        demands_received=[a.id for a in acts if a.type in issuing and actor in a.recipients],
        violations_alleged_by=[a.id for a in alleged if actor in a.actors],
        violations_alleged_against=[a.id for a in alleged if actor in a.recipients],
    )  # fmt: skip
