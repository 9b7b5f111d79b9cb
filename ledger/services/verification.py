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
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from treaty_ledger.ledger.index.check import check_log
from treaty_ledger.ledger.integrity.checkpoints import Checkpoint, signature_status
from treaty_ledger.ledger.integrity.hashes import Failure, FailureKind
from treaty_ledger.ledger.integrity.merkle import (
    EMPTY_ROOT,
    consistency_proof,
    root,
    verify_consistency,
)
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

    Args:
        checkpoints: (where it came from, checkpoint) pairs.
        trusted_key: base64 raw Ed25519 public key; signatures by other keys,
            and unsigned checkpoints, count as bad.
    """
    rows = list(ledger.rows())
    leaves, failure = check_log(rows, ledger.recorded_hashes(), ledger.side_tables())
    results = []
    current_root = root(leaves) if failure is None else EMPTY_ROOT
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
    return VerifyReport(
        ok=failure is None,
        log_size=len(rows),
        root_hash=current_root.hex() if failure is None else "",
        checkpoints=results,
        failure=None if failure is None else FailureReport(**failure.__dict__),
    )


def _extends(leaves: list[bytes], current_root: bytes, checkpoint: Checkpoint) -> bool:
    size = checkpoint.tree_size
    if size > len(leaves):
        return False
    if size == 0:
        return checkpoint.root_hash == EMPTY_ROOT.hex()
    proof = consistency_proof(size, leaves)
    return verify_consistency(
        size, len(leaves), bytes.fromhex(checkpoint.root_hash), current_root, proof
    )
