"""Read models of ``ledger contrast`` and ``ledger compliance``: their ``--json`` shapes.

Plain pydantic models, so that ``ledger schema contrast`` and ``ledger
schema compliance`` publish the JSON Schema of what ``--json`` prints.
``CONTRAST_VERSIONS`` numbers each shape; a change of shape takes a new
number. Dates are EDTF strings as recorded; ``as_of_day`` an ISO 8601 day.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from treaty_ledger.ledger.model import Source
from treaty_ledger.ledger.vocabulary import RelationKind

CONTRAST_VERSIONS = {"contrast": 1, "compliance": 1}
"""The version of each command's ``--json`` shape (``$id`` of ``ledger schema NAME``)."""


class _ReadModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Allegation(_ReadModel):
    """One alleged-violation act: who alleges, against whom, of what, and where it is said."""

    id: str
    date: str
    instrument: str | None
    provision: str | None
    alleged_by: list[str]
    against: list[str]
    summary: str
    sources: list[Source]
    accused_bound: list[str] = Field(
        description="those accused who were bound by the provision named (else by any provision "
        "of the instrument) at the close of the allegation's last possible day, themselves or "
        "through a group: was it a restriction they had accepted?"
    )


class Member(_ReadModel):
    """A member of a group on the as-of day, and when its membership began (EDTF)."""

    actor: str
    joined: str


class Link(_ReadModel):
    """What one relation says of one provision, and that provision's state on the as-of day."""

    relation: str = Field(description="the relation's id")
    kind: RelationKind
    changes: bool = Field(description="contradicts, would-replace or reinterprets: not reaffirms")
    instrument: str
    title: str | None = Field(description="None when the instrument is not recorded then")
    provision: str
    provision_summary: str | None
    instrument_status: str | None = Field(description="as of the day; None: not yet in the record")
    in_force: bool = Field(description="the instrument binds anyone that day (treaty in force, "
                           "political instrument adopted)")  # fmt: skip
    bound: list[str] = Field(description="actors bound by the provision that day, sorted")
    through: dict[str, list[str]] = Field(description="a bound group's members that day")
    proposer_bound: list[str] = Field(
        description="the proposers bound by it that day, themselves or through a group"
    )
    alleged_against_proposer: list[Allegation] = Field(
        description="violations of the instrument alleged against a proposer, by then"
    )
    alleged_by_proposer: list[Allegation] = Field(
        description="the proposers' counter-allegations concerning the instrument, by then"
    )
    date: str = Field(description="when the source drew the link (EDTF)")
    summary: str
    drawn_by: list[str]
    sources: list[Source]


class ContrastProvision(_ReadModel):
    """One provision of the proposal: whom it would reach and what it would change."""

    id: str
    type: str
    summary: str
    addressees: list[str]
    addressee_class: str | None
    class_resolved: bool | None = Field(
        description="whether addressee_class is in the vocabulary of class rules; None: no class"
    )
    class_members: list[Member] | None = Field(
        description="the states in the class that day, with when they joined; None: no class"
    )
    reaches: list[str] = Field(
        description="the actors it would reach that day: the class if one is named, else its "
        "addressees (or named obligors), a group read as its members of the day; sorted"
    )
    links: list[Link]


class Contrast(_ReadModel):
    """A proposal set against the commitments of the day (``ledger contrast``)."""

    proposal: str
    title: str
    legal_nature: str
    proposers: list[str] = Field(description="actors of its proposal, demands or adoption acts")
    status: str | None = Field(description="its status that day; None: not yet put forward")
    as_of: str
    as_of_day: str
    known_at: str
    position: int
    provisions: list[ContrastProvision]


class BoundBy(_ReadModel):
    """A provision binding the actor on the as-of day, itself or through a group."""

    provision: str
    type: str
    summary: str
    through: str | None = Field(description="the group that binds it, if not itself")


class InstrumentCompliance(_ReadModel):
    """One instrument: what bound the actor, and the violations alleged by and against it."""

    instrument: str | None = Field(description="None: allegations that name no instrument")
    title: str | None
    instrument_status: str | None
    actor_status: str | None = Field(description="the actor's status toward it that day")
    bound_by: list[BoundBy]
    alleged_against: list[Allegation]
    alleged_by: list[Allegation]


class Compliance(_ReadModel):
    """One actor's commitments and the allegations about them (``ledger compliance``)."""

    actor: str
    as_of: str
    as_of_day: str
    known_at: str
    position: int
    instruments: list[InstrumentCompliance]
