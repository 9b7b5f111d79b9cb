"""The law of treaties as replay applies it: one test per rule, named after it and its source.

Made-up records, each as small as the rule needs; the shipped record's cases
are in ``test_shipped_law.py``. Articles are those of the Vienna Convention on
the Law of Treaties (VCLT, 1969) unless an instrument's own article is named.
"""

from __future__ import annotations

from builders import SOURCE, act, entries
from builders import instrument as build_instrument

from treaty_ledger.ledger.dates import parse_as_of
from treaty_ledger.ledger.model import Instrument
from treaty_ledger.projections.replay import replay

LIMIT = {"id": "limit", "type": "restraint", "summary": "limits", "obligors": "parties"}


def treaty(instrument_id: str = "t", provisions=None, **extra) -> Instrument:
    data = build_instrument(instrument_id, "treaty", provisions or [LIMIT]).model_dump(
        mode="json", exclude_none=True
    )
    return Instrument.model_validate({**data, **extra})


def state_of(records, as_of, instrument_id="t"):
    for item in replay(entries(*records), parse_as_of(as_of)).instruments:
        if item.id == instrument_id:
            return item
    return None


def status(records, as_of, actor, instrument_id="t"):
    item = state_of(records, as_of, instrument_id)
    row = next((r for r in item.actors if r.actor == actor), None) if item else None
    return (row.status.value, row.since) if row else None


def bound(records, as_of, provision="limit", instrument_id="t"):
    item = state_of(records, as_of, instrument_id)
    return next(p.bound for p in item.provisions if p.id == provision)


BASE = [
    treaty(),
    act("t.sig", "signature", "1990-01-10", ["USA", "RUS"], "t"),
    act("t.eif", "entry-into-force", "1991-01-01", ["USA", "RUS"], "t"),
]


# Consent (VCLT arts. 11, 34-35)


def test_consent_demands_bind_no_addressee_vclt_34():
    demands = build_instrument(
        "d", "unilateral",
        [{"id": "lift", "type": "demand", "summary": "lift sanctions", "addressees": ["USA"]}],
    )  # fmt: skip
    made = act("d.rus", "demands", "2024-06-14", ["RUS"], "d", recipients=["USA", "UKR"])
    item = state_of([demands, made], "2024-06", "d")
    assert {r.actor: r.status.value for r in item.actors} == {
        "RUS": "proposer", "USA": "addressee", "UKR": "addressee",
    }  # fmt: skip
    assert item.provisions[0].bound == []
    assert item.provisions[0].addressees == ["USA"]


def test_consent_a_political_text_binds_only_its_participants_vclt_11():
    communique = build_instrument(
        "c", "political",
        [{"id": "p", "type": "assurance", "summary": "respect borders",
          "obligors": ["CHE", "UKR", "RUS"]}],
    )  # fmt: skip
    adopted = act("c.adoption", "adoption", "2024-06-16", ["CHE", "UKR"], "c")
    assert bound([communique, adopted], "2024-06", "p", "c") == ["CHE", "UKR"]


def test_consent_a_group_binds_its_members_of_the_day_through_it():
    nato = [
        treaty("north-atlantic-treaty-1949", provisions=[]),
        act("nat.sig", "signature", "1949-04-04", ["USA", "GBR"], "north-atlantic-treaty-1949"),
        act("nat.eif", "entry-into-force", "1949-08-24", ["USA", "GBR"],
            "north-atlantic-treaty-1949"),
        act("nat.pol", "accession", "1999-03-12", ["POL"], "north-atlantic-treaty-1949"),
    ]  # fmt: skip
    pledge = build_instrument(
        "fa", "political",
        [{"id": "no-nukes", "type": "restraint", "summary": "no nuclear weapons",
          "obligors": ["NATO"]}],
    )  # fmt: skip
    signed = act("fa.sig", "signature", "1997-05-27", ["NATO", "RUS"], "fa")
    records = [*nato, pledge, signed]
    provision = state_of(records, "1998", "fa").provisions[0]
    assert provision.bound == ["NATO"] and provision.through == {"NATO": ["GBR", "USA"]}
    later = state_of(records, "2000", "fa").provisions[0]
    assert later.through == {"NATO": ["GBR", "POL", "USA"]}


# Termination (VCLT art. 70(1)(a))


def test_termination_releases_every_party_vclt_70():
    records = [
        *BASE,
        act("t.succ", "succession", "1992-01-01", ["UKR"], "t"),
        act("t.usa.wd", "withdrawal", "2019-02-02", ["USA"], "t", effective="2019-08-02"),
        act("t.end", "termination", "2019-08-02", ["USA"], "t", sequence=1),
    ]
    assert status(records, "2019-07", "UKR") == ("party", "1992-01-01")
    assert status(records, "2024", "UKR") == ("former-party", "2019-08-02")
    assert status(records, "2024", "RUS") == ("former-party", "2019-08-02")
    assert status(records, "2024", "USA") == ("withdrawn", "2019-08-02")
    assert bound(records, "2024") == []


def test_termination_nothing_pending_takes_effect_after_it_vclt_70():
    records = [
        *BASE,
        act("t.rus.wd", "withdrawal", "2019-01-01", ["RUS"], "t", effective="2020-01-01"),
        act("t.end", "termination", "2019-06-01", ["USA"], "t"),
    ]
    assert status(records, "2021", "RUS") == ("former-party", "2019-06-01")


# Entry into force for each state (VCLT arts. 2(1)(f)-(g), 24(3))

OPEN = treaty(final_clauses={"in_force_for_later_consent_after": "P60D",
                             "articles": "Art. XVII"})  # fmt: skip


def test_entry_into_force_for_a_later_state_after_the_delay_its_treaty_sets_vclt_24_3():
    records = [OPEN, *BASE[1:], act("t.fin", "accession", "2002-12-12", ["FIN"], "t")]
    assert status(records, "2002-12-31", "FIN") == ("contracting", "2002-12-12")
    assert status(records, "2003-02-10", "FIN") == ("party", "2003-02-10")
    assert "FIN" not in bound(records, "2003-02-09") and "FIN" in bound(records, "2003-02-10")


def test_entry_into_force_for_a_later_state_on_the_depositary_date_vclt_24_3():
    no_delay = [treaty(), *BASE[1:]]
    records = [
        *no_delay,
        act("t.fin", "accession", "2002-12-12", ["FIN"], "t"),
        act("t.fin.eif", "entry-into-force", "2003-03-01", ["FIN"], "t"),
    ]  # fmt: skip
    assert status(records, "2003-02-20", "FIN") == ("party", "2002-12-12")  # no delay set
    with_delay = [OPEN, *records[1:]]
    assert status(with_delay, "2003-02-20", "FIN") == ("party", "2003-02-10")  # the earlier
    earlier = [OPEN, *records[1:-1], act("t.fin.eif", "entry-into-force", "2003-01-15",
                                         ["FIN"], "t")]  # fmt: skip
    assert status(earlier, "2003-01-20", "FIN") == ("party", "2003-01-15")


def test_entry_into_force_an_imprecise_deposit_leaves_the_day_indeterminate():
    records = [OPEN, *BASE[1:], act("t.swe", "accession", "2002-03", ["SWE"], "t")]
    result = replay(entries(*records), parse_as_of("2002-05-15"))
    assert [(i.id, i.phase, i.date) for i in result.indeterminate] == [
        ("t.swe", "in-force-for", "2002-04-30/2002-05-30")
    ]


def test_entry_into_force_early_ratifiers_become_parties_on_it_vclt_24_1():
    records = [OPEN, BASE[1], act("t.deu", "ratification", "1990-06-01", ["DEU"], "t"), BASE[2]]
    assert status(records, "1990-12", "DEU") == ("contracting", "1990-06-01")
    assert status(records, "1991-01-01", "DEU") == ("party", "1991-01-01")


def test_provisional_application_is_not_entry_into_force_vclt_25():
    records = [
        treaty(), act("t.sig", "signature", "2010-04-08", ["USA", "RUS"], "t"),
        act("t.rus.pa", "provisional-application", "2010-05-01", ["RUS"], "t"),
    ]  # fmt: skip
    assert status(records, "2010-06", "RUS") == ("provisionally-applying", "2010-05-01")
    assert state_of(records, "2010-06").status.value == "adopted"


# Withdrawal and notice (VCLT arts. 54, 56, 65-67)


def test_withdrawal_without_effective_date_takes_effect_at_the_end_of_its_period_vclt_56():
    records = [
        treaty(final_clauses={"withdrawal_takes_effect_after": "P6M"}), *BASE[1:],
        act("t.usa.wd", "withdrawal", "2019-02-02", ["USA"], "t"),
    ]  # fmt: skip
    assert status(records, "2019-08-01", "USA") == ("withdrawing", "2019-02-02")
    assert status(records, "2019-08-02", "USA") == ("withdrawn", "2019-08-02")


def test_withdrawal_without_effective_date_or_period_takes_effect_on_notice_vclt_56():
    records = [*BASE, act("t.usa.wd", "withdrawal", "1996-06", ["USA"], "t")]
    assert status(records, "2030", "USA") == ("withdrawn", "1996-06")


def test_notice_a_domestic_act_changes_no_status_vclt_67():
    records = [
        *BASE,
        act("t.rus.law", "domestic-act", "2023-05-29", ["RUS"], "t"),
        act("t.rus.wd", "withdrawal", "2023-06-09", ["RUS"], "t", effective="2023-11-07"),
    ]
    assert status(records, "2023-06-01", "RUS") == ("party", "1991-01-01")
    assert status(records, "2023-06-09", "RUS") == ("withdrawing", "2023-06-09")


# Every role held


def test_every_role_held_is_reported():
    records = [
        *BASE,
        act("t.usa.susp", "suspension", "2019-02-02", ["USA"], "t", recipients=["RUS"]),
        act("t.usa.wd", "withdrawal", "2019-02-02", ["USA"], "t", effective="2019-08-02",
            sequence=1),
    ]  # fmt: skip
    row = next(r for r in state_of(records, "2019-03").actors if r.actor == "USA")
    assert row.status.value == "withdrawing"
    assert [(r.status.value, r.act) for r in row.roles][-2:] == [
        ("suspended", "t.usa.susp"), ("withdrawing", "t.usa.wd"),
    ]  # fmt: skip


# Suspension (VCLT art. 60)


def test_suspension_toward_named_parties_only_vclt_60():
    records = [
        *BASE,
        act("t.geo", "accession", "1995", ["GEO"], "t"),
        act("t.geo.susp", "suspension", "2012-03-01", ["GEO"], "t", recipients=["RUS"]),
    ]
    row = next(r for r in state_of(records, "2013").actors if r.actor == "GEO")
    assert (row.status.value, row.toward) == ("suspended", ["RUS"])
    assert "GEO" in bound(records, "2013")  # still bound toward the other parties


def test_suspension_toward_all_parties_releases_vclt_60():
    records = [*BASE, act("t.rus.susp", "suspension", "2007-07-14", ["RUS"], "t",
                          effective="2007-12-12")]  # fmt: skip
    assert bound(records, "2007-12-11") == ["RUS", "USA"]
    assert bound(records, "2007-12-12") == ["USA"]


# Contested acts (VCLT arts. 46-53, 60, 65; UN General Assembly resolutions)

CONTEST = {"by": ["UKR", "UN"], "grounds": "annexation by force", "sources": [SOURCE]}


def test_contested_acts_carry_who_contests_them():
    annexed = act("a.rus", "annexation", "2014-03-18", ["RUS"], territory="Crimea",
                  contested=CONTEST)  # fmt: skip
    (claim,) = replay(entries(annexed), parse_as_of("2014-04")).claims
    assert (claim.claimant, claim.contested_by) == ("RUS", ["UKR", "UN"])
    suspended = [*BASE, act("t.rus.susp", "suspension", "2007-07-14", ["RUS"], "t",
                            contested={**CONTEST, "by": ["NATO"]})]  # fmt: skip
    row = next(r for r in state_of(suspended, "2008").actors if r.actor == "RUS")
    assert row.contested_by == ["NATO"]


# Political instruments: participating States; admission; readmission


def test_political_instruments_have_participating_states_not_parties():
    hfa = build_instrument("hfa", "political", [dict(LIMIT)])
    records = [hfa, act("hfa.sig", "signature", "1975-08-01", ["USA", "SUN"], "hfa")]
    assert status(records, "1980", "USA", "hfa") == ("participating", "1975-08-01")
    assert bound(records, "1980", "limit", "hfa") == ["SUN", "USA"]


def test_admission_accepts_the_organisations_commitments_in_effect():
    def osce(instrument_id):
        data = build_instrument(instrument_id, "political", [dict(LIMIT)]).model_dump(
            mode="json", exclude_none=True
        )
        return Instrument.model_validate({**data, "organisation": "OSCE"})

    records = [
        osce("hfa"), osce("paris"),
        act("hfa.sig", "signature", "1975-08-01", ["USA"], "hfa"),
        act("paris.sig", "signature", "1990-11-21", ["USA"], "paris"),
        act("hfa.ukr", "acceptance", "1992-01-30", ["UKR"], "hfa"),
    ]  # fmt: skip
    assert status(records, "1992-02", "UKR", "paris") == ("participating", "1992-01-30")


def test_a_suspended_participant_can_be_readmitted():
    hfa = build_instrument("hfa", "political", [dict(LIMIT)])
    records = [
        hfa, act("hfa.sig", "signature", "1975-08-01", ["USA", "SRB"], "hfa"),
        act("hfa.srb.susp", "suspension", "1992-07-08", ["SRB"], "hfa"),
        act("hfa.srb.back", "readmission", "2000-11-10", ["SRB"], "hfa"),
    ]  # fmt: skip
    assert status(records, "1999", "SRB", "hfa") == ("suspended", "1992-07-08")
    assert status(records, "2001", "SRB", "hfa") == ("participating", "2000-11-10")
    assert "SRB" in bound(records, "2001", "limit", "hfa")


def test_readmission_admits_to_the_organisations_commitments_in_effect():
    def osce(instrument_id):
        data = build_instrument(instrument_id, "political", [dict(LIMIT)]).model_dump(
            mode="json", exclude_none=True
        )
        return Instrument.model_validate({**data, "organisation": "OSCE"})

    records = [
        osce("hfa"), osce("vd"),
        act("hfa.sig", "signature", "1975-08-01", ["USA", "SRB"], "hfa"),
        act("vd.adoption", "adoption", "1999-11-16", ["USA"], "vd"),
        act("hfa.srb.susp", "suspension", "1992-07-08", ["SRB"], "hfa"),
        act("hfa.srb.back", "readmission", "2000-11-10", ["SRB"], "hfa"),
        act("hfa.mne", "signature", "2006-06-21", ["MNE"], "hfa"),  # admitted by signing
    ]  # fmt: skip
    assert status(records, "2001", "SRB", "vd") == ("participating", "2000-11-10")
    assert status(records, "2007", "MNE", "vd") == ("participating", "2006-06-21")


def test_suspension_toward_all_widens_one_toward_named_parties_vclt_60():
    records = [
        *BASE,
        act("t.deu", "accession", "1995", ["DEU"], "t"),
        act("t.usa.cm", "suspension", "2011-11-22", ["USA"], "t", recipients=["RUS"]),
        act("t.usa.all", "suspension", "2023-11-07", ["USA"], "t", effective="2023-12-07"),
    ]
    row = next(r for r in state_of(records, "2023-12").actors if r.actor == "USA")
    assert (row.status.value, row.since, row.toward) == ("suspended", "2023-12-07", [])
    assert "USA" not in bound(records, "2023-12")
    assert "USA" in bound(records, "2023-11")  # toward Russia only until then


def test_demands_under_an_instrument_in_force_give_no_roles_vclt_34():
    records = [*BASE, act("t.nato.demands", "demands", "2014-03-02", ["NATO"], "t",
                          recipients=["RUS"])]  # fmt: skip
    item = state_of(records, "2014-04")
    assert {r.actor: r.status.value for r in item.actors} == {"RUS": "party", "USA": "party"}


def test_suspension_toward_the_only_other_party_releases_vclt_60():
    records = [*BASE, act("t.rus.susp", "suspension", "2023-02-21", ["RUS"], "t",
                          recipients=["USA"], effective="2023-02-28")]  # fmt: skip
    assert bound(records, "2023-02-27") == ["RUS", "USA"]
    assert bound(records, "2023-03") == ["USA"]


def test_a_suspension_toward_a_party_that_has_left_lapses_vclt_60():
    records = [
        *BASE,
        act("t.deu", "accession", "1995", ["DEU"], "t"),
        act("t.usa.cm", "suspension", "2011-11-22", ["USA"], "t", recipients=["RUS"]),
        act("t.rus.wd", "withdrawal", "2023-06-09", ["RUS"], "t", effective="2023-11-07"),
    ]
    assert status(records, "2023-11-06", "USA")[0] == "suspended"
    assert status(records, "2023-11-07", "USA") == ("party", "1991-01-01")


def test_a_courts_order_binds_the_parties_to_the_case_icj_statute_41_59():
    order = build_instrument(
        "o", "judicial",
        [{"id": "halt", "type": "restraint", "summary": "suspend operations",
          "obligors": ["RUS"]}],
    )  # fmt: skip
    issued = act("o.adoption", "adoption", "2022-03-16", ["UN"], "o", recipients=["RUS", "UKR"])
    item = state_of([order, issued], "2022-04", "o")
    assert item.status.value == "adopted" and item.actors == []  # the court is no participant
    assert item.provisions[0].bound == ["RUS"]


def test_a_suspension_in_part_releases_only_that_provision_vclt_60():
    two = treaty(provisions=[LIMIT, {"id": "inspect", "type": "verification",
                                     "summary": "inspections", "obligors": "parties"}])
    records = [
        two, *BASE[1:],
        act("t.rus.insp", "suspension", "2022-08-08", ["RUS"], "t", recipients=["USA"],
            provision="inspect"),
        act("t.rus.all", "suspension", "2023-02-21", ["RUS"], "t", recipients=["USA"],
            effective="2023-02-28"),
    ]  # fmt: skip
    assert bound(records, "2022-09", "inspect") == ["USA"]
    assert bound(records, "2022-09", "limit") == ["RUS", "USA"]  # the rest still binds
    assert bound(records, "2023-03", "limit") == ["USA"]
    row = next(r for r in state_of(records, "2023-03").actors if r.actor == "RUS")
    assert (row.since, row.roles[-1].provision) == ("2023-02-28", None)
