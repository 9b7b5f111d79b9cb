"""Check: the record's own consistency, act by act.

Rules (each finding names its rule and the acts involved):

* ``no-source`` (error): an act without a source (the schema refuses
  these; the rule guards records written by other means).
* ``effective-before-notice`` (error): an effective date before its notice.
* ``exit-without-consent`` (error): a suspension, withdrawal or denunciation
  by an actor that held no role toward the instrument (it never signed,
  consented, proposed nor was addressed) when it gave notice.
* ``consent-before-signature`` (warning): a ratification, acceptance or
  approval of a treaty by an actor that had not signed it (VCLT arts. 14
  and 18: these follow signature; accession and succession do not; a state
  may accept a political document without having signed it).
* ``bilateral-after-withdrawal`` (error): an instrument with two parties
  still in force after one's withdrawal took effect, with no termination.
* ``act-after-termination`` (error): an act that changes an instrument's
  status, dated after the instrument was terminated or superseded.
* ``duplicate-act`` (error): two ids for the same act (same type,
  instrument, date, actors and recipients; for acts outside any
  instrument, also the same summary).

The rules of the law of treaties and of sourcing are in
``projections.law_checks``; those of relations and proposals in
``projections.relation_checks``. Replay order and state come from ``projections.order`` and
``projections.state``; an act is checked against the state just before it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pydantic import BaseModel, ConfigDict

from treaty_ledger.ledger.entries import Entry
from treaty_ledger.ledger.model import Act, Instrument, Relation
from treaty_ledger.ledger.vocabulary import (
    CHANGES_NO_STATUS,
    ActorStatus,
    ActType,
    InstrumentStatus,
    LegalNature,
)
from treaty_ledger.projections.known import known, standing
from treaty_ledger.projections.law_checks import LawChecks, delays, demand_findings
from treaty_ledger.projections.order import Happening, Phase, happenings
from treaty_ledger.projections.relation_checks import relation_findings
from treaty_ledger.projections.state import LedgerState

_EXITS = frozenset({ActType.SUSPENSION, ActType.WITHDRAWAL, ActType.DENUNCIATION})
_AFTER_SIGNATURE = frozenset({ActType.RATIFICATION, ActType.ACCEPTANCE, ActType.APPROVAL})


class Finding(BaseModel):
    """One inconsistency in the record."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    severity: str  # error or warning
    rule: str
    acts: list[str]
    detail: str


class CheckReport(BaseModel):
    """Every finding, errors first; ``ok`` when there is no error."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    ok: bool
    position: int
    errors: int
    warnings: int
    findings: list[Finding]


def check(entries: Iterable[Entry]) -> CheckReport:
    """Check the record as it stands (latest versions, retractions applied)."""
    knowledge = known(entries)
    records = standing(knowledge.entries)
    instruments = {r.record.id: r.record for r in records if isinstance(r.record, Instrument)}
    relations = [r.record for r in records if isinstance(r.record, Relation)]
    checker = Checker(instruments, relations)
    checker.fold(happenings(records))
    for instrument in sorted(checker.law.general):
        checker.delays(
            [r.record for r in records
             if isinstance(r.record, Act) and r.record.instrument == instrument]
        )  # fmt: skip
    head, findings = checker.report(knowledge.position)
    return head.model_copy(update={"findings": list(findings)})


Found = tuple[str, str, list[str], str]
"""A finding held compactly: (severity, rule, act ids, detail)."""


def _found(severity: str, rule: str, acts: list[str], detail: str) -> Found:
    return (severity, rule, acts, detail)


class Checker:
    """The rules above, fed the standing acts' happenings once, in valid-time order.

    Held while folding: the fold's state (``projections.state``), the acts
    sharing the days of the last notice (where a duplicate must be), what
    ``law_checks.LawChecks`` holds, and the findings so far as tuples.

    Args:
        instruments: the standing instruments by id, in the order first recorded.
        relations: the standing relations.
    """

    def __init__(self, instruments: dict[str, Instrument], relations: list[Relation]) -> None:
        self.instruments = instruments
        self.relations = relations
        self.law = LawChecks(instruments, _found)
        self.found: list[Found] = []
        self._state = LedgerState(catalogue=instruments)
        self._withdrawn: dict[str, list[str]] = {}
        self._same_days: list[tuple[int, Act]] = []

    def fold(self, ordered: Iterable[Happening]) -> None:
        """Apply every happening (in valid-time order, effects and all), checking each act."""
        for happening in self._state.in_order(ordered):
            if happening.phase is Phase.NOTICE:  # once for each standing act
                self._act(happening.position, happening.act)
            self._in_order(happening)
        self._duplicates()
        self._bilateral()

    def delays(self, acts: list[Act]) -> None:
        """Check the delays of one instrument with a general entry into force (``law.general``).

        ``acts``: every standing act on it, in the order first recorded.
        """
        self.found.extend(delays(acts, self.instruments, _found))

    def report(self, position: int) -> tuple[CheckReport, Iterator[Finding]]:
        """The report without its findings, and its findings (errors first), made as they come."""
        found = [
            *self.found, *self.law.domestic_findings(),
            *demand_findings(self.instruments, _found), *self.law.url_findings(), *self.law.bidi,
            *relation_findings(self.relations, self.instruments, _found),
        ]  # fmt: skip
        found.sort(key=lambda f: (f[0] != "error", f[1], f[2]))
        errors = sum(f[0] == "error" for f in found)
        head = CheckReport(
            ok=errors == 0, position=position, errors=errors, warnings=len(found) - errors,
            findings=[],
        )  # fmt: skip
        made = (Finding(severity=f[0], rule=f[1], acts=f[2], detail=f[3]) for f in found)
        return head, made

    def _act(self, first_position: int, act: Act) -> None:
        if not act.sources:
            self.found.append(_found("error", "no-source", [act.id], "the act has no source"))
        if act.effective is not None and act.effective_time.latest < act.valid_time.earliest:
            detail = f"effective {act.effective} is before {act.date}"
            self.found.append(_found("error", "effective-before-notice", [act.id], detail))
        if self._same_days and _days(act) != _days(self._same_days[0][1]):
            self._duplicates()
        self._same_days.append((first_position, act))
        self.law.add(act, first_position)

    def _duplicates(self) -> None:
        """``duplicate-act`` among acts of the same days: one act under two ids shares its date."""
        seen: dict[tuple, str] = {}
        for _, act in sorted(self._same_days, key=lambda item: item[0]):
            key = (
                act.summary if act.instrument is None else "",
                act.type,
                act.instrument,
                act.date,
                tuple(sorted(act.actors)),
                tuple(sorted(act.recipients)),
                act.territory,
            )
            if key in seen:
                self.found.append(_found("error", "duplicate-act", [seen[key], act.id],
                                         "same type, instrument, date and actors"))  # fmt: skip
            else:
                seen[key] = act.id
        self._same_days = []

    def _in_order(self, happening: Happening) -> None:
        act, state = happening.act, self._state
        progress = state.instruments.get(act.instrument) if act.instrument else None
        if happening.phase is Phase.NOTICE and act.instrument is not None:
            if progress is not None and progress.ended and act.type not in CHANGES_NO_STATUS:
                self.found.append(_found(
                    "error", "act-after-termination", [act.id],
                    f"{act.instrument} was {progress.status.value} since {progress.since}",
                ))  # fmt: skip
            treaty = self.instruments.get(act.instrument)
            for actor in act.actors:
                roles = progress.actors.get(actor) if progress else None
                if act.type in _EXITS and (roles is None or not roles.roles):
                    self.found.append(_found("error", "exit-without-consent", [act.id],
                                             f"{actor} held no role toward {act.instrument}"))
                if (
                    act.type in _AFTER_SIGNATURE
                    and treaty is not None
                    and treaty.legal_nature is LegalNature.TREATY
                    and (roles is None or not roles.holds(ActorStatus.SIGNATORY))
                ):
                    self.found.append(_found("warning", "consent-before-signature", [act.id],
                                             f"{actor} had not signed {act.instrument}"))
        state.apply(happening)
        if happening.phase is Phase.EFFECT and act.type is not ActType.SUSPENSION:
            self._withdrawn.setdefault(act.instrument, []).append(act.id)

    def _bilateral(self) -> None:
        for instrument_id, progress in self._state.instruments.items():
            parties = [
                code
                for code, roles in progress.actors.items()
                if roles.holds(ActorStatus.PARTY) or roles.holds(ActorStatus.WITHDRAWN)
            ]
            if (
                progress.status is InstrumentStatus.IN_FORCE
                and len(parties) == 2
                and instrument_id in self._withdrawn
            ):
                self.found.append(_found(
                    "error", "bilateral-after-withdrawal", self._withdrawn[instrument_id],
                    f"{instrument_id} is still in force with one of two parties withdrawn",
                ))  # fmt: skip


def _days(act: Act) -> tuple:
    return act.valid_time.earliest, act.valid_time.latest
