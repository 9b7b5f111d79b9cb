"""Proofs and checkpoints are proved only against a key the auditor trusts."""

from __future__ import annotations

import json

import pytest
from builders import shipped_size
from click.testing import CliRunner

from treaty_ledger.cli.main import main
from treaty_ledger.ledger.integrity.checkpoints import InvalidCheckpoint, parse_checkpoint

ROOT = "ab" * 32


@pytest.fixture
def runner(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("LEDGER_STORE", "LEDGER_PUBLIC_KEY"):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()
    assert runner.invoke(main, ["import", "--shipped"]).exit_code == 0
    assert runner.invoke(main, ["keygen", "--out", "key.pem"]).exit_code == 0
    made = runner.invoke(main, ["checkpoint", "--key", "key.pem", "--out", "cp.json"])
    assert made.exit_code == 0, made.output
    return runner


def last_line(result) -> str:
    return result.output.strip().splitlines()[-1]


def test_verify_without_a_trusted_key_is_unauthenticated_with_its_own_status(runner):
    result = runner.invoke(main, ["verify", "--checkpoint", "cp.json"])
    assert result.exit_code == 3
    assert last_line(result).startswith("UNAUTHENTICATED: ")
    trusted = runner.invoke(main, ["verify", "--checkpoint", "cp.json", "--public-key",
                                   "key.pem.pub"])  # fmt: skip
    assert trusted.exit_code == 0 and "UNAUTHENTICATED" not in trusted.output


def test_a_key_configured_for_the_ledger_is_trusted(runner, monkeypatch):
    monkeypatch.setenv("LEDGER_PUBLIC_KEY", "key.pem.pub")
    assert runner.invoke(main, ["verify", "--checkpoint", "cp.json"]).exit_code == 0
    assert runner.invoke(main, ["keygen", "--out", "other.pem"]).exit_code == 0
    monkeypatch.setenv("LEDGER_PUBLIC_KEY", "other.pem.pub")  # signed by a key not trusted
    other = runner.invoke(main, ["verify", "--checkpoint", "cp.json"])
    assert other.exit_code == 1
    assert "bad-signature: cp.json: the signature is untrusted" in last_line(other)


def test_a_proof_is_proved_only_against_a_trusted_key(runner):
    made = runner.invoke(main, ["prove", "inf-1987.usa.withdrawal", "--checkpoint", "cp.json",
                                "--out", "p.json"])  # fmt: skip
    assert made.exit_code == 0, made.output
    bare = runner.invoke(main, ["verify-proof", "p.json"])
    assert bare.exit_code == 3
    assert "proved" not in bare.output.replace("NOT proved", "")
    assert last_line(bare).startswith("UNAUTHENTICATED: ")
    trusted = runner.invoke(main, ["verify-proof", "p.json", "--public-key", "key.pem.pub"])
    assert trusted.exit_code == 0 and ": proved" in trusted.output
    as_json = runner.invoke(main, ["verify-proof", "p.json", "--json"])
    assert as_json.exit_code == 3
    assert json.loads(as_json.stdout)["authenticated"] is False  # one document on stdout
    assert as_json.stderr.startswith("UNAUTHENTICATED: ")


@pytest.mark.parametrize(
    ("field", "value"),
    [("tree_size", "168"), ("tree_size", True), ("tree_size", 168.0), ("recorded_at", 5)],
)
def test_checkpoint_fields_are_type_checked_not_coerced(field, value):
    data = {"tree_size": 168, "root_hash": ROOT, "recorded_at": ""} | {field: value}
    with pytest.raises(InvalidCheckpoint, match=f"field '{field}'"):
        parse_checkpoint(data, "cp.json")


def test_checkpoint_never_overwrites_a_file(runner, tmp_path):
    before = (tmp_path / "cp.json").read_bytes()
    again = runner.invoke(main, ["checkpoint", "--out", "cp.json"])
    assert again.exit_code == 2
    assert "'cp.json' exists; refusing to overwrite it" in last_line(again)
    assert (tmp_path / "cp.json").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".ledger-")] == []
    fresh = runner.invoke(main, ["checkpoint", "--out", "cp2.json"])
    assert fresh.exit_code == 0
    assert json.loads((tmp_path / "cp2.json").read_text())["tree_size"] == shipped_size()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda text: text.replace('"tree_size"', '"tree_size": 1, "tree_size"', 1),
         "key 'tree_size' appears twice in one object"),
        (lambda text: text.replace('"tree_size": ', '"tree_size": NaN, "x": ', 1),
         "NaN is not a JSON number"),
    ],
    ids=["repeated key", "NaN"],
)
def test_a_checkpoint_file_that_is_not_strict_json_is_refused(runner, tmp_path, edit, message):
    text = (tmp_path / "cp.json").read_text()
    (tmp_path / "odd.json").write_text(edit(text))
    result = runner.invoke(main, ["verify", "--checkpoint", "odd.json"])
    assert result.exit_code == 1
    assert last_line(result) == f"Error: odd.json: not JSON ({message})"


def test_a_checkpoint_nested_too_deeply_is_one_error_line(runner, tmp_path):
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    for args in (["verify", "--checkpoint", "deep.json"], ["verify-proof", "deep.json"]):
        result = runner.invoke(main, args)
        assert result.exit_code == 1
        assert last_line(result) == (
            "Error: deep.json: not a checkpoint or proof: JSON nested too deeply"
        )
