"""Integrity: the pure parts of tamper evidence, below the store that uses them.

Holds the canonical encoding of stored content (``codec``, orjson), entry
hashes (``hashes``: RFC 8785 leaves, RFC 9162 leaf hashes), Merkle trees and
proofs (``merkle``, RFC 9162), signed checkpoints (``checkpoints``, Ed25519)
and the exported log format (``log_format``). May import the domain
(``treaty_ledger.ledger``'s top-level modules) and nothing else of the ledger;
verification and proofs over a whole ledger are services
(``treaty_ledger.ledger.services``).
"""

__all__ = ["checkpoints", "codec", "hashes", "log_format", "merkle", "verified_log"]
