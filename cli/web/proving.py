"""Inclusion proofs for the act page: the latest checkpoint the server was given.

``ledger serve --checkpoint PATH`` names a checkpoint file (``ledger
checkpoint``) or a folder of them (``*.json``); the act page offers proofs
against the checkpoint of the largest tree among them, read at each request
so that a new checkpoint dropped in the folder is used at once.
"""

from __future__ import annotations

from pathlib import Path

from treaty_ledger.ledger.integrity.checkpoints import (
    Checkpoint,
    InvalidCheckpoint,
    parse_checkpoint,
    signature_status,
    strict_json,
)
from treaty_ledger.ledger.services.proofs import prove
from treaty_ledger.ledger.store.application import Ledger


def latest_checkpoint(path: str) -> Checkpoint:
    """The checkpoint in the file at ``path``, or the largest of the ``*.json`` files in it.

    Raises:
        InvalidCheckpoint: a file that cannot be read as a checkpoint, or a
            folder holding none.
    """
    folder = Path(path)
    files = sorted(folder.glob("*.json")) if folder.is_dir() else [folder]
    found = [_read(file) for file in files]
    if not found:
        raise InvalidCheckpoint(f"{path}: holds no checkpoint (*.json); make one with "
                                "'ledger checkpoint --out FILE'")  # fmt: skip
    return max(found, key=lambda checkpoint: checkpoint.tree_size)


def describe(checkpoint: Checkpoint) -> dict[str, object]:
    """What the act page says of a checkpoint: its size, root, time and signature status."""
    return {"tree_size": checkpoint.tree_size, "root_hash": checkpoint.root_hash,
            "recorded_at": checkpoint.recorded_at,
            "signature": signature_status(checkpoint)}  # fmt: skip


def proof_json(store: str, act_id: str, path: str) -> bytes:
    """The inclusion proof (``ledger prove``) of the act's entries against the latest checkpoint.

    Raises:
        InvalidCheckpoint: no checkpoint can be read at ``path``.
        UnknownAct: the ledger has no such act.
        StoreError: the log does not verify or does not match the checkpoint, or
            the act was recorded after it.
    """
    checkpoint = latest_checkpoint(path)
    with Ledger(store, read_only=True) as ledger:
        bundle = prove(ledger, act_id, checkpoint)
    return bundle.model_dump_json(indent=2).encode()


def _read(file: Path) -> Checkpoint:
    try:
        data = file.read_bytes()
    except OSError as err:
        raise InvalidCheckpoint(f"{file}: cannot be read as a checkpoint ({err})") from err
    return parse_checkpoint(strict_json(data, str(file)), str(file))
