"""PLOVER-style event records of the acts (``ledger export acts --format plover``).

PLOVER (Political Language Ontology for Verifiable Event Records) codes an
event as: id, date, source actors, recipient actors, event category, mode,
context and citation. Acts map to the categories this record uses (see
DOMAIN.md): agree, appeal, demand, reject, accuse, support, coerce, assault,
statement. The act type is the mode. Context marks a proposal of a draft as
``hypothetical`` and names the instrument's legal nature; the date is the
act's earliest possible day, with its EDTF value kept beside it.
"""

from __future__ import annotations

from collections.abc import Iterable

from ledger.dates import AsOf
from ledger.entries import Entry
from ledger.model import Act, Instrument
from ledger.record_time import KnownAt
from ledger.vocabulary import ActType, LegalNature
from projections.known import known, standing

_CATEGORY = {
    ActType.PROPOSAL: "appeal",
    ActType.ADOPTION: "agree",
    ActType.SIGNATURE: "agree",
    ActType.RATIFICATION: "agree",
    ActType.ACCEPTANCE: "agree",
    ActType.APPROVAL: "agree",
    ActType.ACCESSION: "agree",
    ActType.SUCCESSION: "agree",
    ActType.ENTRY_INTO_FORCE: "agree",
    ActType.SUPERSESSION: "agree",
    ActType.SUSPENSION: "reject",
    ActType.WITHDRAWAL: "reject",
    ActType.DENUNCIATION: "reject",
    ActType.TERMINATION: "reject",
    ActType.DEMANDS: "demand",
    ActType.REJECTION: "reject",
    ActType.SELF_RESTRAINT: "statement",
    ActType.ALLEGED_VIOLATION: "accuse",
    ActType.RECOGNITION: "support",
    ActType.ANNEXATION: "coerce",
    ActType.USE_OF_FORCE: "assault",
    ActType.DOCTRINAL_STATEMENT: "statement",
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
        source = act.sources[0]
        out.append(
            {
                "id": act.id,
                "date": act.valid_time.earliest.isoformat(),
                "date_edtf": act.date,
                "actors": list(act.actors),
                "recipients": list(act.recipients),
                "event": _CATEGORY[act.type],
                "mode": act.type.value,
                "context": context,
                "instrument": act.instrument,
                "cite_info": {
                    "title": source.title,
                    "publisher": source.publisher,
                    "date": source.date,
                    "url": source.url,
                },  # fmt: skip
            }
        )
    return out
