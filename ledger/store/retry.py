"""Bounded waiting and retrying when other writers get in the way.

A write operation (an import, a correction, a retraction) reads the ledger,
decides, and appends in one transaction. Two things can stop it without
anything being written:

* another process appended to the same record meanwhile (``WriteConflict``);
* another process holds the store's write lock (``StoreBusy``): SQLite's
  "database is locked" or "database is busy", PostgreSQL's lock timeout.

A writer first waits for the lock inside the store, up to the ledger's
``wait`` (seconds, ``DEFAULT_WAIT`` unless the caller gives another; the
``--wait`` option of the writing commands), so a writer queued behind a long
import waits for it rather than failing. What still fails is run again from
its reads, with exponential backoff and jitter (the ``tenacity`` package),
at most ``ATTEMPTS`` times and never after ``wait`` seconds have passed
since the first attempt began (so ``wait=0`` makes one attempt). Then the
last error reaches the user, saying so. The first attempt runs without the
retry machinery, which is loaded only once an attempt has failed: most
operations, and every read, succeed at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from treaty_ledger.ledger.errors import StoreBusy, StoreError, WriteConflict

T = TypeVar("T")
ATTEMPTS = 8
DEFAULT_WAIT = 120.0  # seconds a writer waits for another's write lock

def retrying(operation: Callable[[], T], wait: float = DEFAULT_WAIT) -> T:
    """Run ``operation``, running it again after a write conflict or a busy store.

    Args:
        operation: the whole operation, from its reads to its write.
        wait: seconds after the first attempt's start beyond which no new
            attempt begins.

    Raises:
        StoreError: the conflict or lock persisted through every attempt;
            nothing was written by the failed attempts.
        Any other error of ``operation``, at once.
    """
    started = time.monotonic()
    try:
        return operation()
    except (WriteConflict, StoreBusy) as err:
        first = err
    return _retried(operation, first, wait - (time.monotonic() - started))


def _retried(operation: Callable[[], T], first: StoreError, wait: float) -> T:
    """Go on as :func:`retrying` after its first attempt failed with ``first``.

    ``wait``: the seconds left of the caller's wait (negative when spent). The
    policy counts the first attempt as its own (its number, its backoff), so
    every attempt and delay is as if the policy had run it; ``tenacity`` is
    imported only here, when a write has been stopped once.
    """
    from tenacity import (
        RetryError,
        Retrying,
        retry_if_exception_type,
        stop_after_attempt,
        stop_after_delay,
        wait_random_exponential,
    )

    pending: list[StoreError] = [first]

    def attempt() -> T:
        if pending:
            raise pending.pop()  # the first attempt's failure, as the policy's first attempt
        return operation()

    policy = Retrying(
        retry=retry_if_exception_type((WriteConflict, StoreBusy)),
        stop=stop_after_attempt(ATTEMPTS) | stop_after_delay(wait),
        wait=wait_random_exponential(multiplier=0.05, max=2),
    )
    try:
        return policy(attempt)
    except RetryError as err:
        last, attempts = err.last_attempt.exception(), err.last_attempt.attempt_number
        if isinstance(last, StoreBusy):
            raise StoreBusy(str(last)) from last  # it says how long it waited
        raise StoreError(f"{last} (gave up after {attempts} attempts)") from last
