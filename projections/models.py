"""Read models the projections build: the shapes of replay and timeline output.

Plain pydantic models, so that ``ledger schema replay`` and ``ledger schema
timeline`` publish the JSON Schema of what ``--json`` prints; ``OUTPUT_VERSIONS``
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


class _ReadModel(BaseModel):
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


class ProvisionState(_ReadModel):
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


class InstrumentState(_ReadModel):
    """An instrument's status as of the day, with its actors and provisions."""

    id: str
    title: str
    legal_nature: LegalNature
    status: InstrumentStatus
    since: str
    actors: list[ActorState]
    provisions: list[ProvisionState]


class Claim(_ReadModel):
    """A territorial claim by annexation, in place as of the day."""

    territory: str
    claimant: str
    since: str
    act: str
    contested_by: list[str] = Field(description="who rejects the claim's act (UN, the state)")


class Indeterminate(_ReadModel):
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


class Replay(_ReadModel):
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


class TimelineAct(_ReadModel):
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


class Timeline(_ReadModel):
    """Acts in valid-time order whose possible days overlap ``[start, end]``."""

    start: str | None
    end: str | None
    known_at: str
    position: int
    log_size: int | None = None
    root_hash: str | None = None
    root_checked: bool | None = Field(None, description="as in a replay")
    acts: list[TimelineAct]


class InstrumentSummary(_ReadModel):
    """One instrument as recorded: id, title, legal nature, provision ids."""

    id: str
    title: str
    legal_nature: LegalNature
    provisions: list[str]
    position: int


class Catalogue(_ReadModel):
    """Every instrument in the ledger, sorted by id."""

    position: int
    instruments: list[InstrumentSummary]


class HistoryItem(_ReadModel):
    """One entry in the life of a record: what was recorded, when, by whom, why."""

    position: int
    recorded_at: str = Field(description="UTC instant")
    recorded_by: str
    action: str = Field(description="record, correct or retract")
    kind: str = Field(description="act or instrument")
    id: str
    changed: list[str]
    previous: dict = Field(
        default_factory=dict, description="for a correction, each changed field's value before"
    )
    reason: str | None
    sources: list[Source] = Field(description="sources of a correction or retraction")
    record: dict = Field(description="the record as it stands after this entry")


class History(_ReadModel):
    """Every version of the selected records, in record (log) order."""

    known_at: str
    position: int
    items: list[HistoryItem]


class Moment(_ReadModel):
    """A moment of record time a replay was computed from."""

    known_at: str
    position: int


class Change(_ReadModel):
    """One difference between two replays of the same valid day, and its causes.

    ``subject`` is ``instrument`` (status), ``actor`` (an actor's status
    toward an instrument), ``provision`` (whom it binds), ``claim`` or
    ``indeterminate``. ``before`` and ``after`` describe the state at each
    moment (None where it was absent).
    """

    subject: str
    instrument: str | None = None
    actor: str | None = None
    provision: str | None = None
    territory: str | None = None
    act: str | None = None
    before: str | None
    after: str | None
    causes: list[HistoryItem]


class Explanation(_ReadModel):
    """Why the answer for one as-of day differs between two moments of record."""

    as_of: str
    as_of_day: str
    before: Moment
    after: Moment
    changes: list[Change]


class StatusChange(_ReadModel):
    """One change of status between two valid days, and the act that caused it.

    ``kind`` is ``entered``, ``consented``, ``signed``, ``suspended``,
    ``notified-withdrawal``, ``left``, ``proposed`` or ``addressed`` (an actor),
    ``entered-into-force``, ``adopted``, ``drafted``, ``terminated`` or
    ``superseded`` (an instrument), ``claimed`` (a territory),
    ``succeeded`` (a former state's role passed on), or ``resumed`` (a role
    held from before the period shows again because the one above it ended,
    such as a suspension toward a party that has left; ``act`` is then the act
    of the period that ended it).
    """

    kind: str
    instrument: str | None = None
    actor: str | None = None
    territory: str | None = None
    before: str | None
    after: str | None
    act: str | None = Field(description="the act that made the change, where one is found")


class OtherAct(_ReadModel):
    """An act of the period that changes no status (``ledger.vocabulary.CHANGES_NO_STATUS``)."""

    id: str
    type: str
    date: str
    actors: list[str]
    recipients: list[str]
    instrument: str | None
    territory: str | None
    summary: str
    contested_by: list[str]


class Diff(_ReadModel):
    """What changed in status between the close of two valid days, then the other acts."""

    start: str
    end: str
    start_day: str
    end_day: str
    known_at: str
    position: int
    changes: list[StatusChange]
    other_acts: list[OtherAct] = Field(
        description="acts of the period that change no status, in valid-time order"
    )


class ActorInstrument(_ReadModel):
    """An actor's status toward one instrument."""

    instrument: str
    title: str
    instrument_status: str
    status: str
    since: str
    roles: list[str] = Field(description="every role held, the shown one included")
    toward: list[str] = Field(description="a suspension toward these parties only")
    contested_by: list[str] = Field(description="who rejects the act behind the status")


class ProvisionRef(_ReadModel):
    """A provision, named by its instrument and id."""

    instrument: str
    provision: str
    type: str
    summary: str
    instrument_status: str
    through: str | None = Field(None, description="the group it binds the actor through (NATO)")


class ActorProfile(_ReadModel):
    """One actor as of a day: its instruments, commitments, demands and allegations.

    ``kind`` is ``state``, ``former-state`` or ``organisation``; ``members``
    (NATO: the parties to the North Atlantic Treaty as of the day) and
    ``continued_by`` (a former state's successor) are set where they apply.
    """

    actor: str
    name: str
    kind: str
    as_of: str
    as_of_day: str
    known_at: str
    position: int
    members: list[str] | None
    continued_by: list[str] | None
    instruments: list[ActorInstrument]
    bound_by: list[ProvisionRef]
    demanded_of: list[ProvisionRef]
    in_favour_of: list[ProvisionRef]
    demands_made: list[str]
    demands_received: list[str]
    violations_alleged_by: list[str]
    violations_alleged_against: list[str]
