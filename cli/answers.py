"""What ``ledger serve`` keeps between requests: one open ledger, and answers by log size.

Opening a ledger per request cost a new eventsourcing application and, on
PostgreSQL, a new connection pool (about three connections per request in
flight). :class:`SharedLedger` opens the store read-only once per process, on
first use, and every request reads through it: its recorder's one bounded
pool (SQLite: the library's connection pool; PostgreSQL: ``POSTGRES_POOL_SIZE``
connections) serves every worker thread.

The log only grows, so an answer computed from the first N entries stays the
answer for as long as the log has N entries. :class:`Answers` keeps the JSON
bytes of recent answers keyed by the request and the log size it was
computed at; when anything is appended the size changes and the next request
computes afresh (the entries it reads are checked then, as the command line
checks them). Concurrent requests for the same answer compute it once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from treaty_ledger.ledger.integrity.verified_log import VerifiedLog
from treaty_ledger.ledger.store.application import Ledger


class SharedLedger:
    """One read-only :class:`Ledger` for every request of a server process.

    Raises (from :meth:`get`): what ``Ledger(store, read_only=True)`` raises
    (``EmptyStore``, ``StoreError``); the next call tries to open it again.
    """

    def __init__(self, store: str) -> None:
        self._store = store
        self._ledger: Ledger | None = None
        self._verified: tuple[int, VerifiedLog] | None = None
        self._lock = threading.Lock()

    def get(self) -> Ledger:
        """The open ledger (opened on the first call)."""
        with self._lock:
            if self._ledger is None:
                self._ledger = Ledger(self._store, read_only=True)
            return self._ledger

    def log_size(self) -> int:
        """The number of entries in the log now (read from the store on each call)."""
        return self.get().log_size

    def verified(self, size: int) -> VerifiedLog:
        """The whole log read and verified once per log size (the latest size is kept)."""
        with self._lock:
            if self._verified is not None and self._verified[0] == size:
                return self._verified[1]
        log = self.get().verified()
        with self._lock:
            self._verified = (len(log.entries), log)
        return log

    def close(self) -> None:
        """Release the store's connections (the server is stopping)."""
        with self._lock:
            if self._ledger is not None:
                self._ledger.close()
                self._ledger = None
            self._verified = None


class Answers:
    """The JSON bytes of the latest answers, keyed by request and log size (at most ``limit``)."""

    def __init__(self, limit: int = 512) -> None:
        self._limit = limit
        self._done: OrderedDict[Hashable, bytes] = OrderedDict()
        self._computing: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], bytes]) -> bytes:
        """The answer for ``key``, computing it (once, whoever else asks meanwhile) if new.

        An error raised by ``compute`` reaches the caller and nothing is kept.
        """
        with self._lock:
            if key in self._done:
                self._done.move_to_end(key)
                return self._done[key]
            turn = self._computing.setdefault(key, threading.Lock())
        with turn:
            with self._lock:
                if key in self._done:  # another request computed it while this one waited
                    return self._done[key]
            try:
                answer = compute()
            finally:
                with self._lock:
                    self._computing.pop(key, None)
            with self._lock:
                self._done[key] = answer
                while len(self._done) > self._limit:
                    self._done.popitem(last=False)
            return answer
