"""ledger export: real values of the shipped record, in each format, with fixed columns."""

from __future__ import annotations

import csv
import io
import json

import pytest
from builders import shipped_size
from click.testing import CliRunner

from treaty_ledger.cli.main import main
from treaty_ledger.projections.exports import ROW_MODELS


@pytest.fixture(scope="module")
def runner(tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")
    store = str(folder / "ledger.db")
    runner = CliRunner()
    assert runner.invoke(main, ["import", "--shipped", "--store", store]).exit_code == 0
    return lambda *args: runner.invoke(main, [*args, "--store", store])


def rows(invoke, name, as_of, *extra):
    result = invoke("export", name, "--as-of", as_of, "--format", "csv", *extra)
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.output)))


def test_open_skies_parties_as_of_december_2021(runner):
    table = rows(runner, "status", "2021-12")
    open_skies = {r["actor"]: r["status"] for r in table if r["instrument"] == "open-skies-1992"}
    assert open_skies["USA"] == "withdrawn" and open_skies["RUS"] == "withdrawn"
    # 34 states parties less the two withdrawn: 32. Georgia's suspension toward Russia (2012)
    # lapsed when Russia's withdrawal took effect on 2021-12-18 (VCLT art. 60).
    assert open_skies["GEO"] == "party"
    assert sum(status == "party" for status in open_skies.values()) == 32
    assert {"FIN", "SWE", "DEU", "UKR", "BLR"} <= {a for a, s in open_skies.items() if s == "party"}


def test_founding_act_pledge_binds_nato_and_its_members_through_it_as_of_march_2014(runner):
    table = rows(runner, "provisions", "2014-03")
    pledge = [(r["actor"], r["through"]) for r in table if r["provision"] == "nato-force-posture"]
    assert pledge[0] == ("NATO", "")
    members = {actor for actor, through in pledge[1:] if through == "NATO"}
    assert len(members) == 28 and {"USA", "POL", "ALB", "HRV"} <= members
    assert "MNE" not in members  # joined in 2017


def test_claims_demands_and_violations(runner):
    claims = {
        (r["territory"], r["claimant"], r["since"]) for r in rows(runner, "claims", "2014-03")
    }
    assert claims == {("Crimea", "RUS", "2014-03-18"), ("Sevastopol", "RUS", "2014-03-18")}
    demands = rows(runner, "demands", "2022-02")
    enlargement = [r for r in demands if r["provision"] == "no-further-enlargement"]
    assert enlargement and json.loads(enlargement[0]["proposers"]) == ["RUS"]
    assert "rejection 2022-01-26 by NATO" in enlargement[0]["responses"]
    violations = rows(runner, "violations", "2019")
    pairs = {(r["accusers"], r["accused"]) for r in violations}
    assert pairs >= {('["USA"]', '["RUS"]'), ('["RUS"]', '["USA"]')}


@pytest.mark.parametrize("name", list(ROW_MODELS))
def test_every_export_has_fixed_columns_and_a_versioned_schema(runner, name):
    result = runner("export", name, "--as-of", "2024", "--format", "csv")
    header = result.output.splitlines()[0].split(",")
    assert header == list(ROW_MODELS[name].model_fields)
    schema = json.loads(CliRunner().invoke(main, ["schema", f"export-{name}"]).output)
    assert schema["$id"] == f"treaty-ledger/export-{name}/v2"
    assert set(schema["properties"]) == set(header)
    document = json.loads(runner("export", name, "--as-of", "2024").output)
    assert document["export"] == name and document["log_size"] == shipped_size()
    assert len(document["root_hash"]) == 64
    ndjson = runner("export", name, "--as-of", "2024", "--format", "ndjson").output.splitlines()
    assert [json.loads(line) for line in ndjson] == document["rows"]


def test_export_known_at_before_the_2022_laws(runner):
    before = rows(runner, "claims", "2022-10-01", "--known-at", "@160")
    after = rows(runner, "claims", "2022-10-01")
    assert len(after) - len(before) == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "everything", "--as-of", "2014"], "'everything' is not one of"),
        (["export", "status"], "Missing option '--as-of'"),
        (["export", "status", "--as-of", "2014", "--format", "xml"], "'xml' is not one of"),
        (["export", "status", "--as-of", "2014-13"], "month 13 does not exist"),
    ],
)
def test_export_errors(runner, args, message):
    result = runner(*args)
    assert result.exit_code == 2
    assert message in result.output


def test_acts_as_plover_records(runner):
    result = runner("export", "acts", "--as-of", "2024", "--format", "plover")
    assert result.exit_code == 0, result.output
    records = {r["id"]: r for r in map(json.loads, result.output.splitlines())}
    draft = records["european-security-treaty-draft.rus.proposal"]
    assert (draft["event"], draft["mode"], draft["date"]) == (["AGREE"], None, "2008-06-05")
    assert draft["actor"] == [{"code": "RUS", "sector": "GOV"}]
    assert draft["ledger_legal_nature"] == "draft" and "draft" not in draft["context"]
    accusation = records["inf-1987.usa.alleged-violation.2014"]
    assert (accusation["event"], accusation["mode"]) == (["ACCUSE"], ["allege"])
    assert accusation["recipient"] == [{"code": "RUS", "sector": "GOV"}]
    crimea = records["crimea-accession-treaty-2014.rus.annexation.crimea"]
    assert crimea["event"] == ["COERCE"] and crimea["cite_info"]["title"]
    astana = records["astana-declaration-2010.osce.adoption"]
    assert astana["ledger_date"] == "[2010-12-02,2010-12-03]"
    assert (astana["date"], astana["enddate"]) == ("2010-12-02", "2010-12-03")
    refused = runner("export", "status", "--as-of", "2024", "--format", "plover")
    assert refused.exit_code == 2 and "plover is a format of the acts export" in refused.output
