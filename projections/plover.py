"""PLOVER-style event records of the acts (``ledger export acts --format plover``).

PLOVER (Political Language Ontology for Verifiable Event Records) codes an
event as: id, date, source actors, recipient actors, event type, mode,
context and citation. Acts map to PLOVER event types: AGREE (signature,
consent, entry into force...), REQUEST (a proposal), DEMAND, REJECT
(rejection), RETREAT (suspension, withdrawal, termination), DISAPPROVE (an
alleged violation, a doctrinal statement), SUPPORT (recognition), CONCEDE
(declared self-restraint), COERCE (annexation) and ASSAULT (use of force).
The act type is the mode. Context marks a proposal or a draft as
``hypothetical`` and names the instrument's legal nature. ``date`` is the
day when the act's date is a single day, else null: ``date_earliest`` and
``date_latest`` bound it and ``date_edtf`` keeps it as recorded, doubt and all.
"""

from __future__ import annotations

from collections.abc import Iterable

from treaty_ledger.ledger.dates import AsOf
from treaty_ledger.ledger.entries import Entry
from treaty_ledger.ledger.model import Act, Instrument
from treaty_ledger.ledger.record_time import KnownAt
from treaty_ledger.ledger.vocabulary import ActType, LegalNature
from treaty_ledger.projections.known import known, standing

_CATEGORY = {
    ActType.PROPOSAL: "REQUEST",
    ActType.ADOPTION: "AGREE",
    ActType.SIGNATURE: "AGREE",
    ActType.RATIFICATION: "AGREE",
    ActType.ACCEPTANCE: "AGREE",
    ActType.APPROVAL: "AGREE",
    ActType.ACCESSION: "AGREE",
    ActType.SUCCESSION: "AGREE",
    ActType.ENTRY_INTO_FORCE: "AGREE",
    ActType.SUPERSESSION: "AGREE",
    ActType.SUSPENSION: "RETREAT",
    ActType.WITHDRAWAL: "RETREAT",
    ActType.DENUNCIATION: "RETREAT",
    ActType.TERMINATION: "RETREAT",
    ActType.DEMANDS: "DEMAND",
    ActType.REJECTION: "REJECT",
    ActType.SELF_RESTRAINT: "CONCEDE",
    ActType.ALLEGED_VIOLATION: "DISAPPROVE",
    ActType.RECOGNITION: "SUPPORT",
    ActType.ANNEXATION: "COERCE",
    ActType.USE_OF_FORCE: "ASSAULT",
    ActType.DOCTRINAL_STATEMENT: "DISAPPROVE",
}


def plover_records(
    entries: Iterable[Entry], as_of: AsOf, known_at: KnownAt | None = None
) -> list[dict]:
    """Return one PLOVER-style record per act certainly dated on or before ``as_of.day``."""
    records = standing(known(entries, known_at).entries)
    nature = {r.record.id: r.record.legal_nature for r in records
              if isinstance(r.record, Instrument)}  # fmt: skip
    acts = sorted(
        (r.record for r in records if isinstance(r.record, Act)),
        key=lambda a: (a.valid_time.earliest, a.valid_time.latest, a.id),
    )
    out = []
    for act in acts:
        if act.valid_time.latest > as_of.day:
            continue
        context = []
        legal = nature.get(act.instrument) if act.instrument else None
        if legal is LegalNature.DRAFT or act.type is ActType.PROPOSAL:
            context.append("hypothetical")
        if legal is not None:
            context.append(legal.value)
        time = act.valid_time
        precise = time.is_day and not act.date.endswith(("?", "~", "%"))
        out.append(
            {
                "id": act.id,
                "date": time.earliest.isoformat() if precise else None,
                "date_earliest": time.earliest.isoformat(),
                "date_latest": time.latest.isoformat(),
                "date_edtf": act.date,
                "actors": list(act.actors),
                "recipients": list(act.recipients),
                "event": _CATEGORY[act.type],
                "mode": act.type.value,
                "context": context,
                "instrument": act.instrument,
                "cite_info": [
                    source.model_dump(mode="json", exclude_none=True) for source in act.sources
                ],
            }
        )
    return out
