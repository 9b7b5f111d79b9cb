"""A log read and verified in one pass: its entries and their recomputed leaf hashes."""

from __future__ import annotations

from dataclasses import dataclass

from treaty_ledger.ledger.entries import Entry
from treaty_ledger.ledger.errors import StoreError
from treaty_ledger.ledger.integrity.merkle import root


@dataclass(frozen=True)
class VerifiedLog:
    """The whole log read once: its entries, and their leaf hashes recomputed from content.

    Attributes:
        entries: every entry, in log order (positions 1..n).
        leaves: the RFC 9162 leaf hashes of the entries that verified, in
            log order (all of them when ``failure`` is empty).
        failure: why verification failed (position, kind, detail), or "".
        failed_at: the first failing position, or None.
    """

    entries: list[Entry]
    leaves: list[bytes]
    failure: str = ""
    failed_at: int | None = None

    def checked(self) -> VerifiedLog:
        """This log, if every entry verifies.

        Raises:
            StoreError: an entry fails verification (naming its position).
        """
        self.root_hash()
        return self

    def root_hash(self, upto: int | None = None) -> str:
        """The Merkle root (hex) of the first ``upto`` entries (all when None).

        Raises:
            StoreError: the log fails any check of ``ledger verify``, at
                any position: a root is never named for altered data, nor
                for a prefix of a log whose tail was cut or forged.
        """
        limit = len(self.entries) if upto is None else upto
        if self.failed_at is not None:  # anywhere: a cut or forged tail hides behind a prefix
            raise StoreError(self.failure)
        return root(self.leaves[:limit]).hex()
