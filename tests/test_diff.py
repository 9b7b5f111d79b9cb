"""ledger diff: changes between two valid days of the shipped record, with their causes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli.main import main


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


def test_inf_in_2019(invoke):
    assert changes(invoke, "2019-01", "2019-12") == {
        ("suspended", "inf-1987", "RUS", "inf-1987.rus.suspension"),
        ("left", "inf-1987", "USA", "inf-1987.usa.withdrawal"),
        ("terminated", "inf-1987", None, "inf-1987.termination"),
    }


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
