"""Ledger entries: what projections fold, read back from the notification log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ledger.model import Act, Instrument


@dataclass(frozen=True)
class Entry:
    """One entry of the ledger, in log order.

    Attributes:
        position: the entry's position in the notification log (1-based,
            strictly increasing in the order entries were appended).
        recorded_at: record time, an aware UTC datetime.
        recorded_by: who appended it.
        record: the instrument or act appended.
    """

    position: int
    recorded_at: datetime
    recorded_by: str
    record: Instrument | Act
