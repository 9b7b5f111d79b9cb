"""The store: the only code that talks to a database.

``application`` holds :class:`Ledger`, the application over the eventsourcing
library (append, read, verify what is read); ``recording`` the recorder base
that writes hashes, the valid-time index and tree heads in the same
transaction as the entries, with its SQLite (``sqlite``) and PostgreSQL
(``postgres``) dialects; ``locations`` and ``pg_location`` vet where a ledger
lives; ``locks`` (telling another writer's lock from other refusals) and
``retry`` (waiting for it, running a write again) serve them. May import the domain,
``integrity`` and ``index``. The PostgreSQL driver is imported only when a
``postgresql://`` location is opened (the ``[postgres]`` extra).
"""

__all__ = ["application", "locations", "locks", "pg_location", "postgres", "recording",
           "retry", "sqlite"]
