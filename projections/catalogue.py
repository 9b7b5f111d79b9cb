"""Catalogue: the instruments the ledger knows, whatever their status."""

from __future__ import annotations

from collections.abc import Iterable

from treaty_ledger.ledger.computed import computed
from treaty_ledger.ledger.entries import Entry
from treaty_ledger.ledger.model import Instrument
from treaty_ledger.projections.known import known, standing
from treaty_ledger.projections.report_models import Catalogue, InstrumentSummary


def catalogue(entries: Iterable[Entry]) -> Catalogue:
    """List every instrument that stands, sorted by id, with its provision ids."""
    knowledge = known(entries)
    found = [
        computed(
            InstrumentSummary,
            id=item.record.id,
            title=item.record.title,
            legal_nature=item.record.legal_nature,
            provisions=[provision.id for provision in item.record.provisions],
            position=item.first_position,
        )
        for item in standing(knowledge.entries)
        if isinstance(item.record, Instrument)
    ]
    return computed(
        Catalogue,
        position=knowledge.position,
        instruments=sorted(found, key=lambda summary: summary.id),
    )
