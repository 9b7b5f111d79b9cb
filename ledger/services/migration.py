"""Move a whole ledger between stores, entry for entry, resumably.

``migrate`` copies every entry of the source, in log order, keeping its
position, record time, author and content, into the target, in batches of
one transaction each. A target that already holds entries must hold exactly
the source's first entries (an interrupted migration): then only the rest is
copied. Afterwards every replay of the two stores is byte-identical.
"""

from __future__ import annotations

from collections.abc import Callable

from treaty_ledger.ledger.errors import StoreError
from treaty_ledger.ledger.integrity.log_format import entry_data
from treaty_ledger.ledger.store.application import Ledger

BATCH = 2000


def migrate(
    source: Ledger, target: Ledger, progress: Callable[[int], None] = lambda done: None
) -> tuple[int, int]:
    """Copy what the target lacks; return (entries already there, entries copied).

    Args:
        progress: called with the number of entries handled after each batch.

    Raises:
        StoreError: the source fails verification (``ledger verify``), the
            target holds entries that are not the source's first entries, or
            a store refused a read or write.
    """
    entries = source.verified().checked().entries  # never launder a tampered log
    present = target.log_size
    theirs = list(target.entries()) if present else []
    copied = 0
    batch = []
    for index, entry in enumerate(entries):
        if index < present:
            if entry_data(entry) != entry_data(theirs[index]):
                raise StoreError(
                    f"the target's entry at position {theirs[index].position} differs from the "
                    "source's; migrate only into an empty store or an interrupted copy"
                )
            continue
        batch.append(entry)
        if len(batch) == BATCH:
            copied += len(target.append_log(batch))
            batch = []
            progress(present + copied)
    if present > len(entries):
        raise StoreError("the target holds more entries than the source; it is not a copy of it")
    if batch:
        copied += len(target.append_log(batch))
        progress(present + copied)
    return present, copied
