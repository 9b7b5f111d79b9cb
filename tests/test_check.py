"""ledger check: each rule finds what it should, and the shipped record passes."""

from __future__ import annotations

import pytest
from builders import act, entries, instrument

from treaty_ledger.fixtures import shipped_files
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
         [("warning", "consent-before-signature", ("t.deu.rat",))]),
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
