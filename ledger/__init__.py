"""The ledger: the domain of diplomatic acts, and the store, index and integrity that keep them.

The domain sits at the top of this package: ``errors``, ``dates`` (EDTF valid
time), ``record_time`` (known-at moments), ``vocabulary`` (act types and
statuses), ``actors``, ``model`` (records as pydantic models), ``records``
(parsing record files), ``entries`` (entries of the log) and ``events`` (what the
store appends). Pure values and rules: no I/O, and no import from the
subpackages below.

The subpackages, lowest first (each imports only from those before it and
from the domain; import-linter enforces the order, see ``pyproject.toml``):

* ``integrity``: canonical encoding, entry hashes, RFC 9162 Merkle trees,
  signed checkpoints, the exported log format;
* ``index``: the valid-time index: its rows, its SQL, reads through it, checks;
* ``store``: the application over the eventsourcing library, the SQLite and
  PostgreSQL recorders, locations, retries: the only code that talks to a
  database;
* ``services``: what works on a whole open ledger: import, corrections,
  verification, inclusion proofs, migration.

Installed, this folder is ``treaty_ledger.ledger``.
"""

__all__ = [
    "actors", "dates", "entries", "errors", "events", "model", "records", "record_time",
    "redaction", "vocabulary", "integrity", "index", "store", "services",
]
