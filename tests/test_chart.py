"""ledger chart: the status spans behind the chart, and the image files it writes."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from treaty_ledger.cli.main import main
from treaty_ledger.fixtures import shipped_files
from treaty_ledger.ledger.errors import UnknownInstrument
from treaty_ledger.ledger.records import parse_lines
from treaty_ledger.ledger.services.importer import append_records
from treaty_ledger.ledger.store.application import MEMORY, Ledger
from treaty_ledger.projections.chart_data import status_spans


@pytest.fixture(scope="module")
def entries():
    with Ledger(MEMORY, create=True) as ledger:
        for path in shipped_files():
            with open(path, "rb") as handle:
                append_records(ledger, parse_lines(handle, path.name))
        return list(ledger.entries())


def test_inf_is_in_force_until_its_termination(entries):
    rows, spans, markers = status_spans(entries, date(1990, 1, 1), date(2024, 12, 31), ["inf-1987"])
    assert rows == ["inf-1987"]
    assert [(s.status, s.start, s.end) for s in spans] == [
        ("in-force", date(1990, 1, 1), date(2019, 8, 2)),
        ("terminated", date(2019, 8, 2), date(2024, 12, 31)),
    ]
    assert {(m.kind, m.day) for m in markers} == {
        ("suspension", date(2019, 2, 2)), ("withdrawal", date(2019, 2, 2)),
        ("suspension", date(2019, 3, 4)), ("termination", date(2019, 8, 2)),
    }  # fmt: skip


def test_open_skies_by_actor(entries):
    rows, spans, _ = status_spans(entries, date(2000, 1, 1), date(2022, 12, 31),
                                  by_actor_of="open-skies-1992")  # fmt: skip
    usa = [(s.status, s.start) for s in spans if s.row == "USA"]
    assert usa == [
        ("contracting", date(2000, 1, 1)),
        ("party", date(2002, 1, 1)),
        ("withdrawing", date(2020, 5, 22)),
        ("withdrawn", date(2020, 11, 22)),
    ]
    assert "RUS" in rows and "FIN" in rows


def test_unknown_instrument(entries):
    with pytest.raises(UnknownInstrument):
        status_spans(entries, date(1990, 1, 1), date(2000, 1, 1), ["cfe-1991"])


@pytest.fixture
def invoke(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["import", "--shipped", "--store", "l.db"]).exit_code == 0
    return lambda *args: runner.invoke(main, [*args, "--store", "l.db"])


def test_chart_files(invoke, tmp_path):
    png = invoke("chart", "--from", "1990", "--to", "2024", "--out", "r.png")
    assert png.exit_code == 0, png.output
    assert (tmp_path / "r.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "r.png").stat().st_size > 20_000
    svg = invoke("chart", "--from", "1992", "--to", "2022", "--by", "actor", "--instrument",
                 "open-skies-1992", "--out", "os.svg")  # fmt: skip
    assert svg.exit_code == 0, svg.output
    text = (tmp_path / "os.svg").read_text()
    assert text.lstrip().startswith("<?xml") and "Actors of open-skies-1992" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "r.pdf"], "give a .png or .svg file"),
        (["--out", "r.png", "--by", "actor"], "--by actor needs exactly one --instrument"),
        (["--out", "r.png", "--instrument", "cfe-1991"], "no instrument 'cfe-1991'"),
    ],
)
def test_chart_errors(invoke, args, message):
    result = invoke("chart", "--from", "1990", "--to", "2024", *args)
    assert result.exit_code in (1, 2)
    assert message in result.output
