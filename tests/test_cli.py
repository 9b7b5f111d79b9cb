"""The command line through click's CliRunner: output, exit codes, exact error lines."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from treaty_ledger.cli.main import main

SOURCE = {"title": "Test source", "publisher": "Treaty Ledger tests", "date": "2026"}
TREATY = {
    "record": "instrument",
    "id": "t",
    "title": "Test treaty",
    "legal_nature": "treaty",
    "provisions": [
        {"id": "t.limit", "type": "restraint", "summary": "limits", "obligors": "parties"}
    ],
    "sources": [SOURCE],
}
SIGNED = {
    "record": "act",
    "id": "t.sig",
    "type": "signature",
    "date": "1990-11-19",
    "actors": ["USA", "RUS"],
    "instrument": "t",
    "summary": "signed",
    "sources": [SOURCE],
}
IN_FORCE = {
    "record": "act",
    "id": "t.eif",
    "type": "entry-into-force",
    "date": "1992-11-09",
    "actors": ["USA", "RUS"],
    "instrument": "t",
    "summary": "in force",
    "sources": [SOURCE],
}


COMMANDS = ["import", "record", "replay", "timeline", "instruments", "schema", "correct",
            "retract", "history", "explain", "export-log", "import-log", "keygen", "checkpoint",
            "verify", "prove", "verify-proof", "check", "migrate", "export", "diff", "actor",
            "serve", "chart"]  # fmt: skip


def lines(*records):
    return "".join(json.dumps(record) + "\n" for record in records)


@pytest.fixture
def runner(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LEDGER_STORE", raising=False)
    monkeypatch.setenv("LEDGER_USER", "cli-test")
    return CliRunner()


@pytest.fixture
def loaded(runner, tmp_path):
    (tmp_path / "record.jsonl").write_text(lines(TREATY, SIGNED, IN_FORCE))
    result = runner.invoke(main, ["import", "record.jsonl"])
    assert result.exit_code == 0, result.output
    return runner


def last_line(result):
    return result.output.strip().splitlines()[-1]


def test_help_lists_every_command_with_an_example(runner):
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in COMMANDS:
        assert f"  {command}" in result.output
        assert f"ledger {command}" in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_help_has_an_example(runner, command):
    result = runner.invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert f"ledger {command}" in result.output.split("Examples:")[1]


def test_import_reports_added_then_already_recorded(runner, tmp_path):
    (tmp_path / "record.jsonl").write_text(lines(TREATY, SIGNED))
    first = runner.invoke(main, ["import", "record.jsonl"])
    assert first.exit_code == 0
    assert first.output.startswith("Added 2 records (1 instrument, 1 act); 0 already recorded.")
    second = runner.invoke(main, ["import", "record.jsonl", "--json"])
    assert json.loads(second.output) == {
        "added": [],
        "already_recorded": [{"record": "instrument", "id": "t"}, {"record": "act", "id": "t.sig"}],
        "positions": [],
        "log_size": 2,
    }


def test_import_a_file_with_one_bad_line_writes_nothing(runner, tmp_path):
    bad = dict(SIGNED, id="t.bad", date="2014-13")
    (tmp_path / "record.jsonl").write_text(lines(TREATY, SIGNED, bad))
    result = runner.invoke(main, ["import", "record.jsonl"])
    assert result.exit_code == 1
    assert last_line(result) == (
        "Error: record.jsonl line 3, act 't.bad', field 'date': '2014-13' is not a valid date: "
        "month 13 does not exist; nothing was written"
    )
    assert not (tmp_path / "ledger.db").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"date": 2014}, "field 'date': Input should be a valid string (given 2014)"),
        ({"date": ""}, "field 'date': '' is not a valid date: it is empty"),
        (
            {"date": "1900-02-29"},
            "field 'date': '1900-02-29' is not a valid date: 1900-02 has no day 29",
        ),
        (
            {"date": "2014-02-30"},
            "field 'date': '2014-02-30' is not a valid date: 2014-02 has no day 30",
        ),
        ({"actors": ["rus"]}, "field 'actors.0': 'rus' is not an actor code"),
        ({"type": "treaty-signing"}, "field 'type': Input should be"),
        ({"sources": []}, "field 'sources': List should have at least 1 item"),
        ({"colour": "red"}, "field 'colour': is not a field of an act; see 'ledger schema act'"),
        ({"effective": "2014"}, "an act of type 'signature' has no effective date"),
        ({"summary": "   "}, "field 'summary': must not be blank"),
        ({"summary": "two\nlines"}, "field 'summary': must be one line with no control characters"),
        ({"actors": ["USA", "USA"]}, "field 'actors': USA listed twice"),
        ({"date": "2014-1X"}, "'2014-1X' is not a valid date: it is not an EDTF date"),
        (
            {"date": "２０１４"},
            "'２０１４' is not a valid date: it is not an EDTF date of the accepted",
        ),
    ],
)
def test_invalid_acts_are_refused_naming_act_and_field(loaded, tmp_path, change, message):
    bad = dict(SIGNED, id="t.new", **change)
    (tmp_path / "bad.jsonl").write_text(lines(bad))
    result = loaded.invoke(main, ["import", "bad.jsonl"])
    assert result.exit_code == 1
    assert last_line(result).startswith("Error: bad.jsonl line 1, act 't.new'")
    assert message in last_line(result)
    assert last_line(result).endswith("nothing was written")
    assert "Traceback" not in result.output


def test_import_of_a_changed_act_is_a_conflict(loaded, tmp_path):
    (tmp_path / "changed.jsonl").write_text(lines(dict(SIGNED, date="1990-11-20")))
    result = loaded.invoke(main, ["import", "changed.jsonl"])
    assert result.exit_code == 1
    assert last_line(result) == (
        "Error: changed.jsonl line 1: act 't.sig' is already recorded with different content "
        "(field 'date': recorded '1990-11-19', given '1990-11-20'); record a change with "
        '"ledger correct", or give a new act a new id; nothing was written'
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"record": "act", "id": "a", "id": "b"}\n', "key 'id' appears twice in one object"),
        (b'{"record": "act", "sequence": NaN}\n', "NaN is not a JSON number"),
        (b'{"record": "act", "summary": "caf\xe9"}\n', "not UTF-8 (byte 34 is 0xe9)"),
        (b"\xef\xbb\xbf{}\n", "byte order mark (BOM"),
    ],
)
def test_import_refuses_ambiguous_json(runner, tmp_path, content, message):
    (tmp_path / "odd.jsonl").write_bytes(content)
    result = runner.invoke(main, ["import", "odd.jsonl"])
    assert result.exit_code == 1
    assert last_line(result).startswith("Error: odd.jsonl line 1")
    assert message in last_line(result)
    assert not (tmp_path / "ledger.db").exists()


def test_import_refuses_bad_json_and_missing_files(runner, tmp_path):
    (tmp_path / "broken.jsonl").write_text('{"record": "act",\n')
    result = runner.invoke(main, ["import", "broken.jsonl"])
    assert result.exit_code == 1
    assert last_line(result).startswith("Error: broken.jsonl line 1: not valid JSON")
    missing = runner.invoke(main, ["import", "nowhere.jsonl"])
    assert missing.exit_code == 2
    assert "'nowhere.jsonl' does not exist" in missing.output
    nothing = runner.invoke(main, ["import"])
    assert nothing.exit_code == 2
    assert "give one or more record files, or --shipped" in nothing.output


def test_import_shipped_loads_the_packaged_record(runner):
    result = runner.invoke(main, ["import", "--shipped", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert {"record": "instrument", "id": "cfe-1990"} in report["added"]
    assert report["log_size"] == len(report["added"])


def test_record_from_stdin_and_from_options(loaded):
    piped = loaded.invoke(
        main, ["record"], input=json.dumps(dict(SIGNED, id="t.deu", actors=["DEU"]))
    )
    assert piped.exit_code == 0, piped.output
    assert piped.output.startswith("Added 1 record (0 instruments, 1 act)")
    options = loaded.invoke(
        main,
        [
            "record",
            "--id",
            "t.fra",
            "--type",
            "signature",
            "--date",
            "1991",
            "--actor",
            "FRA",
            "--instrument",
            "t",
            "--summary",
            "France signs",
            "--source-title",
            "Journal officiel",
            "--source-publisher",
            "République française",
            "--source-date",
            "1991",
        ],
    )
    assert options.exit_code == 0, options.output
    replayed = json.loads(loaded.invoke(main, ["replay", "--as-of", "1995", "--json"]).output)
    assert [a["actor"] for a in replayed["instruments"][0]["actors"]] == [
        "DEU",
        "FRA",
        "RUS",
        "USA",
    ]


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["record"], "", "stdin is empty"),
        (["record"], "[1, 2]", "Error: stdin: a record must be a JSON object"),
        (
            ["record"],
            '{"id": "x"}',
            "Error: stdin, record 'x', field 'record': must be 'act', 'instrument' or 'relation'",
        ),
        (
            ["record", "--actor", "XYZ"],
            "",
            "Invalid value for '--actor': 'XYZ' is not an actor code",
        ),
        (
            [
                "record",
                "--id",
                "t.x",
                "--type",
                "signature",
                "--date",
                "2014-02-30",
                "--actor",
                "FRA",
                "--instrument",
                "t",
                "--summary",
                "s",
                "--source-title",
                "a",
                "--source-publisher",
                "b",
                "--source-date",
                "2014",
            ],
            "",
            "field 'date': '2014-02-30' is not a valid date",
        ),
    ],
)
def test_record_errors(loaded, tmp_path, args, stdin, message):
    (tmp_path / "act.json").write_text(json.dumps(dict(SIGNED, id="t.file")))
    result = loaded.invoke(main, args, input=stdin)
    assert result.exit_code in (1, 2)
    assert message in result.output
    log = json.loads(loaded.invoke(main, ["instruments", "--json"]).output)["position"]
    assert log == 3


def test_replay_summary_fits_one_line_per_instrument(loaded):
    text = loaded.invoke(main, ["replay", "--as-of", "1992-11"])
    assert text.exit_code == 0
    assert "t  in-force since 1992-11-09; party RUS, USA\n" in text.output
    assert "binds" not in text.output  # provisions are in the full view


def test_replay_text_and_json_agree(loaded):
    text = loaded.invoke(main, ["replay", "--as-of", "1992-11", "--full"])
    assert text.exit_code == 0
    assert "t: Test treaty [treaty]\n  in-force since 1992-11-09\n" in text.output
    assert "    party since 1992-11-09: RUS, USA\n" in text.output
    assert "  provision t.limit (restraint) binds RUS, USA\n" in text.output
    data = json.loads(loaded.invoke(main, ["replay", "--as-of", "1992-11", "--json"]).output)
    assert data["as_of"] == "1992-11" and data["as_of_day"] == "1992-11-30"
    assert data["instruments"][0]["status"] == "in-force"
    assert data["instruments"][0]["provisions"][0]["bound"] == ["RUS", "USA"]
    assert data["position"] == 3


def test_replay_json_is_byte_identical_between_runs(loaded):
    first = loaded.invoke(main, ["replay", "--as-of", "2000", "--json"]).output
    second = loaded.invoke(main, ["replay", "--as-of", "2000", "--json"]).output
    assert first == second


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["replay"], 2, "Missing option '--as-of'"),
        (
            ["replay", "--as-of", "2014-13"],
            2,
            "Error: Invalid value for '--as-of': '2014-13' is not a valid date: "
            "month 13 does not exist",
        ),
        (["replay", "--as-of", "14-03"], 2, "give the day as YYYY, YYYY-MM or YYYY-MM-DD"),
        (["replay", "--as-of", "2014", "--actor", "Russia"], 2, "'Russia' is not an actor code"),
        (
            ["replay", "--as-of", "2014", "--instrument", "cfe-1991"],
            1,
            "Error: no instrument 'cfe-1991' in the ledger; "
            'list the known ones with "ledger instruments"',
        ),
        (["timeline", "--from", "2015", "--to", "2014"], 2, "--to 2014 is before --from 2015"),
        (["timeline", "--instrument", "nope"], 1, "Error: no instrument 'nope' in the ledger"),
        (["schema", "everything"], 2, "'everything' is not one of 'act', 'instrument'"),
    ],
)
def test_reading_errors(loaded, args, code, message):
    result = loaded.invoke(main, args)
    assert result.exit_code == code
    assert message in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", [["replay", "--as-of", "2014"], ["timeline"], ["instruments"]])
def test_empty_store_says_how_to_load_and_creates_nothing(runner, tmp_path, command):
    result = runner.invoke(main, command)
    assert result.exit_code == 1
    assert last_line(result) == (
        "Error: no ledger records in ledger.db; load the shipped record with: "
        "ledger import --shipped --store ledger.db"
    )
    assert not (tmp_path / "ledger.db").exists()


def test_store_comes_from_option_or_environment(runner, tmp_path, monkeypatch):
    (tmp_path / "record.jsonl").write_text(lines(TREATY))
    assert runner.invoke(main, ["import", "record.jsonl", "--store", "a.db"]).exit_code == 0
    monkeypatch.setenv("LEDGER_STORE", "a.db")
    assert runner.invoke(main, ["instruments"]).output.startswith("t  treaty")
    assert not (tmp_path / "ledger.db").exists()


def test_a_file_that_is_not_a_ledger_is_an_error(runner, tmp_path):
    (tmp_path / "notes.txt").write_text("not a database")
    result = runner.invoke(main, ["replay", "--as-of", "2014", "--store", "notes.txt"])
    assert result.exit_code == 1
    assert last_line(result) == "Error: 'notes.txt' is not a ledger store (file is not a database)"


def test_timeline_filters_and_shows_sources(loaded):
    result = loaded.invoke(main, ["timeline", "--from", "1992", "--actor", "RUS"])
    assert result.exit_code == 0
    assert result.output.splitlines()[1].startswith("Computed from 3 entries, Merkle root ")
    assert result.output.splitlines()[2] == "1992-11-09  entry-into-force [t]  USA, RUS"
    assert result.output.splitlines()[3] == "    id: t.eif"
    assert "    source: Test source, Treaty Ledger tests, 2026" in result.output
    assert "1990-11-19" not in result.output
    data = json.loads(loaded.invoke(main, ["timeline", "--to", "1991", "--json"]).output)
    assert [act["id"] for act in data["acts"]] == ["t.sig"]


@pytest.mark.parametrize("name", ["act", "instrument", "replay", "timeline", "instruments"])
def test_schema_is_json_schema_of_the_models(runner, name):
    schema = json.loads(runner.invoke(main, ["schema", name]).output)
    assert schema["type"] == "object"
    assert "properties" in schema


SOURCE_OPTIONS = ["--source-title", "Decree", "--source-publisher", "Kremlin", "--source-date",
                  "2007-07-13"]  # fmt: skip


def test_correct_then_replay_known_at_and_explain(loaded):
    corrected = loaded.invoke(main, ["correct", "t.eif", "--set", "date=1992-07-17", "--reason",
                                     "Provisional application date", *SOURCE_OPTIONS, "--by",
                                     "auditor"])  # fmt: skip
    assert corrected.exit_code == 0, corrected.output
    assert (
        corrected.output == "Appended the correction of act 't.eif' at position 4 in ledger.db.\n"
    )
    now = json.loads(loaded.invoke(main, ["replay", "--as-of", "1992-08", "--json"]).output)
    assert now["instruments"][0]["status"] == "in-force"
    assert now["position"] == 4
    then = json.loads(
        loaded.invoke(main, ["replay", "--as-of", "1992-08", "--known-at", "@3", "--json"]).output
    )
    assert then["instruments"][0]["status"] == "adopted"
    assert then["position"] == 3 and then["known_at"].endswith("Z")
    why = loaded.invoke(main, ["explain", "--as-of", "1992-08", "--known-at", "@3"])
    assert why.exit_code == 0, why.output
    assert "instrument t: adopted since 1990-11-19 -> in-force since 1992-07-17" in why.output
    assert "auditor: correct act t.eif (date)" in why.output
    assert "reason: Provisional application date" in why.output
    history = loaded.invoke(main, ["history", "t.eif"])
    assert "record act t.eif" in history.output and "correct act t.eif (date)" in history.output
    assert "    date: 1992-11-09 -> 1992-07-17" in history.output


def test_retract_then_history(loaded):
    result = loaded.invoke(main, ["retract", "t.eif", "--reason", "Wrong treaty", *SOURCE_OPTIONS])
    assert result.exit_code == 0, result.output
    data = json.loads(loaded.invoke(main, ["replay", "--as-of", "2000", "--json"]).output)
    assert data["instruments"][0]["status"] == "adopted"
    items = json.loads(loaded.invoke(main, ["history", "t.eif", "--json"]).output)["items"]
    assert [item["action"] for item in items] == ["record", "retract"]
    assert items[1]["reason"] == "Wrong treaty"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["correct", "t.eif", "--reason", "r", *SOURCE_OPTIONS],
            2,
            "give at least one --set FIELD=VALUE or --unset FIELD",
        ),
        (
            ["correct", "t.eif", "--set", "date", "--reason", "r", *SOURCE_OPTIONS],
            2,
            "'date' is not FIELD=VALUE",
        ),
        (
            ["correct", "t.eif", "--set", "date=1992-13", "--reason", "r", *SOURCE_OPTIONS],
            1,
            "Error: correction, act 't.eif', field 'date': '1992-13' is not a valid "
            "date: month 13 does not exist; nothing was written",
        ),
        (
            ["correct", "t.none", "--set", "date=1992", "--reason", "r", *SOURCE_OPTIONS],
            1,
            "Error: no act or relation 't.none' in the ledger",
        ),
        (["correct", "t.eif", "--set", "date=1992"], 2, "Missing option '--reason'"),
        (["correct", "t.eif", "--set", "date=1992", "--reason", "r"], 2, "give the source"),
        (
            ["correct", "t.eif", "--set", "date=1992", "--reason", "r", "--source-title", "x"],
            2,
            "give the source: --source-title, --source-publisher and --source-date",
        ),
        (["retract", "t.none", "--reason", "r", *SOURCE_OPTIONS], 1, "no act or relation 't.none'"),
        (
            ["retract", "t", "--reason", "r", *SOURCE_OPTIONS],
            1,
            "Error: instrument 't': only acts and relations can be corrected or retracted",
        ),
        (
            [
                "correct",
                "t.eif",
                "--set",
                "date=1992",
                "--set",
                "date=1993",
                "--reason",
                "r",
                *SOURCE_OPTIONS,
            ],
            2,
            "'date' is set twice",
        ),
        (
            ["correct", "t.eif", "--set", "date=1992", "--unset", "date", "--reason", "r",
             *SOURCE_OPTIONS],
            2,
            "'date' is both set and unset",
        ),
        (
            ["correct", "t.eif", "--unset", "effective", "--unset", "effective", "--reason", "r",
             *SOURCE_OPTIONS],
            2,
            "'effective' is unset twice",
        ),
        (
            ["correct", "t.eif", "--set", "date=1992", "--reason", "two\nlines", *SOURCE_OPTIONS],
            1,
            "give the reason as one line of text",
        ),
        (
            [
                "correct",
                "t.eif",
                "--set",
                "date=1992",
                "--reason",
                "r",
                "--source-title",
                "x",
                "--source-publisher",
                "y",
                "--source-date",
                "1992-02-30",
            ],
            1,
            "Error: --source, field 'source_date': '1992-02-30' is not a valid date",
        ),
        (["history"], 2, "give one ACT_ID, or --instrument ID, or --actor CODE"),
        (["history", "t.none"], 1, "Error: no act 't.none' in the ledger"),
        (
            ["replay", "--as-of", "2000", "--known-at", "2025-01-01T10:00:00"],
            2,
            "an instant needs a zone: end it with Z for UTC",
        ),
        (
            ["replay", "--as-of", "2000", "--known-at", "@99"],
            1,
            "Error: '@99' is not a moment of this log: the log has only 3 entries",
        ),
        (["explain", "--as-of", "2000"], 2, "Missing option '--known-at'"),
    ],
)
def test_revision_and_audit_errors(loaded, args, code, message):
    result = loaded.invoke(main, args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    size = json.loads(loaded.invoke(main, ["instruments", "--json"]).output)["position"]
    assert size == 3


def test_export_log_and_import_log_round_trip(loaded, tmp_path):
    loaded.invoke(main, ["correct", "t.eif", "--set", "date=1992-07-17", "--reason", "r",
                         *SOURCE_OPTIONS])  # fmt: skip
    exported = loaded.invoke(main, ["export-log", "--out", "log.jsonl"])
    assert exported.exit_code == 0
    loaded_copy = loaded.invoke(main, ["import-log", "log.jsonl", "--store", "copy.db"])
    assert loaded_copy.output == "Loaded 4 entries into copy.db.\n"
    for as_of in ("1991", "1992-08", "2000"):
        original = loaded.invoke(main, ["replay", "--as-of", as_of, "--json"]).output
        copy = loaded.invoke(main, ["replay", "--as-of", as_of, "--json", "--store", "copy.db"])
        assert copy.output == original
    again = loaded.invoke(main, ["import-log", "log.jsonl", "--store", "copy.db"])
    assert again.exit_code == 0  # the store holds the whole log already: nothing to add
    assert again.output.startswith("Loaded 0 entries into copy.db (4 already there)")
    (tmp_path / "bad.jsonl").write_text('{"position": 1}\n')
    bad = loaded.invoke(main, ["import-log", "bad.jsonl", "--store", "other.db"])
    assert bad.exit_code == 1
    assert last_line(bad) == (
        "Error: bad.jsonl line 1, field 'action': is required in a log entry; nothing was written"
    )
    assert not (tmp_path / "other.db").exists()


def test_keygen_checkpoint_verify_prove_and_verify_proof(loaded, tmp_path):
    made = loaded.invoke(main, ["keygen", "--out", "key.pem"])
    assert made.exit_code == 0, made.output
    assert oct((tmp_path / "key.pem").stat().st_mode & 0o777) == "0o600"
    again = loaded.invoke(main, ["keygen", "--out", "key.pem"])
    assert again.exit_code == 2 and "exists; refusing to overwrite it" in again.output
    checkpoint = loaded.invoke(main, ["checkpoint", "--key", "key.pem", "--out", "cp.json"])
    assert checkpoint.exit_code == 0, checkpoint.output
    data = json.loads((tmp_path / "cp.json").read_text())
    assert data["tree_size"] == 3 and len(data["root_hash"]) == 64 and data["signature"]
    verified = loaded.invoke(
        main, ["verify", "--checkpoint", "cp.json", "--public-key", "key.pem.pub"]
    )
    assert verified.exit_code == 0, verified.output
    assert "cp.json: 3 entries, consistent, signature valid" in verified.output
    assert verified.output.strip().endswith(data["root_hash"])
    replayed = json.loads(loaded.invoke(main, ["replay", "--as-of", "2000", "--json"]).output)
    assert (replayed["log_size"], replayed["root_hash"]) == (3, data["root_hash"])
    proved = loaded.invoke(main, ["prove", "t.sig", "--checkpoint", "cp.json", "--out", "p.json"])
    assert proved.exit_code == 0, proved.output
    checked = loaded.invoke(main, ["verify-proof", "p.json", "--public-key", "key.pem.pub"])
    assert checked.exit_code == 0, checked.output
    assert "position 2: proved" in checked.output
    proof = json.loads((tmp_path / "p.json").read_text())
    proof["checkpoint"]["tree_size"] = 4
    (tmp_path / "bad.json").write_text(json.dumps(proof))
    broken = loaded.invoke(main, ["verify-proof", "bad.json"])
    assert broken.exit_code == 1
    assert last_line(broken) == (
        "Error: the proof of 't.sig' does not hold: the checkpoint's signature is invalid"
    )
    assert "unauthenticated" not in broken.output
    proof = json.loads((tmp_path / "p.json").read_text())
    proof["entries"][0]["leaf_hash"] = "00" * 32
    (tmp_path / "leaf.json").write_text(json.dumps(proof))
    leaf = loaded.invoke(main, ["verify-proof", "leaf.json", "--public-key", "key.pem.pub"])
    assert "position 2: NOT proved" in leaf.output
    assert last_line(leaf) == (
        "Error: the proof of 't.sig' does not hold: the entry at position 2 does not prove "
        "against the checkpoint's root"
    )
    loaded.invoke(main, ["keygen", "--out", "other.pem"])
    foreign = loaded.invoke(main, ["verify-proof", "p.json", "--public-key", "other.pem.pub"])
    assert foreign.exit_code == 1
    assert "position 2: path holds, signature does not" in foreign.output
    assert "unauthenticated" not in foreign.output
    assert last_line(foreign) == (
        "Error: the proof of 't.sig' does not hold: the checkpoint's signature is untrusted"
    )
    proof = json.loads((tmp_path / "p.json").read_text())
    proof["entries"][0]["position"] = str(proof["entries"][0]["position"])
    (tmp_path / "text.json").write_text(json.dumps(proof))
    text = loaded.invoke(main, ["verify-proof", "text.json", "--public-key", "key.pem.pub"])
    assert text.exit_code != 0 and "Traceback" not in text.output
    assert last_line(text).startswith(
        "Error: text.json: not a proof file (field 'entries.0.position'"
    )


def test_verify_reports_a_tampered_store(loaded, tmp_path):
    import sqlite3

    loaded.invoke(main, ["checkpoint", "--out", "cp.json"])
    conn = sqlite3.connect(tmp_path / "ledger.db")
    with conn:
        conn.execute(
            "UPDATE stored_events SET state = replace(state, '1990', '1989') WHERE rowid = 2"
        )
    conn.close()
    result = loaded.invoke(main, ["verify", "--checkpoint", "cp.json"])
    assert result.exit_code == 1
    assert last_line(result) == (
        "Error: the log of 'ledger.db' fails verification at position 2 (altered: "
        "the entry does not hash to what was recorded)"
    )


def test_check_passes_a_clean_record_and_fails_a_bad_one(loaded, tmp_path):
    assert loaded.invoke(main, ["check"]).output.endswith("0 errors, 0 warnings in 3 entries\n")
    bad = dict(SIGNED, id="t.fra.wd", type="withdrawal", actors=["FRA"], date="2000",
               effective="2001")  # fmt: skip
    (tmp_path / "bad.jsonl").write_text(lines(bad))
    loaded.invoke(main, ["import", "bad.jsonl"])
    result = loaded.invoke(main, ["check", "--json"])
    assert result.exit_code == 1
    report = json.loads(result.output.split("\nError:")[0])
    assert [f["rule"] for f in report["findings"]] == ["exit-without-consent"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["verify", "--checkpoint", "nope.json"], "'nope.json' does not exist"),
        (["verify", "--checkpoint", "notjson.json"], "Error: notjson.json: not JSON"),
        (["verify", "--checkpoint", "other.json"], "Error: other.json: not a checkpoint (field"),
        (["checkpoint", "--key", "notjson.json"], "Error: notjson.json: not an unencrypted PEM"),
        (["prove", "t.none", "--checkpoint", "cp.json"], "Error: no act 't.none' in the ledger"),
        (["verify-proof", "other.json"], "Error: other.json: not a proof file"),
    ],
)
def test_integrity_errors(loaded, tmp_path, args, message):
    (tmp_path / "notjson.json").write_text("{nope")
    (tmp_path / "other.json").write_text('{"tree_size": "many"}')
    loaded.invoke(main, ["checkpoint", "--out", "cp.json"])
    result = loaded.invoke(main, args)
    assert result.exit_code in (1, 2)
    assert message in result.output
    assert "Traceback" not in result.output


def test_read_only_reads_and_refuses_writes(loaded, tmp_path):
    replayed = loaded.invoke(main, ["replay", "--as-of", "2000", "--read-only"])
    assert replayed.exit_code == 0, replayed.output
    before = (tmp_path / "ledger.db").read_bytes()
    for command in (["instruments"], ["timeline"], ["history", "t.sig"], ["check"], ["verify"]):
        assert loaded.invoke(main, [*command, "--read-only"]).exit_code == 0
    assert (tmp_path / "ledger.db").read_bytes() == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda log: log.__setitem__(1, {**log[1], "recorded_at": "2020-01-01T00:00:00.000000Z"}),
         "line 2, act 't.sig', field 'recorded_at': record time goes backwards"),
        (lambda log: log.insert(2, {**log[1], "position": 3}), "is recorded a second time"),
        (lambda log: log.__setitem__(3, {**log[3], "changed": ["summary"]}),
         "field 'changed': 'changed' says ['summary'], the content changes ['date']"),
        (lambda log: log.__setitem__(3, {**log[3], "reason": None}),
         "a correct needs a reason and a source"),
        (lambda log: log.__setitem__(1, {**log[1], "recorded_by": ""}),
         "field 'recorded_by': must be a name"),
        (lambda log: log.__setitem__(0, {**log[0], "extra": 1}),
         "field 'extra': is not a field of a log entry"),
        (lambda log: log[1]["record"].__setitem__("instrument", "x"),
         "no instrument 'x' stands at this point of the log"),
    ],
)  # fmt: skip
def test_import_log_refuses_logs_the_ledger_could_not_have_written(
    loaded, tmp_path, change, message
):
    loaded.invoke(main, ["correct", "t.eif", "--set", "date=1992-07-17", "--reason", "r",
                         *SOURCE_OPTIONS])  # fmt: skip
    log = [json.loads(line) for line in loaded.invoke(main, ["export-log"]).output.splitlines()]
    change(log)
    for position, entry in enumerate(log, start=1):
        entry.setdefault("position", position)
    (tmp_path / "log.jsonl").write_text("".join(json.dumps(entry) + "\n" for entry in log))
    result = loaded.invoke(main, ["import-log", "log.jsonl", "--store", "copy.db"])
    assert result.exit_code == 1, result.output
    assert message in last_line(result)
    assert not (tmp_path / "copy.db").exists()


def test_migrate_refuses_to_launder_an_altered_ledger(loaded, tmp_path):
    import sqlite3

    conn = sqlite3.connect(tmp_path / "ledger.db")
    with conn:
        conn.execute(
            "UPDATE stored_events SET state = replace(state, '1990', '1989') WHERE rowid = 2"
        )
    conn.close()
    for args in (["migrate", "--from", "ledger.db", "--to", "clean.db"], ["export-log"],
                 ["replay", "--as-of", "2000"]):  # fmt: skip
        result = loaded.invoke(main, args)
        assert result.exit_code == 1
        assert "fails verification at position 2 (altered" in last_line(result)
    assert not (tmp_path / "clean.db").exists()


def test_passwords_never_reach_the_output(runner):
    for location in ("postgresql://me:s3cret@127.0.0.1:99999/db",
                     "postgresql://me:s3cret@127.0.0.1:5432/db?x=1",
                     "mysql://me:s3cret@host/db"):  # fmt: skip
        result = runner.invoke(main, ["replay", "--as-of", "2000", "--store", location])
        assert result.exit_code == 1
        assert "s3cret" not in result.output


def test_keygen_refuses_to_overwrite_either_key_file(runner, tmp_path):
    (tmp_path / "k.pem.pub").write_text("old\n")
    result = runner.invoke(main, ["keygen", "--out", "k.pem"])
    assert result.exit_code == 2 and "'k.pem.pub' exists" in result.output
    missing = runner.invoke(main, ["keygen", "--out", "nodir/k.pem"])
    assert missing.exit_code == 1
    assert last_line(missing) == "Error: nodir/k.pem: No such file or directory"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("[" * 1000 + "]" * 1000, "JSON nested too deeply"),
        (json.dumps(dict(SIGNED, id="t.big", sequence=2**64)), "field 'sequence'"),
    ],
)
def test_pathological_input_is_refused_in_one_line(runner, tmp_path, line, message):
    (tmp_path / "odd.jsonl").write_text(line + "\n")
    result = runner.invoke(main, ["import", "odd.jsonl"])
    assert result.exit_code == 1
    assert message in last_line(result)
    assert "Traceback" not in result.output


def test_audit_commands_refuse_an_altered_ledger(loaded, tmp_path):
    import sqlite3

    conn = sqlite3.connect(tmp_path / "ledger.db")
    with conn:
        conn.execute(
            "UPDATE stored_events SET state = replace(state, 'signed', 'forged') WHERE rowid = 2"
        )
    conn.close()
    for args in (["history", "t.sig"], ["explain", "--as-of", "2000", "--known-at", "@1"],
                 ["instruments"], ["check"]):  # fmt: skip
        result = loaded.invoke(main, args)
        assert result.exit_code == 1
        assert "fails verification at position 2" in last_line(result)


def test_schemas_name_their_draft(runner):
    schema = json.loads(runner.invoke(main, ["schema", "act"]).output)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_every_schema_names_itself_and_its_version(runner):
    from treaty_ledger.cli.schema import _NAMES

    for name in _NAMES:
        schema = json.loads(runner.invoke(main, ["schema", name]).output)
        assert re.fullmatch(rf"treaty-ledger/{name}/v[1-9][0-9]*", schema["$id"]), name


@pytest.mark.parametrize(
    "command", ["export-log", "timeline", "timeline --json", "replay --as-of 2014 --json"]
)
def test_a_closed_pipe_ends_quietly(shipped_store, tmp_path, command):
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    ledger = shutil.which("ledger", path=str(Path(sys.executable).parent))
    store = str(tmp_path / "pipe.db")
    shutil.copy(shipped_store, store)
    result = subprocess.run(
        f"{ledger} {command} --store {store} | head -1 >/dev/null; echo ${{PIPESTATUS[0]}}",
        shell=True, capture_output=True, text=True, executable="/bin/bash", check=False,
    )  # fmt: skip
    assert result.stdout.strip() == "0"
    assert result.stderr == ""  # no error, no traceback, no "Exception ignored"


def test_a_refused_migration_prints_its_error_line_alone(shipped_store, tmp_path):
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    ledger = shutil.which("ledger", path=str(Path(sys.executable).parent))
    source, target = tmp_path / "source.db", tmp_path / "target.db"
    shutil.copy(shipped_store, source)
    instruments = Path(__file__).parent.parent / "fixtures" / "instruments.jsonl"
    last = tmp_path / "last.jsonl"  # one instrument, not the one at the source's position 1
    last.write_text(instruments.read_text().splitlines()[-1] + "\n")
    subprocess.run([ledger, "import", str(last), "--store", str(target)], check=True,
                   capture_output=True)  # fmt: skip
    result = subprocess.run([ledger, "migrate", "--from", str(source), "--to", str(target)],
                            capture_output=True, text=True, check=False)  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.startswith("Error: the target's entry at position 1 differs")
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_progress_bar_stays_off_a_stream_that_is_not_a_terminal(capsys):
    from treaty_ledger.cli.progress import SHOW_FROM, progress_bar

    with progress_bar("Replaying") as progress:
        progress(10, SHOW_FROM * 10)
        progress(SHOW_FROM * 10, SHOW_FROM * 10)
    assert capsys.readouterr() == ("", "")


def test_shipped_and_files_in_one_import_are_refused_before_anything_is_written(tmp_path):
    runner = CliRunner()
    records = tmp_path / "mine.jsonl"
    records.write_text("")
    with runner.isolated_filesystem(temp_dir=tmp_path):
        result = runner.invoke(main, ["import", "--shipped", str(records)])
        assert result.exit_code == 2
        assert "not both" in result.output
        assert not Path("ledger.db").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["replay", "--as-of", "2014-13"],
        ["replay"],
        ["nosuch"],
        ["export", "nothing", "--as-of", "2014"],
    ],
    ids=["bad-date", "missing-option", "unknown-command", "bad-choice"],
)
def test_bad_arguments_are_one_error_line_and_exit_2(runner, args):
    result = runner.invoke(main, args)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "--help" in lines[0]


@pytest.mark.parametrize(
    "args, option",
    [
        (["replay", "--as-of", "2014", "--as-of", "2015"], "--as-of"),
        (["replay", "--as-of=2014", "--known-at", "@3", "--as-of", "2015"], "--as-of"),
        (["export", "status", "--as-of", "2014", "--format", "csv", "--format", "json"],
         "--format"),
        (["timeline", "--actor", "RUS", "--actor", "USA"], "--actor"),
    ],
    ids=["replay", "equals-form", "export", "timeline"],
)
def test_an_option_of_one_value_given_twice_is_refused(runner, tmp_path, args, option):
    with runner.isolated_filesystem(temp_dir=tmp_path):
        result = runner.invoke(main, args)
        assert result.exit_code == 2
        assert result.output.strip() == (
            f"Error: {option} is given twice; give it once (see 'main {args[0]} --help')"
        )
        assert not Path("ledger.db").exists()


def test_options_of_several_values_and_a_value_like_an_option_are_taken(runner, tmp_path):
    with runner.isolated_filesystem(temp_dir=tmp_path):
        assert runner.invoke(main, ["import", "--shipped"]).exit_code == 0
        chart = runner.invoke(main, ["chart", "--from", "1990", "--to", "2024", "--out", "c.svg",
                                     "--instrument", "cfe-1990",
                                     "--instrument", "inf-1987"])  # fmt: skip
        assert chart.exit_code == 0, chart.output
        assert chart.output.startswith("Chart of 2 rows")
        odd = runner.invoke(main, ["replay", "--as-of", "2014", "--instrument", "--as-of"])
        assert odd.exit_code == 1
        assert "no instrument '--as-of'" in odd.output


def test_an_option_without_its_value_names_the_command_s_help(runner):
    result = runner.invoke(main, ["replay", "--as-of"])
    assert result.exit_code == 2
    assert result.output.strip() == (
        "Error: Option '--as-of' requires an argument. (see 'ledger replay --help')"
    )


def test_an_actor_filter_that_keeps_nothing_says_so(runner, shipped_store):
    result = runner.invoke(main, ["replay", "--as-of", "2014", "--instrument", "inf-1987",
                                  "--actor", "FRA", "--store", str(shipped_store)])  # fmt: skip
    assert result.exit_code == 0
    assert result.output.strip().splitlines()[-1] == (
        "No instrument names FRA as of that day (--actor keeps only those that do)."
    )


def test_a_provision_that_does_not_bind_the_actor_asked_about_says_so(runner, shipped_store):
    result = runner.invoke(main, ["replay", "--as-of", "2015", "--actor", "SUN",
                                  "--store", str(shipped_store)])  # fmt: skip
    assert result.exit_code == 0
    assert "  provision consultation (consultation) does not bind SUN" in result.output
    assert "binds nobody" not in result.output


def test_the_summary_separates_whom_a_suspension_is_toward_from_its_author(runner, shipped_store):
    result = runner.invoke(main, ["replay", "--as-of", "2019", "--store", str(shipped_store)])
    assert result.exit_code == 0
    flat = " ".join(result.output.split())  # the summary wraps long lines
    assert "suspended toward RUS: GEO (contested)" in flat
