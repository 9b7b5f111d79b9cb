"""Records rebuilt from stored content that the ledger validated when it appended it.

An entry whose content hashes to the leaf hash recorded at append time holds
a record that passed every rule of ``ledger.model`` then. Rebuilding it
through pydantic's validators would first build them, which costs a reading
command more than reading a small ledger (about 15 ms of CPU for the record
models, once per process). :func:`trusted_record` instead checks the JSON type
of every field (text, whole number, list of text, a member of its vocabulary,
a nested record, no unknown key, no required key missing) and sets the
model's fields as ``BaseModel.model_construct`` does, without its per-field
lookups. The rules on values (lengths, id patterns, EDTF, actor codes, rules
by type) are not run again: the hash check stands for them, as it did for
``ledger.model.trusted_content``. The record built equals, field for field
and type for type, the one the validators build from the same content
(``tests/test_trusted_records.py`` holds this for every shipped record).

Only for content whose hash matched; anything else goes through
``ledger.model.RECORD_ADAPTER``. Pure: no I/O, and no pydantic validator built
before a process has read ``BY_HAND`` records.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import lru_cache
from typing import Any

from pydantic import BaseModel
from pydantic_core import SchemaValidator

from treaty_ledger.ledger.model import (
    RECORD_ADAPTER,
    Act,
    AnyRecord,
    Contest,
    FinalClauses,
    Instrument,
    Provision,
    ProvisionLink,
    Relation,
    Source,
    trusted_content,
)
from treaty_ledger.ledger.vocabulary import ActType, LegalNature, ProvisionType, RelationKind

Check = Callable[[Any], Any]


def _text(value: Any) -> str:
    if type(value) is not str:
        raise TypeError(f"expected text, got {type(value).__name__}")
    return value


def _whole_number(value: Any) -> int:
    if type(value) is not int:
        raise TypeError(f"expected a whole number, got {type(value).__name__}")
    return value


def _list(value: Any) -> list:
    if type(value) is not list:
        raise TypeError(f"expected a list, got {type(value).__name__}")
    return value


def _texts(value: Any) -> list[str]:
    for item in _list(value):
        if type(item) is not str:
            raise TypeError(f"expected text, got {type(item).__name__}")
    return list(value)


def _parties_or_texts(value: Any) -> str | list[str]:
    return value if value == "parties" else _texts(value)


def _optional(check: Check) -> Check:
    return lambda value: None if value is None else check(value)


def _member(vocabulary: type[StrEnum]) -> Check:
    members = {member.value: member for member in vocabulary}

    def check(value: Any) -> StrEnum:
        member = members.get(value) if type(value) is str else None
        if member is None:
            raise ValueError(f"{value!r} is not a valid {vocabulary.__name__}")
        return member

    return check


def _literal(expected: str) -> Check:
    def check(value: Any) -> str:
        if value != expected:
            raise ValueError(f"expected {expected!r}, got {value!r}")
        return expected

    return check


def _nested(model: type[BaseModel]) -> Check:
    return lambda value: _build(model, value)


def _each(model: type[BaseModel]) -> Check:
    return lambda value: [_build(model, item) for item in _list(value)]


_OPTIONAL_TEXT = _optional(_text)

# Every field of every record model, by field name, with the check of its JSON type.
FIELD_CHECKS: dict[type[BaseModel], dict[str, Check]] = {
    Source: {"title": _text, "publisher": _text, "date": _text, "url": _OPTIONAL_TEXT},
    Provision: {
        "id": _text, "type": _member(ProvisionType), "summary": _text,
        "obligors": _optional(_parties_or_texts), "beneficiaries": _parties_or_texts,
        "addressees": _texts, "addressee_class": _OPTIONAL_TEXT,
    },
    FinalClauses: {
        "in_force_for_later_consent_after": _OPTIONAL_TEXT,
        "withdrawal_takes_effect_after": _OPTIONAL_TEXT, "articles": _OPTIONAL_TEXT,
    },
    Contest: {"by": _texts, "grounds": _text, "sources": _each(Source)},
    Instrument: {
        "record": _literal("instrument"), "id": _text, "title": _text,
        "legal_nature": _member(LegalNature), "provisions": _each(Provision),
        "final_clauses": _optional(_nested(FinalClauses)), "organisation": _OPTIONAL_TEXT,
        "note": _OPTIONAL_TEXT, "sources": _each(Source),
    },
    Act: {
        "record": _literal("act"), "id": _text, "type": _member(ActType), "date": _text,
        "effective": _OPTIONAL_TEXT, "actors": _texts, "recipients": _texts,
        "instrument": _OPTIONAL_TEXT, "provision": _OPTIONAL_TEXT,
        "predecessor": _OPTIONAL_TEXT, "successor": _OPTIONAL_TEXT,
        "territory": _OPTIONAL_TEXT, "sequence": _optional(_whole_number), "summary": _text,
        "date_note": _OPTIONAL_TEXT, "contested": _optional(_nested(Contest)),
        "sources": _each(Source),
    },
    ProvisionLink: {"instrument": _text, "provision": _text},
    Relation: {
        "record": _literal("relation"), "id": _text, "from_": _nested(ProvisionLink),
        "kind": _member(RelationKind), "to": _nested(ProvisionLink), "date": _text,
        "summary": _text, "drawn_by": _texts, "sources": _each(Source),
    },
}  # fmt: skip


class _Shape:
    """What building one model needs, worked out once from its pydantic fields."""

    def __init__(self, model: type[BaseModel]) -> None:
        checks = FIELD_CHECKS[model]
        fields = model.model_fields
        # By name and by alias (``from`` of a relation), as the validators take both.
        self.checks = {name: (name, checks[name]) for name in fields}
        self.checks.update(
            {info.alias: (name, checks[name]) for name, info in fields.items() if info.alias}
        )
        self.required = frozenset(name for name, info in fields.items() if info.is_required())
        # Every field in field order, as the validators fill a model's __dict__ (its repr
        # follows it), with its default; updating a copy keeps that order.
        self.template = {name: info.default for name, info in fields.items()}
        self.factories = [(n, info.default_factory) for n, info in fields.items()
                          if info.default_factory is not None]  # fmt: skip


_SHAPES: dict[type[BaseModel], _Shape] = {}


_set = object.__setattr__  # a frozen model refuses its own __setattr__


def _build(model: type[BaseModel], data: Any) -> Any:
    if type(data) is not dict:
        raise TypeError(f"a {model.__name__} is a JSON object, got {type(data).__name__}")
    shape = _SHAPES.get(model)
    if shape is None:
        shape = _SHAPES[model] = _Shape(model)
    checks = shape.checks
    values = shape.template.copy()  # every field, in field order, at its default
    given = set()
    for key, value in data.items():
        named = checks.get(key)
        if named is None:
            raise ValueError(f"a {model.__name__} has no field {key!r}")
        name, check = named
        values[name] = check(value)
        given.add(name)
    if not shape.required <= given:
        missing = ", ".join(sorted(shape.required - given))
        raise ValueError(f"a {model.__name__} needs {missing}")
    for name, factory in shape.factories:
        if name not in given:
            values[name] = factory()  # type: ignore[call-arg]
    built = model.__new__(model)
    # What BaseModel.model_construct sets: the fields, those given, no extra, no private.
    _set(built, "__dict__", values)
    _set(built, "__pydantic_fields_set__", given)
    _set(built, "__pydantic_extra__", None)
    _set(built, "__pydantic_private__", None)
    return built


_KINDS: dict[Any, type[BaseModel]] = {"instrument": Instrument, "act": Act, "relation": Relation}


BY_HAND = 1_000
"""Records one process builds by hand before it builds a compiled validator instead.

Building the validator costs about as much CPU as building one or two thousand
records by hand, and each record is then built several times faster: a small read
never builds it, a large one (a whole-log command on a big ledger) pays once and
gains on every record after.
"""
_by_hand = 0  # records built by hand in this process so far


def _without_python_rules(schema: Any) -> Any:
    """A pydantic-core schema with its validators written in Python taken out.

    Every ``function-after`` (the rules of ``ledger.model``, which
    ``trusted_content`` turns into pass-throughs) is replaced by the schema
    it wraps; the types, vocabularies, patterns, lengths, unknown and
    missing keys that pydantic-core checks itself stay.

    Raises:
        TypeError: the schema holds a validator that changes values (wrap,
            before or plain): leaving it out could build a different record.
    """
    if isinstance(schema, dict):
        kind = schema.get("type")
        if kind == "function-after":
            return _without_python_rules(schema["schema"])
        if isinstance(kind, str) and kind.startswith("function-"):
            raise TypeError(f"a {kind} validator cannot be left out of a record's schema")
        return {key: _without_python_rules(value) for key, value in schema.items()}
    if isinstance(schema, list):
        return [_without_python_rules(item) for item in schema]
    return schema


@lru_cache(maxsize=1)
def record_types() -> SchemaValidator:
    """The record validator of ``ledger.model``, without its rules written in Python.

    Builds the record models of ``RECORD_ADAPTER`` as its validators do
    within ``trusted_content`` (a test holds the two equal), checked by
    pydantic-core alone: about a third of the cost a record. Built once per
    process, on first use.
    """
    RECORD_ADAPTER.rebuild()  # its build is deferred to first use
    return SchemaValidator(_without_python_rules(RECORD_ADAPTER.core_schema))


def trusted_record(data: Any) -> AnyRecord:
    """Build the instrument, act or relation of stored content whose hash matched.

    The first ``BY_HAND`` records of a process are built by hand, the rest by
    :func:`record_types` (same result).

    Args:
        data: the decoded JSON object of the record (``"record"`` names its kind).

    Raises:
        TypeError: a field holds a JSON value of the wrong type (text where a
            list is due), or the record is not an object.
        ValueError: an unknown kind or key, a required key missing, or a
            value outside its vocabulary (``pydantic.ValidationError``, a
            ValueError, for any of these once the validator is used).
    """
    global _by_hand
    if _by_hand >= BY_HAND:
        return record_types().validate_python(data)
    _by_hand += 1
    kind = data.get("record") if type(data) is dict else None
    model = _KINDS.get(kind)
    if model is None:
        raise ValueError(f"{kind!r} is not a kind of record")
    return _build(model, data)


def trusted_part(model: type[BaseModel], data: Any) -> Any:
    """Build one part of a stored record whose hash matched (a ``Source``, a ``Contest``).

    Always by hand (JSON types checked, fields set as ``model_construct``
    does), whatever ``BY_HAND`` says: for read models that hold the parts of
    many records (a timeline's sources), built outside pydantic's validators.

    Args:
        model: one of the models of ``FIELD_CHECKS`` (``Source``, ``Contest``...).
        data: its decoded JSON object.

    Raises:
        TypeError, ValueError: as :func:`trusted_record` (by hand).
        KeyError: ``model`` is not one of ``FIELD_CHECKS``.
    """
    if model not in FIELD_CHECKS:
        raise KeyError(model)
    return _build(model, data)


def trusted_sources(items: Any) -> tuple[Source, ...]:
    """Build the sources of a stored correction or retraction whose hash matched.

    Args:
        items: the decoded JSON list of source objects.

    Raises:
        TypeError, ValueError: as :func:`trusted_record`.
    """
    if _by_hand >= BY_HAND:
        with trusted_content():
            return tuple(Source.model_validate(item) for item in _list(items))
    return tuple(_build(Source, item) for item in _list(items))
