"""What the ledger knew at a moment of record time, and which records stand.

``known`` selects the entries recorded at or before a known-at moment (see
``ledger.record_time``). ``standing`` folds entries, in log order, into the
records that stand: the latest version of each record not retracted, with
the position at which it was first recorded (the tie-break of the valid-time
order is the order records were *first* recorded, so a correction does not
move an act among same-day acts).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from treaty_ledger.ledger.entries import Action, Entry
from treaty_ledger.ledger.errors import InvalidMoment
from treaty_ledger.ledger.model import Act, Instrument
from treaty_ledger.ledger.record_time import KnownAt, check_settled, format_instant


@dataclass(frozen=True)
class Knowledge:
    """The entries known at a moment, and how to name that moment.

    Attributes:
        entries: the entries recorded at or before the moment, in log order.
        known_at: the moment as a UTC instant (``...Z``): the instant given,
            or the record time of the entry at the position given, or the
            record time of the last entry; empty for an empty ledger.
        position: the log position of the moment: the number of entries
            recorded by then (0 if none). For the whole log it is the
            highest position among ``entries``; an excerpt of the log
            (``ledger.index.reads``) keeps the log's position.
    """

    entries: list[Entry]
    known_at: str
    position: int


@dataclass(frozen=True)
class Standing:
    """A record as it stands, with the position of its first entry."""

    first_position: int
    record: Instrument | Act


def known(entries: Iterable[Entry], known_at: KnownAt | None = None) -> Knowledge:
    """Keep the entries recorded at or before ``known_at`` (all when None).

    Raises:
        InvalidMoment: a position beyond the end of the log, or an instant
            later than the last record time (``check_settled``).
    """
    entries = list(entries)
    if known_at is None:
        chosen = entries
        moment = format_instant(entries[-1].recorded_at) if entries else ""
    elif known_at.position is not None:
        size = entries[-1].position if entries else 0
        if known_at.position > size:
            raise InvalidMoment(known_at.text, f"the log has only {size} entries")
        chosen = [entry for entry in entries if entry.position <= known_at.position]
        moment = format_instant(chosen[-1].recorded_at) if chosen else ""
    else:
        assert known_at.instant is not None
        check_settled(known_at, entries[-1].recorded_at if entries else None)
        chosen = [entry for entry in entries if entry.recorded_at <= known_at.instant]
        moment = format_instant(known_at.instant)
    position = max((entry.position for entry in chosen), default=0)
    return Knowledge(chosen, moment, position)


def standing(entries: Iterable[Entry]) -> list[Standing]:
    """Fold entries (in log order) into the records that stand, by first position."""
    first: dict[tuple[str, str], int] = {}
    latest: dict[tuple[str, str], Instrument | Act | None] = {}
    for entry in entries:
        first.setdefault(entry.key, entry.position)
        latest[entry.key] = None if entry.action is Action.RETRACT else entry.record
    found = [Standing(first[key], record) for key, record in latest.items() if record is not None]
    found.sort(key=lambda item: item.first_position)
    return found
