"""Ledger entries: what projections fold, read back from the notification log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from treaty_ledger.ledger.model import Act, Instrument, Source


class Action(StrEnum):
    """What an entry did to its record."""

    RECORD = "record"  # first recording of an act or instrument
    CORRECT = "correct"  # a correction of some fields of an earlier record
    RETRACT = "retract"  # a retraction: the record no longer counts


@dataclass(frozen=True)
class Entry:
    """One entry of the ledger, in log order.

    Attributes:
        position: the entry's position in the notification log (1-based,
            strictly increasing in the order entries were appended; two
            entries with the same record time keep their log order).
        recorded_at: record time, an aware UTC datetime (microseconds).
        recorded_by: who appended it.
        record: the instrument or act as it stands after this entry (for a
            retraction, as it stood when retracted).
        action: record, correct or retract.
        changed: the fields a correction changed, sorted; empty otherwise.
        reason: why a correction or retraction was made; None for a record.
        sources: sources of a correction or retraction; empty for a record
            (its sources are in the record).
    """

    position: int
    recorded_at: datetime
    recorded_by: str
    record: Instrument | Act
    action: Action = Action.RECORD
    changed: tuple[str, ...] = ()
    reason: str | None = None
    sources: tuple[Source, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        """The record's kind and id: what successive entries of one record share."""
        return (self.record.record, self.record.id)
