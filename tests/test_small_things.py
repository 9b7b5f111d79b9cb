"""Small things of issue 13: logs load in parts and carry hashes, history shows content."""

from __future__ import annotations

import pytest
from builders import shipped_size
from click.testing import CliRunner

from treaty_ledger.cli.main import main


@pytest.fixture
def runner(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LEDGER_STORE", raising=False)
    runner = CliRunner()
    assert runner.invoke(main, ["import", "--shipped", "--store", "source.db"]).exit_code == 0
    exported = runner.invoke(main, ["export-log", "--out", "log.jsonl", "--store", "source.db"])
    assert exported.exit_code == 0
    return runner


def last_line(result) -> str:
    return result.output.strip().splitlines()[-1]


def test_import_log_loads_the_rest_of_a_log_into_a_store_holding_its_first_part(runner, tmp_path):
    lines = (tmp_path / "log.jsonl").read_text().splitlines(keepends=True)
    (tmp_path / "part.jsonl").write_text("".join(lines[:100]))
    assert runner.invoke(main, ["import-log", "part.jsonl", "--store", "copy.db"]).exit_code == 0
    rest = runner.invoke(main, ["import-log", "log.jsonl", "--store", "copy.db"])
    assert rest.exit_code == 0, rest.output
    rest_size = shipped_size() - 100
    assert rest.output.startswith(f"Loaded {rest_size} entries into copy.db (100 already there).")
    replays = [runner.invoke(main, ["replay", "--as-of", "2014-03", "--verify", "--store", store])
               for store in ("source.db", "copy.db")]  # fmt: skip
    assert replays[0].output == replays[1].output


def test_an_exported_log_edited_after_export_is_refused_and_nothing_written(runner, tmp_path):
    text = (tmp_path / "log.jsonl").read_text()
    assert '"leaf_hash":"' in text
    (tmp_path / "edited.jsonl").write_text(text.replace("Crimea", "Crimeb", 1))
    result = runner.invoke(main, ["import-log", "edited.jsonl", "--store", "copy.db"])
    assert result.exit_code == 1
    assert "does not hash to the leaf_hash it carries" in last_line(result)
    assert not (tmp_path / "copy.db").exists()


def test_history_in_text_shows_the_acts_content(runner):
    result = runner.invoke(main, ["history", "inf-1987.usa.withdrawal", "--store", "source.db"])
    assert result.exit_code == 0
    assert "    effective: 2019-08-02" in result.output
    assert "    actors: USA" in result.output


def test_the_missing_store_hint_works_when_the_folder_is_missing(runner):
    result = runner.invoke(main, ["replay", "--as-of", "2000", "--store", "nodir/x.db"])
    assert result.exit_code == 1
    hint = last_line(result).split("load the shipped record with: ")[1]
    assert hint == "mkdir -p nodir && ledger import --shipped --store nodir/x.db"


def test_import_log_refuses_a_line_whose_leaf_hash_was_removed(runner, tmp_path):
    import json

    lines = (tmp_path / "log.jsonl").read_text().splitlines()
    edited = json.loads(lines[82])
    del edited["leaf_hash"]
    edited["record"]["summary"] = "Edited."
    lines[82] = json.dumps(edited)
    (tmp_path / "edited.jsonl").write_text("\n".join(lines) + "\n")
    result = runner.invoke(main, ["import-log", "edited.jsonl", "--store", "copy2.db"])
    assert result.exit_code == 1 and "leaf_hash" in result.output and "line 83" in result.output
    assert last_line(result).count("nothing was written") == 1
    assert not (tmp_path / "copy2.db").exists()


def test_import_log_says_when_no_line_carries_a_leaf_hash(runner, tmp_path):
    import json

    lines = [json.loads(line) for line in (tmp_path / "log.jsonl").read_text().splitlines()]
    for line in lines:
        del line["leaf_hash"]
    (tmp_path / "bare.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    result = CliRunner().invoke(main, ["import-log", "bare.jsonl", "--store", "copy3.db"])
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Loaded {len(lines)} entries into copy3.db.")
    assert result.stderr.startswith("The log carries no leaf hashes")
