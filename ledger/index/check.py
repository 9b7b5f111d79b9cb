"""Check the valid-time index and the tree heads against the entries they describe.

Both are derived from the log (``ledger.index.rows``, ``ledger.integrity.merkle``) and
written beside it; queries through the index trust them. ``ledger verify``
recomputes them from the entries and reports the first position where the
stored side tables differ. Pure functions over rows; the store reads them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from treaty_ledger.ledger.errors import LedgerError
from treaty_ledger.ledger.index.rows import IndexRow, index_row
from treaty_ledger.ledger.integrity.codec import loads
from treaty_ledger.ledger.integrity.hashes import Failure, FailureKind, StoredRow, verify_rows
from treaty_ledger.ledger.integrity.merkle import extend_frontier, frontier_root, root

_INDEX_COLUMNS = (
    "record_key", "action", "recorded_at", "earliest", "latest", "effective_earliest",
    "effective_latest", "sequence",
)  # fmt: skip


def check_log(
    rows: Sequence[StoredRow],
    recorded: Mapping[int, bytes],
    side_tables: tuple[Sequence[Any], Sequence[Any], Sequence[Any]] | None,
) -> tuple[list[bytes], Failure | None]:
    """Run every check ``ledger verify`` runs on a log, short of checkpoints.

    One rule for every command that names a root, signs, exports, copies or
    answers from the whole log: the entries against their recorded hashes
    (``integrity.hashes.verify_rows``), then the side tables, where the store
    keeps them, against the entries (:func:`check_side_tables`).

    Returns:
        The recomputed leaf hashes in log order (as far as they verified)
        and the first failure, or None.
    """
    leaves, failure = verify_rows(rows, recorded)
    if failure is None and side_tables is not None:
        failure = check_side_tables(rows, leaves, *side_tables)
    return leaves, failure


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
    diverging = check_tree_heads(leaves, heads)
    span = divergence(leaves, heads) if diverging is not None else None
    if diverging is not None and diverging.kind is FailureKind.TREE_HEAD and span is not None:
        first, last = span
        if failure is not None and failure.kind is FailureKind.INDEX and (
            first <= failure.position <= last
        ):  # the entry changed, not its index row: the row still describes what was appended
            return Failure(
                failure.position, FailureKind.ALTERED,
                "the entry changed after it was appended and its recorded hash was rewritten: "
                "its index row and the recorded tree heads still describe the original",
            )  # fmt: skip
        return Failure(
            first, FailureKind.TREE_HEAD,
            f"the recorded tree heads and the leaves diverge within positions {first} to {last}: "
            f"{diverging.detail}",
        )  # fmt: skip
    failure = failure or diverging
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


def divergence(leaves: Sequence[bytes], heads: Sequence[Any]) -> tuple[int, int] | None:
    """The narrowest range of positions (first, last; inclusive) where heads and leaves diverge.

    Each recorded head's frontier holds the roots of complete subtrees
    (RFC 9162 section 2.1.1 splits); a subtree whose root the leaves give
    holds no changed leaf, one they do not give holds at least one. The
    range is that of the smallest differing subtree, less any leaves a
    matching subtree vouches for at its start. None when every subtree
    matches (a head's root itself was changed, not the leaves under it).
    """
    bad: list[tuple[int, int]] = []
    good: list[tuple[int, int]] = []
    for head in heads:
        size = min(head["size"], len(leaves))
        frontier = bytes(head["frontier"])
        start = 0
        for number, width in enumerate(_widths(head["size"])):
            if start + width > size:
                break
            stored = frontier[32 * number : 32 * number + 32]
            span = (start + 1, start + width)
            (good if root(leaves[start : start + width]) == stored else bad).append(span)
            start += width
    if not bad:
        return None
    first, last = min(bad, key=lambda span: span[1] - span[0])
    for low, high in sorted(good):
        if low <= first <= high < last:
            first = high + 1
    return first, last


def _widths(size: int) -> list[int]:
    """The sizes of the complete subtrees of a tree of ``size`` leaves, left to right."""
    return [1 << bit for bit in range(size.bit_length() - 1, -1, -1) if size >> bit & 1]
