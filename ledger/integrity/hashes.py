"""Tamper evidence: the content hash of each entry, and verification of a log.

Each entry's leaf is the JSON Canonicalization Scheme (JCS, RFC 8785)
encoding, by the ``rfc8785`` package, of everything stored for it: its event
sequence id and version, its topic and its state (which holds its record
time, author and content). Its position is not part of the leaf: it is the
leaf's place in the Merkle tree (RFC 9162), so that a moved entry shows as
moved rather than as changed. The leaf hash is ``SHA-256(0x00 || leaf)``.

Computing JCS in pure Python is slow, so the hash of an entry the ledger
writes is computed from its stored bytes instead (:func:`new_entry_hash`):
the codec stores state as compact JSON with sorted keys, which for the values
a record can hold (strings, integers, booleans, null, arrays, objects with
ASCII keys; no floats) is byte for byte its JCS form, and the envelope around
it is written in JCS order. A test holds this against the ``rfc8785``
package. Verification takes the fast hash when it matches the one recorded
(a match of SHA-256 digests proves the bytes are the same) and falls back to
the exact JCS hash when it does not.

The ledger writes each leaf hash into a side table in the same transaction
as the entry; verification recomputes every hash from the stored entries and
compares, then checks checkpoints (``ledger.integrity.checkpoints``) by consistency
proofs. Pure functions over rows; the store reads them.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from hashlib import sha256
from typing import NamedTuple

from treaty_ledger.ledger.integrity.codec import dumps, loads
from treaty_ledger.ledger.integrity.merkle import leaf_hash


class StoredRow(NamedTuple):
    """One stored entry exactly as the event store holds it (a named tuple: made per entry read)."""

    position: int
    originator_id: str
    originator_version: int
    topic: str
    state: bytes


class FailureKind(StrEnum):
    """What went wrong at a position of the log."""

    ALTERED = "altered"  # the entry's content no longer hashes to what was recorded
    MISSING = "missing"  # an entry that was recorded is gone
    REORDERED = "reordered"  # an entry recorded at one position now stands at another
    INSERTED = "inserted"  # an entry the ledger never appended
    BAD_SIGNATURE = "bad-signature"  # a checkpoint's signature does not verify
    INCONSISTENT = "inconsistent"  # the log is not an extension of a checkpoint
    INDEX = "index"  # the valid-time index does not describe the entry at this position
    TREE_HEAD = "tree-head"  # a recorded tree head is not the root of the leaves it covers


@dataclass(frozen=True)
class Failure:
    """The first failure found: its position (0 for a checkpoint as a whole), kind and why."""

    position: int
    kind: FailureKind
    detail: str

    def line(self, where: str) -> str:
        """The one line every command refuses with, naming the store and the failing position.

        ``ledger verify`` and every command that reads the whole log (replay,
        export, diff, checkpoint, migrate...) print exactly this line.
        """
        at = f"position {self.position}" if self.position else "a checkpoint"
        return f"the log of {where} fails verification at {at} ({self.kind}: {self.detail})"


def leaf_data(row: StoredRow) -> bytes:
    """Return the canonical (RFC 8785) bytes of a stored entry, without its position.

    Raises:
        ValueError: the stored state is not JSON (a damaged entry).
    """
    import rfc8785  # pure Python and slow: only where the fast hash does not match

    return rfc8785.dumps(
        {
            "originator_id": row.originator_id,
            "originator_version": row.originator_version,
            "topic": row.topic,
            "state": loads(row.state),
        }
    )


def entry_hash(row: StoredRow) -> bytes:
    """Return the RFC 9162 leaf hash of a stored entry (of its RFC 8785 bytes).

    Raises:
        ValueError: the stored state is not JSON (a damaged entry).
    """
    return leaf_hash(leaf_data(row))


def new_entry_hash(row: StoredRow) -> bytes:
    """Return the leaf hash of an entry the ledger is about to store, from its stored bytes.

    Equal to :func:`entry_hash` for state written by ``ledger.integrity.codec`` from
    record content (see the module docstring), at a fraction of the cost.
    """
    return new_leaf_hash(row.originator_id, row.originator_version, row.topic, row.state)


def new_leaf_hash(originator_id: str, originator_version: int, topic: str, state: bytes) -> bytes:
    """:func:`new_entry_hash` of an entry given by its stored values (no row object made).

    The leaf's bytes are formatted once, with the leaf prefix ``0x00`` of
    ``merkle.leaf_hash`` in front, and hashed.
    """
    topic_json = _TOPICS_JSON.get(topic)
    if topic_json is None:  # the ledger writes three topics: each encoded once
        topic_json = dumps(topic)
        if len(_TOPICS_JSON) < 8:  # a damaged store may hold any number of them
            _TOPICS_JSON[topic] = topic_json
    return sha256(
        b'\x00{"originator_id":%s,"originator_version":%d,"state":%s,"topic":%s}'
        % (dumps(originator_id), originator_version, state, topic_json)
    ).digest()


_TOPICS_JSON: dict[str, bytes] = {}


def checked_hash(row: StoredRow, recorded: bytes | None) -> bytes:
    """Return the entry's leaf hash, computed the fast way when it matches ``recorded``.

    Raises:
        ValueError: the stored state is not JSON (a damaged entry).
    """
    if not isinstance(row.state, bytes):  # not as the ledger stores state: altered
        return entry_hash(row)
    digest = new_entry_hash(row)
    return digest if digest == recorded else entry_hash(row)


def verify_rows(
    rows: Sequence[StoredRow], recorded: Mapping[int, bytes]
) -> tuple[list[bytes], Failure | None]:
    """Recompute every entry's hash and compare it with the hash recorded at append time.

    Args:
        rows: the stored entries in log order, each with its notification id
            as ``position`` (ids may skip numbers: a rolled-back insert on
            PostgreSQL consumes ids and leaves neither an entry nor a hash).
        recorded: notification id to the leaf hash recorded when appended.

    Returns:
        The recomputed leaf hashes in log order (as far as they could be
        computed), and the first failure or None. Failures name log
        positions (1 for the first entry), as replay does.
    """
    ids = [row.position for row in rows]
    present = set(ids)
    gone = sorted(key for key in recorded if key not in present)
    first_gone = bisect_left(ids, gone[0]) + 1 if gone else None
    where_recorded = {digest: key for key, digest in recorded.items()}
    leaves: list[bytes] = []
    last_time = ""
    for rank, row in enumerate(rows, start=1):
        if first_gone is not None and rank >= first_gone:
            break
        known = recorded.get(row.position)
        try:
            digest = checked_hash(row, known)
        except ValueError:
            return leaves, Failure(rank, FailureKind.ALTERED, "the stored entry is not JSON")
        if known is None:
            return leaves, Failure(
                rank,
                FailureKind.INSERTED,
                "no hash was recorded for this entry: the ledger did not append it",
            )
        if digest != known:
            return leaves, _mismatch(rank, digest, rows, recorded, where_recorded)
        recorded_at = _record_time(row)
        if recorded_at < last_time:
            return leaves, Failure(
                rank, FailureKind.REORDERED, "its record time is earlier than the entry's before it"
            )
        last_time = recorded_at
        leaves.append(digest)
    if first_gone is not None:
        return leaves, Failure(
            first_gone, FailureKind.MISSING, "an entry was recorded here and is gone"
        )
    return leaves, None


def _record_time(row: StoredRow) -> str:
    try:
        value = loads(row.state).get("recorded_at", "")
    except (ValueError, AttributeError):
        return ""
    return value if isinstance(value, str) else ""


def _mismatch(
    rank: int,
    digest: bytes,
    rows: Sequence[StoredRow],
    recorded: Mapping[int, bytes],
    where_recorded: Mapping[bytes, int],
) -> Failure:
    """Classify the first entry whose hash differs from the one recorded for it."""
    row_id = rows[rank - 1].position
    origin = where_recorded.get(digest)
    ids = [row.position for row in rows]
    origin_rank = bisect_left(ids, origin) + 1 if origin is not None else None
    if origin is not None and recorded[row_id] in _hashes(rows[rank:]):
        return Failure(
            rank, FailureKind.REORDERED, f"this entry was recorded at position {origin_rank}"
        )
    if origin == row_id + 1:
        return Failure(
            rank, FailureKind.MISSING, "the entry recorded here is gone; later ones moved up"
        )
    if origin is not None:
        return Failure(
            rank, FailureKind.REORDERED, f"this entry was recorded at position {origin_rank}"
        )
    following = rows[rank] if rank < len(rows) else None
    try:
        moved_down = following is not None and entry_hash(following) == recorded[row_id]
    except ValueError:
        moved_down = False
    if moved_down:
        return Failure(rank, FailureKind.INSERTED, "an entry the ledger never appended stands here")
    return Failure(rank, FailureKind.ALTERED, "the entry does not hash to what was recorded")


def _hashes(rows: Sequence[StoredRow]) -> set[bytes]:
    found = set()
    for row in rows:
        try:
            found.add(entry_hash(row))
        except ValueError:
            continue  # a damaged entry further on is reported when reached
    return found
