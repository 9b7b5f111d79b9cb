"""Contrast and compliance as rules: whom a demand reaches, what its links change, and when.

Unit tests fold small made-up records without a database; the command-line
tests run the shipped record through click's CliRunner.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from builders import SOURCE, act, instrument
from click.testing import CliRunner

from treaty_ledger.cli.main import main
from treaty_ledger.ledger.addressee_classes import ClassRule, class_rule
from treaty_ledger.ledger.dates import parse_as_of
from treaty_ledger.ledger.entries import Action, Entry
from treaty_ledger.ledger.errors import InvalidRecord, NotAProposal, UnknownInstrument
from treaty_ledger.ledger.model import Relation
from treaty_ledger.ledger.record_time import parse_known_at
from treaty_ledger.ledger.records import parse_record
from treaty_ledger.projections.check import check
from treaty_ledger.projections.compliance import compliance
from treaty_ledger.projections.contrast import contrast

NAT = "north-atlantic-treaty-1949"
TREATY = instrument(NAT, "treaty", [{"id": "art5", "type": "collective-defence",
                                     "summary": "defence", "obligors": "parties"}])  # fmt: skip
FOUNDED = [
    act("nat.eif", "entry-into-force", "1949-08-24", ["USA", "FRA"], NAT),
    act("nat.usa", "ratification", "1949-07-25", ["USA"], NAT),
    act("nat.fra", "ratification", "1949-08-24", ["FRA"], NAT),
    act("nat.pol", "accession", "1999-03-12", ["POL"], NAT),
    act("nat.fin", "accession", "2023-04-04", ["FIN"], NAT),
]
RESTRAINT = instrument("restraint-act", "political", [
    {"id": "posture", "type": "restraint", "summary": "no stationing", "obligors": ["NATO"]},
    {"id": "choice", "type": "assurance", "summary": "free choice", "obligors": ["NATO", "RUS"]},
])  # fmt: skip
ADOPTED = act("restraint-act.adoption", "adoption", "1997-05-27", ["NATO", "RUS"], "restraint-act")
DRAFT = instrument("draft", "draft", [
    {"id": "no-deployments", "type": "demand", "summary": "no forces", "addressees": ["NATO"],
     "addressee_class": "NATO member States that joined after 27 May 1997"},
    {"id": "no-enlargement", "type": "demand", "summary": "no members", "addressees": ["NATO"]},
])  # fmt: skip
PROPOSED = act("draft.proposal", "proposal", "2021-12-17", ["RUS"], "draft", recipients=["NATO"])
ALLEGED = act("restraint-act.alleged", "alleged-violation", "2015-01-01", ["USA"], "restraint-act",
              recipients=["RUS"], provision="choice")  # fmt: skip
COUNTER = act("restraint-act.counter", "alleged-violation", "2016-01-01", ["RUS"], "restraint-act",
              recipients=["USA"])  # fmt: skip


def relation(relation_id, provision, kind, target, **extra) -> Relation:
    data = {
        "record": "relation", "id": relation_id,
        "from": {"instrument": "draft", "provision": provision}, "kind": kind,
        "to": {"instrument": "restraint-act", "provision": target},
        "date": "2021-12-17", "summary": "drawn from the texts", "sources": [SOURCE], **extra,
    }  # fmt: skip
    return Relation.model_validate(data)


REPLACES = relation("r.replaces", "no-deployments", "would-replace", "posture")
CONTRADICTS = relation("r.contradicts", "no-enlargement", "contradicts", "choice")
BASE = [TREATY, *FOUNDED, RESTRAINT, ADOPTED, DRAFT, PROPOSED, ALLEGED, COUNTER]


def log(*records, retract=(), hours=None):
    """Entries one hour apart from 2026-01-01T00:00Z; ``retract`` ids get a retraction after."""
    items = [(record, Action.RECORD) for record in records]
    items += [(r, Action.RETRACT) for r in records if r.id in retract]
    return [
        Entry(
            n,
            datetime(2026, 1, 1, n % 24, tzinfo=UTC).replace(day=1 + n // 24),
            "tests",
            r,
            a,
            reason="wrong" if a is Action.RETRACT else None,
            sources=(SOURCE,) if a is Action.RETRACT else (),
        )  # fmt: skip
        for n, (r, a) in enumerate(items, start=1)
    ]


def provision(result, provision_id):
    return next(p for p in result.provisions if p.id == provision_id)


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("1998", []),  # Poland not yet a member
        ("2021-12", ["POL"]),  # founders joined before 1997-05-27: not in the class
        ("2024-06", ["POL", "FIN"]),  # Finland joined in 2023
    ],
)
def test_a_demand_reaches_the_class_it_names_as_of_the_day(as_of, expected):
    result = contrast(log(*BASE, REPLACES, CONTRADICTS), "draft", parse_as_of(as_of))
    demand = provision(result, "no-deployments")
    assert [m.actor for m in demand.class_members] == expected
    assert demand.reaches == sorted(expected)
    assert demand.class_resolved is True


def test_a_proposal_not_yet_made_says_so():
    result = contrast(log(*BASE, REPLACES), "draft", parse_as_of("2021-12-16"))
    assert (result.status, result.proposers) == (None, [])
    assert contrast(log(*BASE, REPLACES), "draft", parse_as_of("2021-12-17")).status == "draft"


def test_a_demand_without_a_class_reaches_the_members_of_the_group_addressed():
    result = contrast(log(*BASE, REPLACES, CONTRADICTS), "draft", parse_as_of("2021-12"))
    assert provision(result, "no-enlargement").reaches == ["FRA", "POL", "USA"]
    assert provision(result, "no-enlargement").class_members is None


def test_links_say_what_is_in_force_who_is_bound_and_what_was_alleged():
    result = contrast(log(*BASE, REPLACES, CONTRADICTS), "draft", parse_as_of("2021-12"))
    assert result.proposers == ["RUS"]
    [replaces] = provision(result, "no-deployments").links
    assert replaces.kind.value == "would-replace"
    assert (replaces.changes, replaces.in_force) == (True, True)
    assert replaces.bound == ["NATO"] and replaces.through == {"NATO": ["FRA", "POL", "USA"]}
    assert replaces.proposer_bound == []
    [contradicts] = provision(result, "no-enlargement").links
    assert contradicts.proposer_bound == ["RUS"]
    assert [a.id for a in contradicts.alleged_against_proposer] == ["restraint-act.alleged"]
    assert [a.id for a in contradicts.alleged_by_proposer] == ["restraint-act.counter"]
    assert contradicts.alleged_against_proposer[0].accused_bound == ["RUS"]  # bound since 1997
    assert contradicts.alleged_by_proposer[0].accused_bound == ["USA"]  # through NATO


def test_an_allegation_says_whether_the_accused_was_bound_on_its_day():
    early = act("restraint-act.early", "alleged-violation", "1990-01-01", ["USA"], "restraint-act",
                recipients=["RUS"])  # fmt: skip
    result = compliance(log(*BASE, early), "RUS", parse_as_of("2021-12"))
    [row] = [r for r in result.instruments if r.instrument == "restraint-act"]
    bound = {a.id: a.accused_bound for a in row.alleged_against}
    assert bound == {"restraint-act.early": [], "restraint-act.alleged": ["RUS"]}


def test_a_retracted_relation_disappears():
    result = contrast(log(*BASE, REPLACES, CONTRADICTS, retract={"r.replaces"}), "draft",
                      parse_as_of("2021-12"))  # fmt: skip
    assert provision(result, "no-deployments").links == []
    assert [k.relation for k in provision(result, "no-enlargement").links] == ["r.contradicts"]


def test_known_at_shows_the_links_as_recorded_then():
    entries = log(*BASE, REPLACES, CONTRADICTS, retract={"r.replaces"})
    position: dict[str, int] = {}
    for entry in entries:
        position.setdefault(entry.record.id, entry.position)
    before = parse_known_at(f"@{position['r.replaces'] - 1}")
    recorded = parse_known_at(f"@{position['r.contradicts']}")
    as_of = parse_as_of("2021-12")
    assert provision(contrast(entries, "draft", as_of, before), "no-deployments").links == []
    now = contrast(entries, "draft", as_of, recorded)
    assert [k.relation for k in provision(now, "no-deployments").links] == ["r.replaces"]


def test_contrast_refuses_unknown_ids_and_instruments_that_propose_nothing():
    entries = log(*BASE, REPLACES)
    with pytest.raises(UnknownInstrument):
        contrast(entries, "nope", parse_as_of("2021"))
    with pytest.raises(NotAProposal, match="'restraint-act' is not a proposal"):
        contrast(entries, "restraint-act", parse_as_of("2021"))


def test_compliance_lists_commitments_and_allegations_by_instrument():
    result = compliance(log(*BASE), "RUS", parse_as_of("2021-12"))
    [row] = [r for r in result.instruments if r.instrument == "restraint-act"]
    assert [(b.provision, b.through) for b in row.bound_by] == [("choice", None)]
    assert [a.id for a in row.alleged_against] == ["restraint-act.alleged"]
    assert [a.id for a in row.alleged_by] == ["restraint-act.counter"]
    polish = compliance(log(*BASE), "POL", parse_as_of("2021-12"))
    bound = {(r.instrument, b.provision, b.through) for r in polish.instruments for b in r.bound_by}
    assert ("restraint-act", "posture", "NATO") in bound
    assert compliance(log(*BASE), "RUS", parse_as_of("2015-06")).instruments[-1].alleged_by == []


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        (
            "NATO member States that joined after 27 May 1997",
            ClassRule("NATO", parse_as_of("1997-05-27").day),
        ),
        ("NATO member States", ClassRule("NATO")),
        ("States bordering Russia", None),  # no sourced table of borders
        ("NATO member States that joined after 31 February 1997", None),
    ],
)
def test_class_rules_are_a_closed_vocabulary(text, rule):
    assert class_rule(text) == rule


def test_check_flags_unlinked_provisions_broken_relations_and_unresolvable_classes():
    odd = DRAFT.model_copy(update={"provisions": [
        *DRAFT.provisions,
        DRAFT.provisions[0].model_copy(update={"id": "odd", "addressee_class": "neighbours"}),
    ]})  # fmt: skip
    broken = relation("r.broken", "no-enlargement", "contradicts", "missing")
    report = check(log(TREATY, *FOUNDED, RESTRAINT, ADOPTED, odd, PROPOSED, REPLACES, broken))
    found = {(f.rule, f.detail) for f in report.findings}
    assert ("relation-without-provision",
            "to: 'restraint-act' has no provision 'missing'") in found  # fmt: skip
    assert ("proposal-without-relation",
            "provision 'odd' is linked to no other instrument's provision") in found  # fmt: skip
    assert any(rule == "unresolvable-class" for rule, _ in found)
    assert not any("no-deployments" in detail for _, detail in found)


def test_a_relation_links_two_instruments_and_round_trips_with_from():
    data = {**REPLACES.model_dump(mode="json"), "id": "r.self"}
    assert data["from"] == {"instrument": "draft", "provision": "no-deployments"}
    assert parse_record(data, "test").record == Relation.model_validate(data)
    data["to"] = {"instrument": "draft", "provision": "no-enlargement"}
    with pytest.raises(InvalidRecord, match="two different instruments"):
        parse_record(data, "test")


# The shipped record through the command line.


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    store = str(tmp_path_factory.mktemp("contrast") / "ledger.db")
    result = CliRunner().invoke(main, ["import", "--shipped", "--store", store])
    assert result.exit_code == 0, result.output
    return store


POST_1997 = ["CZE", "HUN", "POL", "BGR", "EST", "LTU", "LVA", "ROU", "SVK", "SVN", "ALB", "HRV",
             "MNE", "MKD"]  # fmt: skip


@pytest.mark.parametrize(
    ("as_of", "expected"), [("2021-12", POST_1997), ("2024-06", [*POST_1997, "FIN", "SWE"])]
)
def test_the_december_2021_draft_with_nato(shipped, as_of, expected):
    result = CliRunner().invoke(main, [
        "contrast", "russia-nato-security-measures-draft-2021", "--as-of", as_of, "--json",
        "--store", shipped,
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    demand = next(p for p in data["provisions"] if p["id"] == "no-deployments-in-post-1997-members")
    assert [m["actor"] for m in demand["class_members"]] == expected
    assert sorted(demand["reaches"]) == sorted(expected)
    changed = {(k["instrument"], k["provision"]) for p in data["provisions"] for k in p["links"]
               if k["changes"] and k["in_force"]}  # fmt: skip
    assert ("nato-russia-founding-act-1997", "nato-force-posture") in changed
    assert ("istanbul-charter-1999", "right-to-choose-security-arrangements") in changed
    assert ("helsinki-final-act-1975", "principle-1-sovereign-equality") in changed


CURATED = ("european-security-treaty-draft", "russia-us-security-guarantees-draft-2021",
           "russia-nato-security-measures-draft-2021", "russia-conditions-2024-06",
           "peace-summit-communique-2024")  # fmt: skip


def test_every_provision_of_the_three_proposals_and_the_communique_is_linked(shipped):
    result = CliRunner().invoke(main, ["check", "--json", "--store", shipped])
    findings = json.loads(result.output)["findings"]
    assert not [f for f in findings if f["rule"] == "relation-without-provision"]
    unlinked = [f for f in findings if f["rule"] in ("proposal-without-relation",
                                                      "unresolvable-class")
                and set(f["acts"]) & set(CURATED)]  # fmt: skip
    assert unlinked == []


def test_contrast_text_names_what_it_would_change(shipped):
    result = CliRunner().invoke(main, [
        "contrast", "russia-nato-security-measures-draft-2021", "--as-of", "2021-12",
        "--store", shipped,
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "would-replace nato-russia-founding-act-1997 / nato-force-posture (adopted)" in (
        result.output
    )
    assert "  reaches 14: ALB, BGR, CZE, EST, HRV, HUN, LTU, LVA, MKD, MNE, POL, ROU, SVK, SVN" in (
        result.output
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["contrast", "nope", "--as-of", "2021"],
         "Error: no instrument 'nope' in the ledger; list the known ones with"),
        (["contrast", "cfe-1990", "--as-of", "2021"],
         "Error: instrument 'cfe-1990' is not a proposal"),
        (["compliance", "XYZ", "--as-of", "2021"], "'XYZ' is not an actor code"),
    ],
)  # fmt: skip
def test_bad_input_is_one_error_line_and_writes_nothing(shipped, args, message):
    with open(shipped, "rb") as handle:
        before = handle.read()
    result = CliRunner().invoke(main, [*args, "--store", shipped])
    assert result.exit_code in (1, 2)
    assert message in result.output
    assert "Traceback" not in result.output
    with open(shipped, "rb") as handle:
        assert handle.read() == before


def test_compliance_of_russia_lists_the_inf_allegations(shipped):
    result = CliRunner().invoke(main, ["compliance", "RUS", "--as-of", "2019-12", "--json",
                                       "--store", shipped])  # fmt: skip
    data = json.loads(result.output)
    inf = next(i for i in data["instruments"] if i["instrument"] == "inf-1987")
    against = [a["id"] for a in inf["alleged_against"]]
    assert against[:2] == ["inf-1987.usa.alleged-violation.2014",
                           "inf-1987.usa.alleged-violation.2017"]  # fmt: skip
    assert "inf-1987.rus.alleged-violation" in [a["id"] for a in inf["alleged_by"]]
    assert all(a["accused_bound"] == ["RUS"] for a in inf["alleged_against"])


@pytest.mark.parametrize("command", ["contrast", "compliance"])
def test_help_has_examples_and_schemas_exist(command):
    runner = CliRunner()
    assert f"ledger {command}" in runner.invoke(main, [command, "--help"]).output
    schema = json.loads(runner.invoke(main, ["schema", command]).output)
    assert schema["$id"] == f"treaty-ledger/{command}/v1"


def test_the_contrast_export_has_a_row_per_link(shipped):
    result = CliRunner().invoke(main, ["export", "contrast", "--as-of", "2021-12",
                                       "--format", "ndjson", "--store", shipped])  # fmt: skip
    rows = [json.loads(line) for line in result.output.splitlines()]
    proposals = {row["proposal"] for row in rows}
    assert {
        "european-security-treaty-draft",
        "russia-nato-security-measures-draft-2021",
        "russia-us-security-guarantees-draft-2021",
    } <= proposals
    assert not proposals & {"russia-conditions-2024-06", "peace-summit-communique-2024"}
    assert all(row["relation"] for row in rows if row["proposal"] in CURATED)


def test_a_relation_is_retracted_and_corrected_like_an_act(tmp_path, shipped):
    import shutil

    store = str(tmp_path / "copy.db")
    shutil.copy(shipped, store)
    runner = CliRunner()
    why = ["--reason", "test", "--source-title", "T", "--source-publisher", "P",
           "--source-date", "2026", "--store", store]  # fmt: skip
    relation_id = ("rus-nato-draft-2021.no-deployments-in-post-1997-members.would-replace."
                   "cfe-adapted-1999.national-and-territorial-ceilings")  # fmt: skip
    retracted = runner.invoke(main, ["retract", relation_id, *why])
    assert retracted.exit_code == 0
    assert retracted.output.startswith(f"Appended the retraction of relation '{relation_id}'")
    again = runner.invoke(main, ["retract", relation_id, *why])
    assert again.exit_code == 1
    assert f"Error: relation '{relation_id}': was retracted" in again.output
    assert "record a new relation" in again.output
    bad = runner.invoke(
        main,
        [
            "correct",
            "rus-nato-draft-2021.no-further-enlargement.contradicts."
            "helsinki-final-act-1975.principle-1-sovereign-equality",
            "--set",
            "to=" + json.dumps({"instrument": "cfe-1990", "provision": "nope"}),
            *why,
        ],
    )
    assert bad.exit_code == 1 and "instrument 'cfe-1990' has no provision 'nope'" in bad.output
    result = runner.invoke(
        main,
        [
            "contrast",
            "russia-nato-security-measures-draft-2021",
            "--as-of",
            "2021-12",
            "--json",
            "--store",
            store,
        ],
    )
    links = [k["relation"] for p in json.loads(result.output)["provisions"] for k in p["links"]]
    shipped_links = sum(
        1 for line in (Path(__file__).parent.parent / "fixtures" / "relations.jsonl").open()
        if '"instrument":"russia-nato-security-measures-draft-2021"' in line.split('"kind"')[0]
    )  # fmt: skip
    assert relation_id not in links and len(links) == shipped_links - 1  # one retracted
    history = runner.invoke(main, ["history", relation_id, "--store", store])
    assert f"retract relation {relation_id}" in history.output
    assert runner.invoke(main, ["verify", "--store", store]).exit_code == 0


def test_the_api_answers_contrast_and_compliance(shipped):
    from fastapi.testclient import TestClient

    from treaty_ledger.cli.http_api import create_app

    client = TestClient(create_app(shipped))
    found = client.get("/contrast/russia-nato-security-measures-draft-2021",
                       params={"as_of": "2024-06"})  # fmt: skip
    assert found.status_code == 200
    provisions = {p["id"]: p for p in found.json()["provisions"]}
    assert len(provisions["no-deployments-in-post-1997-members"]["class_members"]) == 16
    assert client.get("/contrast/nope", params={"as_of": "2024"}).status_code == 404
    assert client.get("/contrast/cfe-1990", params={"as_of": "2024"}).status_code == 400
    assert client.get("/compliance/RUS", params={"as_of": "2019-12"}).status_code == 200
    assert client.get("/compliance/XYZ", params={"as_of": "2019"}).status_code == 400
