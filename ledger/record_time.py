"""Record time: when the ledger learned something, and "as known at" moments.

Record time is a UTC instant with microseconds, kept on every entry. A
known-at moment selects the entries recorded at or before it; it is given as

* an instant in RFC 3339 / ISO 8601 with a zone: ``2025-01-01T12:00:00Z``,
  ``2025-01-01T13:00:00+01:00`` (converted to UTC);
* a day ``YYYY-MM-DD``: its close in UTC, ``23:59:59.999999Z`` (inclusive);
* a log position ``@1234``: the entries at positions 1 to 1234 (inclusive).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time

from treaty_ledger.ledger.errors import InvalidDate, InvalidMoment

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_POSITION = re.compile(r"@([0-9]+)")
_INSTANT_CHARACTERS = re.compile(r"[0-9T:.+Z-]+")


@dataclass(frozen=True)
class KnownAt:
    """A moment of record time: an instant or a log position (exactly one is set).

    Attributes:
        text: the value as given.
        instant: an aware UTC datetime (inclusive), or None.
        position: a log position (inclusive), or None.
    """

    text: str
    instant: datetime | None = None
    position: int | None = None


def parse_known_at(value: object) -> KnownAt:
    """Parse a known-at value (see the module docstring for the forms).

    Raises:
        InvalidDate: any other form, an instant without a zone, or a day or
            instant that does not exist.
    """
    if not isinstance(value, str) or not value:
        raise InvalidDate(value, "give a UTC instant (2025-01-01T12:00:00Z), a day or @POSITION")
    match = _POSITION.fullmatch(value)
    if match and len(match.group(1)) > 18:
        raise InvalidDate(value, "a log position has at most 18 digits")
    if match:
        if int(match.group(1)) < 1:
            raise InvalidDate(value, "log positions start at @1")
        return KnownAt(value, position=int(match.group(1)))
    if _DAY.fullmatch(value):
        try:
            day = datetime.strptime(value, "%Y-%m-%d").date()
        except ValueError as err:
            raise InvalidDate(value, "that day does not exist") from err
        return KnownAt(value, instant=datetime.combine(day, time.max, tzinfo=UTC))
    if not _INSTANT_CHARACTERS.fullmatch(value):
        raise InvalidDate(value, "give a UTC instant (2025-01-01T12:00:00Z), a day or @POSITION")
    try:
        instant = datetime.fromisoformat(value)
    except ValueError as err:
        raise InvalidDate(
            value, "give a UTC instant (2025-01-01T12:00:00Z), a day or @POSITION"
        ) from err
    if instant.tzinfo is None:
        raise InvalidDate(value, "an instant needs a zone: end it with Z for UTC")
    try:
        return KnownAt(value, instant=instant.astimezone(UTC))
    except OverflowError as err:
        raise InvalidDate(value, "it lies outside years 1 to 9999 in UTC") from err


def format_instant(instant: datetime) -> str:
    """Format an aware datetime as a UTC instant with microseconds and ``Z`` (RFC 3339)."""
    text = instant.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
    return text + "Z"


def check_not_future(known_at: KnownAt, now: datetime) -> None:
    """Refuse a known-at instant later than ``now``: its answer could still change.

    Raises:
        InvalidDate: the instant is after ``now``.
    """
    if known_at.instant is not None and known_at.instant > now:
        raise InvalidDate(
            known_at.text,
            f"it is in the future (now {format_instant(now)}); what the ledger knows then "
            "could still change: give a past instant or @POSITION",
        )


def check_settled(known_at: KnownAt, last_recorded: datetime | None) -> None:
    """Refuse an instant later than the last committed record time.

    A writer stamps its entries' record time before it commits (and may wait
    for the write lock in between), so entries recorded "at" a moment after
    the last committed one may still appear: an answer as known then could
    change later. Up to the last committed record time it never does.

    Raises:
        InvalidMoment: the instant is later than ``last_recorded`` (or the
            log is empty).
    """
    if known_at.instant is None:
        return
    if last_recorded is None or known_at.instant > last_recorded:
        last = format_instant(last_recorded) if last_recorded else "none yet"
        raise InvalidMoment(
            known_at.text,
            f"it is later than the last record time ({last}), so the answer could still "
            "change; ask as known at that time or earlier, or by position (@N)",
        )
