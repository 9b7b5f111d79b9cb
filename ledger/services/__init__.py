"""Services: the work that reads or writes a whole open ledger, above the store.

``importer`` (validated, atomic imports of record files), ``revisions``
(corrections and retractions), ``verification`` (``ledger verify``),
``proofs`` (inclusion proofs against checkpoints) and ``migration`` (copying a
ledger between stores). May import everything else in the ledger.
"""

__all__ = ["importer", "migration", "proofs", "revisions", "verification"]
