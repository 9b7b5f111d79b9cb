"""Inclusion proofs of an act's entries against a checkpoint, checkable offline.

A proof file (``ledger prove``) holds the checkpoint and, for each entry of
the act within the checkpoint's tree, its position, its leaf (the RFC 8785
bytes of ``ledger.integrity.hashes.leaf_data``, base64) and its audit path (hex
SHA-256 digests). To check it by hand, for each entry:

1. ``leaf_hash = SHA-256(0x00 || leaf)``, and the leaf (JSON) names the act
   (``originator_id`` is ``act:<id>``);
2. run the RFC 9162 section 2.1.3.2 algorithm with ``index = position - 1``,
   ``tree_size`` and ``root_hash`` of the checkpoint, and the audit path;
3. check the checkpoint's Ed25519 signature over the JCS of its other fields.
"""

from __future__ import annotations

import base64

from pydantic import BaseModel, ConfigDict, Field

from treaty_ledger.ledger.errors import StoreError, UnknownAct
from treaty_ledger.ledger.index.check import check_log
from treaty_ledger.ledger.integrity.checkpoints import Checkpoint, signature_status
from treaty_ledger.ledger.integrity.codec import loads
from treaty_ledger.ledger.integrity.hashes import leaf_data
from treaty_ledger.ledger.integrity.merkle import inclusion_path, leaf_hash, root, verify_inclusion
from treaty_ledger.ledger.store.application import Ledger


class EntryProof(BaseModel):
    """The inclusion proof of one entry (position: 1-based, in the checkpoint's tree)."""

    # Strict, like the checkpoint: "5" for 5 is a malformed proof, not a position.
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, defer_build=True)

    position: int = Field(ge=1)
    leaf: str  # base64 of the canonical leaf bytes
    leaf_hash: str
    audit_path: list[str]


class ProofBundle(BaseModel):
    """Every entry of one act, proved against one checkpoint."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, defer_build=True)

    act: str
    checkpoint: Checkpoint
    entries: list[EntryProof]


class ProofCheck(BaseModel):
    """The outcome of ``ledger verify-proof``."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    ok: bool
    act: str
    tree_size: int
    signature: str
    authenticated: bool = False
    entries: dict[int, bool]


def prove(ledger: Ledger, act_id: str, checkpoint: Checkpoint) -> ProofBundle:
    """Build inclusion proofs of every entry of ``act_id`` within the checkpoint's tree.

    Raises:
        UnknownAct: the act has no entry within the checkpoint's tree.
        StoreError: the log does not verify, or does not have the checkpoint's root.
    """
    every = list(ledger.rows())
    leaves, failure = check_log(every, ledger.recorded_hashes(), ledger.side_tables())
    if failure is not None:
        raise StoreError(failure.line(ledger.where))
    rows = every[: checkpoint.tree_size]
    leaves = leaves[: checkpoint.tree_size]
    if len(leaves) < checkpoint.tree_size or root(leaves).hex() != checkpoint.root_hash:
        raise StoreError("the log does not match the checkpoint; run 'ledger verify --checkpoint'")
    wanted = f"act:{act_id}"
    entries = [
        EntryProof(
            position=rank,
            leaf=base64.b64encode(leaf_data(row)).decode(),
            leaf_hash=leaves[rank - 1].hex(),
            audit_path=[digest.hex() for digest in inclusion_path(rank - 1, leaves)],
        )
        for rank, row in enumerate(rows, start=1)
        if row.originator_id == wanted
    ]
    if not entries:
        if ledger.versions("act", act_id) is not None:
            raise StoreError(
                f"act {act_id!r} has no entry among the checkpoint's first "
                f"{checkpoint.tree_size} entries; prove it against a later checkpoint"
            )
        raise UnknownAct(act_id)
    return ProofBundle(act=act_id, checkpoint=checkpoint, entries=entries)


def check_proof(bundle: ProofBundle, trusted_key: str | None = None) -> ProofCheck:
    """Check every inclusion proof of a bundle and its checkpoint's signature, offline."""
    checkpoint = bundle.checkpoint
    expected = bytes.fromhex(checkpoint.root_hash)
    results = {}
    for entry in bundle.entries:
        try:
            leaf = base64.b64decode(entry.leaf, validate=True)
            digest = leaf_hash(leaf)
            path = [bytes.fromhex(item) for item in entry.audit_path]
            names_the_act = loads(leaf).get("originator_id") == f"act:{bundle.act}"
        except (ValueError, AttributeError):
            results[entry.position] = False
            continue
        if not names_the_act:
            results[entry.position] = False
            continue
        results[entry.position] = digest.hex() == entry.leaf_hash and verify_inclusion(
            entry.position - 1, checkpoint.tree_size, digest, path, expected
        )
    status = signature_status(checkpoint, trusted_key)
    if status == "absent" and trusted_key is not None:
        status = "untrusted"
    ok = bool(results) and all(results.values()) and status in ("valid", "absent")
    return ProofCheck(
        ok=ok, act=bundle.act, tree_size=checkpoint.tree_size, signature=status,
        authenticated=ok and trusted_key is not None and status == "valid", entries=results,
    )  # fmt: skip
