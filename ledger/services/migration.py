"""Move a whole ledger between stores, entry for entry, resumably, or out of it as a log.

``migrate`` copies every entry of the source, in log order, keeping its
position, record time, author and content, into the target, in batches of
one transaction each. A target that already holds entries must hold exactly
the source's first entries (an interrupted migration): then only the rest is
copied. Afterwards every replay of the two stores is byte-identical.
``checked_entries`` gives the entries of a log that passes every check of
``ledger verify``, for ``migrate`` and ``ledger export-log``. Neither holds
the log: a batch of entries at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import chain, islice

from treaty_ledger.ledger.entries import Entry
from treaty_ledger.ledger.errors import StoreError
from treaty_ledger.ledger.integrity.log_format import entry_data
from treaty_ledger.ledger.services.verification import checked_log
from treaty_ledger.ledger.store.application import Ledger

BATCH = 2000


def checked_entries(ledger: Ledger) -> Iterator[tuple[Entry, bytes]]:
    """Yield every entry in log order with its RFC 9162 leaf hash, from a log that holds.

    The whole log passes every check of ``ledger verify`` before the first
    entry comes (``services.verification.checked_log``); then, through the
    valid-time index, it is read again as a stream, each entry checked once
    more against its recorded hash. A ledger without the index is read whole.

    Raises:
        StoreError: the log fails a check (before any entry is yielded), or
            an entry read in the second pass fails its checks.
    """
    reads = ledger.indexed()
    if reads is None:
        log = ledger.verified().checked()
        yield from zip(log.entries, log.leaves, strict=True)
        return
    yield from reads.log_entries(checked_log(ledger).size)


def migrate(
    source: Ledger, target: Ledger, progress: Callable[[int], None] = lambda done: None
) -> tuple[int, int]:
    """Copy what the target lacks; return (entries already there, entries copied).

    Holds one batch of entries (2,000) at a time, and reads the target's
    entries one page at a time while comparing them.

    Args:
        progress: called with the number of entries handled after each batch.

    Raises:
        StoreError: the source fails verification (``ledger verify``), the
            target holds entries that are not the source's first entries, or
            a store refused a read or write.
    """
    entries = checked_entries(source)  # never launder a tampered log
    first = next(entries, None)  # the whole source is checked here, before anything is written
    present = target.log_size
    theirs = islice(target.entries(), present)
    copied = seen = 0
    batch: list[Entry] = []
    for entry, _ in chain([first] if first is not None else [], entries):
        seen += 1
        if seen <= present:
            mine = next(theirs)
            if entry_data(entry) != entry_data(mine):
                raise StoreError(
                    f"the target's entry at position {mine.position} differs from the "
                    "source's; migrate only into an empty store or an interrupted copy"
                )
            continue
        batch.append(entry)
        if len(batch) == BATCH:
            copied += len(target.append_log(batch))
            batch = []
            progress(present + copied)
    if present > seen:
        raise StoreError("the target holds more entries than the source; it is not a copy of it")
    if batch:
        copied += len(target.append_log(batch))
        progress(present + copied)
    return present, copied
