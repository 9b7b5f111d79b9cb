"""``--out`` of ``export`` and ``export-log``: a file is replaced whole, or left as it was.

An export streams its rows as it reads them; before, it wrote them straight
into the file named, so a failure half way (a store gone, a disk full, a
tampered entry found) left a part of a file where the previous export had
been. Now the rows go to a temporary file beside it, which replaces it only
when the command ends without an error.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from treaty_ledger.cli.main import main
from treaty_ledger.ledger.errors import StoreError

OLD = "an export of yesterday\n"
EXPORTS = [
    ["export", "status", "--as-of", "2014-03", "--format", "csv"],
    ["export", "acts", "--as-of", "2014-03", "--format", "ndjson"],
    ["export", "claims", "--as-of", "2014-03"],
    ["export-log"],
]


@pytest.fixture
def folder(shipped_store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LEDGER_STORE", raising=False)
    shutil.copy(shipped_store, tmp_path / "ledger.db")
    return tmp_path


def files(folder) -> list[str]:
    """The files in the folder besides the store's own (its WAL and shared memory too)."""
    return sorted(name for name in os.listdir(folder) if not name.startswith("ledger.db"))


def run(*args):
    return CliRunner().invoke(main, [*args, "--store", "ledger.db"])


@pytest.mark.parametrize("command", EXPORTS, ids=lambda c: " ".join(c[:2]))
def test_out_holds_exactly_what_stdout_prints(folder, command):
    printed = run(*command)
    written = run(*command, "--out", "new.txt")
    assert printed.exit_code == written.exit_code == 0
    assert (folder / "new.txt").read_text(encoding="utf-8") == printed.output
    assert files(folder) == ["new.txt"]  # no temporary file left


@pytest.mark.parametrize("command", EXPORTS, ids=lambda c: " ".join(c[:2]))
def test_a_tampered_log_leaves_the_previous_file_as_it_was(folder, command):
    (folder / "old.txt").write_text(OLD)
    with sqlite3.connect(folder / "ledger.db") as conn:
        conn.execute("DELETE FROM stored_events WHERE rowid > 160")  # the tail cut
    result = run(*command, "--out", "old.txt")
    assert result.exit_code == 1
    assert "position 161 (missing" in result.output
    assert (folder / "old.txt").read_text() == OLD
    assert files(folder) == ["old.txt"]


def test_a_failure_half_way_through_the_rows_leaves_no_part_of_a_file(folder, monkeypatch):
    from treaty_ledger.cli import export_queries

    streamed = export_queries.export_stream

    def failing(*args, **kwargs):
        exported = streamed(*args, **kwargs)

        def rows():
            for number, row in enumerate(exported.rows):
                if number == 100:
                    raise StoreError("the store went away")
                yield row

        return dataclasses.replace(exported, rows=rows())

    monkeypatch.setattr(export_queries, "export_stream", failing)
    (folder / "old.csv").write_text(OLD)
    result = run("export", "status", "--as-of", "2014-03", "--format", "csv", "--out", "old.csv")
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == "Error: the store went away"
    assert (folder / "old.csv").read_text() == OLD
    assert files(folder) == ["old.csv"]


def test_a_new_file_gets_the_permissions_of_the_umask(folder):
    previous = os.umask(0o027)
    try:
        assert run("export-log", "--out", "log.jsonl").exit_code == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE(os.stat(folder / "log.jsonl").st_mode) == 0o640


def test_a_link_is_kept_and_its_target_replaced(folder):
    (folder / "target.csv").write_text(OLD)
    (folder / "link.csv").symlink_to("target.csv")
    assert run("export", "status", "--as-of", "2014", "--format", "csv",
               "--out", "link.csv").exit_code == 0  # fmt: skip
    assert (folder / "link.csv").is_symlink()
    assert (folder / "target.csv").read_text().startswith("instrument,title,")


def test_a_folder_that_does_not_exist_is_named_in_one_line(folder):
    result = run("export-log", "--out", "missing/log.jsonl")
    assert result.exit_code == 1
    assert result.output.strip() == "Error: missing/log.jsonl: No such file or directory"
    assert files(folder) == []


@pytest.mark.parametrize("command", EXPORTS, ids=lambda c: " ".join(c[:2]))
def test_the_installed_command_prints_to_a_pipe_what_the_runner_captures(folder, command):
    ledger = shutil.which("ledger", path=str(Path(sys.executable).parent))
    piped = subprocess.run([ledger, *command, "--store", "ledger.db"], capture_output=True,
                           check=False)  # fmt: skip
    assert piped.returncode == 0, piped.stderr.decode()
    assert piped.stdout.decode("utf-8") == run(*command).output


@pytest.mark.parametrize("out", ["ledger.db", "ledger.db-wal", "./ledger.db-shm"])
def test_the_store_itself_is_refused(folder, out):
    before = (folder / "ledger.db").read_bytes()
    for command in EXPORTS:
        result = run(*command, "--out", out)
        assert result.exit_code == 2
        assert result.output.strip().splitlines()[-1].startswith(
            f"Error: Invalid value for --out: {out!r} is the ledger's store; refusing to write "
        )
    assert (folder / "ledger.db").read_bytes() == before


def test_another_sqlite_database_is_refused(folder):
    shutil.copy(folder / "ledger.db", folder / "other.db")
    before = (folder / "other.db").read_bytes()
    result = run("export-log", "--out", "other.db")
    assert result.exit_code == 2
    assert "'other.db' is a SQLite database; refusing to write over it" in result.output
    assert (folder / "other.db").read_bytes() == before


def test_an_empty_name_is_refused(folder):
    result = run("export", "acts", "--as-of", "2014", "--out", "")
    assert result.exit_code == 2
    assert "Invalid value for --out: give a file name" in result.output
    assert files(folder) == []


def test_a_replaced_file_keeps_its_permissions(folder):
    (folder / "private.csv").write_text(OLD)
    os.chmod(folder / "private.csv", 0o600)
    assert run("export", "claims", "--as-of", "2014", "--format", "csv",
               "--out", "private.csv").exit_code == 0  # fmt: skip
    assert stat.S_IMODE(os.stat(folder / "private.csv").st_mode) == 0o600
    assert (folder / "private.csv").read_text().startswith("territory,claimant,")


def test_a_failed_write_names_the_file(folder):
    result = run("export-log", "--out", "/dev/full")
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        "Error: /dev/full: No space left on device"
    )


def test_chart_refuses_the_store_and_writes_its_image_whole(folder):
    before = (folder / "ledger.db").read_bytes()
    (folder / "ledger.png").symlink_to("ledger.db")
    shutil.copy(folder / "ledger.db", folder / "copy.svg")
    for out, refusal in [("ledger.png", "is the ledger's store"), ("copy.svg", "is a SQLite "
                         "database")]:  # fmt: skip
        result = run("chart", "--from", "1990", "--to", "2024", "--out", out)
        assert result.exit_code == 2, result.output
        assert f"{refusal}; refusing to write over it" in result.output
    assert (folder / "ledger.db").read_bytes() == before
    drawn = run("chart", "--from", "1990", "--to", "2024", "--out", "regime.svg")
    assert drawn.exit_code == 0, drawn.output
    assert (folder / "regime.svg").read_text().startswith("<?xml")
    assert files(folder) == ["copy.svg", "ledger.png", "regime.svg"]


@pytest.mark.parametrize("beside", ["-wal", "-shm", "-journal"])
def test_the_files_beside_any_sqlite_database_are_refused(folder, beside):
    shutil.copy(folder / "ledger.db", folder / "other.db")
    (folder / f"other.db{beside}").write_bytes(b"what SQLite keeps")
    result = run("export-log", "--out", f"other.db{beside}")
    assert result.exit_code == 2
    assert "is a file SQLite keeps beside a database; refusing to write over it" in result.output
    assert (folder / f"other.db{beside}").read_bytes() == b"what SQLite keeps"


def test_a_name_ending_with_a_slash_is_refused(folder):
    result = run("export-log", "--out", "log.jsonl/")
    assert result.exit_code == 2
    assert "'log.jsonl/' names a folder; give a file name" in result.output
    assert files(folder) == []


def test_a_fifo_with_its_reader_waiting_is_written_directly(folder):
    fifo = folder / "pipe"
    os.mkfifo(fifo)
    ledger = shutil.which("ledger", path=str(Path(sys.executable).parent))
    with subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE) as reader:
        writer = subprocess.Popen([ledger, "export-log", "--out", str(fifo), "--store",
                                   "ledger.db"], stderr=subprocess.PIPE)  # fmt: skip
        read, _ = reader.communicate(timeout=60)  # the reader waited first: no deadlock
        assert writer.wait(timeout=60) == 0, writer.stderr.read()
        writer.stderr.close()
    assert read == run("export-log").output.encode()


def test_dev_stdout_is_the_stream_already_open_so_an_appended_file_is_appended_to(folder):
    ledger = shutil.which("ledger", path=str(Path(sys.executable).parent))
    (folder / "journal.txt").write_text("HEADER\n")
    done = subprocess.run(
        f"{ledger} export claims --as-of 2014 --format csv --out /dev/stdout "
        "--store ledger.db >> journal.txt",
        shell=True, capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = (folder / "journal.txt").read_text()
    assert text.startswith("HEADER\nterritory,claimant,")


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP], ids=["TERM", "HUP"])
def test_a_stopping_signal_half_way_removes_the_temporary_file(folder, number):
    from treaty_ledger.cli.output_files import output_file

    (folder / "old.json").write_text(OLD)
    with pytest.raises(SystemExit) as stopped, output_file("old.json", binary=False) as handle:
        handle.write("half of an export")
        os.kill(os.getpid(), number)
    assert stopped.value.code == 128 + number
    assert (folder / "old.json").read_text() == OLD
    assert files(folder) == ["old.json"]
