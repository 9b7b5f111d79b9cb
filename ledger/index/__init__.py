"""The valid-time index: what it holds for each entry, its SQL, reads through it, its checks.

``rows`` derives an entry's index row (record, action, record time, the first
and last possible days of notice and effect); ``queries`` holds the SQL over
the side tables for both dialects; ``entries`` checks and decodes entries read
through it; ``reads`` answers replays and timelines from it; ``check`` holds
the index against the entries for ``ledger verify``, and ``log_scan`` runs the
same checks on the whole log as a stream, holding a few hashes. May import the domain and
``integrity``; never the store, which hands it a reader.
"""

__all__ = ["check", "entries", "log_scan", "queries", "reads", "rows"]
