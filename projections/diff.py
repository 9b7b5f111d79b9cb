"""Diff: what changed in status between the close of two valid days, and why.

Both days are replayed as known at the same moment; every instrument status,
actor status and claim that differs becomes a change, named by what it is
(see ``StatusChange.kind``) and tied to the act that made it: an act whose
date (or effective date) is the new status's ``since`` and lies after the
first day, concerning that instrument and, for an actor, naming it (or a
succession naming it as successor); an actor's change names the act that
gave its new role. The acts of the period that change no status (a use of
force, a recognition, an alleged violation, a domestic law) follow, in
valid-time order, so that a period of upheaval never reads "no change".

The work is split so that a whole-log diff need not hold the log: the facts
of the first day (:func:`facts`, compact tuples), the working state of the
second, the acts of the period one instrument at a time (a :class:`Period`),
and the other acts as a stream (:func:`other_acts`). :func:`diff` puts the
parts together over entries held in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from treaty_ledger.ledger.computed import computed
from treaty_ledger.ledger.dates import AsOf, valid_time_of
from treaty_ledger.ledger.entries import Entry
from treaty_ledger.ledger.model import Act, Instrument
from treaty_ledger.ledger.record_time import KnownAt
from treaty_ledger.ledger.vocabulary import CHANGES_NO_STATUS
from treaty_ledger.projections.known import known, standing
from treaty_ledger.projections.order import happenings
from treaty_ledger.projections.replay import fold
from treaty_ledger.projections.report_models import Diff, OtherAct, StatusChange
from treaty_ledger.projections.state import LedgerState

_ACTOR_KINDS = {
    "party": "entered",
    "contracting": "consented",
    "signatory": "signed",
    "suspended": "suspended",
    "withdrawing": "notified-withdrawal",
    "withdrawn": "left",
    "proposer": "proposed",
    "addressee": "addressed",
    "participating": "joined",
    "provisionally-applying": "applied-provisionally",
    "former-party": "released",
}
# Act types that can give each status (the first choice when naming a cause).
_CAUSES = {
    "party": {"entry-into-force", "ratification", "acceptance", "approval", "accession",
              "succession"},
    "contracting": {"ratification", "acceptance", "approval", "accession", "succession"},
    "signatory": {"signature", "adoption"},
    "suspended": {"suspension"},
    "withdrawing": {"withdrawal", "denunciation"},
    "withdrawn": {"withdrawal", "denunciation"},
    "proposer": {"proposal", "demands"},
    "addressee": {"proposal", "demands"},
    "in-force": {"entry-into-force"},
    "adopted": {"adoption", "signature", "demands", "ratification", "acceptance", "approval",
                "accession"},
    "draft": {"proposal"},
    "terminated": {"termination"},
    "superseded": {"supersession"},
    "claimed": {"annexation"},
    "participating": {"adoption", "signature", "acceptance", "approval", "accession",
                      "readmission"},
    "provisionally-applying": {"provisional-application"},
    "former-party": {"termination", "supersession"},
    "resumed": {"withdrawal", "denunciation", "termination", "supersession", "readmission"},
}  # fmt: skip
_INSTRUMENT_KINDS = {
    "in-force": "entered-into-force",
    "adopted": "adopted",
    "draft": "drafted",
    "terminated": "terminated",
    "superseded": "superseded",
}


def diff(entries: Iterable[Entry], start: AsOf, end: AsOf, known_at: KnownAt | None = None) -> Diff:
    """Compare the replays of ``start`` and ``end`` (``end`` after ``start``).

    Raises:
        InvalidDate: a known-at position beyond the end of the log.
    """
    knowledge = known(list(entries), known_at)
    records = standing(knowledge.entries)
    catalogue = {r.record.id: r.record for r in records if isinstance(r.record, Instrument)}
    before = facts(fold(catalogue, happenings(records), start).state, catalogue)
    after = fold(catalogue, happenings(records), end).state
    window = [(r.first_position, r.record) for r in records
              if isinstance(r.record, Act) and in_window(r.record, start, end)]  # fmt: skip
    quiet = sorted(
        (a for _, a in window if a.type in CHANGES_NO_STATUS),
        key=lambda a: (a.valid_time.earliest, a.valid_time.latest, a.id),
    )
    head = diff_head(start, end, knowledge.known_at, knowledge.position)
    changes = status_changes(before, after, catalogue, ListedPeriod(window))
    return head.model_copy(
        update={"changes": list(changes), "other_acts": [other_act(a) for a in quiet]}
    )


def diff_head(start: AsOf, end: AsOf, known_at: str, position: int) -> Diff:
    """The diff without its changes and other acts."""
    return computed(
        Diff,
        start=start.text, end=end.text, start_day=start.day.isoformat(),
        end_day=end.day.isoformat(), known_at=known_at, position=position, changes=[],
        other_acts=[],
    )  # fmt: skip


def in_window(act: Act, start: AsOf, end: AsOf) -> bool:
    """Whether the act's notice or effect becomes certain after ``start`` and by ``end``."""
    times = [act.valid_time] + ([act.effective_time] if act.effective else [])
    return any(start.day < t.latest <= end.day for t in times)


def other_act(act: Act) -> OtherAct:
    """The read model of an act of the period that changes no status."""
    return computed(
        OtherAct,
        id=act.id, type=act.type.value, date=act.date, actors=list(act.actors),
        recipients=list(act.recipients), instrument=act.instrument, territory=act.territory,
        summary=act.summary, contested_by=sorted(act.contested.by) if act.contested else [],
    )  # fmt: skip


Fact = tuple[str, str, str]
"""(status, since, the act that gave it, or "")."""


@dataclass
class DayFacts:
    """The facts a replay of one day shows, compactly: three strings each.

    Attributes:
        instruments: instrument id to its own fact and its actors' facts (by code).
        claims: (territory, claimant) to its fact.
    """

    instruments: dict[str, tuple[Fact, dict[str, Fact]]]
    claims: dict[tuple[str, str], Fact]


def facts(state: LedgerState, catalogue: dict[str, Instrument]) -> DayFacts:
    """The facts of a fold's state as its replay would show them; the state is used up.

    Held: a tuple of three strings an instrument, actor row and claim; the
    strings of statuses, days and actor codes are those the state shares.
    """
    return DayFacts(dict(_instrument_facts(state, catalogue)), _claim_facts(state))


def _instrument_facts(
    state: LedgerState, catalogue: dict[str, Instrument]
) -> Iterator[tuple[str, tuple[Fact, dict[str, Fact]]]]:
    """Each shown instrument's facts in id order, its working state dropped as it goes."""
    shown = sorted(iid for iid, progress in state.instruments.items()
                   if progress.status is not None and iid in catalogue)  # fmt: skip
    for iid in shown:
        progress = state.instruments.pop(iid)
        assert progress.status is not None
        actors = {}
        for code, roles in progress.actors.items():
            if roles.roles:
                role = roles.roles[roles.status]
                actors[code] = (roles.status.value, role.since, role.act)
        yield iid, ((progress.status.value, progress.since, ""), actors)


def _claim_facts(state: LedgerState) -> dict[tuple[str, str], Fact]:
    return {key: ("claimed", claim.since, claim.act) for key, claim in state.claims.items()}


Ranked = list[tuple[int, Act]]
"""Acts with the log position each was first recorded at, in that order."""


class Period(Protocol):
    """The acts of the period (:func:`in_window`) in the order first recorded, by what they name."""

    def of_instrument(self, instrument: str) -> Ranked:
        """The acts naming the instrument (as instrument or successor)."""

    def successions(self) -> Ranked:
        """The acts naming a predecessor (successions of states)."""

    def of_territory(self, territory: str) -> Ranked:
        """The acts naming the territory."""


class ListedPeriod:
    """A :class:`Period` over the period's acts held in a list (in the order first recorded)."""

    def __init__(self, window: Ranked) -> None:
        self._window = window

    def of_instrument(self, instrument: str) -> Ranked:
        return [(n, a) for n, a in self._window if instrument in (a.instrument, a.successor)]

    def successions(self) -> Ranked:
        return [(n, a) for n, a in self._window if a.predecessor]

    def of_territory(self, territory: str) -> Ranked:
        return [(n, a) for n, a in self._window if a.territory == territory]


def status_changes(
    before: DayFacts, after: LedgerState, catalogue: dict[str, Instrument], period: Period
) -> Iterator[StatusChange]:
    """Yield the changes from the first day's facts to the second day's state, in key order.

    Actors' changes come instrument by instrument (by id, then actor code),
    then claims, then instruments' own: the order of the sorted keys
    (subject, id, actor). ``before`` and ``after`` are used up as they go;
    the period is asked for the acts of one instrument at a time, and only
    where a change needs its cause.
    """
    claims = _claim_facts(after)
    own_changes = []
    for iid, was, now in _paired(before.instruments, _instrument_facts(after, catalogue)):
        was_own, was_actors = was or (None, {})
        own, actors = now or (None, {})
        acts: Ranked | None = None
        for code in sorted({*was_actors, *actors}):
            old, new = was_actors.get(code), actors.get(code)
            if old == new:
                continue
            if new is not None and (old is not None or not new[2]) and acts is None:
                acts = period.of_instrument(iid)
            yield _actor_change(iid, code, old, new, acts or [], period)
        if was_own != own:
            acts = period.of_instrument(iid) if acts is None else acts
            own_changes.append(_instrument_change(iid, was_own, own, acts))
    for territory, claimant in sorted({*before.claims, *claims}):
        old, new = before.claims.get((territory, claimant)), claims.get((territory, claimant))
        if old != new:
            candidates = [a for _, a in period.of_territory(territory) if claimant in a.actors]
            act = _cause(candidates, new[1] if new else None, "claimed")
            yield computed(StatusChange, kind="claimed", territory=territory, actor=claimant,
                           before=_text(old), after=_text(new), act=act)  # fmt: skip
    yield from own_changes


def _paired(
    before: dict[str, tuple[Fact, dict[str, Fact]]],
    after: Iterator[tuple[str, tuple[Fact, dict[str, Fact]]]],
) -> Iterator[tuple[str, tuple | None, tuple | None]]:
    """Merge the first day's instruments with the second day's stream, by id; pop the first."""
    old_ids = iter(sorted(before))
    old, new = next(old_ids, None), next(after, None)
    while old is not None or new is not None:
        if new is None or (old is not None and old < new[0]):
            yield old, before.pop(old), None
            old = next(old_ids, None)
        elif old is None or new[0] < old:
            yield new[0], None, new[1]
            new = next(after, None)
        else:
            yield old, before.pop(old), new[1]
            old, new = next(old_ids, None), next(after, None)


def _text(value: Fact | None) -> str | None:
    return f"{value[0]} since {value[1]}" if value else None


def _actor_change(
    instrument: str, actor: str, old: Fact | None, new: Fact | None, acts: Ranked, period: Period
) -> StatusChange:
    if new is None:
        candidates = [a for _, a in period.successions() if a.predecessor == actor]
        act = _cause(candidates, None)
        return computed(StatusChange, kind="succeeded", instrument=instrument, actor=actor,
                        before=_text(old), after=None, act=act)  # fmt: skip
    if new[2] and old is not None and new[2] not in {a.id for _, a in acts}:
        # A role held from before the period shows again: the one above it ended
        # (a suspension toward a party that has left lapses, VCLT art. 60).
        named = [a for _, a in acts if a.instrument == instrument]
        return computed(StatusChange, kind="resumed", instrument=instrument, actor=actor,
                        before=_text(old), after=_text(new),
                        act=_cause(named, None, "resumed"))  # fmt: skip
    if new[2]:
        act = new[2]  # the act that gave the role names itself
    else:
        named = [(n, a) for n, a in acts if a.instrument == instrument and (
            actor in a.actors or actor in a.recipients or a.type.value == "entry-into-force")]
        succeeding = [(n, a) for n, a in period.successions() if actor in a.actors]
        candidates = [a for _, a in sorted(dict(named + succeeding).items())]
        act = _cause(candidates, new[1], new[0])
    return computed(StatusChange, kind=_ACTOR_KINDS[new[0]], instrument=instrument, actor=actor,
                    before=_text(old), after=_text(new), act=act)  # fmt: skip


def _instrument_change(
    instrument: str, old: Fact | None, new: Fact | None, acts: Ranked
) -> StatusChange:
    kind = _INSTRUMENT_KINDS[new[0]] if new else "ended"
    act = _cause([a for _, a in acts], new[1] if new else None, new[0] if new else "")
    return computed(StatusChange, kind=kind, instrument=instrument, before=_text(old),
                    after=_text(new), act=act)  # fmt: skip


def _cause(candidates: list[Act], since: str | None, status: str = "") -> str | None:
    """The act among those of the period concerning a change whose date is its ``since``.

    ``candidates`` in the order first recorded; acts of a type that can give
    the new status come first.
    """
    fitting = [a for a in candidates if a.type.value in _CAUSES.get(status, ())]
    candidates = fitting or candidates
    if since is not None:
        dated = [a for a in candidates if since in (a.date, a.effective)]
        if dated:
            return dated[-1].id
        day = valid_time_of(since)
        near = [a for a in candidates if a.valid_time == day or (a.effective_time == day)]
        if near:
            return near[-1].id
    return candidates[-1].id if candidates else None
