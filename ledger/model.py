"""Records the ledger appends: instruments and acts, as immutable pydantic models.

A record file is JSON Lines: one JSON object per line, each with a
``record`` key that is ``"instrument"``, ``"act"`` or ``"relation"``. The models here are
the schema of those lines (``ledger schema act``, ``ledger schema
instrument``). Validation refuses unknown keys, numbers where text is due,
invalid EDTF dates and unknown actor codes. Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from treaty_ledger.ledger.actors import check_actor_code
from treaty_ledger.ledger.dates import (
    ValidTime,
    parse_period,
    parse_valid_time,
    valid_time_of,
)
from treaty_ledger.ledger.record_rules import (
    act_problem,
    provision_problem,
    relation_problem,
    repeated_codes,
    repeated_provisions,
    text_problem,
)
from treaty_ledger.ledger.vocabulary import ActType, LegalNature, ProvisionType, RelationKind

_TRUSTING: ContextVar[bool] = ContextVar("trusting_stored_content", default=False)


@contextmanager
def trusted_content() -> Iterator[None]:
    """Validate, within this block, content the ledger itself validated when appending it.

    Only for content whose leaf hash matched the hash recorded at append
    time (``ledger.store.application.Ledger.checked_entry``): pydantic still checks the
    types, but the rules written in Python here (one-line text, EDTF, actor
    codes, repeats, rules by type) are not run again.
    """
    token = _TRUSTING.set(True)
    try:
        yield
    finally:
        _TRUSTING.reset(token)


def _check_edtf(value: str) -> str:
    if not _TRUSTING.get():
        parse_valid_time(value)
    return value


def _one_line(value: str) -> str:
    if not _TRUSTING.get() and (problem := text_problem(value)) is not None:
        raise ValueError(problem)
    return value


MAX_PROVISIONS = 10_000
"""At most this many provisions in one instrument (the largest real treaty has a few hundred)."""

Text = Annotated[StrictStr, Field(max_length=4000), AfterValidator(_one_line)]
"""One line of text: not blank, no control characters (no newlines), at most 4,000 characters."""
RecordId = Annotated[
    StrictStr,
    Field(pattern=r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$", max_length=120),
]
"""A stable id: lower-case letters and digits joined by ``-`` or ``.``."""


def _actor_code(value: str) -> str:
    return value if _TRUSTING.get() else check_actor_code(value)


ActorCode = Annotated[StrictStr, AfterValidator(_actor_code)]


def _no_repeats(codes: list[str]) -> list[str]:
    if not _TRUSTING.get() and (problem := repeated_codes(codes)) is not None:
        raise ValueError(problem)
    return codes


ActorCodes = Annotated[list[ActorCode], AfterValidator(_no_repeats)]
EdtfDate = Annotated[StrictStr, AfterValidator(_check_edtf)]
Url = Annotated[StrictStr, Field(pattern=r"^https?://\S+$")]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Source(_Frozen):
    """Where a record comes from: a public document, with its publisher and date."""

    title: Text
    publisher: Text
    date: EdtfDate
    url: Url | None = None


class Provision(_Frozen):
    """A commitment inside an instrument: who is bound, toward whom, of what type.

    ``obligors`` is a list of actor codes, or ``"parties"`` for every actor
    that is a party at the as-of day; ``beneficiaries`` likewise (empty when
    the commitment is owed to no one in particular). A named obligor is bound
    only while it has consented to the instrument (VCLT arts. 11, 34-35): a
    group (``NATO``) that consented binds its members of the day through it.

    A demand or a proposal names whom it is made of in ``addressees`` (actor
    codes) and, where it names a class of states ("NATO members that joined
    after 1997-05-27"), says so in ``addressee_class``: an addressee is never
    bound by it. A provision has obligors, addressees, or both.
    """

    id: RecordId
    type: ProvisionType
    summary: Text
    obligors: Literal["parties"] | Annotated[ActorCodes, Field(min_length=1)] | None = None
    beneficiaries: Literal["parties"] | ActorCodes = Field(default_factory=list)
    addressees: ActorCodes = Field(default_factory=list)
    addressee_class: Text | None = None

    @model_validator(mode="after")
    def _someone(self) -> Provision:
        problem = provision_problem(self.obligors, self.addressees, self.addressee_class)
        if problem is not None:
            raise ValueError(problem)
        return self


def _period(value: str) -> str:
    if not _TRUSTING.get():
        parse_period(value)
    return value


Duration = Annotated[StrictStr, Field(max_length=20), AfterValidator(_period)]
"""An ISO 8601 period of years, months and days (``P6M``, ``P150D``, ``P1Y``)."""


class FinalClauses(_Frozen):
    """The timing rules an instrument's own final clauses set, with the articles that set them.

    ``in_force_for_later_consent_after``: for a state that consents after the
    instrument's entry into force, the period after its deposit at whose end
    the instrument enters into force for it (VCLT art. 24(3); Open Skies
    art. XVII: ``P60D``); absent, it enters into force for it on the deposit.
    ``withdrawal_takes_effect_after``: the period from a withdrawal's or
    denunciation's notice to its effect (INF art. XV: ``P6M``; CFE art. XIX:
    ``P150D``); absent, a notice without an effective date takes effect on
    notice.
    """

    in_force_for_later_consent_after: Duration | None = None
    withdrawal_takes_effect_after: Duration | None = None
    articles: Text | None = None


class Contest(_Frozen):
    """Who rejects the validity of an act, on what grounds, and where they say so.

    For an act whose validity other parties or the UN General Assembly reject
    (an annexation; a treaty with an entity that is not a state; a suspension
    the treaty does not provide for: VCLT arts. 46-53, 60, 65).
    """

    by: Annotated[ActorCodes, Field(min_length=1)]
    grounds: Text
    sources: Annotated[list[Source], Field(min_length=1)]


class Instrument(_Frozen):
    """A treaty, a politically binding document, a draft or a set of demands.

    ``organisation`` names the organisation whose commitments a political
    instrument is (``CSCE``/``OSCE``): a state admitted to it (by accepting the
    Helsinki Final Act) accepts every such commitment in effect that day.
    """

    record: Literal["instrument"]
    id: RecordId
    title: Text
    legal_nature: LegalNature
    provisions: list[Provision] = Field(default_factory=list, max_length=MAX_PROVISIONS)
    final_clauses: FinalClauses | None = None
    organisation: ActorCode | None = None
    note: Text | None = None
    sources: Annotated[list[Source], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique_provisions(self) -> Instrument:
        problem = repeated_provisions(provision.id for provision in self.provisions)
        if problem is not None:
            raise ValueError(problem)
        return self


class Act(_Frozen):
    """One dated diplomatic act: the unit the ledger appends.

    ``date`` is the valid time (EDTF, a calendar day or a range of days). For
    a suspension, withdrawal or denunciation, ``date`` is the notice (the
    international act: the notification to the depositary or the other
    parties, never a domestic law) and ``effective`` the day it takes effect;
    absent, a withdrawal or denunciation takes effect at the end of the period
    its instrument's final clauses set, else on notice. A suspension's
    ``recipients`` are the parties toward which it suspends the instrument
    (VCLT art. 60); none means toward every party. ``contested`` says who
    rejects the act's validity.
    ``sequence`` orders acts recorded for the same day where the record
    knows their order (lower first). Rules by type are in the validator.
    """

    record: Literal["act"]
    id: RecordId
    type: ActType
    date: EdtfDate
    effective: EdtfDate | None = None
    actors: Annotated[ActorCodes, Field(min_length=1)]
    recipients: ActorCodes = Field(default_factory=list)
    instrument: RecordId | None = None
    provision: RecordId | None = None
    predecessor: ActorCode | None = None
    successor: RecordId | None = None
    territory: Text | None = None
    sequence: Annotated[StrictInt, Field(ge=0, le=999_999)] | None = None
    summary: Text
    date_note: Text | None = None
    contested: Contest | None = None
    sources: Annotated[list[Source], Field(min_length=1)]

    @property
    def valid_time(self) -> ValidTime:
        """The act's date as an inclusive range of days."""
        return valid_time_of(self.date)

    @property
    def effective_time(self) -> ValidTime:
        """When the act takes effect: ``effective`` if given, else ``date``."""
        return valid_time_of(self.effective or self.date)

    @model_validator(mode="after")
    def _rules_by_type(self) -> Act:
        if _TRUSTING.get():
            return self
        problem = act_problem(
            self.type, self.date, effective=self.effective, instrument=self.instrument,
            provision=self.provision, predecessor=self.predecessor, successor=self.successor,
            territory=self.territory, recipients=self.recipients, actors=self.actors,
        )  # fmt: skip
        if problem is not None:
            raise ValueError(problem)
        return self


class ProvisionLink(_Frozen):
    """One provision of one instrument, named by their ids."""

    instrument: RecordId
    provision: RecordId


class Relation(_Frozen):
    """A sourced link from a provision of a proposal to a provision of another instrument.

    ``from`` is the proposal's provision, ``to`` the provision it
    ``contradicts``, ``would-replace``, ``reinterprets`` or ``reaffirms``.
    ``date`` (EDTF) is when the source drew the link, not a change in the
    law: a relation reads two texts and binds no one. ``drawn_by`` names the
    actors whose statements draw it (empty when it is drawn from the texts).
    """

    model_config = ConfigDict(
        extra="forbid", frozen=True, serialize_by_alias=True, validate_by_name=True,
        defer_build=True,
    )

    record: Literal["relation"]
    id: RecordId
    from_: ProvisionLink = Field(alias="from")
    kind: RelationKind
    to: ProvisionLink
    date: EdtfDate
    summary: Text
    drawn_by: ActorCodes = Field(default_factory=list)
    sources: Annotated[list[Source], Field(min_length=1)]

    @model_validator(mode="after")
    def _two_instruments(self) -> Relation:
        if _TRUSTING.get():
            return self
        problem = relation_problem(self.from_.instrument, self.to.instrument)
        if problem is not None:
            raise ValueError(problem)
        return self


AnyRecord = Instrument | Act | Relation
"""Every kind of record the ledger appends."""
Record = Annotated[AnyRecord, Field(discriminator="record")]
RECORD_ADAPTER: TypeAdapter[AnyRecord] = TypeAdapter(
    Record, config=ConfigDict(defer_build=True)
)
"""Validates one record (an instrument, an act or a relation) from JSON text or a dict."""


def first_problem(err: ValidationError, default: str = "value") -> tuple[str, str]:
    """The first problem of a pydantic validation error: (dotted field path, message)."""
    first = err.errors(include_url=False)[0]
    field = ".".join(str(part) for part in first["loc"]) or default
    return field, first["msg"].removeprefix("Value error, ")


def record_content(record: AnyRecord) -> dict:
    """Return the record as JSON-ready data, without fields left unset (None).

    This is what the ledger stores and what it compares on re-import.
    """
    return record.model_dump(mode="json", exclude_none=True)
