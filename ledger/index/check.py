"""Check the valid-time index and the tree heads against the entries they describe.

Both are derived from the log (``ledger.index.rows``, ``ledger.integrity.merkle``) and
written beside it; queries through the index trust them. ``ledger verify``
recomputes them from the entries and reports the first position where the
stored side tables differ. Pure functions over rows; the store reads them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from treaty_ledger.ledger.errors import LedgerError
from treaty_ledger.ledger.index.rows import IndexRow, index_row
from treaty_ledger.ledger.integrity.codec import loads
from treaty_ledger.ledger.integrity.hashes import Failure, FailureKind, StoredRow
from treaty_ledger.ledger.integrity.merkle import extend_frontier, frontier_root

_INDEX_COLUMNS = (
    "record_key", "action", "recorded_at", "earliest", "latest", "effective_earliest",
    "effective_latest", "sequence",
)  # fmt: skip


def check_side_tables(
    rows: Sequence[StoredRow],
    leaves: Sequence[bytes],
    index: Sequence[Any],
    subjects: Sequence[Any],
    heads: Sequence[Any],
) -> Failure | None:
    """Return the first place where the side tables do not describe the verified entries.

    Args:
        rows: the stored entries in log order (``position`` holds the
            notification id), all of which verified.
        leaves: their leaf hashes, in log order.
        index, subjects, heads: every row of ``valid_time_index`` (by
            position), ``subject_index`` and ``tree_heads`` (by size).

    Returns:
        None when they match; else an ``index`` failure at the first
        position whose index or subject rows differ, or a ``tree-head``
        failure at the first head whose root or frontier is not that of its
        leaves.
    """
    derived: list[IndexRow] = []
    for position, row in enumerate(rows, start=1):
        try:
            derived.append(index_row(row.topic, loads(row.state)))
        except (ValueError, KeyError, TypeError, LedgerError):
            return Failure(position, FailureKind.INDEX, "the entry cannot be indexed")
    failure = _check_index(rows, derived, index) or _check_subjects(rows, derived, subjects)
    failure = failure or check_tree_heads(leaves, heads)
    if failure is None and rows and (not heads or heads[-1]["size"] != len(rows)):
        return Failure(
            len(rows), FailureKind.TREE_HEAD, "no recorded tree head covers the whole log"
        )
    return failure


def _check_index(rows: Sequence[StoredRow], derived: list[IndexRow], index: Sequence[Any]):
    for position, (row, entry) in enumerate(zip(rows, derived, strict=True), start=1):
        if position > len(index):
            return Failure(
                position, FailureKind.INDEX,
                "the entry has no valid-time index row (the next write indexes it)",
            )  # fmt: skip
        stored = index[position - 1]
        expected = (row.position, position, *entry.columns())
        found = (stored["notification_id"], stored["position"],
                 *(stored[name] for name in _INDEX_COLUMNS))  # fmt: skip
        if found != expected:
            return Failure(
                position, FailureKind.INDEX, "its valid-time index row does not match the entry"
            )
    if len(index) > len(rows):
        return Failure(
            len(rows) + 1, FailureKind.MISSING,
            "the index has rows for entries that are gone: the log was cut short",
        )  # fmt: skip
    return None


def _check_subjects(rows: Sequence[StoredRow], derived: list[IndexRow], subjects: Sequence[Any]):
    rank = {row.position: position for position, row in enumerate(rows, start=1)}
    expected = Counter(
        (subject, entry.first_day, entry.last_day, entry.record_key, row.position)
        for row, entry in zip(rows, derived, strict=True)
        for subject in entry.subjects
    )
    found = Counter(
        (s["subject"], s["first_day"], s["last_day"], s["record_key"], s["notification_id"])
        for s in subjects
    )
    differing = (expected - found) + (found - expected)
    if not differing:
        return None
    position = min(rank.get(key[4], len(rows) + 1) for key in differing)
    return Failure(
        position, FailureKind.INDEX, "the subject index does not list what the entry concerns"
    )


def check_tree_heads(leaves: Sequence[bytes], heads: Sequence[Any]) -> Failure | None:
    """The first recorded tree head (rows by size) that is not the root of its leaves, or None.

    A head covering more entries than there are leaves is a failure at the
    first absent position: the log was cut short.
    """
    frontier: list[bytes] = []
    size = 0
    for head in heads:
        if head["size"] > len(leaves):
            return Failure(
                len(leaves) + 1, FailureKind.MISSING,
                f"a tree head covers {head['size']} entries; the log has {len(leaves)}",
            )  # fmt: skip
        frontier = extend_frontier(frontier, size, leaves[size : head["size"]])
        size = head["size"]
        if bytes(head["root"]) != frontier_root(frontier) or bytes(head["frontier"]) != b"".join(
            frontier
        ):
            return Failure(
                size, FailureKind.TREE_HEAD,
                f"the tree head of size {size} is not the root of the first {size} entries",
            )  # fmt: skip
    return None
