"""The law of treaties on the shipped record: the cases of issue 12, one test per rule.

Each test is named after the rule and its source (the Vienna Convention on the
Law of Treaties, VCLT 1969, unless an instrument's own article is named) and
asks the shipped record (``fixtures.SHIPPED``) a question whose answer the
depositary's record or an official text gives. Made-up records for the same
rules are in ``test_law_of_treaties.py``.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from builders import shipped_entries

from treaty_ledger.ledger.dates import parse_as_of
from treaty_ledger.ledger.model import Act
from treaty_ledger.ledger.vocabulary import ActType
from treaty_ledger.projections.profile import profile
from treaty_ledger.projections.replay import replay
from treaty_ledger.projections.timeline import timeline


@pytest.fixture(scope="module")
def shipped():
    return shipped_entries()


@pytest.fixture(scope="module")
def acts(shipped):
    return [entry.record for entry in shipped if isinstance(entry.record, Act)]


def instrument_as_of(entries, as_of, instrument_id):
    found = [i for i in replay(entries, parse_as_of(as_of)).instruments if i.id == instrument_id]
    assert found, f"{instrument_id} not replayed as of {as_of}"
    return found[0]


def status(entries, as_of, instrument_id, actor):
    """(status, since, toward) of ``actor`` toward the instrument, or None without a role."""
    for row in instrument_as_of(entries, as_of, instrument_id).actors:
        if row.actor == actor:
            return row.status.value, row.since, sorted(row.toward)
    return None


def bound(entries, as_of, instrument_id):
    """Provision id -> the actors it binds as of the day."""
    found = instrument_as_of(entries, as_of, instrument_id)
    return {p.id: set(p.bound) for p in found.provisions}


def test_demands_and_communiques_bind_only_who_consents_vclt_arts_11_34_35(shipped, acts):
    ukraine = profile(shipped, "UKR", parse_as_of("2024-06"))
    bound_by = {(p.instrument, p.provision) for p in ukraine.bound_by}
    demanded = {(p.instrument, p.provision) for p in ukraine.demanded_of}
    conditions = {
        ("russia-conditions-2024-06", pid)
        for pid in (
            "withdraw-from-four-regions",
            "renounce-nato-membership",
            "recognise-territories-as-russian",
            "non-aligned-non-nuclear-status",
        )
    }
    assert conditions <= demanded
    assert not {i for i, _ in bound_by} & {"russia-conditions-2024-06"}

    united_states = profile(shipped, "USA", parse_as_of("2024-06"))
    assert ("russia-conditions-2024-06", "lift-sanctions") in {
        (p.instrument, p.provision) for p in united_states.demanded_of
    }
    assert "russia-conditions-2024-06" not in {p.instrument for p in united_states.bound_by}

    took_part = {
        actor
        for act in acts
        if act.instrument == "peace-summit-communique-2024"
        and act.type in (ActType.ADOPTION, ActType.SIGNATURE, ActType.ACCEPTANCE)
        for actor in act.actors
    }
    assert "UKR" in took_part and "RUS" not in took_part
    for provision, actors in bound(shipped, "2024-06", "peace-summit-communique-2024").items():
        assert actors <= took_part, provision
    russia = profile(shipped, "RUS", parse_as_of("2024-06"))
    assert "peace-summit-communique-2024" not in {p.instrument for p in russia.bound_by}


def test_termination_releases_every_party_vclt_art_70(shipped):
    assert status(shipped, "2019-08-01", "inf-1987", "UKR")[0] == "party"
    ended = instrument_as_of(shipped, "2019-08-02", "inf-1987")
    assert (ended.status.value, ended.since) == ("terminated", "2019-08-02")
    for actor in ("BLR", "KAZ", "UKR", "RUS"):
        assert status(shipped, "2019-08-02", "inf-1987", actor)[0] == "former-party", actor
    assert all(not p.bound for p in ended.provisions)

    ukraine = profile(shipped, "UKR", parse_as_of("2024-06"))
    assert "inf-1987" not in {p.instrument for p in ukraine.bound_by}
    assert "inf-1987" not in {p.instrument for p in ukraine.in_favour_of}


@pytest.mark.parametrize(
    ("state", "deposit", "in_force_for_it"),
    [
        ("BIH", "2003-08-21", "2003-10-20"),
        ("LVA", None, None),
        ("EST", None, None),
        ("LTU", None, None),
        ("SVN", None, None),
        ("HRV", None, None),
    ],
)
def test_later_consent_makes_a_party_only_on_entry_into_force_for_it_vclt_art_24_3(
    shipped, acts, state, deposit, in_force_for_it
):
    """Open Skies art. XVII: an acceding state is contracting from its deposit, party 60 days on."""
    code = state.lower()
    accession = next(a for a in acts if a.id == f"open-skies-1992.{code}.accession")
    in_force = next(a for a in acts if a.id == f"open-skies-1992.{code}.entry-into-force")
    if deposit is not None:  # the depositary's days, as the Dutch status table gives them
        assert (accession.date, in_force.date) == (deposit, in_force_for_it)
    day_before = in_force.valid_time.earliest - timedelta(days=1)
    assert status(shipped, accession.date, "open-skies-1992", state) == (
        "contracting",
        accession.date,
        [],
    )
    assert status(shipped, day_before.isoformat(), "open-skies-1992", state)[0] == "contracting"
    assert status(shipped, in_force.date, "open-skies-1992", state) == ("party", in_force.date, [])
    flights = "observation-flights"
    assert state not in bound(shipped, day_before.isoformat(), "open-skies-1992")[flights]
    assert state in bound(shipped, in_force.date, "open-skies-1992")[flights]


def test_a_disputed_deposit_leaves_the_days_in_doubt_undecided_vclt_art_24_3(shipped):
    """Finland's deposit: 12 December 2002 (Dutch table) or 13 December (Finland's database)."""
    assert status(shipped, "2002-12-11", "open-skies-1992", "FIN") is None
    assert status(shipped, "2003-01", "open-skies-1992", "FIN")[0] == "contracting"
    assert status(shipped, "2003-02-12", "open-skies-1992", "FIN")[0] == "party"
    undecided = replay(shipped, parse_as_of("2002-12-12")).indeterminate
    assert "open-skies-1992.fin.accession" in {i.id for i in undecided}


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2023-05-29", ("suspended", "2007-12-12")),  # the denunciation law: not the notice
        ("2023-06-08", ("suspended", "2007-12-12")),
        ("2023-06-09", ("withdrawing", "2023-06-09")),  # notice to the depositary
        ("2023-11-06", ("withdrawing", "2023-06-09")),
        ("2023-11-07", ("withdrawn", "2023-11-07")),  # 150 days on, CFE art. XIX(2)
    ],
)
def test_withdrawal_runs_from_the_notice_to_the_depositary_vclt_arts_65_67(
    shipped, as_of, expected
):
    assert status(shipped, as_of, "cfe-1990", "RUS")[:2] == expected


def test_a_suspension_the_treaty_does_not_provide_for_is_contested_vclt_arts_60_65(shipped):
    found = instrument_as_of(shipped, "2010", "cfe-1990")
    russia = next(row for row in found.actors if row.actor == "RUS")
    assert (russia.status.value, russia.since) == ("suspended", "2007-12-12")
    assert {"NATO"} <= set(russia.contested_by)


def test_entry_into_force_on_the_exchange_of_ratifications_vclt_art_24(shipped):
    """New START: instruments exchanged in Munich on 5 February 2011."""
    assert status(shipped, "2011-02-04", "new-start-2010", "USA")[0] == "contracting"
    assert status(shipped, "2011-02-04", "new-start-2010", "RUS")[0] == "contracting"
    for actor in ("USA", "RUS"):
        assert status(shipped, "2011-02-05", "new-start-2010", actor) == ("party", "2011-02-05", [])
    assert status(shipped, "2024-06", "new-start-2010", "RUS")[0] == "suspended"
    assert status(shipped, "2024-06", "new-start-2010", "RUS")[2] == ["USA"]
    usa = status(shipped, "2024-06", "new-start-2010", "USA")
    assert usa == ("suspended", "2023-06-01", ["RUS"])
    assert instrument_as_of(shipped, "2024-06", "new-start-2010").status.value == "in-force"


def test_an_endorsement_binds_no_one_who_did_not_consent_vclt_art_34(shipped, acts):
    """UN Security Council resolution 2202 (2015) endorses the Minsk package."""
    endorsed = next(a for a in acts if a.id == "minsk-package-2015.un.endorsement")
    assert endorsed.type is ActType.ENDORSEMENT
    assert (endorsed.date, endorsed.actors) == ("2015-02-17", ["UN"])
    assert status(shipped, "2016", "minsk-package-2015", "UN") is None
    for provision, actors in bound(shipped, "2016", "minsk-package-2015").items():
        assert not actors & {"UN", "FRA", "DEU"}, provision


def test_accession_makes_a_party_from_the_deposit_north_atlantic_treaty_art_10(shipped):
    """Finland applied on 18 May 2022 (no status) and deposited its accession on 4 April 2023."""
    assert status(shipped, "2022-06", "north-atlantic-treaty-1949", "FIN") is None
    assert status(shipped, "2023-04-03", "north-atlantic-treaty-1949", "FIN") is None
    assert status(shipped, "2023-04-04", "north-atlantic-treaty-1949", "FIN") == (
        "party",
        "2023-04-04",
        [],
    )
    article_5 = bound(shipped, "2023-04-04", "north-atlantic-treaty-1949")[
        "art5-collective-defence"
    ]
    assert "FIN" in article_5


def test_annexation_by_force_is_recorded_as_contested_vclt_art_52(shipped):
    claims = {c.territory: c for c in replay(shipped, parse_as_of("2022-10-13")).claims}
    for territory in ("Crimea", "Sevastopol"):
        assert {"UKR", "UN"} <= set(claims[territory].contested_by), territory
    for territory in ("Donetsk region", "Luhansk region", "Zaporizhzhia region", "Kherson region"):
        assert {"UKR", "UN", "NATO"} <= set(claims[territory].contested_by), territory


def test_a_suspension_toward_every_party_releases_the_suspending_state_vclt_art_60(shipped):
    """The allied 2023 CFE suspensions run toward every party, after the 2011 ones toward Russia."""
    assert status(shipped, "2024-06-30", "cfe-1990", "RUS")[:2] == ("withdrawn", "2023-11-07")
    assert status(shipped, "2024-06-30", "cfe-1990", "USA") == ("suspended", "2023-12-07", [])
    assert "USA" not in bound(shipped, "2024-06-30", "cfe-1990")["ceilings"]


def test_russia_is_bound_by_the_un_charter_as_the_ussrs_continuation_art_2_4(shipped):
    """The Charter entered into force on 1945-10-24 (art. 110(3)); Russia continues the USSR."""
    assert "RUS" in bound(shipped, "2022-02-24", "un-charter-1945")["art2-4-non-use-of-force"]


def test_the_icj_order_of_march_2022_binds_both_parties_to_the_case(shipped):
    measures = bound(shipped, "2022-06", "icj-provisional-measures-ukr-rus-2022")
    assert measures["suspend-military-operations"] == {"RUS"}
    assert measures["non-aggravation"] == {"RUS", "UKR"}


def test_a_partial_suspension_runs_from_the_day_of_the_notice_vclt_art_60(shipped):
    """Russia's New START inspection exemption: notified to the United States on 8 August 2022."""
    assert status(shipped, "2022-08-07", "new-start-2010", "RUS") == ("party", "2011-02-05", [])
    assert status(shipped, "2022-08-08", "new-start-2010", "RUS") == (
        "suspended",
        "2022-08-08",
        ["USA"],
    )
    provisions = bound(shipped, "2022-08-08", "new-start-2010")
    assert "RUS" not in provisions["inspections"]
    assert "RUS" in provisions["notifications-and-data"]


def test_a_political_instrument_binds_its_participants_from_the_day_it_is_signed(shipped):
    """The Minsk Memorandum is dated 19 September 2014, the day the OSCE says it was signed."""
    before = replay(shipped, parse_as_of("2014-09-18")).instruments
    assert "minsk-memorandum-2014" not in {i.id for i in before}
    for actor in ("UKR", "RUS", "OSCE"):
        assert status(shipped, "2014-09-19", "minsk-memorandum-2014", actor) == (
            "participating",
            "2014-09-19",
            [],
        )
    undecided = replay(shipped, parse_as_of("2014-09-19")).indeterminate
    assert "minsk-memorandum-2014.signature" not in {i.id for i in undecided}


@pytest.mark.parametrize("state", ["BEL", "NLD", "LUX", "BGR", "ROU"])
def test_the_allied_cfe_suspensions_of_2023_run_toward_every_party_vclt_art_62(shipped, state):
    """The Benelux statement and the Bulgarian and Romanian decisions of 7 November 2023."""
    before = status(shipped, "2023-11-06", "cfe-1990", state)
    assert (before[0], before[2]) == ("suspended", ["RUS"])
    assert status(shipped, "2024-01", "cfe-1990", state) == ("suspended", "2023-11-07", [])
    assert state not in bound(shipped, "2024-01", "cfe-1990")["ceilings"]


@pytest.mark.parametrize(
    ("state", "notice", "effective"),
    [
        ("GBR", "2023-11-07", "2023-12-07"),  # Spain's Official Gazette, BOE-A-2024-7905
        ("PRT", "2023-11-24", "2024-02-29"),  # Aviso n.º 25/2024
    ],
)
def test_a_suspension_takes_effect_on_the_day_its_notice_sets_vclt_arts_65_72(
    shipped, state, notice, effective
):
    """Until then it is a party: its 2011 suspension toward Russia lapsed with Russia's exit."""
    day_before = (date.fromisoformat(effective) - timedelta(days=1)).isoformat()
    assert status(shipped, notice, "cfe-1990", state) == ("party", "1992-11-09", [])
    assert status(shipped, day_before, "cfe-1990", state) == ("party", "1992-11-09", [])
    assert status(shipped, effective, "cfe-1990", state) == ("suspended", effective, [])


def test_a_law_authorising_a_suspension_is_not_the_suspension_vclt_art_67(shipped):
    """Hungary's parliament voted the CFE suspension on 10 April 2024; no notice was found."""
    assert status(shipped, "2024-06", "cfe-1990", "HUN") == ("party", "1992-11-09", [])
    assert "HUN" in bound(shipped, "2024-06", "cfe-1990")["ceilings"]


def test_a_suspension_known_only_to_fall_between_two_days_is_undecided_between_them(shipped):
    """The Dutch 2011 step toward Russia: after 22 November, by the letter of 15 December 2011."""
    assert status(shipped, "2011-11-21", "cfe-1990", "NLD") == ("party", "1992-11-09", [])
    undecided = replay(shipped, parse_as_of("2011-12-01")).indeterminate
    assert "cfe-1990.nld.suspension.2011" in {i.id for i in undecided}
    assert status(shipped, "2011-12-15", "cfe-1990", "NLD")[::2] == ("suspended", ["RUS"])
    assert status(shipped, "2011-12-01", "cfe-1990", "BEL")[::2] == ("suspended", ["RUS"])


def test_a_decree_suspending_a_treaty_at_home_is_not_the_notice_vclt_arts_65_67(shipped, acts):
    """Kazakhstan's presidential decree of 17 November 2025: no notice to the depositary found."""
    decree = next(a for a in acts if a.id == "cfe-1990.kaz.domestic-act.2025")
    assert (decree.type, decree.date, decree.actors) == (
        ActType.DOMESTIC_ACT,
        "2025-11-17",
        ["KAZ"],
    )
    assert not [
        a
        for a in acts
        if a.instrument == "cfe-1990" and "KAZ" in a.actors and a.type is ActType.SUSPENSION
    ]
    assert status(shipped, "2025-12", "cfe-1990", "KAZ") == ("party", "1992-11-09", [])
    assert "KAZ" in bound(shipped, "2025-12", "cfe-1990")["ceilings"]


def test_a_restraint_declared_after_termination_revives_no_obligation_vclt_art_70(shipped, acts):
    """New START expired on 5 February 2026; Washington declined Moscow's offer to keep its limits
    that day, and on 11 February Lavrov said Russia would keep them while the United States did."""
    after = timeline(shipped, instrument="new-start-2010", start=date(2026, 2, 5))
    assert [(a.id, a.type) for a in after.acts] == [
        ("new-start-2010.termination", ActType.TERMINATION),
        ("new-start-2010.usa.rejection.2026", ActType.REJECTION),
        ("new-start-2010.rus.self-restraint.2026", ActType.SELF_RESTRAINT),
    ]
    restraint = next(a for a in acts if a.id == "new-start-2010.rus.self-restraint.2026")
    assert (restraint.date, restraint.provision) == ("2026-02-11", "central-limits")
    ended = instrument_as_of(shipped, "2026-02-11", "new-start-2010")
    assert (ended.status.value, ended.since) == ("terminated", "2026-02-05")
    assert bound(shipped, "2026-02-11", "new-start-2010")["central-limits"] == set()
    for actor in ("RUS", "USA"):
        assert status(shipped, "2026-02-11", "new-start-2010", actor)[:2] == (
            "former-party",
            "2026-02-05",
        )
    russia = profile(shipped, "RUS", parse_as_of("2026-02-11"))
    assert "new-start-2010" not in {p.instrument for p in russia.bound_by}


@pytest.mark.parametrize(
    ("state", "member_since"),
    [("BLR", "1945-10-24"), ("UKR", "1945-10-24"), ("GEO", "1992-07-31"), ("MDA", "1992-03-02")],
)
def test_un_members_are_bound_by_the_charter_charter_arts_4_110(shipped, state, member_since):
    """An original Member from the Charter's entry into force, an admitted one from admission."""
    assert status(shipped, "2022-12", "un-charter-1945", state)[:2] == ("party", member_since)
    assert state in bound(shipped, "2022-12", "un-charter-1945")["art2-4-non-use-of-force"]
    charter = {p.instrument for p in profile(shipped, state, parse_as_of("2022-12")).bound_by}
    assert "un-charter-1945" in charter
