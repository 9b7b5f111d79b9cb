"""Corrections and retractions: changing what the ledger says without editing an entry.

A correction appends a new version of an act or a relation with some fields
changed (any field but its id); a retraction appends a version that withdraws
it from replay. Both carry who recorded them, why, and at least one source; the
entries they revise stay as they were. A correction that would leave the act
invalid (by the record schema or by its references) is refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from treaty_ledger.ledger.entries import Action
from treaty_ledger.ledger.errors import InvalidRecord, InvalidRevision, UnknownAct
from treaty_ledger.ledger.integrity.codec import loads
from treaty_ledger.ledger.model import Act, Relation, Source, record_content
from treaty_ledger.ledger.records import parse_record
from treaty_ledger.ledger.services.importer import check_references
from treaty_ledger.ledger.store.application import Ledger
from treaty_ledger.ledger.store.retry import retrying

_FIXED = frozenset({"id", "record"})
_LIST_FIELDS = frozenset({"actors", "recipients", "drawn_by"})
_JSON_FIELDS = frozenset({"sources", "sequence", "from", "to"})


def correct(
    ledger: Ledger,
    act_id: str,
    *,
    set_fields: Mapping[str, str],
    unset_fields: Sequence[str] = (),
    reason: str,
    sources: Sequence[Source],
) -> int:
    """Append a correction of an act; return the new entry's position.

    Args:
        set_fields: field name to new value, as text. ``actors`` and
            ``recipients`` take codes separated by commas (or a JSON list);
            ``sources`` and ``sequence`` take JSON; every other field takes
            the text as it is.
        unset_fields: optional fields to remove (such as ``effective``).
        reason: why the act is corrected (not empty).
        sources: at least one source for the correction.

    Raises:
        UnknownAct: no such act, or it was retracted.
        InvalidRevision: no reason or source, a field that cannot change,
            or a correction that changes nothing.
        InvalidRecord, UnknownInstrument, UnknownProvision: the corrected act
            would be invalid.
    """
    return retrying(
        lambda: _correct_once(ledger, act_id, set_fields, unset_fields, reason, sources),
        ledger.wait,
    )


def _correct_once(ledger, act_id, set_fields, unset_fields, reason, sources) -> int:
    current, version = _standing(ledger, act_id)
    kind = current.record
    _check_why(act_id, reason, sources, kind)
    content = record_content(current)
    for name in [*set_fields, *unset_fields]:
        if name in _FIXED:
            raise InvalidRevision(act_id, f"field {name!r} cannot be corrected", kind)
        if name not in _fields(current):
            article = "an" if kind == "act" else "a"
            raise InvalidRevision(act_id, f"{name!r} is not a field of {article} {kind}", kind)
    for name, text in set_fields.items():
        content[name] = _value(act_id, name, text, kind)
    for name in unset_fields:
        content.pop(name, None)
    corrected = parse_record(content, "correction").record
    assert isinstance(corrected, Act | Relation)
    old, new = record_content(current), record_content(corrected)
    changed = sorted(name for name in set(old) | set(new) if old.get(name) != new.get(name))
    if not changed:
        raise InvalidRevision(act_id, "the correction changes nothing", kind)
    check_references(ledger, [corrected])
    return ledger.append_revision(
        corrected,
        version=version,
        action=Action.CORRECT,
        reason=reason,
        sources=sources,
        changed=changed,
    )


def retract(ledger: Ledger, act_id: str, *, reason: str, sources: Sequence[Source]) -> int:
    """Append a retraction of an act; return the new entry's position.

    Raises:
        UnknownAct: no such act, or it was already retracted.
        InvalidRevision: no reason or no source.
    """

    def once() -> int:
        current, version = _standing(ledger, act_id)
        _check_why(act_id, reason, sources, current.record)
        return ledger.append_revision(
            current, version=version, action=Action.RETRACT, reason=reason, sources=sources
        )

    return retrying(once, ledger.wait)


def _standing(ledger: Ledger, act_id: str) -> tuple[Act | Relation, int]:
    versions = ledger.versions("act", act_id) or ledger.versions("relation", act_id)
    if versions is None:
        if ledger.versions("instrument", act_id) is not None:
            raise InvalidRevision(
                act_id, "only acts and relations can be corrected or retracted", "instrument"
            )
        raise UnknownAct(act_id, "act or relation")
    if versions.current is None:
        kind = versions.first.record
        raise InvalidRevision(
            act_id,
            f'was retracted and no longer counts; see "ledger history"; record a new {kind}',
            kind,
        )
    current = versions.current
    assert isinstance(current, Act | Relation)
    return current, len(versions.items) + 1


def _fields(record: Act | Relation) -> set[str]:
    """The field names of a record as written in record files (``from``, not ``from_``)."""
    return {info.alias or name for name, info in type(record).model_fields.items()}


def _check_why(act_id: str, reason: str, sources: Sequence[Source], kind: str) -> None:
    if not reason.strip():
        raise InvalidRevision(act_id, "give a reason", kind)
    if not reason.isprintable():
        raise InvalidRevision(
            act_id, "give the reason as one line of text, without control characters", kind
        )
    if not sources:
        raise InvalidRevision(act_id, "give at least one source", kind)


def _value(act_id: str, name: str, text: str, kind: str) -> object:
    if name in _LIST_FIELDS and not text.lstrip().startswith("["):
        return [code.strip() for code in text.split(",") if code.strip()]
    if name in _LIST_FIELDS or name in _JSON_FIELDS:
        try:
            return loads(text)
        except ValueError as err:
            raise InvalidRecord(
                "correction", act_id, name, f"not valid JSON: {text!r}", kind
            ) from err
    return text
