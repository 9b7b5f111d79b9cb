"""Read models of the other reports: instruments, history, explain, diff and actor.

Apart from ``projections.models`` (replay and timeline) so that those
commands do not create these classes at import. Dates and days as there.
"""

from __future__ import annotations

from pydantic import Field

from treaty_ledger.ledger.model import Source
from treaty_ledger.ledger.vocabulary import LegalNature
from treaty_ledger.projections.models import ReadModel


class InstrumentSummary(ReadModel):
    """One instrument as recorded: id, title, legal nature, provision ids."""

    id: str
    title: str
    legal_nature: LegalNature
    provisions: list[str]
    position: int


class Catalogue(ReadModel):
    """Every instrument in the ledger, sorted by id."""

    position: int
    instruments: list[InstrumentSummary]


class HistoryItem(ReadModel):
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


class History(ReadModel):
    """Every version of the selected records, in record (log) order."""

    known_at: str
    position: int
    items: list[HistoryItem]


class Moment(ReadModel):
    """A moment of record time a replay was computed from."""

    known_at: str
    position: int


class Change(ReadModel):
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


class Explanation(ReadModel):
    """Why the answer for one as-of day differs between two moments of record."""

    as_of: str
    as_of_day: str
    before: Moment
    after: Moment
    changes: list[Change]


class StatusChange(ReadModel):
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


class OtherAct(ReadModel):
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


class Diff(ReadModel):
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


class ActorInstrument(ReadModel):
    """An actor's status toward one instrument."""

    instrument: str
    title: str
    instrument_status: str
    status: str
    since: str
    roles: list[str] = Field(description="every role held, the shown one included")
    toward: list[str] = Field(description="a suspension toward these parties only")
    contested_by: list[str] = Field(description="who rejects the act behind the status")


class ProvisionRef(ReadModel):
    """A provision, named by its instrument and id."""

    instrument: str
    provision: str
    type: str
    summary: str
    instrument_status: str
    through: str | None = Field(None, description="the group it binds the actor through (NATO)")


class ActorProfile(ReadModel):
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
