"""The exported log: every entry, with its record time, as JSON Lines.

One JSON object per line, in log order::

    {"position": 1, "recorded_at": "2026-11-29T23:43:28.123456Z",
     "recorded_by": "analyst", "action": "record", "record": {...},
     "changed": [], "reason": null, "sources": []}

Loading such a file into an empty ledger (``ledger import-log``) gives back
the same entries at the same positions, so every replay is byte-identical.
"""

from __future__ import annotations

from datetime import datetime

from ledger.entries import Action, Entry
from ledger.errors import InvalidRecord
from ledger.model import Source
from ledger.record_time import format_instant
from ledger.records import parse_record


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


def entry_from_data(data: object, where: str) -> Entry:
    """Rebuild an entry from one exported line's data.

    Raises:
        InvalidRecord: a missing or malformed field, naming ``where``.
    """
    if not isinstance(data, dict):
        raise InvalidRecord(where, None, None, "a log entry must be a JSON object")
    try:
        position = data["position"]
        recorded_at = datetime.fromisoformat(data["recorded_at"])
        recorded_by = data["recorded_by"]
        action = Action(data["action"])
        sources = tuple(Source.model_validate(s) for s in data.get("sources") or [])
    except (KeyError, TypeError, ValueError) as err:
        raise InvalidRecord(where, None, None, f"not a log entry ({err})") from err
    if (
        not isinstance(position, int)
        or recorded_at.tzinfo is None
        or not isinstance(recorded_by, str)
    ):
        raise InvalidRecord(
            where, None, None, "not a log entry (position, recorded_at, recorded_by)"
        )
    record = parse_record(data.get("record"), where).record
    return Entry(
        position=position,
        recorded_at=recorded_at,
        recorded_by=recorded_by,
        record=record,
        action=action,
        changed=tuple(data.get("changed") or ()),
        reason=data.get("reason"),
        sources=sources,
    )
