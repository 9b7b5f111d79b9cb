"""PLOVER export: every record of the shipped record against the manual, and the codebook's choices.

The manual's tables are transcribed by hand in ``plover-manual-1.3.schema.json``
(PLOVER manual, DRAFT Version 1.3, openeventdata/PLOVER PLOVER_MANUAL.tex at
commit a67ea3c8); the exporter keeps its own copy in
``projections.plover_vocabulary``, so a slip in either shows here.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema_rs
import pycountry
import pytest
from click.testing import CliRunner

from treaty_ledger.cli.main import main
from treaty_ledger.ledger.vocabulary import ActType
from treaty_ledger.projections.plover import CODING, Coding
from treaty_ledger.projections.plover_vocabulary import CONTEXTS, MODES, QUAD, REQUIRES_RECIPIENT

MANUAL = json.loads((Path(__file__).parent / "plover-manual-1.3.schema.json").read_text())
MANUAL_FIELDS = set(MANUAL["properties"])


@pytest.fixture(scope="module")
def records(tmp_path_factory) -> list[dict]:
    store = str(tmp_path_factory.mktemp("plover") / "ledger.db")
    runner = CliRunner()
    assert runner.invoke(main, ["import", "--shipped", "--store", store]).exit_code == 0
    result = runner.invoke(
        main, ["export", "acts", "--as-of", "2025", "--format", "plover", "--store", store]
    )
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


@pytest.fixture(scope="module")
def by_id(records) -> dict[str, dict]:
    return {record["id"]: record for record in records}


def _errors(schema: dict, records: list[dict]) -> list[str]:
    validator = jsonschema_rs.validator_for(schema)
    return [f"{r['id']}: {e.message}" for r in records for e in validator.iter_errors(r)]


def _shipped_acts_by(day: str) -> int:
    from datetime import date

    from treaty_ledger.fixtures import shipped_files
    from treaty_ledger.ledger.dates import parse_valid_time

    last = date.fromisoformat(day)
    return sum(
        1
        for path in shipped_files()
        for line in path.open(encoding="utf-8")
        if line.strip() and (record := json.loads(line))["record"] == "act"
        and parse_valid_time(record["date"]).latest <= last
    )  # fmt: skip


def test_every_shipped_act_is_exported(records):
    expected = _shipped_acts_by("2025-12-31")
    assert expected > 300
    assert len(records) == expected
    assert len({r["id"] for r in records}) == expected


def test_every_record_passes_the_manual_transcription(records):
    assert _errors(MANUAL, records) == []


def test_the_transcription_refuses_the_old_plover_style_record():
    old = {
        "id": "x",
        "date": None,
        "actors": ["RUS"],
        "event": "DISAPPROVE",
        "mode": "alleged-violation",
        "context": ["treaty"],
    }
    assert len(_errors(MANUAL, [old])) >= 3


def test_every_record_passes_the_printed_schema(records):
    result = CliRunner().invoke(main, ["schema", "export-acts-plover"])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.output)
    assert schema["$id"] == "treaty-ledger/export-acts-plover/v2"
    assert _errors(schema, records) == []


def test_the_code_vocabularies_equal_the_transcription():
    defs = MANUAL["$defs"]
    assert list(QUAD) == defs["category"]["enum"]
    assert list(CONTEXTS) == defs["context"]["enum"]
    assert {m for modes in MODES.values() for m in modes} == set(defs["mode"]["enum"])
    rules = {
        rule["if"]["properties"]["event"]["const"][0]: rule["then"]["properties"]
        for rule in MANUAL["allOf"]
        if "const" in rule["if"]["properties"]["event"]
    }
    for category, then in rules.items():
        assert then["quad_code"]["const"] == QUAD[category], category
        assert list(MODES[category]) == then["mode"].get("items", {}).get("enum", []), category
    required = MANUAL["allOf"][0]["if"]["properties"]["event"]["contains"]["enum"]
    assert set(required) == REQUIRES_RECIPIENT


def test_entity_codes_are_iso_alpha3_or_the_manuals_non_state_codes(records):
    non_state = set(MANUAL["$defs"]["nonStateCode"]["enum"])
    sectors = set(MANUAL["$defs"]["sectorCode"]["enum"])
    seen = set()
    for record in records:
        for entity in record["actor"] + record.get("recipient", []):
            code = entity["code"]
            seen.add(code)
            assert (
                code in non_state
                or pycountry.countries.get(alpha_3=code)
                or pycountry.historic_countries.get(alpha_3=code)
            ), (record["id"], code)
            sector = entity.get("sector", "")
            assert {sector[i : i + 3] for i in range(0, len(sector), 3)} <= sectors
    assert {"IGO", "UNO", "EUR", "SUN"} <= seen
    assert not seen & {"NATO", "OSCE", "UN", "EU"}


def test_no_two_acts_export_as_the_same_plover_record(records):
    def plover_part(record):
        return json.dumps({k: v for k, v in record.items() if k in MANUAL_FIELDS - {"id"}},
                          sort_keys=True)  # fmt: skip

    groups: dict[str, list[str]] = {}
    for record in records:
        groups.setdefault(plover_part(record), []).append(record["id"])
    assert [ids for ids in groups.values() if len(ids) > 1] == []


def test_the_ledgers_own_fields_are_prefixed_and_kept(records, by_id):
    for record in records:
        assert all(k in MANUAL_FIELDS or k.startswith("ledger_") for k in record), record["id"]
    withdrawal = by_id["cfe-1990.rus.denunciation"]
    assert withdrawal["ledger_effective"] == "2023-11-07"
    assert withdrawal["ledger_sources"][0]["title"]
    sevastopol = by_id["crimea-accession-treaty-2014.rus.annexation.sevastopol"]
    assert sevastopol["ledger_territory"] == "Sevastopol"
    assert sevastopol["event_loc"] == {"extracted_place": "Sevastopol"}
    assert sevastopol["ledger_summary"].startswith("Russia claims Sevastopol")


@pytest.mark.parametrize(
    ("act", "date", "enddate", "edtf"),
    [
        ("astana-declaration-2010.osce.adoption", "2010-12-02", "2010-12-03",
         "[2010-12-02,2010-12-03]"),
        ("helsinki-final-act-1975.and.acceptance", "1996-04-01", "1996-04-30", "1996-04"),
        ("cfe-adapted-1999.blr.ratification", "2000-01-01", "2002-12-31", "2000/2002"),
        ("crimea-accession-treaty-2014.entry-into-force", "2014-03-21", "2014-03-21",
         "2014-03-21?"),
    ],
)  # fmt: skip
def test_an_imprecise_date_is_bounded_and_flagged(by_id, act, date, enddate, edtf):
    record = by_id[act]
    assert (record["date"], record["enddate"], record["ledger_date"]) == (date, enddate, edtf)
    assert record["ledger_date_imprecise"] is True


def test_a_certain_day_has_no_enddate(by_id):
    record = by_id["inf-1987.usa.withdrawal"]
    assert record["date"] == "2019-02-02" and "enddate" not in record
    assert record["ledger_date_imprecise"] is False


FUTURE_TYPES = (
    "provisional-application", "readmission", "application", "endorsement", "domestic-act",
    "extension",
)  # fmt: skip


def test_every_act_type_has_a_coding():
    assert {t.value for t in ActType} | set(FUTURE_TYPES) == set(CODING)


@pytest.mark.parametrize(
    ("act_type", "expected"),
    [
        ("proposal", Coding("AGREE", None, ("diplomatic",))),
        ("adoption", Coding("SUPPORT", None, ("diplomatic",))),
        ("signature", Coding("SUPPORT", None, ("diplomatic",))),
        ("ratification", Coding("SUPPORT", None, ("diplomatic",))),
        ("acceptance", Coding("SUPPORT", None, ("diplomatic",))),
        ("approval", Coding("SUPPORT", None, ("diplomatic",))),
        ("accession", Coding("SUPPORT", None, ("diplomatic",))),
        ("succession", Coding("SUPPORT", None, ("diplomatic",))),
        ("entry-into-force", Coding("SUPPORT", None, ("diplomatic",))),
        ("supersession", Coding("SUPPORT", None, ("diplomatic",))),
        ("provisional-application", Coding("SUPPORT", None, ("diplomatic",))),
        ("extension", Coding("SUPPORT", None, ("diplomatic",))),
        ("readmission", Coding("SUPPORT", None, ("diplomatic",))),
        ("endorsement", Coding("SUPPORT", None, ("diplomatic",))),
        ("domestic-act", Coding("AGREE", None, ("legal",))),
        ("application", Coding("REQUEST", "assist", ("diplomatic",))),
        ("demands", Coding("REQUEST", "change", ("diplomatic",))),
        ("suspension", Coding("SANCTION", "discontinue", ("diplomatic",), "other-parties")),
        ("withdrawal", Coding("SANCTION", "withdraw", ("diplomatic",), "other-parties")),
        ("denunciation", Coding("SANCTION", "withdraw", ("diplomatic",), "other-parties")),
        ("termination", Coding("SANCTION", "discontinue", ("diplomatic",), "other-parties")),
        ("rejection", Coding("REJECT", None, ("diplomatic",))),
        ("self-restraint", Coding("CONCEDE", None, ("military",))),
        ("alleged-violation", Coding("ACCUSE", "allege", ("legal",))),
        ("doctrinal-statement", Coding("ACCUSE", "disapprove", ("diplomatic",))),
        ("recognition", Coding("SUPPORT", None, ("diplomatic", "territory"), "breakaway")),
        ("annexation", Coding("COERCE", None, ("territory",))),
        ("use-of-force", Coding("ASSAULT", None, ("military",))),
    ],
)
def test_the_codebook_choice_for_each_act_type(act_type, expected):
    coding = CODING[act_type]
    assert coding == expected
    assert coding.mode is None or coding.mode in MODES[coding.event]
    assert set(coding.context) <= set(CONTEXTS)
    if coding.event in REQUIRES_RECIPIENT:
        assert coding.recipients == "other-parties"


def test_a_recognition_names_the_breakaway_entity_not_the_state_it_left(by_id):
    abkhazia = by_id["georgia-2008.rus.recognition.abkhazia"]
    assert abkhazia["event"] == ["SUPPORT"]
    assert abkhazia["recipient"] == [{"code": "GEO", "sector": "PRE", "entity_text": "Abkhazia"}]


@pytest.mark.parametrize(
    ("act", "recipients"),
    [
        ("inf-1987.usa.withdrawal", {"RUS", "BLR", "KAZ", "UKR"}),
        ("inf-1987.rus.suspension", {"USA"}),
    ],
)
def test_a_recorded_recipient_is_kept(by_id, act, recipients):
    record = by_id[act]
    assert {e["code"] for e in record["recipient"]} == recipients


def test_without_a_recorded_recipient_the_other_parties_that_day_receive_it(by_id):
    russia_leaves = by_id["open-skies-1992.rus.withdrawal"]
    codes = {e["code"] for e in russia_leaves["recipient"]}
    assert "RUS" not in codes and "USA" not in codes  # itself, and withdrawn in 2020
    assert {"FIN", "SWE", "DEU", "UKR", "BLR"} <= codes and len(codes) == 32
    assert russia_leaves["event"] == ["SANCTION"] and russia_leaves["mode"] == ["withdraw"]
    cfe = by_id["cfe-1990.rus.suspension"]
    assert len(cfe["recipient"]) == 29 and {"CZE", "SVK"} <= {e["code"] for e in cfe["recipient"]}


def test_organisations_get_the_manuals_codes(by_id):
    un = by_id["crimea-accession-treaty-2014.un.rejection"]
    assert un["actor"] == [{"code": "UNO", "identifier_text": "United Nations"}]
    nato = by_id["russia-nato-security-measures-draft-2021.nato.rejection"]
    name = "North Atlantic Treaty Organization"
    assert nato["actor"] == [{"code": "IGO", "entity_text": "NATO", "identifier_text": name}]
