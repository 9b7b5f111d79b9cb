"""Bounded retries of a whole write operation when other writers get in the way.

A write operation (an import, a correction, a retraction) reads the ledger,
decides, and appends in one transaction. When another process appends to the
same record meanwhile (``WriteConflict``) or holds SQLite's write lock
longer than the lock timeout (``StoreBusy``), nothing was written and the
whole operation is run again from its reads, with exponential backoff and
jitter (the ``tenacity`` package): at most 8 attempts within about 20
seconds. Then the last error reaches the user, saying so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from tenacity import (
    RetryError,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_after_delay,
    wait_random_exponential,
)

from treaty_ledger.ledger.errors import StoreBusy, StoreError, WriteConflict

T = TypeVar("T")
ATTEMPTS = 8


def retrying(operation: Callable[[], T]) -> T:
    """Run ``operation``, running it again after a write conflict or a busy store.

    Raises:
        StoreError: the conflict or lock persisted through every attempt;
            nothing was written by the failed attempts.
        Any other error of ``operation``, at once.
    """
    policy = Retrying(
        retry=retry_if_exception_type((WriteConflict, StoreBusy)),
        stop=stop_after_attempt(ATTEMPTS) | stop_after_delay(20),
        wait=wait_random_exponential(multiplier=0.05, max=2),
    )
    try:
        return policy(operation)
    except RetryError as err:
        last = err.last_attempt.exception()
        raise StoreError(f"{last} (gave up after {ATTEMPTS} attempts)") from last
