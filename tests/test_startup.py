"""Heavy modules load only in the commands that use them.

Each reading command runs in a fresh interpreter on the shipped record; the
modules it left in ``sys.modules`` are then compared with the list of heavy
ones: the PostgreSQL driver, the HTTP stack, plotting, signatures, the
pure-Python JCS encoder, the EDTF grammar (stored dates are read without
it) and the retry machinery. A command imports the module of its own command
group only (``cli.main.COMMANDS``), and the text output of most builds no
pydantic validator (nor loads pydantic's plugin machinery). Speed itself is
measured in ``benchmarks/``, not here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import import_module

import pytest

from treaty_ledger.cli.main import COMMANDS, main

HEAVY = {
    "psycopg": "the PostgreSQL driver",
    "psycopg_pool": "the PostgreSQL pool",
    "fastapi": "the HTTP stack",
    "starlette": "the HTTP stack",
    "uvicorn": "the HTTP server",
    "matplotlib": "plotting",
    "cryptography": "signatures",
    "rfc8785": "the pure-Python JCS encoder",
    "edtf": "the EDTF grammar",
    "pyparsing": "the EDTF grammar",
    "tenacity": "the retry machinery (only once a write was stopped)",
}

RUN = """
import json, sys
sys.argv = ["ledger", *sys.argv[1:]]
from treaty_ledger.cli.main import main
try:
    main()
except SystemExit as done:
    if done.code:
        raise
finally:
    sys.stdout.flush()
    sys.stderr.write(json.dumps(sorted(sys.modules)))
"""

READING_COMMANDS = [
    ["replay", "--as-of", "2014-03"],
    ["replay", "--as-of", "2014-03", "--json"],
    ["replay", "--as-of", "2007-12-12", "--instrument", "cfe-1990"],
    ["timeline"],
    ["timeline", "--actor", "RUS", "--from", "2007"],
    ["instruments"],
    ["actor", "NATO", "--as-of", "2024-06"],
    ["diff", "--from", "2019-01", "--to", "2019-12"],
    ["export", "status", "--as-of", "2014-03", "--format", "csv"],
    ["history", "--instrument", "inf-1987"],
    ["check"],
    ["verify"],
]


@pytest.fixture
def shipped(shipped_store) -> str:
    """The session's store of the shipped record (these tests only read it)."""
    return str(shipped_store)


def _modules(args: list[str]) -> set[str]:
    """Every module (dotted name) that the command left in ``sys.modules``."""
    done = subprocess.run(
        [sys.executable, "-c", RUN, *args],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    modules = done.stderr[done.stderr.rindex("[") :]
    return set(json.loads(modules))


def _loaded(args: list[str]) -> set[str]:
    """The top-level packages of the modules the command left in ``sys.modules``."""
    return {name.split(".")[0] for name in _modules(args)}


@pytest.mark.parametrize("args", READING_COMMANDS, ids=" ".join)
def test_a_reading_command_loads_no_heavy_module(args, shipped):
    modules = _loaded([*args, "--store", shipped])
    loaded = {name: why for name, why in HEAVY.items() if name in modules}
    assert loaded == {}


TEXT_WITHOUT_VALIDATORS = [
    ["replay", "--as-of", "2014-03"],
    ["timeline"],
    ["instruments"],
    ["diff", "--from", "2019-01", "--to", "2019-12"],
    ["verify"],
]


@pytest.mark.parametrize("args", TEXT_WITHOUT_VALIDATORS, ids=" ".join)
def test_text_output_builds_no_validator(args, shipped):
    """Read models of text output are built unvalidated (``ledger.computed``).

    Building a first pydantic validator loads pydantic's plugin loader, which
    imports ``importlib.metadata`` and scans every installed distribution.
    """
    modules = _modules([*args, "--store", shipped])
    assert {"pydantic.plugin._loader", "importlib.metadata"} & modules == set()


def test_the_check_sees_a_validator_when_one_is_built(shipped):
    """The probe is not blind: ``--json`` serialises, and so builds the read models' schemas."""
    modules = _modules(["replay", "--as-of", "2014-03", "--json", "--store", shipped])
    assert "pydantic.plugin._loader" in modules


def test_a_command_loads_the_module_of_its_own_command_only(shipped):
    """``ledger replay`` does not import the modules of import, serve, chart, verify..."""
    modules = _modules(["replay", "--as-of", "2014-03", "--store", shipped])
    own = {f"treaty_ledger.cli.{module}" for module, _ in COMMANDS.values()}
    assert own & modules == {"treaty_ledger.cli.reading"}


def test_every_command_is_found_under_its_name():
    for name, (module, function) in COMMANDS.items():
        command = main.get_command(None, name)
        assert command is getattr(import_module(f"treaty_ledger.cli.{module}"), function)
        assert command.name == name


def test_the_check_sees_a_heavy_module_when_one_is_loaded(shipped):
    """The probe is not blind: a command that signs does load cryptography."""
    assert "cryptography" in _loaded(["keygen", "--out", shipped + ".pem"])
