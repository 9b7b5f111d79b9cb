"""The fold at the heart of replay: how each kind of act changes the state.

Working state only; ``projections.replay`` turns it into read models. The
rules (statuses from ``ledger.vocabulary``):

* Instrument status: ``proposal`` makes a new instrument a ``draft``;
  ``adoption``, ``signature`` or ``demands`` make a draft (or a new
  instrument) ``adopted``; ``entry-into-force`` makes it ``in-force``;
  ``termination`` makes it ``terminated`` and ``supersession`` makes it
  ``superseded``, whatever it was. An instrument that is terminated or
  superseded does not return to an earlier status.
* Actor roles toward an instrument: proposer and addressee (``proposal``,
  ``demands``), signatory (``signature``, ``adoption``), contracting
  (consent to be bound: ratification, acceptance, approval, accession,
  succession to one instrument; VCLT art. 2(1)(f)), party (contracting and
  the instrument in force; VCLT art. 2(1)(g); every actor named in an
  ``entry-into-force`` act is a party), suspended (from a suspension's
  effective date), withdrawing (from a withdrawal's or denunciation's notice)
  and withdrawn (from its effective date). The displayed status is the role
  that comes last in that list.
* Succession of states: a ``succession`` act with a ``predecessor`` moves
  every role the predecessor holds (or, with an ``instrument``, its roles
  toward that instrument) to the successor from that day; the Russian
  Federation continues the USSR from 1991-12-26.
* Rejections, declared self-restraint, alleged violations, recognitions,
  uses of force and doctrinal statements change no status: they belong to
  the timeline. A consent to be bound given to an instrument of unknown
  status makes it ``adopted``.
* ``annexation`` records a claim to a territory by each actor from that day.
* A status's ``since`` is the date of the act that first gave it; an act
  that leaves a status unchanged does not move its ``since``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from treaty_ledger.ledger.model import Act
from treaty_ledger.ledger.vocabulary import (
    CONSENT_TO_BE_BOUND,
    ActorStatus,
    ActType,
    InstrumentStatus,
)
from treaty_ledger.projections.order import Happening, Phase

_FINAL = frozenset({InstrumentStatus.TERMINATED, InstrumentStatus.SUPERSEDED})
_ADOPTING = frozenset({ActType.ADOPTION, ActType.SIGNATURE, ActType.DEMANDS})
TIMELINE_ONLY = frozenset(
    {
        ActType.REJECTION,
        ActType.SELF_RESTRAINT,
        ActType.ALLEGED_VIOLATION,
        ActType.RECOGNITION,
        ActType.USE_OF_FORCE,
        ActType.DOCTRINAL_STATEMENT,
    }
)


@dataclass(slots=True)
class ActorRoles:
    """The roles one actor holds toward one instrument, each with its since (EDTF)."""

    roles: dict[ActorStatus, str] = field(default_factory=dict)

    def add(self, role: ActorStatus, since: str) -> None:
        """Give the role from ``since`` unless the actor already holds it."""
        self.roles.setdefault(role, since)

    def drop(self, *roles: ActorStatus) -> None:
        """Take the roles away."""
        for role in roles:
            self.roles.pop(role, None)

    @property
    def status(self) -> ActorStatus:
        """The displayed status: the held role latest in ``ActorStatus`` order."""
        return max(self.roles, key=lambda role: role.rank)

    @property
    def since(self) -> str:
        """Since when the displayed status holds."""
        return self.roles[self.status]

    def holds(self, role: ActorStatus) -> bool:
        """Whether the actor holds the role."""
        return role in self.roles


@dataclass
class InstrumentProgress:
    """One instrument's status so far, and its actors' roles."""

    status: InstrumentStatus | None = None
    since: str = ""
    actors: dict[str, ActorRoles] = field(default_factory=dict)

    def set_status(self, status: InstrumentStatus, since: str) -> None:
        """Move to ``status`` from ``since``; no change if it already holds."""
        if status != self.status:
            self.status, self.since = status, since

    def roles(self, actor: str) -> ActorRoles:
        """The actor's roles toward this instrument, created empty if new."""
        return self.actors.setdefault(actor, ActorRoles())


@dataclass
class LedgerState:
    """Everything replay knows after applying some happenings in order."""

    instruments: dict[str, InstrumentProgress] = field(default_factory=dict)
    claims: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    successors: dict[str, str] = field(default_factory=dict)

    def instrument(self, instrument_id: str) -> InstrumentProgress:
        """The instrument's progress, created empty if new."""
        return self.instruments.setdefault(instrument_id, InstrumentProgress())

    def apply(self, happening: Happening) -> None:
        """Apply one happening (see the module docstring for the rules)."""
        act = happening.act
        when = happening.time.edtf
        if happening.phase is Phase.EFFECT:
            self._take_effect(act, when)
        elif act.type is ActType.SUCCESSION and act.predecessor is not None:
            self._succeed(act, when)
        elif act.type is ActType.ANNEXATION:
            assert act.territory is not None
            for claimant in act.actors:
                self.claims.setdefault((act.territory, claimant), (when, act.id))
        elif act.instrument is not None and act.type not in TIMELINE_ONLY:
            self._apply_to_instrument(act, self.instrument(act.instrument), when)

    def _apply_to_instrument(self, act: Act, progress: InstrumentProgress, when: str) -> None:
        kind = act.type
        if kind in (ActType.PROPOSAL, ActType.DEMANDS):
            for actor in act.actors:
                progress.roles(actor).add(ActorStatus.PROPOSER, when)
            for actor in act.recipients:
                progress.roles(actor).add(ActorStatus.ADDRESSEE, when)
        if kind is ActType.PROPOSAL and progress.status is None:
            progress.set_status(InstrumentStatus.DRAFT, when)
        elif kind in _ADOPTING:
            if progress.status in (None, InstrumentStatus.DRAFT):
                progress.set_status(InstrumentStatus.ADOPTED, when)
            if kind is not ActType.DEMANDS:
                for actor in act.actors:
                    progress.roles(actor).add(ActorStatus.SIGNATORY, when)
        elif kind in CONSENT_TO_BE_BOUND:
            if progress.status is None:  # consent to a text implies it was adopted
                progress.set_status(InstrumentStatus.ADOPTED, when)
            for actor in act.actors:
                roles = progress.roles(actor)
                roles.add(ActorStatus.CONTRACTING, when)
                if progress.status is InstrumentStatus.IN_FORCE:
                    roles.add(ActorStatus.PARTY, when)
        elif kind is ActType.ENTRY_INTO_FORCE:
            if progress.status not in _FINAL:
                progress.set_status(InstrumentStatus.IN_FORCE, when)
            for actor in act.actors:
                progress.roles(actor).add(ActorStatus.CONTRACTING, when)
            for roles in progress.actors.values():
                if roles.holds(ActorStatus.CONTRACTING):
                    roles.add(ActorStatus.PARTY, when)
        elif kind is ActType.TERMINATION:
            progress.set_status(InstrumentStatus.TERMINATED, when)
        elif kind is ActType.SUPERSESSION:
            progress.set_status(InstrumentStatus.SUPERSEDED, when)
        elif kind in (ActType.WITHDRAWAL, ActType.DENUNCIATION):
            for actor in act.actors:
                progress.roles(actor).add(ActorStatus.WITHDRAWING, when)
        elif kind is ActType.SUSPENSION and act.effective is None:
            for actor in act.actors:
                progress.roles(actor).add(ActorStatus.SUSPENDED, when)

    def _take_effect(self, act: Act, when: str) -> None:
        assert act.instrument is not None
        progress = self.instrument(act.instrument)
        for actor in act.actors:
            roles = progress.roles(actor)
            if act.type is ActType.SUSPENSION:
                roles.add(ActorStatus.SUSPENDED, when)
            else:
                roles.drop(ActorStatus.WITHDRAWING, ActorStatus.PARTY, ActorStatus.SUSPENDED)
                roles.add(ActorStatus.WITHDRAWN, when)

    def _succeed(self, act: Act, when: str) -> None:
        predecessor = act.predecessor
        assert predecessor is not None
        targets = [act.instrument] if act.instrument else sorted(self.instruments)
        for instrument_id in targets:
            progress = self.instrument(instrument_id)
            inherited = progress.actors.pop(predecessor, None)
            if inherited is None:
                if act.instrument:  # succession to one instrument the predecessor had no role in
                    for successor in act.actors:
                        roles = progress.roles(successor)
                        roles.add(ActorStatus.CONTRACTING, when)
                        if progress.status is InstrumentStatus.IN_FORCE:
                            roles.add(ActorStatus.PARTY, when)
                continue
            for successor in act.actors:
                roles = progress.roles(successor)
                for role in inherited.roles:
                    roles.add(role, when)
        if act.instrument is None:
            for successor in act.actors:
                self.successors[predecessor] = successor

    def current_code(self, actor: str) -> str:
        """Follow successions: the actor that now holds ``actor``'s roles."""
        seen = set()
        while actor in self.successors and actor not in seen:
            seen.add(actor)
            actor = self.successors[actor]
        return actor
