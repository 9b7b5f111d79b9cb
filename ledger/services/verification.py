"""Verify a ledger: every entry against its recorded hash, every checkpoint by consistency.

The checks, in order, stopping at the first failure:

1. the entries stand at positions 1..n with no gap (else ``missing``);
2. each entry hashes (``ledger.integrity.hashes``) to the leaf hash recorded when
   it was appended (else ``altered``, or ``reordered`` when the hash was
   recorded at another position, or ``inserted`` when none was recorded);
3. no recorded hash is left beyond the last entry (else ``missing``);
4. the side tables (``ledger.index.check``), where the store keeps them,
   describe the entries: each valid-time index and subject row (else
   ``index``), each recorded tree head (else ``tree-head``);
5. each checkpoint's signature verifies (else ``bad-signature``), and the
   log extends it: it has at least ``tree_size`` entries (else ``missing``
   from the first absent position) and an RFC 9162 consistency proof from
   the checkpoint's root to today's root verifies (else ``inconsistent``).

A ledger with the valid-time index is checked as one stream
(``index.log_scan``), holding the Merkle frontier and, when there are
checkpoints to prove, the leaf hashes packed 32 bytes each; only a log that
fails is read whole, to name its first failure exactly.
``checked_log`` runs the same checks for the commands that answer from the
whole log, and resolves their known-at moment on the way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from treaty_ledger.ledger.computed import computed
from treaty_ledger.ledger.errors import InvalidMoment, StoreError
from treaty_ledger.ledger.index.check import check_log
from treaty_ledger.ledger.index.log_scan import LogScan
from treaty_ledger.ledger.integrity.checkpoints import Checkpoint, signature_status
from treaty_ledger.ledger.integrity.hashes import Failure, FailureKind
from treaty_ledger.ledger.integrity.merkle import (
    EMPTY_ROOT,
    PackedLeaves,
    consistency_proof,
    root,
    verify_consistency,
)
from treaty_ledger.ledger.record_time import KnownAt, check_settled, format_instant
from treaty_ledger.ledger.store.application import Ledger


class CheckpointResult(BaseModel):
    """How one checkpoint fared."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    source: str
    tree_size: int
    signature: str
    consistent: bool


class FailureReport(BaseModel):
    """The first failure: position (0 when it concerns a checkpoint as a whole), kind, detail."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    position: int
    kind: FailureKind
    detail: str


class VerifyReport(BaseModel):
    """The outcome of ``ledger verify``."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    ok: bool
    log_size: int
    root_hash: str
    checkpoints: list[CheckpointResult]
    failure: FailureReport | None


def verify(
    ledger: Ledger,
    checkpoints: Sequence[tuple[str, Checkpoint]] = (),
    trusted_key: str | None = None,
) -> VerifyReport:
    """Recompute every hash of the ledger and check each checkpoint against it.

    A ledger with the valid-time index is read as one stream, holding
    O(log n) hashes, and the leaf hashes packed (32 bytes an entry) only when
    there are checkpoints to prove; a log that fails is read again whole to
    name its first failure.

    Args:
        checkpoints: (where it came from, checkpoint) pairs.
        trusted_key: base64 raw Ed25519 public key; signatures by other keys,
            and unsigned checkpoints, count as bad.
    """
    scan = _scan(ledger, keep_leaves=bool(checkpoints))
    if scan is not None:
        leaves: Sequence[bytes] = scan.leaves if scan.leaves is not None else PackedLeaves()
        size, current_root, failure = scan.size, scan.root, None
    else:
        rows = list(ledger.rows())
        leaves, failure = check_log(rows, ledger.recorded_hashes(), ledger.side_tables())
        size, current_root = len(rows), root(leaves) if failure is None else EMPTY_ROOT
    results = []
    for source, checkpoint in checkpoints:
        status = signature_status(checkpoint, trusted_key)
        if status == "absent" and trusted_key is not None:
            status = "untrusted"  # a key was required and the checkpoint is not signed
        if failure is None:
            consistent = _extends(leaves, current_root, checkpoint)
        else:  # judge it on the entries that verified, if it covers only those
            consistent = checkpoint.tree_size <= len(leaves) and (
                root(leaves[: checkpoint.tree_size]).hex() == checkpoint.root_hash
            )
        results.append(
            CheckpointResult(
                source=source,
                tree_size=checkpoint.tree_size,
                signature=status,
                consistent=consistent,
            )
        )
        if failure is not None:
            continue
        if status in ("invalid", "untrusted"):
            failure = Failure(0, FailureKind.BAD_SIGNATURE, f"{source}: the signature is {status}")
        elif checkpoint.tree_size > len(leaves):
            failure = Failure(
                len(leaves) + 1,
                FailureKind.MISSING,
                f"{source} covers {checkpoint.tree_size} entries; the log has {len(leaves)}",
            )
        elif not consistent:
            failure = Failure(
                0,
                FailureKind.INCONSISTENT,
                f"{source}: the first {checkpoint.tree_size} entries do not have its root hash",
            )
    return computed(
        VerifyReport,
        ok=failure is None,
        log_size=size,
        root_hash=current_root.hex() if failure is None else "",
        checkpoints=results,
        failure=None if failure is None else FailureReport(**failure.__dict__),
    )


def _extends(leaves: Sequence[bytes], current_root: bytes, checkpoint: Checkpoint) -> bool:
    size = checkpoint.tree_size
    if size > len(leaves):
        return False
    if size == 0:
        return checkpoint.root_hash == EMPTY_ROOT.hex()
    proof = consistency_proof(size, leaves)
    return verify_consistency(
        size, len(leaves), bytes.fromhex(checkpoint.root_hash), current_root, proof
    )


@dataclass(frozen=True)
class CheckedLog:
    """A log that passed every check of ``ledger verify``, and a moment of it.

    Attributes:
        size: the number of entries.
        position: the log position of the moment asked for (as
            ``projections.known`` resolves it; ``size`` when none was).
        known_at: that moment as ``projections.known`` names it (a UTC
            instant, ``...Z``; "" for an empty log or a moment before it).
        root_hash: the Merkle root (hex) of the entries at positions 1..``position``.
    """

    size: int
    position: int
    known_at: str
    root_hash: str


def checked_log(ledger: Ledger, known_at: KnownAt | None = None) -> CheckedLog:
    """Run every check of ``ledger verify`` on the whole log, then resolve ``known_at``.

    For the commands that answer from the whole log: they never answer from a
    log that fails. Through the valid-time index the log is read as one
    stream (``index.log_scan``), holding O(log n) hashes; a ledger without
    the index (in memory, or written by an older version) is read whole.

    Raises:
        StoreError: the log fails a check, with the line ``ledger verify``
            prints (a failing log is read whole to name its first failure).
        InvalidMoment: ``known_at`` is a position beyond the end of the log,
            or an instant later than the last record time.
    """
    reads = ledger.indexed()
    if reads is None:
        return _checked_whole(ledger, known_at)
    instant = known_at.instant if known_at is not None else None
    limit = known_at.position if known_at is not None else None

    def within(position: int, recorded_at: str) -> bool:
        if limit is not None:
            return position <= limit
        return instant is None or datetime.fromisoformat(recorded_at) <= instant

    scan = reads.scan_log(within)
    if not scan.holds:
        _refuse(ledger)
    last = datetime.fromisoformat(scan.last_recorded_at) if scan.size else None
    if limit is not None and limit > scan.size:
        raise InvalidMoment(known_at.text, f"the log has only {scan.size} entries")
    if known_at is not None:
        check_settled(known_at, last)
    position, moment, prefix = scan.marked or (0, "", EMPTY_ROOT)
    if instant is not None:
        moment = format_instant(instant)
    elif moment:
        moment = format_instant(datetime.fromisoformat(moment))
    return CheckedLog(scan.size, position, moment, prefix.hex())


def _checked_whole(ledger: Ledger, known_at: KnownAt | None) -> CheckedLog:
    """:func:`checked_log` for a ledger without the index: the log is read whole."""
    log = ledger.verified().checked()
    entries = log.entries
    size = len(entries)
    if known_at is not None and known_at.position is not None and known_at.position > size:
        raise InvalidMoment(known_at.text, f"the log has only {size} entries")
    if known_at is not None:
        check_settled(known_at, entries[-1].recorded_at if entries else None)
    if known_at is not None and known_at.instant is not None:
        chosen = [entry for entry in entries if entry.recorded_at <= known_at.instant]
        moment = format_instant(known_at.instant)
    else:
        upto = known_at.position if known_at is not None else size
        chosen = entries[: upto]
        moment = format_instant(chosen[-1].recorded_at) if chosen else ""
    position = len(chosen)
    return CheckedLog(size, position, moment, log.root_hash(position))


def _scan(ledger: Ledger, *, keep_leaves: bool) -> LogScan | None:
    """The streamed check of a ledger with the index, if its log holds; else None."""
    reads = ledger.indexed()
    if reads is None:
        return None
    scan = reads.scan_log(keep_leaves=keep_leaves)
    return scan if scan.holds else None


def _refuse(ledger: Ledger) -> None:
    """Raise the line ``ledger verify`` prints for a log the streamed check refused.

    The log is read whole to find and name its first failure.

    Raises:
        StoreError: always.
    """
    ledger.verified().checked()
    # The whole-log check found nothing the streamed one did: refuse all the same.
    raise StoreError(
        f"the log of {ledger.where} fails verification (its side tables do not describe its "
        "entries); run 'ledger verify'"
    )
