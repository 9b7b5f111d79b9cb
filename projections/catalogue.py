"""Catalogue: the instruments the ledger knows, whatever their status."""

from __future__ import annotations

from collections.abc import Iterable

from ledger.entries import Entry
from ledger.model import Instrument
from projections.models import Catalogue, InstrumentSummary


def catalogue(entries: Iterable[Entry]) -> Catalogue:
    """List every instrument recorded, sorted by id, with its provision ids."""
    entries = list(entries)
    found = [
        InstrumentSummary(
            id=entry.record.id,
            title=entry.record.title,
            legal_nature=entry.record.legal_nature,
            provisions=[provision.id for provision in entry.record.provisions],
            position=entry.position,
        )
        for entry in entries
        if isinstance(entry.record, Instrument)
    ]
    return Catalogue(
        position=max((e.position for e in entries), default=0),
        instruments=sorted(found, key=lambda summary: summary.id),
    )
