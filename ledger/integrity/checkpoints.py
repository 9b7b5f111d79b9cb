"""Checkpoints: a signed statement of the log's size and Merkle root at a moment.

A checkpoint is JSON (``ledger checkpoint``)::

    {"format": "treaty-ledger-checkpoint/1", "tree_size": 140,
     "root_hash": "<64 hex digits>", "recorded_at": "<record time of entry 140>",
     "public_key": "<base64 raw Ed25519 key>", "signature": "<base64>"}

The signature is Ed25519 (RFC 8032, by the ``cryptography`` package) over
the JCS (RFC 8785) encoding of every other field. Like a signed tree head of
Certificate Transparency (RFC 9162), it lets an auditor later prove that the
log they are shown extends the one that was checkpointed.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from treaty_ledger.ledger.errors import LedgerError
from treaty_ledger.ledger.model import first_problem

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

# rfc8785 and cryptography are imported where a checkpoint is signed or checked, so that
# reading a checkpoint's fields (or verifying a log without one) does not load them.

FORMAT = "treaty-ledger-checkpoint/1"


class InvalidCheckpoint(LedgerError, ValueError):
    """A checkpoint or key file cannot be read or used."""


class Checkpoint(BaseModel):
    """The log's size and Merkle root (RFC 9162) at a moment, optionally signed."""

    # Strict: a field of the wrong JSON type ("140" for 140) is refused before any
    # signature is checked, never coerced into bytes the signer did not sign.
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, defer_build=True)

    format: Literal["treaty-ledger-checkpoint/1"] = FORMAT
    tree_size: int = Field(ge=0)
    root_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    recorded_at: str = Field(description="record time of the last entry (UTC), empty if none")
    public_key: str | None = None
    signature: str | None = None

    def signed_bytes(self) -> bytes:
        """The JCS (RFC 8785) bytes the signature covers: every field but the signature."""
        import rfc8785

        return rfc8785.dumps(self.model_dump(mode="json", exclude={"signature"}))


def strict_json(data: bytes, where: str) -> object:
    """Parse a checkpoint or proof file's bytes as strict JSON (RFC 8259), every key once.

    Raises:
        InvalidCheckpoint: not UTF-8 JSON, a key repeated in one object
            (which value counts would be ambiguous: the last, to most
            parsers), NaN or Infinity, or JSON nested too deeply.
    """
    import json

    def once(pairs: list[tuple[str, object]]) -> dict:
        found = dict(pairs)
        if len(found) != len(pairs):
            keys = [key for key, _ in pairs]
            repeated = next(key for key in keys if keys.count(key) > 1)
            raise ValueError(f"key {repeated!r} appears twice in one object")
        return found

    def no_constant(name: str) -> object:
        raise ValueError(f"{name} is not a JSON number")

    try:
        return json.loads(data, object_pairs_hook=once, parse_constant=no_constant)
    except ValueError as err:  # UnicodeDecodeError and JSONDecodeError among them
        raise InvalidCheckpoint(f"{where}: not JSON ({err})") from err
    except RecursionError as err:
        raise InvalidCheckpoint(
            f"{where}: not a checkpoint or proof: JSON nested too deeply"
        ) from err


def parse_checkpoint(data: object, where: str) -> Checkpoint:
    """Validate checkpoint JSON data.

    Raises:
        InvalidCheckpoint: naming ``where`` and the first problem.
    """
    try:
        return Checkpoint.model_validate(data)
    except ValidationError as err:
        field, message = first_problem(err, "checkpoint")
        raise InvalidCheckpoint(f"{where}: not a checkpoint (field {field!r}: {message})") from err


def new_key() -> tuple[bytes, str]:
    """Make an Ed25519 key; return (PEM of the private key, base64 of the raw public key)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return pem, _public_text(key.public_key())


def sign(checkpoint: Checkpoint, private_pem: bytes, where: str) -> Checkpoint:
    """Return the checkpoint with ``public_key`` set and signed by the key in ``private_pem``.

    Raises:
        InvalidCheckpoint: the key is not an unencrypted PEM Ed25519 private key.
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        key = serialization.load_pem_private_key(private_pem, password=None)
    except (ValueError, TypeError) as err:
        raise InvalidCheckpoint(f"{where}: not an unencrypted PEM private key ({err})") from err
    if not isinstance(key, Ed25519PrivateKey):
        raise InvalidCheckpoint(f"{where}: not an Ed25519 key; make one with 'ledger keygen'")
    unsigned = checkpoint.model_copy(
        update={"public_key": _public_text(key.public_key()), "signature": None}
    )
    signature = base64.b64encode(key.sign(unsigned.signed_bytes())).decode()
    return unsigned.model_copy(update={"signature": signature})


def signature_status(checkpoint: Checkpoint, trusted_key: str | None = None) -> str:
    """Return ``valid``, ``invalid``, ``absent`` or ``untrusted`` (signed by another key).

    Args:
        trusted_key: base64 raw Ed25519 public key the auditor trusts; when
            given, a signature by any other key is ``untrusted``.
    """
    if checkpoint.signature is None or checkpoint.public_key is None:
        return "absent"
    if trusted_key is not None and trusted_key != checkpoint.public_key:
        return "untrusted"
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = Ed25519PublicKey.from_public_bytes(
            base64.b64decode(checkpoint.public_key, validate=True)
        )
        key.verify(base64.b64decode(checkpoint.signature, validate=True), checkpoint.signed_bytes())
    except (InvalidSignature, ValueError):
        return "invalid"
    return "valid"


def _public_text(key: Ed25519PublicKey) -> str:
    from cryptography.hazmat.primitives import serialization

    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()
