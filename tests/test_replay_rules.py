"""The time and status rules of replay, as tables of small, made-up records."""

from __future__ import annotations

import random

import pytest
from builders import act, entries, instrument
from hypothesis import given, settings
from hypothesis import strategies as st

from treaty_ledger.ledger.dates import parse_as_of
from treaty_ledger.ledger.errors import UnknownInstrument
from treaty_ledger.projections.replay import replay


def status_of(records, as_of, instrument_id="t"):
    """(instrument status, since) or None when the instrument has no status yet."""
    for state in replay(entries(*records), parse_as_of(as_of)).instruments:
        if state.id == instrument_id:
            return state.status.value, state.since
    return None


def actor_of(records, as_of, actor, instrument_id="t"):
    """(actor status, since) toward the instrument, or None."""
    for state in replay(entries(*records), parse_as_of(as_of)).instruments:
        if state.id == instrument_id:
            for row in state.actors:
                if row.actor == actor:
                    return row.status.value, row.since
    return None


TREATY = instrument(
    "t",
    "treaty",
    [{"id": "t.limit", "type": "restraint", "summary": "limits", "obligors": "parties"}],
)
SIGNED = act("t.sig", "signature", "1990-11-19", ["USA", "RUS"], "t")
IN_FORCE = act("t.eif", "entry-into-force", "1992-11-09", ["USA", "RUS"], "t")


@pytest.mark.parametrize(
    ("date", "as_of", "expected"),
    [
        ("2014-03", "2014-02", None),  # month not begun
        ("2014-03", "2014-03-01", "indeterminate"),  # may be later in the month
        ("2014-03", "2014-03-30", "indeterminate"),
        ("2014-03", "2014-03-31", "applied"),  # the month is over at the close of its last day
        ("2014-03", "2014-03", "applied"),
        ("2014", "2014-12-30", "indeterminate"),
        ("2014", "2014", "applied"),
        ("2014", "2013", None),
        ("2016-02", "2016-02-28", "indeterminate"),  # leap year: February has 29 days
        ("2016-02", "2016-02-29", "applied"),
        ("2015-02", "2015-02-28", "applied"),
        ("2016-02-29", "2016-02-28", None),
        ("2016-02-29", "2016-02-29", "applied"),
        ("0999-06", "0999-06-15", "indeterminate"),  # years before 1000
        ("0999-06", "0999-06", "applied"),
        ("[2010-12-02,2010-12-03]", "2010-12-02", "indeterminate"),  # disputed day
        ("[2010-12-02,2010-12-03]", "2010-12-03", "applied"),
        ("2010-12-01/2010-12-02", "2010-12-01", "indeterminate"),
        ("2010-12-02?", "2010-12-02", "applied"),  # a qualifier widens no bound
    ],
)
def test_precision_decides_applied_indeterminate_or_not_yet(date, as_of, expected):
    records = [instrument("t"), act("t.sig", "signature", date, ["USA"], "t")]
    result = replay(entries(*records), parse_as_of(as_of))
    applied = any(state.id == "t" for state in result.instruments)
    pending = [item.id for item in result.indeterminate]
    outcome = "applied" if applied else ("indeterminate" if pending else None)
    assert outcome == expected
    assert not (applied and pending)


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("1990-11-18", None),
        ("1990-11-19", ("signatory", "1990-11-19")),
        ("1992-11-08", ("signatory", "1990-11-19")),
        ("1992-11-09", ("party", "1992-11-09")),
    ],
)
def test_signature_then_entry_into_force_makes_a_party(as_of, expected):
    assert actor_of([TREATY, SIGNED, IN_FORCE], as_of, "RUS") == expected


NOTICE = act("t.rus.susp", "suspension", "2007-07-14", ["RUS"], "t", effective="2007-12-12")
WITHDRAWAL = act("t.usa.wd", "withdrawal", "2020-05-22", ["USA"], "t", effective="2020-11-22")


@pytest.mark.parametrize(
    ("actor", "as_of", "expected"),
    [
        ("RUS", "2007-07-13", ("party", "1992-11-09")),
        ("RUS", "2007-07-14", ("party", "1992-11-09")),  # notified, still a party
        ("RUS", "2007-12-11", ("party", "1992-11-09")),
        ("RUS", "2007-12-12", ("suspended", "2007-12-12")),  # effective with no further act
        ("USA", "2020-05-21", ("party", "1992-11-09")),
        ("USA", "2020-05-22", ("withdrawing", "2020-05-22")),
        ("USA", "2020-11-21", ("withdrawing", "2020-05-22")),
        ("USA", "2020-11-22", ("withdrawn", "2020-11-22")),
    ],
)
def test_notice_then_effect(actor, as_of, expected):
    records = [TREATY, SIGNED, IN_FORCE, NOTICE, WITHDRAWAL]
    assert actor_of(records, as_of, actor) == expected


def test_an_effective_date_that_straddles_the_day_is_indeterminate():
    notice = act("t.usa.wd", "withdrawal", "2020-05-22", ["USA"], "t", effective="2020-11")
    result = replay(entries(TREATY, SIGNED, IN_FORCE, notice), parse_as_of("2020-11-10"))
    assert [(i.id, i.phase, i.date) for i in result.indeterminate] == [
        ("t.usa.wd", "effective", "2020-11")
    ]
    assert actor_of([TREATY, SIGNED, IN_FORCE, notice], "2020-11-10", "USA") == (
        "withdrawing",
        "2020-05-22",
    )


def test_provisions_bind_parties_in_force_and_not_suspended():
    records = [TREATY, SIGNED, IN_FORCE, NOTICE]

    def bound(as_of):
        state = replay(entries(*records), parse_as_of(as_of)).instruments[0]
        return state.provisions[0].bound

    assert bound("1991") == []  # signed, not in force
    assert bound("2000") == ["RUS", "USA"]
    assert bound("2008") == ["USA"]  # Russia suspended


def test_same_day_order_follows_sequence_then_record_order():
    # Termination and a withdrawal's effect fall on one day: the explicit
    # sequence puts the withdrawal first, whatever the record order.
    withdrawal = act("t.usa.wd", "withdrawal", "2019-02-02", ["USA"], "t", effective="2019-08-02")
    end = act("t.end", "termination", "2019-08-02", ["USA"], "t", sequence=1)
    signed_again = act("t.sig2", "signature", "2019-08-02", ["DEU"], "t")
    for order in ([end, withdrawal, signed_again], [signed_again, withdrawal, end]):
        records = [TREATY, SIGNED, IN_FORCE, *order]
        assert status_of(records, "2019-08-02") == ("terminated", "2019-08-02")
        assert actor_of(records, "2019-08-02", "USA") == ("withdrawn", "2019-08-02")


def test_same_day_acts_without_sequence_apply_in_record_order():
    # Adoption and supersession on one day: recorded in that order, the
    # instrument ends superseded; recorded the other way round, supersession
    # comes first and a later adoption cannot revive it.
    adopt = act("t.adopt", "adoption", "1992-03-04", ["RUS"], "t")
    superseded = act("t.sup", "supersession", "1992-03-04", ["RUS"], "t", successor="u")
    records = [instrument("t", "political"), instrument("u", "political")]
    assert status_of([*records, adopt, superseded], "1992-03-04") == ("superseded", "1992-03-04")
    assert status_of([*records, superseded, adopt], "1992-03-04") == ("superseded", "1992-03-04")


def test_succession_carries_the_predecessor_status_to_the_successor():
    signed = act("t.sig", "signature", "1987-12-08", ["USA", "SUN"], "t")
    force = act("t.eif", "entry-into-force", "1988-06-01", ["USA", "SUN"], "t")
    succession = act("rus.continues.sun", "succession", "1991-12-26", ["RUS"], predecessor="SUN")
    records = [TREATY, signed, force, succession]
    assert actor_of(records, "1991-12-25", "SUN") == ("party", "1988-06-01")
    assert actor_of(records, "1991-12-25", "RUS") is None
    assert actor_of(records, "1991-12-26", "RUS") == ("party", "1991-12-26")
    assert actor_of(records, "1991-12-26", "SUN") is None
    state = replay(entries(*records), parse_as_of("1992")).instruments[0]
    assert state.provisions[0].bound == ["RUS", "USA"]


def test_named_obligor_is_read_through_its_successor():
    pledge = instrument(
        "p",
        "political",
        [
            {
                "id": "p.pledge",
                "type": "assurance",
                "summary": "assures",
                "obligors": ["SUN"],
                "beneficiaries": ["USA"],
            }
        ],
    )
    records = [
        pledge,
        act("p.sig", "signature", "1990", ["SUN", "USA"], "p"),
        act("rus.continues.sun", "succession", "1991-12-26", ["RUS"], predecessor="SUN"),
    ]
    state = replay(entries(*records), parse_as_of("1992")).instruments[0]
    assert state.provisions[0].bound == ["RUS"]


@pytest.mark.parametrize(
    ("acts", "as_of", "expected"),
    [
        ([act("d.p", "proposal", "2008-06-05", ["RUS"], "d")], "2014", ("draft", "2008-06-05")),
        (
            [
                act("d.p", "proposal", "2008-06-05", ["RUS"], "d"),
                act("d.p2", "proposal", "2009-11-29", ["RUS"], "d"),
            ],
            "2014",
            ("draft", "2008-06-05"),
        ),
        ([act("d.a", "adoption", "1999-11-19", ["RUS"], "d")], "2000", ("adopted", "1999-11-19")),
        ([act("d.r", "ratification", "2004-07", ["RUS"], "d")], "2005", ("adopted", "2004-07")),
        (
            [
                act("d.a", "adoption", "1990", ["RUS"], "d"),
                act("d.t", "termination", "1995", ["RUS"], "d"),
                act("d.a2", "signature", "1996", ["USA"], "d"),
            ],
            "1997",
            ("terminated", "1995"),
        ),
    ],
)
def test_instrument_status(acts, as_of, expected):
    assert status_of([instrument("d"), *acts], as_of, "d") == expected


def test_annexation_records_a_claim_from_its_day():
    crimea = act("crimea", "annexation", "2014-03-18", ["RUS"], territory="Crimea")
    before = replay(entries(crimea), parse_as_of("2014-03-17"))
    after = replay(entries(crimea), parse_as_of("2014-03"))
    assert before.claims == []
    assert [(c.territory, c.claimant, c.since, c.act) for c in after.claims] == [
        ("Crimea", "RUS", "2014-03-18", "crimea")
    ]


def test_timeline_only_acts_change_no_status():
    records = [
        TREATY,
        SIGNED,
        IN_FORCE,
        act("t.alleged", "alleged-violation", "2014-07", ["USA"], "t", recipients=["RUS"]),
        act("t.reject", "rejection", "2015", ["RUS"], "t"),
    ]
    assert actor_of(records, "2016", "RUS") == ("party", "1992-11-09")


def test_filters_by_instrument_and_actor():
    records = [
        TREATY,
        SIGNED,
        IN_FORCE,
        instrument("u"),
        act("u.sig", "signature", "1995", ["DEU"], "u"),
    ]
    by_instrument = replay(entries(*records), parse_as_of("2000"), instrument="u")
    assert [s.id for s in by_instrument.instruments] == ["u"]
    by_actor = replay(entries(*records), parse_as_of("2000"), actor="DEU")
    assert [(s.id, [a.actor for a in s.actors]) for s in by_actor.instruments] == [("u", ["DEU"])]
    with pytest.raises(UnknownInstrument):
        replay(entries(*records), parse_as_of("2000"), instrument="v")


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(min_value=0, max_value=10_000))
def test_valid_time_replay_does_not_depend_on_record_order(seed):
    """Shuffling the order acts were recorded in changes nothing when no two tie."""
    acts = [
        SIGNED,
        IN_FORCE,
        NOTICE,
        WITHDRAWAL,
        act("t.deu.acc", "accession", "1995-05", ["DEU"], "t"),
        act("t.deu.wd", "denunciation", "2001", ["DEU"], "t", effective="2002-06-01"),
        act("t.end", "termination", "2022-01-01", ["USA"], "t"),
    ]
    shuffled = acts[:]
    random.Random(seed).shuffle(shuffled)
    for as_of in ("1995-05-10", "2001-06", "2002", "2007-12-12", "2020-06", "2023"):
        original = replay(entries(TREATY, *acts), parse_as_of(as_of))
        reordered = replay(entries(TREATY, *shuffled), parse_as_of(as_of))
        assert original.instruments == reordered.instruments
        assert sorted(i.id for i in original.indeterminate) == sorted(
            i.id for i in reordered.indeterminate
        )
