"""PLOVER event records of the acts (``ledger export acts --format plover``).

One record per act, in the record format of the PLOVER manual (DRAFT
Version 1.3; see ``projections.plover_vocabulary`` for where its text is):
the required ``id``, ``date``, ``actor`` and ``event``, with ``recipient``,
``enddate``, ``mode``, ``context``, ``quad_code``, ``event_loc``, ``link``
and ``cite_info`` where the act gives them. ``event``, ``mode`` and
``context`` are lists; ``actor`` and ``recipient`` are lists of entity
objects such as ``{"code": "USA", "sector": "GOV"}``.

The category, mode and context of each act type come from one table,
``CODING``; the README's PLOVER section lists it and gives the reasons where
the codebook leaves a choice. The ledger's own fields that PLOVER lacks are
kept under names that start with ``ledger_`` and never in PLOVER's fields.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from treaty_ledger.ledger.actors import display_name, is_organisation
from treaty_ledger.ledger.dates import AsOf
from treaty_ledger.ledger.entries import Entry
from treaty_ledger.ledger.errors import UnknownInstrument
from treaty_ledger.ledger.model import Act, Instrument
from treaty_ledger.ledger.record_time import KnownAt
from treaty_ledger.ledger.vocabulary import ActorStatus, LegalNature
from treaty_ledger.projections.known import known, standing
from treaty_ledger.projections.models import Replay
from treaty_ledger.projections.plover_vocabulary import (
    MANUAL_VERSION,
    NON_STATE_CODES,
    PARTIALLY_RECOGNISED_SECTOR,
    QUAD,
    STATE_SECTOR,
)
from treaty_ledger.projections.replay import replay_known

EXTENSION_PREFIX = "ledger_"
"""Every field the export adds beyond the manual's starts with this."""

Recipients = Literal["act", "other-parties", "breakaway"]


@dataclass(frozen=True)
class Coding:
    """How one act type is coded in PLOVER.

    Attributes:
        event: the event category (chapter "Event Categories").
        mode: one of that category's modes, or None where none applies
            (the manual: "the field should be left null").
        context: contexts from table "General contexts".
        recipients: ``act``: the act's recipients; ``other-parties``: the
            act's recipients, else the instrument's other parties on the
            act's first possible day, from replay; ``breakaway``: the
            territory the act names, as a partially recognised entity of the
            state in the act's recipients (else the act's recipients).
    """

    event: str
    mode: str | None
    context: tuple[str, ...]
    recipients: Recipients = "act"


_FINALIZE = Coding("SUPPORT", None, ("diplomatic",))
# SUPPORT: "... or ratify, sign, or finalize an agreement or treaty". AGREE is
# kept for "promises to sign or ratify agreements", which these acts are not.

CODING: dict[str, Coding] = {
    # AGREE: "Agree to, offer, promise, or otherwise indicate willingness or
    # commitment to cooperate": a proposal offers terms of cooperation.
    "proposal": Coding("AGREE", None, ("diplomatic",)),
    "adoption": _FINALIZE,
    "signature": _FINALIZE,
    "ratification": _FINALIZE,
    "acceptance": _FINALIZE,
    "approval": _FINALIZE,
    "accession": _FINALIZE,
    "succession": _FINALIZE,
    "entry-into-force": _FINALIZE,
    "supersession": _FINALIZE,
    "provisional-application": _FINALIZE,
    "extension": _FINALIZE,
    # SUPPORT also covers "Initiate, resume, improve, or expand diplomatic,
    # non-material cooperation" and "express support for, ... approve policy".
    "readmission": _FINALIZE,
    "endorsement": _FINALIZE,
    # A domestic step toward consent (a law or decree) binds nobody abroad yet:
    # it is a commitment to ratify, which AGREE names.
    "domestic-act": Coding("AGREE", None, ("legal",)),
    # REQUEST: "All requests, demands, and orders"; mode "assist": "Any form
    # of exchange, relations, or assistance" (an application to join).
    "application": Coding("REQUEST", "assist", ("diplomatic",)),
    "demands": Coding("REQUEST", "change", ("diplomatic",)),
    # SANCTION: "All reductions in existing, routine, or cooperative
    # relations" (CAMEO 16 REDUCE RELATIONS); it requires a recipient.
    # Mode "withdraw": "Withdraw oneself ... from a group, ... organization";
    # "discontinue": "Curtail, decrease, break, or terminate ... exchanges".
    "suspension": Coding("SANCTION", "discontinue", ("diplomatic",), "other-parties"),
    "withdrawal": Coding("SANCTION", "withdraw", ("diplomatic",), "other-parties"),
    "denunciation": Coding("SANCTION", "withdraw", ("diplomatic",), "other-parties"),
    "termination": Coding("SANCTION", "discontinue", ("diplomatic",), "other-parties"),
    # REJECT: "All rejections and refusals"; none of its modes (assist, change,
    # yield, meet) names the refusal of a treaty text.
    "rejection": Coding("REJECT", None, ("diplomatic",)),
    # CONCEDE: "verbal concessions which have no immediate material consequences".
    "self-restraint": Coding("CONCEDE", None, ("military",)),
    # ACCUSE: "Accuse, allege, or charge"; mode "allege": "Formally or
    # informally accuse".
    "alleged-violation": Coding("ACCUSE", "allege", ("legal",)),
    # CAMEO 01 MAKE PUBLIC STATEMENT was dropped; a doctrinal statement is
    # coded by what it does to its recipients: "disapprove": "Express
    # disapproval; condemn; complain".
    "doctrinal-statement": Coding("ACCUSE", "disapprove", ("diplomatic",)),
    # SUPPORT includes "recognition of newly independent states"; the
    # recognised entity, not the state it broke from, is the recipient.
    "recognition": Coding("SUPPORT", None, ("diplomatic", "territory"), "breakaway"),
    # COERCE: "coercive uses of power falling short of violence"; its modes
    # (seize = search, confiscate property, raid; ...) do not name a claim to
    # territory, so none is given.
    "annexation": Coding("COERCE", None, ("territory",)),
    # ASSAULT: "deliberate actions which can potentially result in substantial
    # physical harm"; its modes name weapons and methods the record does not.
    "use-of-force": Coding("ASSAULT", None, ("military",)),
}
"""The PLOVER coding of each act type, keyed by the act type's value."""

_TREATY_PARTIES = frozenset({ActorStatus.PARTY, ActorStatus.WITHDRAWING, ActorStatus.SUSPENDED})
_PARTICIPANTS = _TREATY_PARTIES | {
    ActorStatus.SIGNATORY, ActorStatus.CONTRACTING, ActorStatus.PARTICIPATING,
}  # fmt: skip


def plover_records(
    entries: Iterable[Entry], as_of: AsOf, known_at: KnownAt | None = None
) -> list[dict]:
    """Return one PLOVER record per act certainly dated on or before ``as_of.day``.

    Records come in the acts' valid-time order (earliest day, latest day, id).
    ``date`` is the act's first possible day; an act whose EDTF date is not
    one certain day also gets ``enddate`` (its last possible day) and
    ``ledger_date_imprecise: true``.

    Raises:
        KeyError: an act type with no row in ``CODING``.
        InvalidMoment: ``known_at`` is a position beyond the end of the log.
    """
    knowledge = known(entries, known_at)
    records = standing(knowledge.entries)
    instruments = {r.record.id: r.record for r in records if isinstance(r.record, Instrument)}
    acts = sorted(
        (r.record for r in records if isinstance(r.record, Act)),
        key=lambda a: (a.valid_time.earliest, a.valid_time.latest, a.id),
    )

    def replayed(day: AsOf, instrument: str) -> Replay:
        return replay_known(knowledge, day, instrument=instrument)

    return [
        plover_record(act, instruments.get(act.instrument or ""), replayed)
        for act in acts
        if act.valid_time.latest <= as_of.day
    ]


def plover_order(acts: Iterable[Act]) -> Iterator[Act]:
    """Put acts that come in valid-time order (by earliest, then latest day) in the records' order.

    Acts sharing both days are sorted by id; only one such group is held.
    """
    group: list[Act] = []
    for act in acts:
        if group and (act.valid_time.earliest, act.valid_time.latest) != (
            group[0].valid_time.earliest, group[0].valid_time.latest
        ):  # fmt: skip
            yield from sorted(group, key=lambda item: item.id)
            group = []
        group.append(act)
    yield from sorted(group, key=lambda item: item.id)


Replayed = Callable[[AsOf, str], Replay]
"""Replays one instrument (by id) as of a day, from what was known: the parties of a day."""


def plover_record(act: Act, instrument: Instrument | None, replayed: Replayed) -> dict:
    """Return the PLOVER record of one act (``replayed`` gives an instrument's other parties).

    Raises:
        KeyError: the act's type has no row in ``CODING``.
    """
    coding = CODING[act.type.value]
    time = act.valid_time
    precise = time.is_day and not act.date.endswith(("?", "~", "%"))
    context = list(coding.context)
    if instrument is not None and instrument.legal_nature is LegalNature.TREATY:
        # "legal": "courts and judiciary; national and international law".
        context.append("legal")
    record: dict = {"id": act.id, "date": time.earliest.isoformat()}
    if not precise:
        record["enddate"] = time.latest.isoformat()
    record["actor"] = [_entity(code) for code in act.actors]
    recipient = _recipients(act, coding, replayed)
    if recipient:
        record["recipient"] = recipient
    record["event"] = [coding.event]
    record["quad_code"] = QUAD[coding.event]
    record["mode"] = [coding.mode] if coding.mode else None
    record["context"] = list(dict.fromkeys(context))
    if act.territory is not None and coding.recipients != "breakaway":
        record["event_loc"] = {"extracted_place": act.territory}
    if act.instrument is not None:
        # "link": "a common reference across multiple related events".
        record["link"] = act.instrument
    record["cite_info"] = _cite_info(act)
    record.update(_extension(act, instrument, precise))
    return record


_OWN_CODES = {"UN": "UNO", "EU": "EUR"}
"""Organisations with a code of their own in table "International Non-state actor names";
every other organisation of the ledger is an "International Governmental Organization"."""


def _entity(code: str) -> dict:
    """An entity object: ISO 3166 alpha-3 for a state, the manual's codes for organisations."""
    if not is_organisation(code):
        return {"code": code, "sector": STATE_SECTOR}
    if code in _OWN_CODES:
        return {"code": _OWN_CODES[code], "identifier_text": NON_STATE_CODES[_OWN_CODES[code]]}
    return {"code": "IGO", "entity_text": code, "identifier_text": display_name(code)}


def _recipients(act: Act, coding: Coding, replayed: Replayed) -> list[dict]:
    if coding.recipients == "breakaway" and act.territory and act.recipients:
        return [
            {"code": code, "sector": PARTIALLY_RECOGNISED_SECTOR, "entity_text": act.territory}
            for code in act.recipients
        ]
    codes = list(act.recipients)
    if not codes and coding.recipients == "other-parties" and act.instrument:
        codes = _other_parties(act, replayed)
    return [_entity(code) for code in codes]


def _other_parties(act: Act, replayed: Replayed) -> list[str]:
    """The instrument's parties (participants, for a non-treaty) other than the act's actors.

    Read from replay at the close of the day before the act's first possible day,
    so that the act itself and acts of the same day are not applied.
    """
    day = act.valid_time.earliest - timedelta(days=1)
    try:
        state = replayed(AsOf(day.isoformat(), day), act.instrument or "")
    except UnknownInstrument:
        return []
    keep = set(act.actors)
    out: list[str] = []
    for instrument in state.instruments:
        wanted = _TREATY_PARTIES if instrument.legal_nature is LegalNature.TREATY else _PARTICIPANTS
        out += [a.actor for a in instrument.actors if a.status in wanted and a.actor not in keep]
    return sorted(set(out))


def _cite_info(act: Act) -> dict:
    """The citeInfo object: the act's first source, and the codebook it was coded with."""
    first = act.sources[0]
    info = {"title": first.title, "publication": first.publisher}
    if first.url is not None:
        info["url"] = str(first.url)
    info["coder"] = "treaty-ledger"
    info["codebook"] = f"plover-{MANUAL_VERSION}"
    return info


def _extension(act: Act, instrument: Instrument | None, precise: bool) -> dict:
    p = EXTENSION_PREFIX
    return {
        f"{p}act_id": act.id,
        f"{p}act_type": act.type.value,
        f"{p}date": act.date,
        f"{p}date_imprecise": not precise,
        f"{p}effective": act.effective,
        f"{p}territory": act.territory,
        f"{p}instrument": act.instrument,
        f"{p}legal_nature": instrument.legal_nature.value if instrument else None,
        f"{p}summary": act.summary,
        f"{p}sources": [s.model_dump(mode="json", exclude_none=True) for s in act.sources],
    }
