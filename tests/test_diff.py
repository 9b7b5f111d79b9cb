"""ledger diff: changes between two valid days of the shipped record, with their causes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from treaty_ledger.cli.main import main


@pytest.fixture(scope="module")
def invoke(tmp_path_factory):
    store = str(tmp_path_factory.mktemp("diff") / "ledger.db")
    runner = CliRunner()
    assert runner.invoke(main, ["import", "--shipped", "--store", store]).exit_code == 0
    return lambda *args: runner.invoke(main, [*args, "--store", store])


def changes(invoke, start, end):
    result = invoke("diff", "--from", start, "--to", end, "--json")
    assert result.exit_code == 0, result.output
    return {(c["kind"], c["instrument"] or c["territory"], c["actor"], c["act"])
            for c in json.loads(result.output)["changes"]}  # fmt: skip


def test_inf_in_2019_termination_releases_every_party_vclt_70(invoke):
    # Russia suspended in March, but by December the termination had released it and the
    # successor parties Belarus, Kazakhstan and Ukraine (VCLT art. 70(1)(a)).
    assert changes(invoke, "2019-01", "2019-12") == {
        ("left", "inf-1987", "USA", "inf-1987.usa.withdrawal"),
        *(("released", "inf-1987", code, "inf-1987.termination")
          for code in ("BLR", "KAZ", "RUS", "UKR")),
        ("terminated", "inf-1987", None, "inf-1987.termination"),
    }
    assert ("suspended", "inf-1987", "RUS", "inf-1987.rus.suspension") in changes(
        invoke, "2019-01", "2019-06"
    )


def test_cfe_suspension_and_crimea(invoke):
    assert ("suspended", "cfe-1990", "RUS", "cfe-1990.rus.suspension") in changes(
        invoke, "2007-07", "2007-12"
    )
    crimea = changes(invoke, "2014-03-17", "2014-03-31")
    assert (
        "claimed",
        "Crimea",
        "RUS",
        "crimea-accession-treaty-2014.rus.annexation.crimea",
    ) in crimea


def test_a_suspension_toward_a_party_that_left_lapses_and_the_role_resumes_vclt_60(invoke):
    # The allies' 2011 suspensions toward Russia lapse when its withdrawal takes effect:
    # Spain is a party again, from its old day, because of Russia's act, not the
    # treaty's entry into force.
    found = changes(invoke, "2023-11-06", "2023-11-07")
    assert ("resumed", "cfe-1990", "ESP", "cfe-1990.rus.denunciation") in found
    assert not any(kind == "entered" for kind, *_ in found)


def test_nato_enlargement_and_the_ussr(invoke):
    finland = changes(invoke, "2023-04-03", "2023-04-04")
    accession = "north-atlantic-treaty-1949.fin.accession"
    assert ("entered", "north-atlantic-treaty-1949", "FIN", accession) in finland
    succession = changes(invoke, "1991-12-25", "1991-12-26")
    assert ("succeeded", "inf-1987", "SUN", "sun-1991.rus.succession") in succession


def test_text_and_errors(invoke):
    text = invoke("diff", "--from", "2020-05", "--to", "2020-12")
    assert (
        "left                 open-skies-1992 USA: withdrawing since 2020-05-22 -> withdrawn "
        in (text.output)
    )
    same = invoke("diff", "--from", "2020", "--to", "2020")
    assert same.exit_code == 2 and "--to 2020 is not after --from 2020" in same.output
    quiet = invoke("diff", "--from", "1960-01-01", "--to", "1960-01-02")
    assert "No change in status." in quiet.output


def profile(invoke, code, as_of):
    result = invoke("actor", code, "--as-of", as_of, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_nato_members_come_from_accessions(invoke):
    assert len(profile(invoke, "NATO", "2023-04-03")["members"]) == 30
    in_2024 = profile(invoke, "NATO", "2024-06")
    assert len(in_2024["members"]) == 32 and {"FIN", "SWE"} <= set(in_2024["members"])
    pledges = {ref["provision"] for ref in in_2024["bound_by"]}
    assert "nato-force-posture" in pledges


def test_russia_and_the_ussr(invoke):
    russia = profile(invoke, "RUS", "2014-12")
    statuses = {item["instrument"]: item["status"] for item in russia["instruments"]}
    assert statuses["cfe-1990"] == "suspended" and statuses["open-skies-1992"] == "party"
    assert "inf-1987.usa.alleged-violation.2014" in russia["violations_alleged_against"]
    assert "european-security-treaty-draft.rus.proposal" in russia["demands_made"]
    ussr = profile(invoke, "SUN", "1990")
    assert ussr["kind"] == "former-state" and ussr["continued_by"] is None
    assert {"inf-1987", "cfe-1990"} <= {item["instrument"] for item in ussr["instruments"]}
    yalta = {ref["provision"] for ref in profile(invoke, "RUS", "1992")["in_favour_of"]
             if ref["instrument"] == "yalta-1945"}  # fmt: skip
    assert yalta  # the three powers' undertakings owed to the USSR are owed to Russia
    after = profile(invoke, "SUN", "1992")
    assert after["continued_by"] == ["RUS"] and after["instruments"] == []


def test_actor_errors(invoke):
    bad = invoke("actor", "Russia", "--as-of", "2014")
    assert bad.exit_code == 2 and "'Russia' is not an actor code" in bad.output
