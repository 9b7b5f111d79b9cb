"""Valid time (EDTF) and as-of days: bounds, calendar rules, refusals."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from treaty_ledger.ledger.dates import (
    _parse_with_grammar,
    first_day,
    parse_as_of,
    parse_valid_time,
    valid_time_of,
)
from treaty_ledger.ledger.errors import InvalidDate


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("1990", date(1990, 1, 1), date(1990, 12, 31)),
        ("2014-03", date(2014, 3, 1), date(2014, 3, 31)),
        ("2014-02", date(2014, 2, 1), date(2014, 2, 28)),
        ("2016-02", date(2016, 2, 1), date(2016, 2, 29)),
        ("1900-02", date(1900, 2, 1), date(1900, 2, 28)),
        ("2000-02-29", date(2000, 2, 29), date(2000, 2, 29)),
        ("2014-03-18", date(2014, 3, 18), date(2014, 3, 18)),
        ("0999-01-01", date(999, 1, 1), date(999, 1, 1)),
        ("0800", date(800, 1, 1), date(800, 12, 31)),
        ("2010-12-02?", date(2010, 12, 2), date(2010, 12, 2)),
        ("2014-03~", date(2014, 3, 1), date(2014, 3, 31)),
        ("201X", date(2010, 1, 1), date(2019, 12, 31)),
        ("2004-XX", date(2004, 1, 1), date(2004, 12, 31)),
        ("1985-04-XX", date(1985, 4, 1), date(1985, 4, 30)),
        ("1945-02-04/1945-02-11", date(1945, 2, 4), date(1945, 2, 11)),
        ("2000/2002", date(2000, 1, 1), date(2002, 12, 31)),
        ("[2010-12-02,2010-12-03]", date(2010, 12, 2), date(2010, 12, 3)),
    ],
    ids=lambda value: str(value),
)
def test_valid_time_resolves_to_inclusive_days(text, earliest, latest):
    parsed = parse_valid_time(text)
    assert (parsed.earliest, parsed.latest, parsed.edtf) == (earliest, latest, text)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2014-13", "month 13 does not exist"),
        ("2014-00-10", "month 00 does not exist"),
        ("1900-02-29", "1900-02 has no day 29"),
        ("2014-02-30", "2014-02 has no day 30"),
        ("2014-04-31", "2014-04 has no day 31"),
        ("", "it is empty"),
        ("   ", "it is empty"),
        (" 2014", "leading or trailing spaces"),
        (2014, "must be a string"),
        (None, "must be a string"),
        ("14 March 2014", "not an EDTF date"),
        ("2014-03-18T10:00:00", "not an EDTF date of the accepted kinds"),
        ("2001-21", "month 21 does not exist"),
        ("2014/..", "needs both ends"),
        ("2014-03-18/", "needs both ends"),
        ("2015/2014", "ends before it starts"),
        ("0000", "outside years 1 to 9999"),
    ],
    ids=repr,
)
def test_invalid_valid_time_is_refused_with_reason(value, reason):
    with pytest.raises(InvalidDate) as caught:
        parse_valid_time(value)
    assert reason in str(caught.value)
    assert repr(value) in str(caught.value)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2014", date(2014, 12, 31)),
        ("2014-03", date(2014, 3, 31)),
        ("2014-02", date(2014, 2, 28)),
        ("2016-02", date(2016, 2, 29)),
        ("2007-12-12", date(2007, 12, 12)),
        ("0999-06", date(999, 6, 30)),
    ],
)
def test_as_of_is_the_last_day_of_the_value(text, day):
    assert parse_as_of(text).day == day


@pytest.mark.parametrize(
    "text", ["2014-13", "2014-3", "14", "2014-02-29", "2014-03-18?", "", "0000"]
)
def test_as_of_refuses_other_shapes(text):
    with pytest.raises(InvalidDate):
        parse_as_of(text)


@pytest.mark.parametrize(
    ("text", "day"),
    [("2014", date(2014, 1, 1)), ("2014-03", date(2014, 3, 1)), ("2014-03-18", date(2014, 3, 18))],
)
def test_first_day_is_the_first_day_of_the_value(text, day):
    assert first_day(text) == day


def test_straddling_and_certainty_are_exclusive():
    month = parse_valid_time("2014-03")
    assert month.straddles(date(2014, 3, 15))
    assert not month.certainly_on_or_before(date(2014, 3, 15))
    assert month.certainly_on_or_before(date(2014, 3, 31))
    assert not month.straddles(date(2014, 3, 31))
    assert not month.straddles(date(2014, 2, 28))


@settings(max_examples=150, deadline=None)
@given(
    day=st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
    precision=st.sampled_from(["year", "month", "day"]),
)
def test_plain_dates_resolve_as_the_edtf_grammar_does(day, precision):
    """The fast path for level-0 dates gives the edtf package's bounds."""
    year, month = f"{day.year:04d}", f"{day.year:04d}-{day.month:02d}"
    text = {"year": year, "month": month, "day": day.isoformat()}[precision]
    fast = parse_valid_time(text)
    slow = _parse_with_grammar(text)
    assert (fast.earliest, fast.latest) == (slow.earliest, slow.latest)


_DAYS = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
_QUALIFIERS = st.sampled_from(["", "?", "~", "%"])


@st.composite
def _plain(draw) -> str:
    day = draw(_DAYS)
    precision = draw(st.sampled_from([4, 7, 10]))
    return day.isoformat()[:precision]


@st.composite
def _unspecified(draw) -> str:
    day = draw(_DAYS)
    year, month = f"{day.year:04d}", f"{day.month:02d}"
    shape = draw(st.sampled_from([year[:3] + "X", year[:2] + "XX", f"{year}-XX",
                                  f"{year}-XX-XX", f"{year}-{month}-XX"]))  # fmt: skip
    return shape + draw(_QUALIFIERS)


@st.composite
def _interval(draw) -> str:
    start, end = sorted([draw(_plain()), draw(_plain())])
    return f"{start}{draw(_QUALIFIERS)}/{end}{draw(_QUALIFIERS)}"


@st.composite
def _one_of(draw) -> str:
    return "[" + ",".join(draw(st.lists(_plain(), min_size=2, max_size=4))) + "]"


_SHAPES = st.one_of(
    st.builds(str.__add__, _plain(), _QUALIFIERS), _unspecified(), _interval(), _one_of()
)


@settings(max_examples=120, deadline=None)
@given(text=_SHAPES)
def test_stored_dates_resolve_without_the_grammar_as_the_grammar_does(text):
    """Every shape read without the grammar is one the grammar accepts, with the same days."""
    try:
        slow = _parse_with_grammar(text)
    except InvalidDate:
        # An interval whose end's days start before its start's: refused both ways.
        with pytest.raises(InvalidDate):
            valid_time_of(text)
        return
    assert valid_time_of(text) == slow


@pytest.mark.parametrize(
    "text",
    ["2014-02-30?", "0000-XX", "2014-13/2015", "[2014-02-30,2014-03]", "2015/2014", "1XXX"],
)
def test_stored_dates_outside_the_fast_shapes_are_judged_by_the_grammar(text):
    try:
        expected = parse_valid_time(text)
    except InvalidDate as refused:
        with pytest.raises(InvalidDate) as caught:
            valid_time_of(text)
        assert str(caught.value) == str(refused)
    else:
        assert valid_time_of(text) == expected


def test_stored_dates_are_read_without_the_grammar(monkeypatch):
    import treaty_ledger.ledger.dates as dates

    def refuse(text):
        raise AssertionError(f"grammar used for {text!r}")

    monkeypatch.setattr(dates, "_parse_with_grammar", refuse)
    dates._parse_cached.cache_clear()
    dates._resolved_cached.cache_clear()
    shapes = ["2014-03-21?", "20XX", "2000/2006", "[2010-12-02,2010-12-03]", "2014-03?/2014-04~"]
    for text in shapes:
        assert valid_time_of(text).edtf == text


@pytest.mark.parametrize(
    "text",
    [
        "2014-1X",
        "2014-0X",
        "[2014-03,2014-XX]",
        "2014S2",
        "２０１８-10-20",
        "٢٠١٤-٠٣",
        "2014-03-1X",
    ],
)
def test_grammar_edge_cases_are_refused_cleanly(text, capsys):
    with pytest.raises(InvalidDate):
        parse_valid_time(text)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("text", ["２０１４", "٢٠١٤-٠٣", "2014-03-1٨"])
def test_as_of_takes_ascii_digits_only(text):
    with pytest.raises(InvalidDate):
        parse_as_of(text)
