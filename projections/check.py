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

from collections.abc import Iterable

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
from treaty_ledger.projections.law_checks import law_findings
from treaty_ledger.projections.order import Phase, happenings
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
    acts = [r.record for r in records if isinstance(r.record, Act)]
    findings = [
        *_static(acts),
        *_in_order(records, instruments),
        *law_findings(acts, instruments, _finding),
        *relation_findings(
            (r.record for r in records if isinstance(r.record, Relation)), instruments, _finding
        ),
    ]
    findings.sort(key=lambda f: (f.severity != "error", f.rule, f.acts))
    errors = sum(f.severity == "error" for f in findings)
    return CheckReport(
        ok=errors == 0,
        position=knowledge.position,
        errors=errors,
        warnings=len(findings) - errors,
        findings=findings,
    )


def _finding(severity: str, rule: str, acts: list[str], detail: str) -> Finding:
    return Finding(severity=severity, rule=rule, acts=acts, detail=detail)


def _static(acts: list[Act]) -> list[Finding]:
    found = []
    seen: dict[tuple, str] = {}
    for act in acts:
        if not act.sources:
            found.append(
                Finding(
                    severity="error",
                    rule="no-source",
                    acts=[act.id],
                    detail="the act has no source",
                )
            )
        if act.effective is not None and act.effective_time.latest < act.valid_time.earliest:
            found.append(
                Finding(
                    severity="error",
                    rule="effective-before-notice",
                    acts=[act.id],
                    detail=f"effective {act.effective} is before {act.date}",
                )
            )
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
            found.append(
                Finding(
                    severity="error",
                    rule="duplicate-act",
                    acts=[seen[key], act.id],
                    detail="same type, instrument, date and actors",
                )
            )
        else:
            seen[key] = act.id
    return found


def _in_order(records, instruments: dict[str, Instrument]) -> list[Finding]:
    found: list[Finding] = []
    state = LedgerState(catalogue=instruments)
    withdrawn: dict[str, list[str]] = {}
    for happening in state.in_order(happenings(records)):
        act = happening.act
        progress = state.instruments.get(act.instrument) if act.instrument else None
        if happening.phase is Phase.NOTICE and act.instrument is not None:
            if progress is not None and progress.ended and act.type not in CHANGES_NO_STATUS:
                found.append(
                    Finding(
                        severity="error",
                        rule="act-after-termination",
                        acts=[act.id],
                        detail=(
                            f"{act.instrument} was {progress.status.value} since {progress.since}"
                        ),
                    )
                )
            for actor in act.actors:
                roles = progress.actors.get(actor) if progress else None
                if act.type in _EXITS and (roles is None or not roles.roles):
                    found.append(
                        Finding(
                            severity="error",
                            rule="exit-without-consent",
                            acts=[act.id],
                            detail=f"{actor} held no role toward {act.instrument}",
                        )
                    )
                treaty = instruments.get(act.instrument)
                if (
                    act.type in _AFTER_SIGNATURE
                    and treaty is not None
                    and treaty.legal_nature is LegalNature.TREATY
                    and (roles is None or not roles.holds(ActorStatus.SIGNATORY))
                ):
                    found.append(
                        Finding(
                            severity="warning",
                            rule="consent-before-signature",
                            acts=[act.id],
                            detail=f"{actor} had not signed {act.instrument}",
                        )
                    )
        state.apply(happening)
        if happening.phase is Phase.EFFECT and act.type is not ActType.SUSPENSION:
            withdrawn.setdefault(act.instrument, []).append(act.id)
    for instrument_id, progress in state.instruments.items():
        parties = [
            code
            for code, roles in progress.actors.items()
            if roles.holds(ActorStatus.PARTY) or roles.holds(ActorStatus.WITHDRAWN)
        ]
        if (
            progress.status is InstrumentStatus.IN_FORCE
            and len(parties) == 2
            and instrument_id in withdrawn
        ):
            found.append(
                Finding(
                    severity="error",
                    rule="bilateral-after-withdrawal",
                    acts=withdrawn[instrument_id],
                    detail=f"{instrument_id} is still in force with one of two parties withdrawn",
                )
            )
    return found
