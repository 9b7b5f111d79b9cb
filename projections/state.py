"""The fold at the heart of replay: how each kind of act changes the state.

Working state only; ``projections.replay`` turns it into read models. The
rules follow the Vienna Convention on the Law of Treaties (VCLT); statuses
are in ``ledger.vocabulary``, roles in ``projections.roles``.

* Instrument status: ``proposal`` makes a new instrument a ``draft``;
  ``adoption``, ``signature`` or ``demands`` make a draft (or a new
  instrument) ``adopted``; ``entry-into-force`` makes it ``in-force``;
  ``termination`` makes it ``terminated`` and ``supersession`` makes it
  ``superseded``, whatever it was, and neither returns.
* Consent (VCLT arts. 11-17, 34-35): ``proposal`` and ``demands`` make their
  actors ``proposer`` and their recipients ``addressee``: neither is bound.
  Signing a treaty makes a ``signatory``; signing, adopting or accepting a
  political or unilateral instrument makes a ``participating`` State (and
  admission to an organisation whose commitments it is, by signing,
  accepting or being readmitted to one of them, makes the state participating
  in every such commitment in effect that day).
* Entry into force for each state (VCLT arts. 2(1)(f)-(g), 24): consent to a
  treaty (ratification, acceptance, approval, accession, succession to it)
  makes a ``contracting`` state; the treaty's entry into force makes every
  contracting state a ``party``. A state that consents later becomes a party
  at the end of the delay its instrument's final clauses set
  (``in_force_for_later_consent_after``), else on its deposit; an
  ``entry-into-force`` act naming that state (the date the depositary
  records) makes it a party on that date. Where both exist the earlier holds
  (a fold that reads the log once cannot wait for a later date), and
  ``ledger check`` reports the two disagreeing. ``provisional-application`` (VCLT art. 25) is
  a status of its own, not entry into force.
* Withdrawal and denunciation (VCLT arts. 54, 56, 65-67): the notice makes
  the actor ``withdrawing`` (still bound); the effect makes it ``withdrawn``.
  Without an ``effective`` date the effect comes at the end of the period the
  final clauses set (``withdrawal_takes_effect_after``), else on notice.
* Suspension (VCLT art. 60): from its effect (its notice when it has no
  effective date), toward its recipients only, or toward every party when
  it names none (or names every other party). A wider suspension widens
  one held; one toward a party that has left lapses; ``readmission`` lifts
  it. ``proposal`` and ``demands`` acts on an instrument already adopted or
  in force (demands made under it) change no role.
* Termination and supersession (VCLT art. 70(1)(a)) release every actor that
  had consented and not left: each becomes a ``former-party``; nothing
  pending for the instrument takes effect afterwards.
* Succession of states: a ``succession`` act with a ``predecessor`` moves
  every role the predecessor holds (or, with an ``instrument``, its roles
  toward that instrument) to the successor from that day; the Russian
  Federation continues the USSR from 1991-12-26.
* A court's decision (``judicial``) is adopted by the court and binds the
  parties to the case it names as obligors (ICJ Statute arts. 41, 59).
* Acts in ``CHANGES_NO_STATUS`` (rejections, allegations, recognitions,
  domestic acts, ...) belong to the timeline.
* ``annexation`` records a claim to a territory by each actor from that day.
* A role from a contested act (``Act.contested``) carries who contests it.
"""

from __future__ import annotations

import heapq
import itertools
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from treaty_ledger.ledger.dates import ValidTime, parse_period
from treaty_ledger.ledger.model import Act, FinalClauses, Instrument
from treaty_ledger.ledger.vocabulary import (
    CHANGES_NO_STATUS,
    CONSENT_TO_BE_BOUND,
    ActorStatus,
    ActType,
    InstrumentStatus,
    LegalNature,
)
from treaty_ledger.projections.order import Happening, Phase
from treaty_ledger.projections.roles import (
    CONSENTING,
    ActorRoles,
    Role,
    lapse_suspensions_toward,
    suspend,
)

FINAL = frozenset({InstrumentStatus.TERMINATED, InstrumentStatus.SUPERSEDED})
_ADOPTING = frozenset({ActType.ADOPTION, ActType.SIGNATURE})
_EXITS = frozenset({ActType.WITHDRAWAL, ActType.DENUNCIATION})
# The clauses of an instrument that records none; built without validation (no field is set).
_NO_FINAL_CLAUSES = FinalClauses.model_construct()


@dataclass(slots=True)
class Claim:
    """A claim to a territory: since when, by which act, and who contests it."""

    since: str
    act: str
    contested_by: tuple[str, ...] = ()


@dataclass
class InstrumentProgress:
    """One instrument's status so far, and its actors' roles."""

    status: InstrumentStatus | None = None
    since: str = ""
    actors: dict[str, ActorRoles] = field(default_factory=dict)
    in_force_named: set[str] = field(default_factory=set)

    def set_status(self, status: InstrumentStatus, since: str) -> None:
        """Move to ``status`` from ``since``; no change if it already holds."""
        if status != self.status:
            self.status, self.since = status, since

    def roles(self, actor: str) -> ActorRoles:
        """The actor's roles toward this instrument, created empty if new."""
        held = self.actors.get(actor)
        if held is None:
            # One string per actor code, however many instruments and acts name it: a
            # whole-record replay keeps a row for hundreds of thousands of these pairs.
            held = self.actors[sys.intern(actor)] = ActorRoles()
        return held

    @property
    def ended(self) -> bool:
        """Whether the instrument was terminated or superseded."""
        return self.status in FINAL


@dataclass
class LedgerState:
    """Everything replay knows after applying some happenings in order.

    ``catalogue`` holds the instruments by id, for their legal nature, final
    clauses and organisation; an act on an instrument it lacks is read as a
    treaty without final clauses.
    """

    catalogue: dict[str, Instrument] = field(default_factory=dict)
    instruments: dict[str, InstrumentProgress] = field(default_factory=dict)
    claims: dict[tuple[str, str], Claim] = field(default_factory=dict)
    successors: dict[str, str] = field(default_factory=dict)
    _pending: list[tuple[tuple, int, Happening]] = field(default_factory=list)
    _counter: Iterator[int] = field(default_factory=itertools.count)

    def instrument(self, instrument_id: str) -> InstrumentProgress:
        """The instrument's progress, created empty if new."""
        return self.instruments.setdefault(instrument_id, InstrumentProgress())

    def in_order(self, ordered: Iterable[Happening]) -> Iterator[Happening]:
        """Yield ``ordered`` (in valid-time order) merged with the effects the fold derives.

        A derived effect (a withdrawal's effect at the end of its period, entry
        into force for a late consenting state) is queued when its act is
        applied and comes out in its place in the same order
        (``projections.order``); the caller applies or skips each happening.
        """
        for happening in ordered:
            while self._pending and self._pending[0][0] <= happening.key:
                yield heapq.heappop(self._pending)[2]
            yield happening
        while self._pending:
            yield heapq.heappop(self._pending)[2]

    def apply(self, happening: Happening) -> None:
        """Apply one happening (see the module docstring for the rules)."""
        act = happening.act
        when = happening.time.edtf
        if happening.phase is Phase.EFFECT:
            self._take_effect(act, when)
        elif happening.phase is Phase.IN_FORCE_FOR:
            self._enter_into_force_for(act, when)
        elif act.type is ActType.SUCCESSION and act.predecessor is not None:
            self._succeed(act, when)
        elif act.type is ActType.ANNEXATION:
            assert act.territory is not None
            for claimant in act.actors:
                self.claims.setdefault(
                    (act.territory, claimant), Claim(when, act.id, _contested_by(act))
                )
        elif act.instrument is not None and act.type not in CHANGES_NO_STATUS:
            self._apply_to_instrument(act, self.instrument(act.instrument), happening)

    def current_code(self, actor: str) -> str:
        """Follow successions: the actor that now holds ``actor``'s roles."""
        seen = set()
        while actor in self.successors and actor not in seen:
            seen.add(actor)
            actor = self.successors[actor]
        return actor

    def _nature(self, instrument_id: str) -> LegalNature:
        known = self.catalogue.get(instrument_id)
        return known.legal_nature if known is not None else LegalNature.TREATY

    def _clauses(self, instrument_id: str) -> FinalClauses:
        known = self.catalogue.get(instrument_id)
        return (known.final_clauses if known is not None else None) or _NO_FINAL_CLAUSES

    def _defer(self, act: Act, after: ValidTime, period: str, phase: Phase, position: int) -> None:
        delay = parse_period(period)
        start, end = delay.after(after.earliest), delay.after(after.latest)
        text = start.isoformat() if start == end else f"{start.isoformat()}/{end.isoformat()}"
        derived = Happening(ValidTime(start, end, text), act, position, phase)
        heapq.heappush(self._pending, (derived.key, next(self._counter), derived))

    def _apply_to_instrument(
        self, act: Act, progress: InstrumentProgress, happening: Happening
    ) -> None:
        kind, when = act.type, happening.time.edtf
        role = Role(when, act.id, contested_by=_contested_by(act))
        nature = self._nature(act.instrument or "")
        if progress.ended and kind is not ActType.SUPERSESSION:
            return  # nothing changes a terminated or superseded instrument (VCLT art. 70)
        if kind in (ActType.PROPOSAL, ActType.DEMANDS) and progress.status in (
            InstrumentStatus.ADOPTED, InstrumentStatus.IN_FORCE
        ):
            return  # demands made under an instrument in effect: its timeline, not its roles
        if kind in (ActType.PROPOSAL, ActType.DEMANDS):
            for actor in act.actors:
                progress.roles(actor).add(ActorStatus.PROPOSER, role)
            for actor in act.recipients:
                progress.roles(actor).add(ActorStatus.ADDRESSEE, role)
            if kind is ActType.PROPOSAL and progress.status is None:
                progress.set_status(InstrumentStatus.DRAFT, when)
            elif kind is ActType.DEMANDS and progress.status in (None, InstrumentStatus.DRAFT):
                progress.set_status(InstrumentStatus.ADOPTED, when)
        elif kind in _ADOPTING and nature is LegalNature.JUDICIAL:
            # A court's decision binds the parties to the case by their acceptance of its
            # jurisdiction (ICJ Statute arts. 41, 59; UN Charter art. 94(1)), not by joining it.
            if progress.status in (None, InstrumentStatus.DRAFT):
                progress.set_status(InstrumentStatus.ADOPTED, when)
        elif kind in _ADOPTING:
            if progress.status in (None, InstrumentStatus.DRAFT):
                progress.set_status(InstrumentStatus.ADOPTED, when)
            joined = (
                ActorStatus.SIGNATORY
                if nature in (LegalNature.TREATY, LegalNature.DRAFT)
                else ActorStatus.PARTICIPATING
            )
            for actor in act.actors:
                progress.roles(actor).add(joined, role)
            if joined is ActorStatus.PARTICIPATING:
                self._admit(act, role)
        elif kind in CONSENT_TO_BE_BOUND:
            self._consent(act, progress, happening, role, nature)
        elif kind is ActType.PROVISIONAL_APPLICATION:
            for actor in act.actors:
                progress.roles(actor).add(ActorStatus.PROVISIONALLY_APPLYING, role)
        elif kind is ActType.ENTRY_INTO_FORCE:
            self._entry_into_force(act, progress, role)
        elif kind in (ActType.TERMINATION, ActType.SUPERSESSION):
            progress.set_status(
                InstrumentStatus.TERMINATED
                if kind is ActType.TERMINATION
                else InstrumentStatus.SUPERSEDED,
                when,
            )
            for roles in progress.actors.values():
                if roles.consented():
                    roles.drop(*CONSENTING)
                    roles.add(ActorStatus.FORMER_PARTY, role)
        elif kind in _EXITS:
            for actor in act.actors:
                progress.roles(actor).add(ActorStatus.WITHDRAWING, role)
            if act.effective is None:
                period = self._clauses(act.instrument or "").withdrawal_takes_effect_after
                if period is None:
                    self._take_effect(act, when)  # no period set: effective on notice
                else:
                    self._defer(act, happening.time, period, Phase.EFFECT, happening.position)
        elif kind is ActType.SUSPENSION and act.effective is None:
            self._take_effect(act, when)
        elif kind is ActType.READMISSION:
            rejoined = (
                ActorStatus.PARTY if nature is LegalNature.TREATY else ActorStatus.PARTICIPATING
            )
            for actor in act.actors:
                roles = progress.roles(actor)
                roles.drop(ActorStatus.SUSPENDED, ActorStatus.WITHDRAWN, rejoined)
                roles.add(rejoined, role)  # participating again from the readmission
            if rejoined is ActorStatus.PARTICIPATING:
                self._admit(act, role)

    def _consent(
        self,
        act: Act,
        progress: InstrumentProgress,
        happening: Happening,
        role: Role,
        nature: LegalNature,
    ) -> None:
        if progress.status is None:  # consent to a text implies it was adopted
            progress.set_status(InstrumentStatus.ADOPTED, role.since)
        if nature in (LegalNature.POLITICAL, LegalNature.UNILATERAL):
            for actor in act.actors:
                progress.roles(actor).add(ActorStatus.PARTICIPATING, role)
            self._admit(act, role)
            return
        for actor in act.actors:
            progress.roles(actor).add(ActorStatus.CONTRACTING, role)
        if progress.status is not InstrumentStatus.IN_FORCE:
            return  # parties from the instrument's entry into force
        delay = self._clauses(act.instrument or "").in_force_for_later_consent_after
        if delay is None:
            for actor in act.actors:
                progress.roles(actor).add(ActorStatus.PARTY, role)
        else:
            self._defer(act, happening.time, delay, Phase.IN_FORCE_FOR, happening.position)

    def _admit(self, act: Act, role: Role) -> None:
        """Admission to an organisation accepts every commitment of it in effect that day."""
        accepted = self.catalogue.get(act.instrument or "")
        if accepted is None or accepted.organisation is None:
            return
        for other_id, other in self.catalogue.items():
            progress = self.instruments.get(other_id)
            if (
                other_id == accepted.id
                or other.organisation != accepted.organisation
                or progress is None
                or progress.status not in (InstrumentStatus.ADOPTED, InstrumentStatus.IN_FORCE)
            ):
                continue
            for actor in act.actors:
                roles = progress.roles(actor)
                if not roles.roles:
                    roles.add(ActorStatus.PARTICIPATING, role)

    def _entry_into_force(self, act: Act, progress: InstrumentProgress, role: Role) -> None:
        if progress.status is not InstrumentStatus.IN_FORCE:
            progress.set_status(InstrumentStatus.IN_FORCE, role.since)
            for actor in act.actors:
                progress.roles(actor).add(ActorStatus.CONTRACTING, role)
            for roles in progress.actors.values():
                if roles.holds(ActorStatus.CONTRACTING):
                    roles.add(ActorStatus.PARTY, role)
            return
        for actor in act.actors:  # in force already: its entry into force for these states
            progress.in_force_named.add(actor)
            roles = progress.roles(actor)
            roles.add(ActorStatus.CONTRACTING, role)
            roles.add(ActorStatus.PARTY, role)

    def _enter_into_force_for(self, act: Act, when: str) -> None:
        progress = self.instrument(act.instrument or "")
        if progress.ended or progress.status is not InstrumentStatus.IN_FORCE:
            return
        role = Role(when, act.id, contested_by=_contested_by(act))
        for actor in act.actors:
            roles = progress.roles(actor)
            if actor not in progress.in_force_named and roles.holds(ActorStatus.CONTRACTING):
                roles.add(ActorStatus.PARTY, role)

    def _take_effect(self, act: Act, when: str) -> None:
        assert act.instrument is not None
        progress = self.instrument(act.instrument)
        if progress.ended:
            return  # already released by the instrument's end
        role = Role(when, act.id, contested_by=_contested_by(act))
        for actor in act.actors:
            roles = progress.roles(actor)
            if act.type is ActType.SUSPENSION:
                suspend(roles, Role(when, act.id, tuple(act.recipients), _contested_by(act),
                                     act.provision))  # fmt: skip
            else:
                roles.drop(*CONSENTING)
                roles.add(ActorStatus.WITHDRAWN, role)
                lapse_suspensions_toward(progress.actors, actor)

    def _succeed(self, act: Act, when: str) -> None:
        predecessor = act.predecessor
        assert predecessor is not None
        role = Role(when, act.id, contested_by=_contested_by(act))
        targets = [act.instrument] if act.instrument else sorted(self.instruments)
        for instrument_id in targets:
            progress = self.instrument(instrument_id)
            inherited = progress.actors.pop(predecessor, None)
            if inherited is None:
                if act.instrument:  # succession to one instrument the predecessor had no role in
                    for successor in act.actors:
                        roles = progress.roles(successor)
                        roles.add(ActorStatus.CONTRACTING, role)
                        if progress.status is InstrumentStatus.IN_FORCE:
                            roles.add(ActorStatus.PARTY, role)
                continue
            for successor in act.actors:
                roles = progress.roles(successor)
                for status, held in inherited.roles.items():
                    roles.add(status, Role(when, act.id, held.toward, held.contested_by,
                                           held.provision))  # fmt: skip
        if act.instrument is None:
            for successor in act.actors:
                self.successors[predecessor] = successor


def _contested_by(act: Act) -> tuple[str, ...]:
    return tuple(sorted(act.contested.by)) if act.contested is not None else ()
