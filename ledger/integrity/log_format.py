"""The exported log: every entry, with its record time, as JSON Lines.

One JSON object per line, in log order::

    {"position": 1, "recorded_at": "2026-11-29T23:43:28.123456Z",
     "recorded_by": "analyst", "action": "record", "record": {...},
     "changed": [], "reason": null, "sources": [], "leaf_hash": "<64 hex digits>"}

``leaf_hash`` is the entry's RFC 9162 leaf hash as the ledger recorded it;
loading checks each entry against it before anything is written, so a line
edited after export is refused (a log of an older version has none).

Loading such a file into an empty ledger (``ledger import-log``) gives back
the same entries at the same positions, so every replay is byte-identical.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from treaty_ledger.ledger.entries import Action, Entry
from treaty_ledger.ledger.errors import InvalidRecord
from treaty_ledger.ledger.model import Act, Instrument, Relation, Source, record_content
from treaty_ledger.ledger.record_time import format_instant
from treaty_ledger.ledger.records import parse_record


def entry_data(entry: Entry) -> dict:
    """Return one entry as JSON-ready data (see the module docstring)."""
    return {
        "position": entry.position,
        "recorded_at": format_instant(entry.recorded_at),
        "recorded_by": entry.recorded_by,
        "action": entry.action.value,
        "record": entry.record.model_dump(mode="json", exclude_none=True),
        "changed": list(entry.changed),
        "reason": entry.reason,
        "sources": [source.model_dump(mode="json", exclude_none=True) for source in entry.sources],
    }


_KEYS = {"position", "recorded_at", "recorded_by", "action", "record", "changed", "reason",
         "sources"}  # fmt: skip
_OPTIONAL = {"leaf_hash"}  # written by this version: the entry's RFC 9162 leaf hash, hex


def leaf_hash_of(data: dict, where: str) -> bytes | None:
    """The ``leaf_hash`` an exported line carries (None for a log of an older version).

    Raises:
        InvalidRecord: it is not 64 hex digits.
    """
    value = data.get("leaf_hash")
    if value is None:
        return None
    if not isinstance(value, str) or len(value) != 64:
        raise InvalidRecord(where, None, "leaf_hash", "must be 64 hex digits")
    try:
        return bytes.fromhex(value)
    except ValueError as err:
        raise InvalidRecord(where, None, "leaf_hash", "must be 64 hex digits") from err


def entry_from_data(data: object, where: str) -> Entry:
    """Rebuild an entry from one exported line's data.

    Raises:
        InvalidRecord: a missing, unknown or malformed field, naming ``where``
            and the field.
    """
    if not isinstance(data, dict):
        raise InvalidRecord(where, None, None, "a log entry must be a JSON object")
    for key in sorted(set(data) - _KEYS - _OPTIONAL):
        raise InvalidRecord(where, None, key, "is not a field of a log entry")
    for key in sorted(_KEYS - set(data)):
        raise InvalidRecord(where, None, key, "is required in a log entry")
    position, author = data["position"], data["recorded_by"]
    if not isinstance(position, int) or isinstance(position, bool) or position < 1:
        raise InvalidRecord(
            where, None, "position", f"must be a whole number from 1, got {position!r}"
        )
    try:
        recorded_at = datetime.fromisoformat(data["recorded_at"])
    except (TypeError, ValueError) as err:
        raise InvalidRecord(
            where, None, "recorded_at", f"not an instant: {data['recorded_at']!r}"
        ) from err
    if recorded_at.tzinfo is None or not data["recorded_at"].endswith("Z"):
        raise InvalidRecord(where, None, "recorded_at", "must be a UTC instant ending in Z")
    if not isinstance(author, str) or not author.strip() or not author.isprintable():
        raise InvalidRecord(where, None, "recorded_by", f"must be a name, got {author!r}")
    try:
        action = Action(data["action"])
    except ValueError as err:
        raise InvalidRecord(
            where, None, "action", f"must be record, correct or retract, got {data['action']!r}"
        ) from err
    changed, reason = data["changed"], data["reason"]
    if not isinstance(changed, list) or not all(isinstance(name, str) for name in changed):
        raise InvalidRecord(where, None, "changed", "must be a list of field names")
    if reason is not None and not isinstance(reason, str):
        raise InvalidRecord(where, None, "reason", "must be text or null")
    if not isinstance(data["sources"], list):
        raise InvalidRecord(where, None, "sources", "must be a list of sources")
    try:
        sources = tuple(Source.model_validate(source) for source in data["sources"])
    except ValueError as err:
        raise InvalidRecord(where, None, "sources", "a source is not valid") from err
    record = parse_record(data["record"], where).record
    return Entry(position, recorded_at, author, record, action, tuple(changed), reason, sources)


def check_log(entries: Sequence[tuple[str, Entry]]) -> None:
    """Check that an exported log is one the ledger could have written.

    Positions run 1, 2, 3...; record time never goes backwards; a record id
    is recorded once; a correction or retraction follows the record and
    nothing follows a retraction; a correction names exactly the fields it
    changes and, like a retraction, has a reason and a source; a retraction
    carries the content it retracts; acts name instruments and provisions
    that stand.

    Raises:
        InvalidRecord: naming the line and what is wrong.
    """
    current: dict[tuple[str, str], Instrument | Act | None] = {}
    last_time = None
    for expected, (where, entry) in enumerate(entries, start=1):
        problem = _problem(entry, expected, current, last_time)
        if problem is not None:
            detail, field = problem
            raise InvalidRecord(where, entry.record.id, field, detail, entry.record.record)
        last_time = entry.recorded_at
        current[entry.key] = None if entry.action is Action.RETRACT else entry.record


def _problem(
    entry: Entry,
    expected: int,
    current: dict[tuple[str, str], Instrument | Act | None],
    last_time: datetime | None,
) -> tuple[str, str | None] | None:
    if entry.position != expected:
        return f"position {entry.position} where {expected} is due", "position"
    if last_time is not None and entry.recorded_at < last_time:
        return "record time goes backwards", "recorded_at"
    key = entry.key
    if entry.action is Action.RECORD:
        if key in current:
            return "is recorded a second time", None
    else:
        standing = current.get(key)
        if standing is None:
            return f"a {entry.action.value} of a record that does not stand", None
        if not (entry.reason or "").strip() or not entry.sources:
            return f"a {entry.action.value} needs a reason and a source", None
        old, new = record_content(standing), record_content(entry.record)
        actual = sorted(name for name in set(old) | set(new) if old.get(name) != new.get(name))
        if entry.action is Action.CORRECT and (not actual or list(entry.changed) != actual):
            return f"'changed' says {list(entry.changed)}, the content changes {actual}", "changed"
        if entry.action is Action.RETRACT and actual:
            return "a retraction must carry the content it retracts", "record"
    act = entry.record
    if isinstance(act, Relation) and entry.action is not Action.RETRACT:
        for side, end in (("from", act.from_), ("to", act.to)):
            instrument = current.get(("instrument", end.instrument))
            if not isinstance(instrument, Instrument):
                return f"no instrument {end.instrument!r} stands at this point of the log", side
            if end.provision not in {p.id for p in instrument.provisions}:
                return f"instrument {end.instrument!r} has no provision {end.provision!r}", side
    if isinstance(act, Act) and entry.action is not Action.RETRACT:
        for name in (act.instrument, act.successor):
            if name is not None and not isinstance(current.get(("instrument", name)), Instrument):
                return f"no instrument {name!r} stands at this point of the log", "instrument"
        instrument = current.get(("instrument", act.instrument)) if act.instrument else None
        if (
            act.provision
            and isinstance(instrument, Instrument)
            and act.provision not in {p.id for p in instrument.provisions}
        ):
            return f"instrument {act.instrument!r} has no provision {act.provision!r}", "provision"
    return None
