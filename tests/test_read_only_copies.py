"""An auditor's read-only copy: a closed ledger in a folder the reader cannot write.

SQLite keeps a ``-shm`` file beside a WAL-mode database, even to read it;
where the folder cannot be written and no ``-shm`` file is there, ``mode=ro``
cannot open it. ``--read-only`` then opens it ``immutable=1``, unless a
``-wal`` file holds entries not yet in the database (reading without them
would answer from less than the log). The tests run as root, who may write
anywhere, so the folder's permission is what ``os.access`` answers.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from treaty_ledger.cli.main import main
from treaty_ledger.ledger.store import locations
from treaty_ledger.ledger.store.locations import read_only_uri


@pytest.fixture
def copy(shipped_store, tmp_path) -> Path:
    target = tmp_path / "audit" / "ledger.db"
    target.parent.mkdir()
    shutil.copy(shipped_store, target)
    return target


@pytest.fixture
def unwritable_folders(monkeypatch):
    real = os.access

    def access(path, mode, **kwargs):
        return False if mode == os.W_OK and Path(path).is_dir() else real(path, mode, **kwargs)

    monkeypatch.setattr(locations.os, "access", access)


def test_a_writable_folder_is_opened_read_only(copy):
    assert read_only_uri(copy).endswith("?mode=ro")


def test_an_unwritable_folder_without_shm_is_opened_immutable(copy, unwritable_folders):
    assert read_only_uri(copy) == copy.resolve().as_uri() + "?immutable=1"
    result = CliRunner().invoke(main, ["replay", "--as-of", "2014-03", "--read-only",
                                       "--store", str(copy)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert not Path(f"{copy}-shm").exists() and not Path(f"{copy}-wal").exists()
    verified = CliRunner().invoke(main, ["verify", "--read-only", "--store", str(copy)])
    assert verified.exit_code == 0 and verified.output.startswith("OK: ")


@pytest.mark.parametrize(("wal", "shm", "expected"), [
    (b"", False, "?immutable=1"),
    (b"entries not yet checkpointed", False, "?mode=ro"),
    (None, True, "?mode=ro"),
])  # fmt: skip
def test_a_wal_with_content_or_a_shm_file_keeps_mode_ro(copy, unwritable_folders, wal, shm,
                                                         expected):  # fmt: skip
    if wal is not None:
        Path(f"{copy}-wal").write_bytes(wal)
    if shm:
        Path(f"{copy}-shm").write_bytes(b"\0" * 32768)
    assert read_only_uri(copy).endswith(expected)
