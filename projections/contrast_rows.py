"""The ``contrast`` export: one row per link of a proposal's provision, for other tools.

Every proposal (``projections.contrast.is_proposal``) with a status as of
the day, each provision with each of its relations (a provision with none
has one row whose relation columns are empty), in the order proposal id,
provision order, relation order. Lists of actors are sorted; ``bound``
reads a bound group as its members of the day. Pure: no I/O.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from treaty_ledger.ledger.dates import AsOf, parse_valid_time
from treaty_ledger.ledger.entries import Entry
from treaty_ledger.ledger.model import Instrument, Relation
from treaty_ledger.ledger.record_time import KnownAt
from treaty_ledger.projections.contrast import contrast, is_proposal
from treaty_ledger.projections.contrast_models import Link
from treaty_ledger.projections.known import known, standing
from treaty_ledger.projections.replay import replay_known


class ContrastRow(BaseModel):
    """One provision of a proposal and one commitment it would change or reaffirm."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    proposal: str
    proposers: list[str]
    provision: str
    provision_type: str
    reaches: list[str]
    relation: str | None
    kind: str | None
    changes: bool | None
    instrument: str | None
    target_provision: str | None
    instrument_status: str | None
    in_force: bool | None
    bound: list[str]
    proposer_bound: list[str]
    alleged_against_proposer: list[str]
    alleged_by_proposer: list[str]
    date: str | None
    date_earliest: str | None
    date_latest: str | None
    source_titles: list[str]


def contrast_rows(
    entries: list[Entry], as_of: AsOf, known_at: KnownAt | None = None
) -> list[ContrastRow]:
    """Return the rows of every proposal with a status on ``as_of.day``, as known at ``known_at``.

    Raises:
        InvalidMoment: ``known_at`` is a position beyond the end of the log.
    """
    knowledge = known(entries, known_at)
    records = [item.record for item in standing(knowledge.entries)]
    relations = [r for r in records if isinstance(r, Relation)]
    present = {state.id for state in replay_known(knowledge, as_of).instruments}
    proposals = sorted(
        r.id for r in records
        if isinstance(r, Instrument) and r.id in present and is_proposal(r, relations)
    )  # fmt: skip
    rows = []
    for proposal in proposals:
        result = contrast(knowledge.entries, proposal, as_of)
        for provision in result.provisions:
            head = dict(
                proposal=proposal, proposers=result.proposers, provision=provision.id,
                provision_type=provision.type, reaches=provision.reaches,
            )  # fmt: skip
            if not provision.links:
                rows.append(ContrastRow(**head, **_no_link()))
            rows.extend(ContrastRow(**head, **_link(link)) for link in provision.links)
    return rows


def _link(link: Link) -> dict:
    time = parse_valid_time(link.date)
    members = {code for codes in link.through.values() for code in codes}
    return dict(
        relation=link.relation, kind=link.kind.value, changes=link.changes,
        instrument=link.instrument, target_provision=link.provision,
        instrument_status=link.instrument_status, in_force=link.in_force,
        bound=sorted((set(link.bound) - set(link.through)) | members),
        proposer_bound=link.proposer_bound,
        alleged_against_proposer=[a.id for a in link.alleged_against_proposer],
        alleged_by_proposer=[a.id for a in link.alleged_by_proposer],
        date=link.date, date_earliest=time.earliest.isoformat(),
        date_latest=time.latest.isoformat(), source_titles=[s.title for s in link.sources],
    )  # fmt: skip


def _no_link() -> dict:
    return dict(
        relation=None, kind=None, changes=None, instrument=None, target_provision=None,
        instrument_status=None, in_force=None, bound=[], proposer_bound=[],
        alleged_against_proposer=[], alleged_by_proposer=[], date=None, date_earliest=None,
        date_latest=None, source_titles=[],
    )  # fmt: skip
