"""ledger check: each rule finds what it should, and the shipped record passes."""

from __future__ import annotations

import pytest
from builders import act, entries, instrument

from treaty_ledger.fixtures import shipped_files
from treaty_ledger.ledger.model import FinalClauses
from treaty_ledger.ledger.records import parse_lines
from treaty_ledger.ledger.services.importer import append_records
from treaty_ledger.ledger.store.application import MEMORY, Ledger
from treaty_ledger.projections.check import check

T = instrument("t")
SIGNED = act("t.sig", "signature", "1990", ["USA", "RUS"], "t")
FORCE = act("t.eif", "entry-into-force", "1992", ["USA", "RUS"], "t")


def rules(*records):
    return sorted((f.severity, f.rule, tuple(f.acts)) for f in check(entries(*records)).findings)


def test_a_clean_record_has_no_findings():
    assert rules(T, SIGNED, FORCE) == []


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ([act("t.fra.wd", "withdrawal", "2000", ["FRA"], "t", effective="2001")],
         [("error", "exit-without-consent", ("t.fra.wd",))]),
        ([act("t.deu.rat", "ratification", "1995", ["DEU"], "t")],
         [("warning", "consent-before-signature", ("t.deu.rat",)),
          ("warning", "delay-not-recorded", ("t.deu.rat",))]),
        ([act("t.usa.wd", "withdrawal", "2000", ["USA"], "t", effective="2001")],
         [("error", "bilateral-after-withdrawal", ("t.usa.wd",))]),
        ([act("t.end", "termination", "2001", ["USA"], "t"),
          act("t.late", "accession", "2005", ["DEU"], "t")],
         [("error", "act-after-termination", ("t.late",))]),
        ([act("t.sig.again", "signature", "1990", ["RUS", "USA"], "t")],
         [("error", "duplicate-act", ("t.sig", "t.sig.again"))]),
    ],
)  # fmt: skip
def test_each_rule(extra, expected):
    assert rules(T, SIGNED, FORCE, *extra) == expected


def test_a_withdrawal_with_termination_leaves_no_bilateral_error():
    withdrawal = act("t.usa.wd", "withdrawal", "2000", ["USA"], "t", effective="2001")
    termination = act("t.end", "termination", "2001", ["USA"], "t", sequence=1)
    records = [T, SIGNED, FORCE, withdrawal, termination]
    assert rules(*records) == []


def test_the_shipped_record_passes():
    with Ledger(MEMORY, create=True) as ledger:
        for path in shipped_files():
            with open(path, "rb") as handle:
                append_records(ledger, parse_lines(handle, path.name))
        report = check(ledger.entries())
    assert report.ok, [f for f in report.findings if f.severity == "error"]


OPEN = instrument("t").model_copy(
    update={"final_clauses": FinalClauses(in_force_for_later_consent_after="P60D")}
)
LATE = act("t.fin", "accession", "2002-12-12", ["FIN"], "t")


@pytest.mark.parametrize(
    ("records", "expected"),
    [
        ([OPEN, SIGNED, FORCE, LATE,
          act("t.fin.eif", "entry-into-force", "2003-01-01", ["FIN"], "t")],
         [("error", "in-force-before-delay", ("t.fin", "t.fin.eif"))]),
        ([OPEN, SIGNED, FORCE, LATE,
          act("t.fin.eif", "entry-into-force", "2003-05-01", ["FIN"], "t")],
         [("warning", "in-force-after-delay", ("t.fin", "t.fin.eif"))]),
        ([OPEN, SIGNED, FORCE, LATE,
          act("t.fin.eif", "entry-into-force", "2003-02-10", ["FIN"], "t")], []),
        ([T, act("t.sig3", "signature", "1990", ["USA", "RUS", "DEU"], "t"),
          act("t.eif3", "entry-into-force", "1992", ["USA", "RUS", "DEU"], "t"),
          act("t.rus.law", "domestic-act", "2023-05-29", ["RUS"], "t"),
          act("t.rus.wd", "withdrawal", "2023-05-29", ["RUS"], "t", effective="2023-11-07")],
         [("warning", "withdrawal-notice-is-domestic", ("t.rus.wd",))]),
        ([instrument("d", "unilateral", [{"id": "p", "type": "demand", "summary": "s",
                                          "obligors": ["UKR"]}])],
         [("error", "demand-names-obligors", ("d",)),
          ("warning", "proposal-without-relation", ("d",))]),
        ([instrument("d", "unilateral", [{"id": "p", "type": "demand", "summary": "s",
                                          "addressees": ["UKR"]}])],
         [("warning", "proposal-without-relation", ("d",))]),
    ],
    ids=["in-force-before-delay", "in-force-after-delay", "in-force-on-the-day",
         "withdrawal-notice-is-domestic", "demand-names-obligors", "demand-with-addressees"],
)  # fmt: skip
def test_each_rule_of_the_law_of_treaties(records, expected):
    assert rules(*records) == expected


def test_source_without_url_names_every_record_citing_it():
    cited = {"title": "Statement", "publisher": "NATO", "date": "2014-04-01"}
    records = [T, act("t.a", "alleged-violation", "2014-04-01", ["NATO"], "t",
                      recipients=["RUS"], sources=[cited]),
               act("t.b", "doctrinal-statement", "2014-04-02", ["NATO"], "t", sources=[cited])]
    assert rules(*records) == [("warning", "source-without-url", ("t.a", "t.b"))]


def test_bidi_control_characters_in_text_are_flagged():
    hidden = act("t.x", "doctrinal-statement", "2014", ["RUS"], "t",
                 summary="statement \u202eevil\u202c text")  # fmt: skip
    assert rules(T, SIGNED, FORCE, hidden) == [("warning", "bidi-control-in-text", ("t.x",))]
