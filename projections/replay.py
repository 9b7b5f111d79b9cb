"""Replay: the state of every commitment at the close of an as-of day.

``replay(entries, as_of)`` folds the ledger's entries into a
:class:`~projections.models.Replay`. A happening (an act's notice, or its
later effect; see ``projections.order``) is applied when every day it may
fall on is on or before the as-of day. One whose possible days straddle the
as-of day (it may fall on or before it, and may fall after it) is neither
applied nor dropped: it is listed as indeterminate. Later happenings are
ignored. The state rules are in ``projections.state``.

Provisions bind as follows (consent: VCLT arts. 11, 26, 34-35). An
instrument is operative when it is a treaty in force, or a political or
unilateral instrument that is adopted; drafts and terminated or superseded
instruments bind nobody (art. 70). The obligors ``"parties"`` of an
operative treaty are its parties (and states applying it provisionally, art.
25); of a political instrument, its participating States. A named obligor is
bound only if it holds such a role itself: a text a state did not join binds
it to nothing, and the addressees of demands are never bound. A suspension
toward every party, a withdrawal or the instrument's end release an actor; a
suspension toward named parties only does not. A named former state is read
through its successor; a group that is bound (NATO) binds its members of the
day through it (``through``), from their accessions to its founding treaty.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from treaty_ledger.ledger.computed import computed
from treaty_ledger.ledger.dates import AsOf
from treaty_ledger.ledger.entries import Entry
from treaty_ledger.ledger.errors import UnknownInstrument
from treaty_ledger.ledger.model import Act, Instrument, Provision
from treaty_ledger.ledger.record_time import KnownAt
from treaty_ledger.ledger.vocabulary import (
    BOUND_STATUSES,
    ActorStatus,
    InstrumentStatus,
    LegalNature,
)
from treaty_ledger.projections.actor_rows import actor_state
from treaty_ledger.projections.known import Knowledge, known, standing
from treaty_ledger.projections.models import (
    Claim,
    Indeterminate,
    InstrumentState,
    ProvisionState,
    Replay,
)
from treaty_ledger.projections.order import Happening, happenings
from treaty_ledger.projections.state import InstrumentProgress, LedgerState

GROUP_TREATIES = {"NATO": "north-atlantic-treaty-1949", "CSTO": "collective-security-treaty-1992"}
"""Groups whose members are the parties of a founding treaty, as of the day."""


def replay(
    entries: Iterable[Entry],
    as_of: AsOf,
    *,
    known_at: KnownAt | None = None,
    instrument: str | None = None,
    actor: str | None = None,
) -> Replay:
    """Rebuild the state at the close of ``as_of.day`` from the ledger's entries.

    Args:
        entries: every entry of the ledger, in log order (or, for an
            ``instrument``, an excerpt holding at least its records and every
            succession; see :func:`replay_known`).
        as_of: the as-of value; its ``day`` is the last day included.
        known_at: use only the entries recorded at or before this moment
            (``projections.known``); None for everything recorded.
        instrument: keep only this instrument (and its indeterminate acts).
        actor: keep only instruments toward which this actor has a status,
            only its row in each, the provisions naming or binding it (with
            ``bound`` reduced to the actor, or empty), its claims and the
            indeterminate acts it takes part in.

    Raises:
        UnknownInstrument: ``instrument`` is not in the ledger (as known then).
        InvalidMoment: ``known_at`` is a position beyond the end of the log.
    """
    return replay_known(known(entries, known_at), as_of, instrument=instrument, actor=actor)


def replay_known(
    knowledge: Knowledge,
    as_of: AsOf,
    *,
    instrument: str | None = None,
    actor: str | None = None,
) -> Replay:
    """Replay what was known (``projections.known``) as :func:`replay` does.

    For one ``instrument``, the knowledge need only hold the entries of that
    instrument's record, of the acts naming it, and of every succession of
    states (which moves roles toward every instrument): what the valid-time
    index selects (``ledger.index.reads``).

    Raises:
        UnknownInstrument: ``instrument`` is not in the knowledge.
    """
    records = standing(knowledge.entries)
    instruments = [r.record for r in records if isinstance(r.record, Instrument)]
    return replay_ordered(
        instruments,
        happenings(records),
        as_of,
        known_at=knowledge.known_at,
        position=knowledge.position,
        instrument=instrument,
        actor=actor,
    )


def replay_ordered(
    instruments: Iterable[Instrument],
    ordered: Iterable[Happening],
    as_of: AsOf,
    *,
    known_at: str,
    position: int,
    instrument: str | None = None,
    actor: str | None = None,
) -> Replay:
    """Fold happenings already in valid-time order (``projections.order``) into a replay.

    The streaming form of :func:`replay`: ``ordered`` may be a generator
    over a whole ledger, read once; only the instruments' state is held.
    Happenings that may fall only after the as-of day are skipped.

    Args:
        instruments: the instruments standing at the moment of ``known_at``.
        ordered: the standing acts' happenings, in valid-time order.
        known_at, position: the moment and log position the happenings
            were selected at, as named by ``projections.known``.

    Raises:
        UnknownInstrument: ``instrument`` is not among ``instruments``.
    """
    parts = replay_parts(instruments, ordered, as_of, known_at=known_at, position=position,
                         instrument=instrument, actor=actor)  # fmt: skip
    return parts.head.model_copy(update={"instruments": list(parts.instruments)})


@dataclass(frozen=True)
class ReplayParts:
    """A replay whose instruments come one at a time.

    Attributes:
        head: the replay without its instruments (claims, indeterminate acts...).
        instruments: its instruments' read models in id order, each built when
            asked for, as the working state of the instrument is dropped: a
            consumer that drops each too holds the state, never the whole
            read model.
    """

    head: Replay
    instruments: Iterator[InstrumentState]


def replay_parts(
    instruments: Iterable[Instrument],
    ordered: Iterable[Happening],
    as_of: AsOf,
    *,
    known_at: str,
    position: int,
    instrument: str | None = None,
    actor: str | None = None,
) -> ReplayParts:
    """:func:`replay_ordered`, its instruments given one at a time (see :class:`ReplayParts`).

    Raises:
        UnknownInstrument: ``instrument`` is not among ``instruments``.
    """
    by_id = {item.id: item for item in instruments}
    if instrument is not None and instrument not in by_id:
        raise UnknownInstrument(instrument)
    folded = fold(by_id, ordered, as_of)
    state, indeterminate, straddling = folded.state, folded.indeterminate, folded.straddling
    claims = [
        computed(
            Claim,
            territory=territory, claimant=claimant, since=claim.since, act=claim.act,
            contested_by=list(claim.contested_by),
        )
        for (territory, claimant), claim in sorted(state.claims.items())
    ]  # fmt: skip
    if instrument is not None:
        indeterminate = [i for i in indeterminate if i.instrument == instrument]
        claims = []
    if actor is not None:
        claims = [c for c in claims if c.claimant == actor]
        indeterminate = [i for i in indeterminate if actor in straddling[i.id].actors
                         or actor in straddling[i.id].recipients]  # fmt: skip
    head = computed(
        Replay,
        as_of=as_of.text,
        as_of_day=as_of.day.isoformat(),
        known_at=known_at,
        position=position,
        instruments=[],
        claims=claims,
        indeterminate=indeterminate,
    )
    wanted = [instrument] if instrument is not None else None
    return ReplayParts(head, _instrument_states(state, by_id, wanted, actor))


@dataclass(frozen=True)
class Folded:
    """The working state after applying every happening certainly on or before a day.

    Attributes:
        state: the fold's state (``projections.state``).
        indeterminate: the happenings that straddle the day, in valid-time order.
        straddling: their acts, by id.
    """

    state: LedgerState
    indeterminate: list[Indeterminate]
    straddling: dict[str, Act]


def fold(catalogue: dict[str, Instrument], ordered: Iterable[Happening], as_of: AsOf) -> Folded:
    """Apply the happenings (in valid-time order) that certainly fall on or before the day.

    ``catalogue``: the standing instruments by id. Happenings that may fall
    only after the day are skipped; those that straddle it are listed.
    """
    state = LedgerState(catalogue=catalogue)
    indeterminate = []
    straddling: dict[str, Act] = {}
    for happening in state.in_order(ordered):
        if happening.time.certainly_on_or_before(as_of.day):
            state.apply(happening)
        elif happening.time.straddles(as_of.day):
            act = happening.act
            straddling[act.id] = act
            indeterminate.append(
                computed(
                    Indeterminate,
                    id=act.id,
                    type=act.type,
                    date=happening.time.edtf,
                    phase=happening.phase.value,
                    instrument=act.instrument,
                )
            )
    return Folded(state, indeterminate, straddling)


def _instrument_states(
    state: LedgerState, by_id: dict[str, Instrument], wanted: list[str] | None, actor: str | None
) -> Iterator[InstrumentState]:
    """Build each instrument's read model in id order, dropping its working state.

    The founding treaties of groups keep theirs to the end: every instrument's
    provisions read their parties (a group's members of the day).
    """
    groups = set(GROUP_TREATIES.values())
    ids = sorted(iid for iid, progress in state.instruments.items()
                 if progress.status is not None and iid in by_id)  # fmt: skip
    for iid in ids if wanted is None else [i for i in ids if i in wanted]:
        progress = state.instruments[iid] if iid in groups else state.instruments.pop(iid)
        built = _instrument_state(by_id[iid], progress, state)
        if actor is not None:
            built = _actor_view(actor, built)
        if built is not None:
            yield built
    state.instruments.clear()


def _instrument_state(
    instrument: Instrument, progress: InstrumentProgress, state: LedgerState
) -> InstrumentState:
    assert progress.status is not None
    return computed(
        InstrumentState,
        id=instrument.id,
        title=instrument.title,
        legal_nature=instrument.legal_nature,
        status=progress.status,
        since=progress.since,
        actors=[actor_state(code, roles) for code, roles in sorted(progress.actors.items())
                if roles.roles],  # fmt: skip
        provisions=[
            _provision_state(provision, instrument, progress, state)
            for provision in instrument.provisions
        ],
    )


def _provision_state(
    provision: Provision, instrument: Instrument, progress: InstrumentProgress, state: LedgerState
) -> ProvisionState:
    bound = _bound(provision, instrument, progress, state)
    through = {
        group: members
        for group in sorted(bound)
        if group in GROUP_TREATIES and (members := _members(group, state))
    }
    return computed(
        ProvisionState,
        id=provision.id,
        type=provision.type,
        summary=provision.summary,
        obligors=provision.obligors,
        beneficiaries=provision.beneficiaries,
        addressees=list(provision.addressees),
        addressee_class=provision.addressee_class,
        bound=sorted(bound),
        through=through,
    )


def operative(instrument: Instrument, progress: InstrumentProgress) -> bool:
    """Whether the instrument binds anyone: a treaty in force, another kind adopted."""
    if instrument.legal_nature is LegalNature.DRAFT or progress.ended:
        return False
    if instrument.legal_nature is LegalNature.TREATY:
        return progress.status is InstrumentStatus.IN_FORCE
    return progress.status in (InstrumentStatus.ADOPTED, InstrumentStatus.IN_FORCE)


def _bound(
    provision: Provision, instrument: Instrument, progress: InstrumentProgress, state: LedgerState
) -> set[str]:
    if not operative(instrument, progress) or provision.obligors is None:
        return set()

    consenting = {code for code, roles in progress.actors.items() if roles.consented()}

    def bound(code: str) -> bool:
        roles = progress.actors.get(code)
        if roles is None or not any(roles.holds(status) for status in BOUND_STATUSES):
            return False
        held = roles.roles.get(ActorStatus.SUSPENDED)
        if held is None or held.provision not in (None, provision.id):
            return True  # not suspended, or suspended in another provision only
        # Suspended toward every party, or toward every other party there is: released.
        return bool(held.toward) and not consenting - {code} <= set(held.toward)

    if provision.obligors == "parties":
        return {code for code in progress.actors if bound(code)}
    if instrument.legal_nature is LegalNature.JUDICIAL:  # the parties to the case
        return {state.current_code(code) for code in provision.obligors}
    return {code for code in {state.current_code(c) for c in provision.obligors} if bound(code)}


def _members(group: str, state: LedgerState) -> list[str]:
    """The members of a group as of the day: the parties of its founding treaty."""
    progress = state.instruments.get(GROUP_TREATIES[group])
    if progress is None or progress.ended:
        return []
    member = {ActorStatus.PARTY, ActorStatus.WITHDRAWING}
    return sorted(
        code for code, roles in progress.actors.items() if any(roles.holds(s) for s in member)
    )


def _actor_view(actor: str, state: InstrumentState) -> InstrumentState | None:
    """The instrument as one actor's replay shows it: its row, the provisions naming or
    binding it (``bound`` reduced to it); None when neither is left."""
    rows = [a for a in state.actors if a.actor == actor]
    provisions = [
        p.model_copy(update={"bound": [code for code in p.bound if code == actor]})
        for p in state.provisions
        if actor in p.bound
        or (isinstance(p.obligors, list) and actor in p.obligors)
        or (isinstance(p.beneficiaries, list) and actor in p.beneficiaries)
    ]
    if not (rows or provisions):
        return None
    return state.model_copy(update={"actors": rows, "provisions": provisions})
