"""Replays of the shipped record checked against real answers (see ../shared/DOMAIN.md)."""

from __future__ import annotations

import pytest
from builders import shipped_entries

from treaty_ledger.fixtures import shipped_files
from treaty_ledger.ledger.dates import parse_as_of
from treaty_ledger.projections.replay import replay
from treaty_ledger.projections.timeline import timeline


@pytest.fixture(scope="module")
def shipped():
    return shipped_entries()


def state(entries, as_of, instrument_id):
    for found in replay(entries, parse_as_of(as_of)).instruments:
        if found.id == instrument_id:
            return found
    return None


def actor_status(entries, as_of, instrument_id, actor):
    found = state(entries, as_of, instrument_id)
    if found is None:
        return None
    for row in found.actors:
        if row.actor == actor:
            return row.status.value, row.since
    return None


@pytest.mark.parametrize(
    ("as_of", "instrument", "actor", "expected"),
    [
        ("2007-12-11", "cfe-1990", "RUS", "party"),
        ("2007-12-12", "cfe-1990", "RUS", ("suspended", "2007-12-12")),
        ("2014-03", "cfe-1990", "RUS", ("suspended", "2007-12-12")),
        ("2023-11-07", "cfe-1990", "RUS", ("withdrawn", "2023-11-07")),
        ("2011-11-21", "cfe-1990", "USA", "party"),
        # The 2011 suspension toward Russia lapsed with Russia's withdrawal (2023-11-07);
        # the suspension toward every party takes effect on 2023-12-07.
        ("2023-12-06", "cfe-1990", "USA", ("party", "1992-11-09")),
        ("2023-12-07", "cfe-1990", "USA", ("suspended", "2023-12-07")),
        ("2019-06", "inf-1987", "USA", ("withdrawing", "2019-02-02")),
        ("1990", "inf-1987", "SUN", ("party", "1988-06-01")),
        ("1992", "inf-1987", "RUS", "party"),
        ("2020-07", "open-skies-1992", "USA", ("withdrawing", "2020-05-22")),
        ("2020-12", "open-skies-1992", "USA", ("withdrawn", "2020-11-22")),
        ("2014-03", "open-skies-1992", "USA", "party"),
        ("2014-03", "open-skies-1992", "RUS", "party"),
        ("2021-12-17", "open-skies-1992", "RUS", ("withdrawing", "2021-06-18")),
        ("2021-12-18", "open-skies-1992", "RUS", ("withdrawn", "2021-12-18")),
        ("1999-03-11", "north-atlantic-treaty-1949", "POL", None),
        ("1999-03-12", "north-atlantic-treaty-1949", "POL", ("party", "1999-03-12")),
        ("2023-04-04", "north-atlantic-treaty-1949", "FIN", ("party", "2023-04-04")),
        ("2024-03-06", "north-atlantic-treaty-1949", "SWE", None),
        ("2024-03-07", "north-atlantic-treaty-1949", "SWE", ("party", "2024-03-07")),
        ("2010", "cfe-adapted-1999", "RUS", "contracting"),
        ("2008-06-05", "european-security-treaty-draft", "RUS", ("proposer", "2008-06-05")),
    ],
)
def test_actor_status(shipped, as_of, instrument, actor, expected):
    found = actor_status(shipped, as_of, instrument, actor)
    if isinstance(expected, str):
        assert found is not None and found[0] == expected
    else:
        assert found == expected


@pytest.mark.parametrize(
    ("as_of", "instrument", "expected"),
    [
        ("2014-03", "cfe-1990", ("in-force", "1992-11-09")),
        ("2019-06", "inf-1987", ("in-force", "1988-06-01")),
        ("2019-12", "inf-1987", ("terminated", "2019-08-02")),
        ("2014-03", "open-skies-1992", ("in-force", "2002-01-01")),
        ("2001-12", "open-skies-1992", ("adopted", "1992-03-24")),
        ("2014-03", "european-security-treaty-draft", ("draft", "2008-06-05")),
        ("2014-03", "cfe-adapted-1999", ("adopted", "1999-11-19")),
        ("2014-03", "vienna-document-2011", ("adopted", "2011-11-30")),
        ("2014-03", "vienna-document-1999", ("superseded", "2011-11-30")),
        ("1993", "vienna-document-1990", ("superseded", "1992-03-04")),
        ("2014-03", "nato-russia-founding-act-1997", ("adopted", "1997-05-27")),
        ("1997-05-26", "nato-russia-founding-act-1997", None),
        ("2021-12", "russia-nato-security-measures-draft-2021", ("draft", "2021-12-15")),
    ],
)
def test_instrument_status(shipped, as_of, instrument, expected):
    found = state(shipped, as_of, instrument)
    assert ((found.status.value, found.since) if found else None) == expected


def test_crimea_is_claimed_by_russia_from_2014_03_18(shipped):
    def claims(as_of):
        result = replay(shipped, parse_as_of(as_of))
        return {(c.territory, c.claimant, c.since) for c in result.claims}

    assert ("Crimea", "RUS", "2014-03-18") not in claims("2014-03-17")
    assert ("Crimea", "RUS", "2014-03-18") in claims("2014-03")
    later = {territory for territory, claimant, _ in claims("2022-10") if claimant == "RUS"}
    assert {"Crimea", "Sevastopol"} < later
    assert len(later) == 6


def test_astana_declaration_date_is_disputed(shipped):
    on_second = replay(shipped, parse_as_of("2010-12-02"))
    pending = [i for i in on_second.indeterminate if i.instrument == "astana-declaration-2010"]
    assert [(i.date, i.phase) for i in pending] == [("[2010-12-02,2010-12-03]", "date")]
    assert state(shipped, "2010-12-02", "astana-declaration-2010") is None
    assert state(shipped, "2010-12-03", "astana-declaration-2010").status.value == "adopted"


def test_budapest_assurances_bind_the_three_guarantors(shipped):
    memorandum = state(shipped, "2014-03", "budapest-memorandum-1994")
    assurances = [p for p in memorandum.provisions if p.type.value == "assurance"]
    assert assurances
    for provision in assurances:
        assert provision.bound == ["GBR", "RUS", "USA"]
        assert provision.beneficiaries == ["UKR"]


def test_cfe_limits_no_longer_bind_russia_after_its_suspension(shipped):
    def bound(as_of):
        treaty = state(shipped, as_of, "cfe-1990")
        return {actor for provision in treaty.provisions for actor in provision.bound}

    assert "RUS" in bound("2007-12-11")
    assert "RUS" not in bound("2007-12-12")
    assert {"USA", "DEU", "FRA"} < bound("2014-03")


def test_the_ussr_gives_way_to_russia_on_1991_12_26(shipped):
    for instrument in ("inf-1987", "cfe-1990", "helsinki-final-act-1975"):
        assert actor_status(shipped, "1991-12-25", instrument, "SUN") is not None
        assert actor_status(shipped, "1991-12-26", instrument, "SUN") is None
        assert actor_status(shipped, "1991-12-26", instrument, "RUS") is not None


def test_every_act_has_a_source_and_the_timeline_is_ordered(shipped):
    acts = timeline(shipped).acts
    assert len(acts) >= 60
    assert all(act.sources for act in acts)
    keys = [(act.earliest, act.latest) for act in acts]
    assert keys == sorted(keys)


def test_required_instrument_ids_are_shipped(shipped):
    ids = {entry.record.id for entry in shipped if entry.record.record == "instrument"}
    required = {
        "yalta-1945", "north-atlantic-treaty-1949", "helsinki-final-act-1975", "inf-1987",
        "cfe-1990", "cfe-adapted-1999", "vienna-document-1990", "vienna-document-1992",
        "vienna-document-1994", "vienna-document-1999", "vienna-document-2011",
        "open-skies-1992", "budapest-memorandum-1994", "nato-russia-founding-act-1997",
        "istanbul-charter-1999", "astana-declaration-2010", "european-security-treaty-draft",
        "crimea-accession-treaty-2014", "russia-us-security-guarantees-draft-2021",
        "russia-nato-security-measures-draft-2021", "russia-conditions-2024-06",
    }  # fmt: skip
    assert required <= ids


def test_the_readme_names_the_position_before_the_retroactive_laws():
    """The README's --known-at example must point just before the 2022 ratification laws."""
    import re
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    named = {int(n) for n in re.findall(r"--as-of 2022-10-01 --known-at @(\d+)", readme)}
    before = 0
    for path in shipped_files():
        if path.name == "ratification-laws-2022.jsonl":
            break
        with open(path, "rb") as handle:
            before += sum(1 for line in handle if line.strip())
    assert named == {before}
