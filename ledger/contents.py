"""Record files read for an import: each line validated in pydantic-core, as stored content.

``ledger import`` reads files of up to millions of records. A line is
validated from its bytes in one pydantic-core call against a schema of typed
dicts whose every constraint pydantic-core checks itself (types, patterns,
lengths, closed vocabularies, the known actor codes); what it cannot say is
then checked on the plain data by the same functions the models use
(``ledger.record_rules``): EDTF dates and ISO 8601 periods (each distinct
text parsed once per process, ``ledger.dates``), repeated codes, the rules by
type. The result is the record's content exactly as
``ledger.model.record_content`` gives it, without building a model.

The fast path takes only lines it judges exactly as ``ledger.records`` does:
ASCII without ``\\u`` escapes (so no text needs Unicode normalisation), at
most :data:`FAST_LINE_BYTES` long, and no key twice in one object (the keys
validated are counted against a count of key ends in the bytes that can only
overstate it). Every other line, and every line the fast path refuses, goes
through :func:`ledger.records.parse_record`: a bad line gets the same message
as before, a valid one the same content. No I/O here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Annotated, Any, Literal, NamedTuple, NotRequired

from pydantic import ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError, with_config
from typing_extensions import TypedDict  # pydantic needs this one before Python 3.12

from treaty_ledger.ledger.actors import actor_codes
from treaty_ledger.ledger.dates import parse_period, parse_valid_time
from treaty_ledger.ledger.errors import LedgerError
from treaty_ledger.ledger.model import MAX_PROVISIONS, record_content
from treaty_ledger.ledger.record_rules import (
    act_problem,
    provision_problem,
    relation_problem,
    repeated_codes,
    repeated_provisions,
)
from treaty_ledger.ledger.records import parse_record, record_lines
from treaty_ledger.ledger.vocabulary import ActType, LegalNature, ProvisionType, RelationKind

FAST_LINE_BYTES = 64 * 1024
"""Longer lines (large instruments, hostile input) take the path of ``ledger.records``."""

# A key is a JSON string followed by JSON white space and a colon: every key ends in one match.
_KEY_END = re.compile(rb'"[ \t\r\n]*:')


class Content(NamedTuple):
    """A validated record as the ledger stores it, and where it came from.

    Attributes:
        where: ``FILE line N`` (or what the caller named it).
        data: the record's content: JSON data equal to
            ``ledger.model.record_content`` of its model (no None values,
            list fields present even when empty).
    """

    where: str
    data: dict[str, Any]


def iter_contents(lines: Iterable[bytes], source: str) -> Iterator[Content]:
    """Validate the non-blank lines of a JSON Lines file, one by one, into stored content.

    Args:
        lines: the file's lines, as bytes, in order.
        source: the file's name, used in messages (``source line N``).

    Raises:
        InvalidRecord: when the first line that is not a valid record is reached
            (the message of ``ledger.records.parse_record``).
        NoRecords: the lines hold no record at all.
    """
    for line, where in record_lines(lines, source):
        yield content_of(line, where)


def content_of(line: bytes, where: str) -> Content:
    """Validate one record given as JSON bytes into its stored content.

    Raises:
        InvalidRecord: as :func:`ledger.records.parse_record`.
    """
    data = _fast(line)
    if data is None:
        return Content(where, record_content(parse_record(line, where).record))
    return Content(where, data)


def _fast(line: bytes) -> dict[str, Any] | None:
    """The content of a line the fast path can judge and accepts, else None."""
    if len(line) > FAST_LINE_BYTES or not line.isascii() or b"\\u" in line:
        return None
    try:
        data = _adapter().validate_json(line)
    except ValidationError:
        return None
    if data["record"] == "act":  # the common case, counted without walking
        keys = len(data) + sum(map(len, data["sources"]))
        if "contested" in data:
            keys += _keys(data["contested"])
    else:
        keys = _keys(data)
    if line.count(b":") != keys and len(_KEY_END.findall(line)) != keys:
        return None  # a key given twice, or a value holding '":': parse_record decides
    check = _CHECKS[data["record"]]
    return data if check(data) else None


def _keys(value: dict[str, Any]) -> int:
    """The keys of a parsed JSON object and of every object nested in it."""
    count = len(value)
    for item in value.values():
        if type(item) is dict:
            count += _keys(item)
        elif type(item) is list:
            for element in item:
                if type(element) is dict:
                    count += _keys(element)
    return count


_KNOWN_DATES: set[str] = set()
"""EDTF texts already accepted in this process (at most :data:`_KNOWN_DATES_KEPT`)."""
_KNOWN_DATES_KEPT = 65_536


def _dates_known(*values: str) -> bool:
    for value in values:
        if value in _KNOWN_DATES:
            continue
        try:
            parse_valid_time(value)
        except LedgerError:
            return False
        if len(_KNOWN_DATES) >= _KNOWN_DATES_KEPT:
            _KNOWN_DATES.clear()
        _KNOWN_DATES.add(value)
    return True


def _sources_known(sources: list[dict[str, Any]]) -> bool:
    return _dates_known(*(source["date"] for source in sources))


def _act(data: dict[str, Any]) -> bool:
    """Check an act's dates, codes and rules by type; fill its list fields left out."""
    recipients = data.setdefault("recipients", [])
    effective = data.get("effective")
    dates = (data["date"],) if effective is None else (data["date"], effective)
    if not _dates_known(*dates) or not _sources_known(data["sources"]):
        return False
    actors = data["actors"]
    if (len(actors) > 1 and repeated_codes(actors)) or (recipients and repeated_codes(recipients)):
        return False
    contested = data.get("contested")
    if contested is not None and (
        repeated_codes(contested["by"]) or not _sources_known(contested["sources"])
    ):
        return False
    get = data.get
    problem = act_problem(
        data["type"], data["date"], effective=effective, instrument=get("instrument"),
        provision=get("provision"), predecessor=get("predecessor"), successor=get("successor"),
        territory=get("territory"), recipients=recipients, actors=actors,
    )  # fmt: skip
    return problem is None


def _instrument(data: dict[str, Any]) -> bool:
    """Check an instrument's dates, periods and provisions; fill its list fields left out."""
    provisions = data.setdefault("provisions", [])
    if not _sources_known(data["sources"]):
        return False
    for provision in provisions:
        addressees = provision.setdefault("addressees", [])
        beneficiaries = provision.setdefault("beneficiaries", [])
        obligors = provision.get("obligors")
        for codes in (obligors, beneficiaries, addressees):
            if isinstance(codes, list) and repeated_codes(codes):
                return False
        if provision_problem(obligors, addressees, provision.get("addressee_class")):
            return False
    if repeated_provisions(provision["id"] for provision in provisions):
        return False
    clauses = data.get("final_clauses", {})
    try:
        for name in ("in_force_for_later_consent_after", "withdrawal_takes_effect_after"):
            if name in clauses:
                parse_period(clauses[name])
    except LedgerError:
        return False
    return True


def _relation(data: dict[str, Any]) -> bool:
    """Check a relation's dates, codes and ends; fill its list field left out."""
    drawn_by = data.setdefault("drawn_by", [])
    if not _dates_known(data["date"]) or not _sources_known(data["sources"]):
        return False
    if repeated_codes(drawn_by):
        return False
    return relation_problem(data["from"]["instrument"], data["to"]["instrument"]) is None


_CHECKS = {"act": _act, "instrument": _instrument, "relation": _relation}


@cache
def _adapter() -> TypeAdapter[Any]:
    """The schema of a record line, every constraint checked by pydantic-core (built once).

    It accepts only what the models of ``ledger.model`` accept, less the
    checks left to the functions above; it refuses None where a model would
    drop it (such lines take the model's path) and leaves list fields out
    where the line does (the checks above fill them in).
    """
    config = ConfigDict(extra="forbid", strict=True)
    code = Literal[tuple(sorted(actor_codes()))]  # type: ignore[valid-type]
    codes = list[code]  # type: ignore[valid-type]
    some_codes = Annotated[codes, Field(min_length=1)]
    # ASCII only (the fast path's lines are): printable, not only spaces.
    text = Annotated[str, StringConstraints(max_length=4000, pattern=r"^[ -~]*[!-~][ -~]*$")]
    record_id = Annotated[
        str, StringConstraints(max_length=120, pattern=r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$")
    ]
    url = Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]
    period = Annotated[str, StringConstraints(max_length=20)]

    def values(vocabulary: Any) -> Any:
        return Literal[tuple(member.value for member in vocabulary)]

    @with_config(config)
    class Source(TypedDict):
        title: text
        publisher: text
        date: str
        url: NotRequired[url]

    sources = Annotated[list[Source], Field(min_length=1)]

    @with_config(config)
    class Provision(TypedDict):
        id: record_id
        type: values(ProvisionType)
        summary: text
        obligors: NotRequired[Literal["parties"] | some_codes]
        beneficiaries: NotRequired[Literal["parties"] | codes]
        addressees: NotRequired[codes]
        addressee_class: NotRequired[text]

    @with_config(config)
    class FinalClauses(TypedDict):
        in_force_for_later_consent_after: NotRequired[period]
        withdrawal_takes_effect_after: NotRequired[period]
        articles: NotRequired[text]

    @with_config(config)
    class Contest(TypedDict):
        by: some_codes
        grounds: text
        sources: sources

    @with_config(config)
    class Instrument(TypedDict):
        record: Literal["instrument"]
        id: record_id
        title: text
        legal_nature: values(LegalNature)
        provisions: NotRequired[Annotated[list[Provision], Field(max_length=MAX_PROVISIONS)]]
        final_clauses: NotRequired[FinalClauses]
        organisation: NotRequired[code]
        note: NotRequired[text]
        sources: sources

    @with_config(config)
    class Act(TypedDict):
        record: Literal["act"]
        id: record_id
        type: values(ActType)
        date: str
        effective: NotRequired[str]
        actors: some_codes
        recipients: NotRequired[codes]
        instrument: NotRequired[record_id]
        provision: NotRequired[record_id]
        predecessor: NotRequired[code]
        successor: NotRequired[record_id]
        territory: NotRequired[text]
        sequence: NotRequired[Annotated[int, Field(ge=0, le=999_999)]]
        summary: text
        date_note: NotRequired[text]
        contested: NotRequired[Contest]
        sources: sources

    @with_config(config)
    class Link(TypedDict):
        instrument: record_id
        provision: record_id

    relation = TypedDict(  # "from" is a Python keyword: the functional form
        "Relation",
        {
            "record": Literal["relation"],
            "id": record_id,
            "from": Link,
            "kind": values(RelationKind),
            "to": Link,
            "date": str,
            "summary": text,
            "drawn_by": NotRequired[codes],
            "sources": sources,
        },
    )
    relation.__pydantic_config__ = config  # type: ignore[attr-defined]
    return TypeAdapter(Annotated[Act | Instrument | relation, Field(discriminator="record")])
