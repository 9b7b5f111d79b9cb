"""Read models the projections build: the shapes of replay and timeline output.

Plain pydantic models, so that ``ledger schema replay`` and ``ledger schema
timeline`` publish the JSON Schema of what ``--json`` prints (those of the
other reports are in ``projections.report_models``, which a replay or a
timeline does not import); ``OUTPUT_VERSIONS``
numbers each shape, and a change of shape takes a new number. Dates are EDTF
strings as recorded; ``as_of_day``, ``earliest`` and ``latest`` are ISO 8601
calendar days (inclusive).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pydantic.dataclasses import dataclass

from treaty_ledger.ledger.model import Contest, Source
from treaty_ledger.ledger.vocabulary import (
    ActorStatus,
    ActType,
    InstrumentStatus,
    LegalNature,
    ProvisionType,
)

OUTPUT_VERSIONS = {
    "replay": 2,  # 2: every role with its act, suspensions toward named parties, contested acts
    "timeline": 2,  # 2: contested acts
    "instruments": 1,
    "history": 1,
    "explain": 1,
    "check": 1,
    "diff": 2,  # 2: acts of the period that change no status
    "actor": 2,  # 2: bound by (and through which group), demanded of it, demands made
    "contrast": 1,
    "compliance": 1,
}
"""The version of each command's ``--json`` shape (``$id`` of ``ledger schema NAME``)."""


class ReadModel(BaseModel):
    """The base of every read model: frozen, no unknown field, its validator built on first use."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


# A pydantic dataclass with slots rather than a model: a whole-record replay of a large
# ledger holds hundreds of thousands of these, and a model carries a dict and a set per row.
@dataclass(frozen=True, slots=True, config=ConfigDict(extra="forbid", defer_build=True))
class RoleState:
    """One role an actor holds toward an instrument (see ``ActorState``)."""

    status: ActorStatus
    since: str
    act: str = Field(description="the act that gave the role")
    toward: list[str] = Field(
        description="a suspension toward these parties only (VCLT art. 60); empty: all"
    )
    contested_by: list[str] = Field(description="who rejects the act that gave it; empty: none")
    provision: str | None = Field(
        None, description="a suspension of this provision only (VCLT art. 60: in part)"
    )


@dataclass(frozen=True, slots=True, config=ConfigDict(extra="forbid", defer_build=True))
class ActorState:
    """One actor's status toward one instrument, and since when (EDTF, as recorded).

    ``status`` is the role shown (the latest held in ``ActorStatus`` order);
    ``roles`` lists every role held, the shown one included; ``toward`` and
    ``contested_by`` are those of the shown role.
    """

    actor: str
    status: ActorStatus
    since: str
    toward: list[str]
    contested_by: list[str]
    roles: list[RoleState]


class ProvisionState(ReadModel):
    """A provision and the actors it binds as of the day (empty if none)."""

    id: str
    type: ProvisionType
    summary: str
    obligors: str | list[str] | None
    beneficiaries: str | list[str]
    addressees: list[str] = Field(description="those a demand or proposal is made of: never bound")
    addressee_class: str | None = Field(description="the class of states a demand names, if any")
    bound: list[str] = Field(description="actors bound as of the day, sorted")
    through: dict[str, list[str]] = Field(
        description="for a group among the bound (NATO), its members bound through it that day"
    )


class InstrumentState(ReadModel):
    """An instrument's status as of the day, with its actors and provisions."""

    id: str
    title: str
    legal_nature: LegalNature
    status: InstrumentStatus
    since: str
    actors: list[ActorState]
    provisions: list[ProvisionState]


class Claim(ReadModel):
    """A territorial claim by annexation, in place as of the day."""

    territory: str
    claimant: str
    since: str
    act: str
    contested_by: list[str] = Field(description="who rejects the claim's act (UN, the state)")


class Indeterminate(ReadModel):
    """An act whose possible days straddle the as-of day: neither applied nor dropped.

    ``phase`` is ``date`` for the act's date (a withdrawal's notice),
    ``effective`` for its effect (recorded, or the end of the period its
    instrument sets), ``in-force-for`` for its entry into force for a late
    consenting state; ``date`` is then the derived day or range.
    """

    id: str
    type: ActType
    date: str
    phase: str = Field(description="date, effective or in-force-for: which date straddles")
    instrument: str | None


class Replay(ReadModel):
    """The state of every commitment at the close of ``as_of_day``."""

    as_of: str = Field(description="the as-of value as given")
    as_of_day: str = Field(description="the last day included, ISO 8601")
    known_at: str = Field(description="record time the replay was computed as of, UTC instant")
    position: int = Field(description="last log position the replay was computed from")
    log_size: int | None = Field(None, description="entries the replay was computed from")
    root_hash: str | None = Field(
        None, description="RFC 9162 Merkle root (hex) of those entries, set by the store"
    )
    root_checked: bool | None = Field(
        None,
        description="true: the whole log passed every check of 'ledger verify' before this "
        "root was named; false: the root is the tree head recorded with the log, and only the "
        "entries read through the index were checked",
    )
    instruments: list[InstrumentState]
    claims: list[Claim]
    indeterminate: list[Indeterminate]


class TimelineAct(ReadModel):
    """One act on the timeline, with its sources."""

    id: str
    type: ActType
    date: str
    earliest: str
    latest: str
    effective: str | None
    instrument: str | None
    provision: str | None
    successor: str | None
    actors: list[str]
    recipients: list[str]
    predecessor: str | None
    territory: str | None
    sequence: int | None
    summary: str
    date_note: str | None
    contested: Contest | None = Field(description="who rejects the act, on what grounds, where")
    sources: list[Source]
    position: int = Field(description="log position at which the act was first recorded")


class Timeline(ReadModel):
    """Acts in valid-time order whose possible days overlap ``[start, end]``."""

    start: str | None
    end: str | None
    known_at: str
    position: int
    log_size: int | None = None
    root_hash: str | None = None
    root_checked: bool | None = Field(None, description="as in a replay")
    acts: list[TimelineAct]
