"""Hostile input is refused in one line, quickly, without filling memory; nothing is written."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from treaty_ledger.cli.main import main

SOURCE = {"title": "Test source", "publisher": "Treaty Ledger tests", "date": "2026"}
TREATY = {"record": "instrument", "id": "t", "title": "Test treaty", "legal_nature": "treaty",
          "sources": [SOURCE]}  # fmt: skip
SIGNED = {"record": "act", "id": "t.sig", "type": "signature", "date": "1990-11-19",
          "actors": ["USA"], "instrument": "t", "summary": "signed",
          "sources": [SOURCE]}  # fmt: skip
LEDGER = Path(sys.executable).parent / "ledger"


@pytest.fixture
def runner(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LEDGER_STORE", raising=False)
    return CliRunner()


def last_line(result) -> str:
    return result.output.strip().splitlines()[-1]


def write(path: Path, *records) -> str:
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return str(path)


def refused(runner, tmp_path, args, status=1) -> str:
    result = runner.invoke(main, args)
    assert result.exit_code == status, result.output
    assert result.output.count("Error:") == 1 and "Traceback" not in result.output
    assert not (tmp_path / "ledger.db").exists()
    return last_line(result)


def test_dev_zero_as_an_import_file_is_one_error_line_not_memory_error(runner, tmp_path):
    line = refused(runner, tmp_path, ["import", "/dev/zero"])
    assert line == (
        "Error: /dev/zero line 1: the line is longer than 16,777,216 bytes; no record is that "
        "large; nothing was written"
    )


def test_dev_zero_as_a_record_is_one_error_line_not_all_memory(runner, tmp_path):
    line = refused(runner, tmp_path, ["record", "/dev/zero"])
    assert line == (
        "Error: /dev/zero: more than 16,777,216 bytes; no record is that large; nothing was "
        "written"
    )


def test_an_endless_pipe_is_refused_at_its_first_bad_line(tmp_path):
    store = tmp_path / "l.db"
    done = subprocess.run(
        f"yes garbage | {LEDGER} import /dev/stdin --store {store}",
        shell=True, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr == (
        "Error: /dev/stdin line 1: not valid JSON (Expecting value; column 1); nothing was "
        "written\n"
    )
    assert not store.exists()


@pytest.mark.parametrize("name", ["/dev/stdin", "-"])
def test_standard_input_can_be_piped_into_import(tmp_path, name):
    records = write(tmp_path / "r.jsonl", TREATY, SIGNED)
    done = subprocess.run(
        f"cat {records} | {LEDGER} import {name} --store {tmp_path / 'l.db'}",
        shell=True, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Added 2 records (1 instrument, 1 act)")


def test_empty_input_is_an_error_not_added_0_records(runner, tmp_path):
    (tmp_path / "empty.jsonl").write_text("\n\n")
    assert refused(runner, tmp_path, ["import", "empty.jsonl"]) == (
        "Error: no records in 'empty.jsonl'; nothing was written"
    )


def test_a_utf8_byte_order_mark_is_named(runner, tmp_path):
    (tmp_path / "bom.jsonl").write_bytes(b"\xef\xbb\xbf" + json.dumps(TREATY).encode() + b"\n")
    assert "byte order mark (BOM" in refused(runner, tmp_path, ["import", "bom.jsonl"])


def test_one_record_added_is_singular(runner, tmp_path):
    result = runner.invoke(main, ["import", write(tmp_path / "one.jsonl", TREATY)])
    assert result.output.startswith("Added 1 record (1 instrument, 0 acts);")


def test_a_huge_instrument_is_refused_by_its_documented_cap_in_about_a_second(runner, tmp_path):
    provisions = [{"id": f"t.p{n}", "type": "restraint", "summary": "s", "obligors": "parties"}
                  for n in range(100_000)]  # fmt: skip
    write(tmp_path / "big.jsonl", TREATY | {"provisions": provisions})
    started = time.process_time()  # CPU time: other work on the machine does not count
    line = refused(runner, tmp_path, ["import", "big.jsonl"])
    assert time.process_time() - started < 3  # about a second
    assert "100000 provisions; an instrument has at most 10,000" in line
    assert len(line) < 400


def test_a_record_with_20000_keys_is_refused_quickly(runner, tmp_path):
    write(tmp_path / "keys.jsonl", SIGNED | {f"k{n}": n for n in range(20_000)})
    started = time.process_time()
    line = refused(runner, tmp_path, ["import", "keys.jsonl"])
    assert time.process_time() - started < 2
    assert "an object has 20008 keys; a record's objects have at most 1,000" in line


def test_error_lines_quote_at_most_about_200_characters_of_a_value(runner, tmp_path):
    write(tmp_path / "long.jsonl", TREATY | {"id": "x" * 100_000})
    line = refused(runner, tmp_path, ["import", "long.jsonl"])
    assert len(line) < 600 and "(100000 characters)" in line


def test_text_is_normalised_to_nfc_so_one_text_is_one_record(runner, tmp_path):
    decomposed = TREATY | {"title": "Traite\u0301"}
    composed = TREATY | {"title": "Trait\u00e9"}
    assert runner.invoke(main, ["import", write(tmp_path / "a.jsonl", decomposed)]).exit_code == 0
    again = runner.invoke(main, ["import", write(tmp_path / "b.jsonl", composed)])
    assert again.exit_code == 0 and "0 records" in again.output and "1 already" in again.output


@pytest.mark.parametrize(
    ("field", "value"),
    [("id", "t\u202egnp"), ("id", "t\u2028x"), ("title", "one\u2028two"), ("title", "a\u2029b")],
)
def test_bidi_overrides_and_line_separators_are_refused(runner, tmp_path, field, value):
    write(tmp_path / "odd.jsonl", TREATY | {field: value})
    assert f"field '{field}'" in refused(runner, tmp_path, ["import", "odd.jsonl"])


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(runner, tmp_path):
    attack = SIGNED | {"summary": "=HYPERLINK(\"http://evil\")", "id": "t.sig"}
    imported = runner.invoke(main, ["import", write(tmp_path / "r.jsonl", TREATY, attack)])
    assert imported.exit_code == 0
    result = runner.invoke(main, ["export", "acts", "--as-of", "2000", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "'=HYPERLINK" in result.output
    assert ",=HYPERLINK" not in result.output and '"=HYPERLINK' not in result.output


def test_a_position_with_thousands_of_digits_is_a_clean_error(runner, tmp_path):
    line = refused(runner, tmp_path, ["replay", "--as-of", "2000", "--known-at", "@" + "9" * 5000],
                   status=2)  # fmt: skip
    assert "a log position has at most 18 digits" in line and len(line) < 600


def test_a_position_with_thousands_of_digits_is_a_400_over_http(tmp_path):
    from fastapi.testclient import TestClient

    from treaty_ledger.cli.http_api import create_app

    store = write(tmp_path / "r.jsonl", TREATY, SIGNED)
    imported = CliRunner().invoke(main, ["import", store, "--store", str(tmp_path / "l.db")])
    assert imported.exit_code == 0
    client = TestClient(create_app(str(tmp_path / "l.db")))
    answer = client.get("/replay", params={"as_of": "2000", "known_at": "@" + "9" * 5000})
    assert answer.status_code == 400
    assert "at most 18 digits" in answer.json()["error"]


def test_ids_are_case_sensitive_and_the_lower_case_id_is_suggested(runner, tmp_path):
    assert runner.invoke(main, ["import", write(tmp_path / "r.jsonl", TREATY)]).exit_code == 0
    result = runner.invoke(main, ["replay", "--as-of", "2000", "--instrument", "T"])
    assert result.exit_code == 1
    assert "ids are case-sensitive and lower-case: did you mean 't'?" in last_line(result)


def test_two_records_given_to_record_point_to_import(runner, tmp_path):
    first, second = json.dumps(TREATY), json.dumps(SIGNED)
    result = runner.invoke(main, ["record"], input=f"{first}\n{second}\n")
    assert result.exit_code == 1
    assert last_line(result) == (
        "Error: stdin: not valid JSON (Extra data; line 2, column 1): one record is given "
        "here; 'ledger import' takes a file of one record a line; nothing was written"
    )
    assert not (tmp_path / "ledger.db").exists()
