"""Entries read through the valid-time index, checked before they are trusted.

An entry row (``ledger.index.queries``) holds the entry's index row, its
stored event and the leaf hash recorded when it was appended. It is turned
into an :class:`~ledger.entries.Entry` only if the event is there, hashes to
the recorded hash (``ledger.integrity.hashes.checked_hash``), and gives the same
index row (``ledger.index.rows``). Its record is then rebuilt with its JSON
types checked (``ledger.trusted_records``): the ledger ran the Python rules
when it appended it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from operator import itemgetter
from typing import Any

from treaty_ledger.ledger.entries import Action, Entry
from treaty_ledger.ledger.errors import LedgerError, StoreError
from treaty_ledger.ledger.index.rows import index_columns
from treaty_ledger.ledger.integrity.codec import loads
from treaty_ledger.ledger.integrity.hashes import (
    Failure,
    FailureKind,
    StoredRow,
    checked_hash,
    new_leaf_hash,
)
from treaty_ledger.ledger.trusted_records import trusted_record, trusted_sources

_ACTIONS = {action.value: action for action in Action}  # a lookup, not an enum call, a row
_INDEX_COLUMNS = ("record_key", "action", "recorded_at", "earliest", "latest",
                  "effective_earliest", "effective_latest", "sequence")  # fmt: skip
_stored_columns = itemgetter(*_INDEX_COLUMNS)
"""The entry row's ``valid_time_index`` columns as a tuple (``index_columns``'s order)."""


def checked_entry(row: Any, store: str) -> Entry:
    """Decode an entry row of ``ledger.index.queries``, checked against what was recorded.

    Args:
        row: the entry's index row and stored event columns (``concerning``).
        store: how to name the store in messages.

    Raises:
        StoreError: the entry does not hash to what was recorded when it
            was appended, or cannot be read.
    """
    return checked_entry_and_leaf(row, store)[0]


def checked_entry_and_leaf(row: Any, store: str) -> tuple[Entry, bytes]:
    """:func:`checked_entry`, with the entry's RFC 9162 leaf hash (32 bytes), which it matched.

    Raises:
        StoreError: as :func:`checked_entry`.
    """
    recorded, state = _matching(row, store)
    position = row["position"]
    try:
        decoded = loads(state)
        columns = index_columns(row["topic"], decoded)
        entry = _trusted_entry(position, _ACTIONS[columns[1]], decoded)
    except (ValueError, TypeError, KeyError, LedgerError) as err:
        raise _unreadable(store, position, err) from err
    _check_index_row(row, columns, store)
    return entry, recorded


@dataclass(frozen=True, slots=True)
class Content:
    """An entry read through the index and checked, as the JSON data it stores.

    For reads that need a few fields of many entries (an actor's timeline):
    no model is built. ``record`` is the record as appended (JSON data,
    fields left unset absent); ``earliest``, ``latest`` (ISO days, None for
    an instrument or relation) and ``sequence`` are its index row's, which
    were checked against it.
    """

    position: int
    action: str
    record: dict
    earliest: str | None
    latest: str | None
    sequence: int


def checked_content(row: Any, store: str) -> Content:
    """Check an entry row as :func:`checked_entry` does, and give its stored data.

    Raises:
        StoreError: as :func:`checked_entry`.
    """
    _, state = _matching(row, store)
    try:
        decoded = loads(state)
        columns = index_columns(row["topic"], decoded)
        record = decoded["record"]
    except (ValueError, TypeError, KeyError, LedgerError) as err:
        raise _unreadable(store, row["position"], err) from err
    _check_index_row(row, columns, store)
    return Content(row["position"], columns[1], record, columns[3], columns[4], columns[7])


def _matching(row: Any, store: str) -> tuple[bytes, bytes]:
    """The row's recorded leaf hash and stored state, once the state hashes to it.

    The leaf hash is first computed the fast way from the stored bytes
    (``new_leaf_hash``) and, only if that differs from the recorded one, the
    canonical way (``checked_hash``): an entry passes exactly when its
    canonical content hashes to what was recorded.

    Raises:
        StoreError: the entry is gone, has no recorded hash, or does not match it.
    """
    originator_id, state, leaf = row["originator_id"], row["state"], row["leaf_hash"]
    if type(state) is bytes and type(leaf) is bytes and originator_id is not None:
        # The entry as the ledger stores it (SQLite): its leaf hash the fast way, no row object.
        version, topic = row["originator_version"], row["topic"]
        if new_leaf_hash(originator_id, version, topic, state) == leaf:
            return leaf, state
    position = row["position"]
    if originator_id is None:
        raise _refused(
            store, position, FailureKind.MISSING, "an entry was recorded here and is gone"
        )
    state = bytes(state) if isinstance(state, memoryview) else state
    stored = StoredRow(
        row["notification_id"], row["originator_id"], row["originator_version"],
        row["topic"], state,
    )  # fmt: skip
    recorded = bytes(row["leaf_hash"]) if row["leaf_hash"] is not None else None
    try:
        matches = recorded is not None and checked_hash(stored, recorded) == recorded
    except ValueError:
        matches = False
    if recorded is None:
        raise _refused(
            store, position, FailureKind.INSERTED,
            "no hash was recorded for this entry: the ledger did not append it",
        )  # fmt: skip
    if not matches:
        raise _refused(store, position, FailureKind.ALTERED,
                       "the entry does not hash to what was recorded")  # fmt: skip
    return recorded, state


def _check_index_row(row: Any, columns: tuple, store: str) -> None:
    if columns != _stored_columns(row):
        raise _refused(store, row["position"], FailureKind.INDEX,
                       "its valid-time index row does not match the entry")  # fmt: skip


def _unreadable(store: str, position: int, err: Exception) -> StoreError:
    return StoreError(
        f"the entry at position {position} of {store} cannot be "
        f"read ({type(err).__name__}: {str(err)[:200]}); the store is damaged or was "
        "written by something else"
    )


def _refused(store: str, position: int, kind: FailureKind, detail: str) -> StoreError:
    """The error of an entry that fails a check: the line ``ledger verify`` prints for it."""
    return StoreError(Failure(position, kind, detail).line(store))


@lru_cache(maxsize=256)
def _instant(text: str) -> datetime:
    """A record time read from an entry (every entry of one append shares its text)."""
    return datetime.fromisoformat(text)


def _trusted_entry(position: int, action: Action, state: dict) -> Entry:
    """An entry from the state of a stored event whose hash matched the recorded one."""
    record = trusted_record(state["record"])
    recorded_at = _instant(state["recorded_at"])
    if action is Action.RECORD:
        return Entry(position, recorded_at, state["recorded_by"], record)
    return Entry(
        position,
        recorded_at,
        state["recorded_by"],
        record,
        action,
        tuple(state.get("changed", ())),
        state["reason"],
        trusted_sources(state["sources"]),
    )
