"""Exports: flat, versioned tables of the projections, for other tools.

Each export is a list of rows of one model, in a fixed column order (the
model's field order), computed as of a valid day and known at a moment of
record time (``projections.replay``, ``projections.known``):

* ``status``: one row per instrument and actor, with both statuses and since when;
* ``provisions``: one row per provision and actor it binds;
* ``acts``: the timeline up to the as-of day, with sources;
* ``claims``: territorial claims by annexation in place;
* ``demands``: the demand provisions of drafts and unilateral instruments,
  whom they address, and the responses (rejections) recorded by then;
* ``violations``: alleged violations by then (accuser, accused, provision);
* ``contrast``: each proposal's provisions and the commitments they would
  change or reaffirm (``projections.contrast_rows``).

Dates stay EDTF as recorded, each beside its earliest and latest day (ISO
8601, inclusive). ``SCHEMA_VERSION`` changes when a column changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from pydantic import BaseModel, ConfigDict

from treaty_ledger.ledger.dates import AsOf, valid_time_of
from treaty_ledger.ledger.entries import Entry
from treaty_ledger.ledger.integrity.verified_log import VerifiedLog
from treaty_ledger.ledger.model import Act, Instrument
from treaty_ledger.ledger.record_time import KnownAt
from treaty_ledger.ledger.vocabulary import ActType, LegalNature, ProvisionType
from treaty_ledger.projections.contrast_rows import ContrastRow, contrast_rows
from treaty_ledger.projections.known import Standing, known, standing
from treaty_ledger.projections.models import TimelineAct
from treaty_ledger.projections.replay import ReplayParts, replay, replay_known
from treaty_ledger.projections.timeline import timeline_known

SCHEMA_VERSION = 2


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class StatusRow(_Row):
    """An actor's status toward an instrument, and the instrument's own status."""

    instrument: str
    title: str
    legal_nature: str
    instrument_status: str
    instrument_since: str
    actor: str
    status: str
    since: str
    since_earliest: str
    since_latest: str
    roles: list[str]  # every role held, in ActorStatus order (v2)
    toward: list[str]  # a suspension toward these parties only (v2)
    contested_by: list[str]  # who rejects the act behind the status (v2)


class ProvisionRow(_Row):
    """One actor bound by one provision (directly, or through a group such as NATO)."""

    instrument: str
    provision: str
    type: str
    summary: str
    actor: str
    through: str  # the group it binds the actor through; "" when bound itself (v2)


class ActRow(_Row):
    """One act of the timeline, with its sources."""

    id: str
    type: str
    date: str
    date_earliest: str
    date_latest: str
    effective: str | None
    instrument: str | None
    provision: str | None
    actors: list[str]
    recipients: list[str]
    territory: str | None
    summary: str
    contested_by: list[str]  # (v2)
    source_titles: list[str]
    source_urls: list[str]  # aligned with source_titles; "" where a source has no URL


class ClaimRow(_Row):
    """A territorial claim by annexation in place."""

    territory: str
    claimant: str
    since: str
    since_earliest: str
    since_latest: str
    act: str
    contested_by: list[str]  # (v2)


class DemandRow(_Row):
    """A demand made in a draft or a unilateral instrument, and the responses to it.

    ``addressees`` are those the provision demands it of (never bound by it), and
    ``addressee_class`` the class of states it names; ``recipients`` are those the
    proposal or demands were delivered to.
    """

    instrument: str
    title: str
    provision: str
    summary: str
    proposers: list[str]
    addressees: list[str]  # v2: of the provision (v1: the recipients of the acts)
    addressee_class: str | None  # (v2)
    recipients: list[str]  # (v2)
    issued: str
    responses: list[str]


class ViolationRow(_Row):
    """An alleged violation: who alleges, against whom, of what."""

    id: str
    accusers: list[str]
    accused: list[str]
    instrument: str | None
    provision: str | None
    date: str
    date_earliest: str
    date_latest: str
    summary: str
    source_titles: list[str]


ROW_MODELS: dict[str, type[BaseModel]] = {
    "status": StatusRow,
    "provisions": ProvisionRow,
    "acts": ActRow,
    "claims": ClaimRow,
    "demands": DemandRow,
    "violations": ViolationRow,
    "contrast": ContrastRow,
}


def export_rows(
    name: str, entries: Iterable[Entry], as_of: AsOf, known_at: KnownAt | None = None
) -> list[BaseModel]:
    """Return the rows of export ``name`` (a key of ``ROW_MODELS``), in a stable order.

    Raises:
        KeyError: an unknown export name.
        InvalidDate: ``known_at`` is a position beyond the end of the log.
    """
    entries = list(entries)
    if name == "contrast":
        return list(contrast_rows(entries, as_of, known_at))
    knowledge = known(entries, known_at)
    if name in REPLAYED:
        result = replay_known(knowledge, as_of)
        return list(REPLAYED[name](ReplayParts(result, iter(result.instruments))))
    if name in TIMED:
        return list(TIMED[name](timeline_known(knowledge, end=as_of.day).acts, as_of))
    if name == "demands":
        return demand_rows(standing(knowledge.entries), as_of)
    raise KeyError(name)


def status_rows(result: ReplayParts) -> Iterator[StatusRow]:
    """The ``status`` rows of a replay: one per instrument and actor, as they come."""
    for inst in result.instruments:
        for row in inst.actors:
            yield StatusRow(
                instrument=inst.id,
                title=inst.title,
                legal_nature=inst.legal_nature.value,
                instrument_status=inst.status.value,
                instrument_since=inst.since,
                actor=row.actor,
                status=row.status.value,
                since=row.since,
                **_bounds("since", row.since),
                roles=[role.status.value for role in row.roles],
                toward=list(row.toward),
                contested_by=list(row.contested_by),
            )  # fmt: skip


def provision_rows(result: ReplayParts) -> Iterator[ProvisionRow]:
    """The ``provisions`` rows of a replay: one per provision and actor it binds."""
    for inst in result.instruments:
        for prov in inst.provisions:
            through = [(code, group) for group, codes in prov.through.items() for code in codes]
            for actor, group in [*((code, "") for code in prov.bound), *through]:
                yield ProvisionRow(
                    instrument=inst.id, provision=prov.id, type=prov.type.value,
                    summary=prov.summary, actor=actor, through=group,
                )  # fmt: skip


def claim_rows(result: ReplayParts) -> Iterator[ClaimRow]:
    """The ``claims`` rows of a replay: one per claim by annexation in place."""
    for c in result.head.claims:
        yield ClaimRow(
            territory=c.territory,
            claimant=c.claimant,
            since=c.since,
            act=c.act,
            contested_by=list(c.contested_by),
            **_bounds("since", c.since),
        )  # fmt: skip


def act_rows(acts: Iterable[TimelineAct], as_of: AsOf) -> Iterator[ActRow]:
    """The ``acts`` rows of a timeline up to the as-of day: acts certainly dated by then."""
    for act in acts:
        if valid_time_of(act.date).latest > as_of.day:
            continue
        yield ActRow(
            id=act.id,
            type=act.type.value,
            date=act.date,
            date_earliest=act.earliest,
            date_latest=act.latest,
            effective=act.effective,
            instrument=act.instrument,
            provision=act.provision,
            actors=act.actors,
            recipients=act.recipients,
            territory=act.territory,
            summary=act.summary,
            contested_by=sorted(act.contested.by) if act.contested else [],
            source_titles=[s.title for s in act.sources],
            source_urls=[s.url or "" for s in act.sources],
        )  # fmt: skip


def violation_rows(acts: Iterable[TimelineAct], as_of: AsOf) -> Iterator[ViolationRow]:
    """The ``violations`` rows of a timeline up to the as-of day: the alleged violations."""
    for act in acts:
        if act.type is not ActType.ALLEGED_VIOLATION or valid_time_of(act.date).latest > as_of.day:
            continue
        yield ViolationRow(
            id=act.id,
            accusers=act.actors,
            accused=act.recipients,
            instrument=act.instrument,
            provision=act.provision,
            date=act.date,
            date_earliest=act.earliest,
            date_latest=act.latest,
            summary=act.summary,
            source_titles=[s.title for s in act.sources],
        )  # fmt: skip


def demand_rows(records: Iterable[Standing], as_of: AsOf) -> list[DemandRow]:
    """The ``demands`` rows of the standing records (by first position), sorted.

    ``records`` need only hold the draft and unilateral instruments and the
    acts naming them (``ledger.index.reads`` selects those).
    """
    records = list(records)
    acts = [r.record for r in records if isinstance(r.record, Act)]
    done = [a for a in acts if a.valid_time.latest <= as_of.day]
    rows = []
    for item in records:
        inst = item.record
        if not isinstance(inst, Instrument) or inst.legal_nature not in DEMANDING:
            continue
        issuing = [a for a in done if a.instrument == inst.id
                   and a.type in (ActType.PROPOSAL, ActType.DEMANDS)]  # fmt: skip
        if not issuing:
            continue
        responses = [
            f"{a.id} ({a.type.value} {a.date} by {', '.join(a.actors)})"
            for a in done
            if a.instrument == inst.id and a.type is ActType.REJECTION
        ]
        for prov in inst.provisions:
            if prov.type is not ProvisionType.DEMAND:
                continue
            rows.append(DemandRow(
                instrument=inst.id, title=inst.title, provision=prov.id, summary=prov.summary,
                proposers=sorted({code for a in issuing for code in a.actors}),
                addressees=sorted(prov.addressees), addressee_class=prov.addressee_class,
                recipients=sorted({code for a in issuing for code in a.recipients}),
                issued=issuing[0].date, responses=responses,
            ))  # fmt: skip
    return sorted(rows, key=lambda row: (row.instrument, row.provision))


def _bounds(prefix: str, edtf: str) -> dict[str, str]:
    time = valid_time_of(edtf)
    return {
        f"{prefix}_earliest": time.earliest.isoformat(),
        f"{prefix}_latest": time.latest.isoformat(),
    }


DEMANDING = (LegalNature.DRAFT, LegalNature.UNILATERAL)
"""The legal natures of instruments whose demand provisions the ``demands`` export lists."""
REPLAYED: dict[str, Callable[[ReplayParts], Iterator[BaseModel]]] = {
    "status": status_rows, "provisions": provision_rows, "claims": claim_rows,
}  # fmt: skip
"""Exports read from a replay of the as-of day."""
TIMED: dict[str, Callable[[Iterable[TimelineAct], AsOf], Iterator[BaseModel]]] = {
    "acts": act_rows, "violations": violation_rows,
}  # fmt: skip
"""Exports read from the timeline up to the as-of day."""


def export_head(
    name: str, as_of: AsOf, known_at: str, position: int, root_hash: str, pending: list
) -> dict:
    """The JSON document of an export without its ``rows``: provenance and undecided acts.

    ``pending``: the replay's indeterminate acts (read models) on the as-of day.
    """
    return {
        "export": name,
        "schema_version": SCHEMA_VERSION,
        "as_of": as_of.text,
        "as_of_day": as_of.day.isoformat(),
        "known_at": known_at,
        "position": position,
        "log_size": position,
        "root_hash": root_hash,
        "indeterminate": [item.model_dump(mode="json") for item in pending],
    }


def export_document(
    log: VerifiedLog, name: str, as_of: AsOf, known_at: KnownAt | None = None
) -> dict:
    """The JSON document of an export: provenance, the rows, and the acts left undecided.

    ``indeterminate`` lists the acts whose possible days straddle the as-of
    day (replay neither applies nor drops them), so a reader can tell "not
    yet" from "uncertain".

    Raises:
        StoreError: the entries it is computed from fail verification.
    """
    entries = log.entries
    moment = known(entries, known_at)
    rows = export_rows(name, entries, as_of, known_at)
    pending = replay(entries, as_of, known_at=known_at).indeterminate
    head = export_head(
        name, as_of, moment.known_at, moment.position, log.root_hash(moment.position), pending
    )
    return head | {"rows": [row.model_dump(mode="json") for row in rows]}
