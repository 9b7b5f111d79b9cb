"""Valid time: EDTF dates of acts, their bounds in calendar days, and as-of days.

Valid time is a calendar day (no time of day, no time zone) written in the
Library of Congress Extended Date/Time Format (EDTF, ISO 8601-2). The grammar
is parsed by the ``edtf`` package; this module adds the rules that package
does not enforce (real calendar days, a closed range of days) and restricts
the accepted features to:

* level 0: ``1990``, ``2014-03``, ``2014-03-18``, intervals ``a/b``;
* level 1: the qualifiers ``?`` (uncertain), ``~`` (approximate) and ``%``
  on a whole date, unspecified digits ``X`` (``201X``, ``2014-XX``,
  ``2014-03-XX``), intervals whose ends carry qualifiers;
* level 2: one-of sets ``[2010-12-02,2010-12-03]`` only, so that a disputed
  day can be recorded as "one of these" (see DOMAIN.md, Astana 2010).

Each accepted value resolves to the earliest and the latest calendar day it
can denote, both inclusive. A qualifier records doubt about the value as
written but widens no bound: a date whose day is in dispute is written as a
one-of set or an interval, and then straddles the days in between.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from treaty_ledger.ledger.errors import InvalidDate

_ISO_PARTS = re.compile(r"([0-9]{4})-([0-9]{2})(?:-([0-9]{2}))?")
_AS_OF = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
# Every character the accepted EDTF features use (ASCII digits only).
_EDTF_CHARACTERS = re.compile(r"[0-9X\-/\[\],.?~%]+")

# Class names of the edtf package's parse results that we accept.
_ACCEPTED = frozenset(
    {
        "Date",
        "UncertainOrApproximate",
        "Unspecified",
        "Interval",
        "Level1Interval",
        "OneOfASet",
    }
)


@dataclass(frozen=True, order=True)
class ValidTime:
    """An EDTF value with the inclusive range of calendar days it may denote.

    Ordering compares ``earliest``, then ``latest``, then the text, which is
    the first part of the ledger's same-day order (see ``projections.order``).

    Attributes:
        earliest: first possible day (inclusive).
        latest: last possible day (inclusive); equal to ``earliest`` for a
            plain day.
        edtf: the value exactly as recorded.
    """

    earliest: date
    latest: date
    edtf: str

    @property
    def is_day(self) -> bool:
        """Whether the value denotes exactly one calendar day."""
        return self.earliest == self.latest

    def certainly_on_or_before(self, day: date) -> bool:
        """Whether every day the value may denote is on or before ``day``."""
        return self.latest <= day

    def straddles(self, day: date) -> bool:
        """Whether the value may fall on or before ``day`` and may fall after it."""
        return self.earliest <= day < self.latest

    def __str__(self) -> str:
        return self.edtf


def parse_valid_time(value: object) -> ValidTime:
    """Parse an act's EDTF valid time into its inclusive range of days.

    Args:
        value: the EDTF text, as recorded (see the module docstring for the
            accepted features).

    Returns:
        The parsed :class:`ValidTime`; results are cached per text.

    Raises:
        InvalidDate: ``value`` is not a string, is empty, is not EDTF, uses a
            feature outside the accepted set, names a day that does not exist
            in the proleptic Gregorian calendar (``2014-02-30``,
            ``1900-02-29``), has an open or unknown end, lies before year 1,
            or ends before it starts.
    """
    if not isinstance(value, str):
        raise InvalidDate(value, "an EDTF date must be a string such as '2014-03-18'")
    return _parse_cached(value)


_PARSED: dict[str, ValidTime] = {}
"""Values :func:`parse_valid_time` accepted, for :func:`valid_time_of` to find (each distinct
text is parsed once per process, whichever asks first); at most 65,536 kept."""


@lru_cache(maxsize=65536)
def _parse_cached(text: str) -> ValidTime:
    found = _parse_checked(text)
    if len(_PARSED) >= 65536:
        _PARSED.clear()
    _PARSED[text] = found
    return found


def _parse_checked(text: str) -> ValidTime:
    if not text.strip():
        raise InvalidDate(text, "it is empty")
    if text != text.strip():
        raise InvalidDate(text, "it has leading or trailing spaces")
    if not _EDTF_CHARACTERS.fullmatch(text):
        raise InvalidDate(
            text,
            "it is not an EDTF date of the accepted kinds: ASCII digits, X, and - / [ ] , . ? ~ %",
        )
    for match in _ISO_PARTS.finditer(text):
        year, month, day = match.groups()
        _check_day(text, int(year), int(month), int(day) if day else 1)
    plain = _AS_OF.fullmatch(text)
    if plain is not None:
        # Level 0 year, month or day: the common case, resolved without the
        # grammar (same bounds as the edtf package; a test checks they agree).
        return _plain_bounds(text, plain)
    return _parse_with_grammar(text)


def valid_time_of(value: str) -> ValidTime:
    """Return the days of an EDTF value the ledger has already validated.

    For the dates of stored records (their hash matched what was recorded at
    append time, so :func:`parse_valid_time` accepted them then) and of
    records validated in this process: the accepted shapes (a day, month or
    year with or without a qualifier, ``X`` digits, an interval of two such
    dates, a one-of set of plain dates) resolve without the EDTF grammar,
    to the bounds the grammar gives (a test holds them equal); any other
    value goes through :func:`parse_valid_time`. Results are cached per text.

    Raises:
        InvalidDate: as :func:`parse_valid_time`, for a value it refuses.
    """
    if not isinstance(value, str):
        return parse_valid_time(value)
    return _PARSED.get(value) or _resolved_cached(value)


@lru_cache(maxsize=65536)
def _resolved_cached(text: str) -> ValidTime:
    bounds = _bounds_without_grammar(text)
    if bounds is None:
        return _parse_cached(text)
    return ValidTime(bounds[0], bounds[1], text)


_DAY = r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?"
_QUALIFIED_DAY = re.compile(rf"({_DAY})[?~%]?")
_UNSPECIFIED = re.compile(r"([0-9]{2}[0-9X]X|[0-9]{4}-XX(?:-XX)?|[0-9]{4}-[0-9]{2}-XX)[?~%]?")
_INTERVAL = re.compile(rf"({_DAY})[?~%]?/({_DAY})[?~%]?")
_ONE_OF = re.compile(rf"\[({_DAY}(?:,{_DAY})+)\]")


def _bounds_without_grammar(text: str) -> tuple[date, date] | None:
    """The first and last day of an accepted shape, or None (not one, or not a real date)."""
    try:
        if match := _QUALIFIED_DAY.fullmatch(text):
            return _day_bounds(match[1])
        if match := _UNSPECIFIED.fullmatch(text):
            digits = match[1]
            if "-" in digits:  # YYYY-XX, YYYY-XX-XX, YYYY-MM-XX: the year or the month
                known = digits.replace("-XX", "")
                return _day_bounds(known)
            low, high = digits.replace("X", "0"), digits.replace("X", "9")
            return _day_bounds(low)[0], _day_bounds(high)[1]
        if match := _INTERVAL.fullmatch(text):
            start, end = _day_bounds(match[1])[0], _day_bounds(match[2])[1]
            return (start, end) if start <= end else None
        if match := _ONE_OF.fullmatch(text):
            members = [_day_bounds(member) for member in match[1].split(",")]
            return min(low for low, _ in members), max(high for _, high in members)
    except ValueError:  # not a calendar day (2014-02-30, year 0): the grammar path says why
        return None
    return None


def _day_bounds(text: str) -> tuple[date, date]:
    """The first and last day of ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

    Raises:
        ValueError: the day does not exist, or the year is 0.
    """
    year, _, rest = text.partition("-")
    if not rest:
        return date(int(year), 1, 1), date(int(year), 12, 31)
    month, _, day = rest.partition("-")
    if not day:
        first = date(int(year), int(month), 1)
        return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])
    exact = date(int(year), int(month), int(day))
    return exact, exact


def _plain_bounds(text: str, match: re.Match[str]) -> ValidTime:
    year = int(match.group(1))
    if year < 1:
        raise InvalidDate(text, "it lies outside years 1 to 9999")
    if match.group(2) is None:
        return ValidTime(date(year, 1, 1), date(year, 12, 31), text)
    month = int(match.group(2))
    if match.group(3) is None:
        last = calendar.monthrange(year, month)[1]
        return ValidTime(date(year, month, 1), date(year, month, last), text)
    day = date(year, month, int(match.group(3)))
    return ValidTime(day, day, text)


def _parse_with_grammar(text: str) -> ValidTime:
    import contextlib
    import io

    from edtf import parse_edtf  # imported here: a heavy grammar, not needed at start-up
    from edtf.parser.edtf_exceptions import EDTFParseException

    try:
        # The package prints its own diagnostics on some inputs: keep them
        # off the user's terminal, the message below says what is wrong.
        with contextlib.redirect_stdout(io.StringIO()):
            parsed = parse_edtf(text)
    except (EDTFParseException, ValueError, AttributeError, TypeError) as err:
        # ValueError, AttributeError and TypeError come from the package's
        # own bugs on some level-2 inputs such as '2014-1X'.
        raise InvalidDate(text, "it is not an EDTF date (Library of Congress EDTF)") from err
    kind = type(parsed).__name__
    if kind not in _ACCEPTED:
        raise InvalidDate(
            text,
            f"EDTF feature {kind} is not accepted; use a day, month or year, "
            "a qualifier ?, ~ or %, X digits, an interval a/b or a one-of set [a,b]",
        )
    low, high = parsed.lower_strict(), parsed.upper_strict()
    if isinstance(low, float) or isinstance(high, float):
        raise InvalidDate(text, "an act's date needs both ends; open or unknown ends are refused")
    if "/" in text and (text.startswith("/") or text.endswith("/")):
        raise InvalidDate(text, "an act's date needs both ends; open or unknown ends are refused")
    earliest = _to_day(text, low)
    latest = _to_day(text, high)
    if latest < earliest:
        raise InvalidDate(text, "it ends before it starts")
    return ValidTime(earliest=earliest, latest=latest, edtf=text)


def _to_day(text: str, parts) -> date:  # parts: time.struct_time from edtf
    try:
        return date(parts.tm_year, parts.tm_mon, parts.tm_mday)
    except ValueError as err:
        raise InvalidDate(text, "it lies outside years 1 to 9999") from err


def _check_day(text: str, year: int, month: int, day: int) -> None:
    if not 1 <= month <= 12:
        raise InvalidDate(text, f"month {month:02d} does not exist")
    if year < 1:
        raise InvalidDate(text, "years before 1 are not supported")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise InvalidDate(text, f"{year:04d}-{month:02d} has no day {day:02d}")


@dataclass(frozen=True)
class AsOf:
    """An as-of value: the state at the close of its last day.

    Attributes:
        text: the value as given (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``).
        day: the last calendar day included (inclusive): 31 December for a
            year, the month's last day for a month.
    """

    text: str
    day: date


def parse_as_of(value: object) -> AsOf:
    """Parse an as-of value given as ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

    ``2014-03`` means the close of 2014-03-31; ``2014`` the close of
    2014-12-31. Years 0001 to 9999, proleptic Gregorian calendar.

    Raises:
        InvalidDate: any other shape, a month or day that does not exist, or
            a value that is not a string.
    """
    if not isinstance(value, str):
        raise InvalidDate(value, "give the day as YYYY, YYYY-MM or YYYY-MM-DD")
    match = _AS_OF.fullmatch(value)
    if match is None:
        raise InvalidDate(value, "give the day as YYYY, YYYY-MM or YYYY-MM-DD")
    year = int(match.group(1))
    if year < 1:
        raise InvalidDate(value, "years before 1 are not supported")
    if match.group(2) is None:
        return AsOf(value, date(year, 12, 31))
    month = int(match.group(2))
    if not 1 <= month <= 12:
        raise InvalidDate(value, f"month {month:02d} does not exist")
    if match.group(3) is None:
        return AsOf(value, date(year, month, calendar.monthrange(year, month)[1]))
    day = int(match.group(3))
    _check_day(value, year, month, day)
    return AsOf(value, date(year, month, day))


def first_day(value: object) -> date:
    """Return the first day of a ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` value.

    Used for the inclusive lower bound of a range such as ``timeline --from``.

    Raises:
        InvalidDate: as :func:`parse_as_of`.
    """
    as_of = parse_as_of(value)
    match = _AS_OF.fullmatch(as_of.text)
    assert match is not None
    year = int(match.group(1))
    month = int(match.group(2) or 1)
    day = int(match.group(3) or 1)
    return date(year, month, day)


_PERIOD = re.compile(r"P(?:(\d{1,4})Y)?(?:(\d{1,4})M)?(?:(\d{1,5})D)?")


@dataclass(frozen=True)
class Period:
    """A period of whole years, months and days (ISO 8601 ``PnYnMnD``, dates only)."""

    years: int
    months: int
    days: int

    def after(self, day: date) -> date:
        """The day this period after ``day``: years and months first, then days.

        A month that lacks the day clamps to its last day (2019-08-31 plus
        ``P6M`` is 2020-02-29), as treaty periods "of six months" are counted.
        """
        month_index = day.month - 1 + self.months + 12 * self.years
        year, month = day.year + month_index // 12, month_index % 12 + 1
        last = calendar.monthrange(year, month)[1]
        return date(year, month, min(day.day, last)) + timedelta(days=self.days)


@lru_cache(maxsize=64)
def parse_period(text: str) -> Period:
    """Parse an ISO 8601 period of years, months and days (``P6M``, ``P150D``, ``P1Y6M``).

    Raises:
        InvalidDate: anything else (times, weeks, fractions, an empty ``P``).
    """
    match = _PERIOD.fullmatch(text) if isinstance(text, str) else None
    if match is None or not any(match.groups()):
        raise InvalidDate(text, "give an ISO 8601 period of years, months and days: P6M, P150D")
    years, months, days = (int(group or 0) for group in match.groups())
    return Period(years, months, days)
