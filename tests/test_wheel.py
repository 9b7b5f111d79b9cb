"""The wheel installs one namespace of our own and runs the main job without any extra.

Built with pip from the repository; installed into a folder of its own; run
with the extras' modules (the PostgreSQL driver, the HTTP stack, plotting)
made unimportable and the editable install of the checkout switched off, so
the run proves that ``pip install treaty-ledger`` alone imports the shipped
record and replays it on SQLite.
"""

from __future__ import annotations

import email
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from builders import shipped_size

ROOT = Path(__file__).resolve().parent.parent
EXTRA_MODULES = ("psycopg", "psycopg_pool", "fastapi", "uvicorn", "starlette", "matplotlib")

DRIVER = """
import sys
target, blocked = sys.argv[1], set(sys.argv[2].split(","))
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
sys.path[:] = [target] + [p for p in sys.path if "editable" not in p.lower()]
for name in [m for m in sys.modules if m.split(".")[0] == "treaty_ledger"]:
    del sys.modules[name]

class Missing:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in blocked:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, Missing())
import treaty_ledger.cli.main as cli
assert cli.__file__.startswith(target), cli.__file__
sys.argv = ["ledger", *sys.argv[3:]]
cli.main()
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    # Built from a copy, so that the build's own folders never land in the checkout.
    source, out = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("wheel")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for folder in ("ledger", "projections", "cli", "fixtures"):
        shutil.copytree(ROOT / folder, source / folder,
                        ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(source)],
        check=True, capture_output=True,
    )  # fmt: skip
    (built,) = out.glob("treaty_ledger-*.whl")
    return built


def test_the_wheel_puts_only_our_namespace_into_site_packages(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names}
    assert top == {"treaty_ledger", wheel.name.split("-")[0] + "-" + wheel.name.split("-")[1]
                   + ".dist-info"}  # fmt: skip
    assert "treaty_ledger/fixtures/acts.jsonl" in names
    assert "treaty_ledger/ledger/store/application.py" in names
    assert not any(name.startswith(("ledger/", "cli/", "fixtures/", "projections/"))
                   for name in names)  # fmt: skip


def test_the_wheel_installs_the_ledger_command_and_keeps_extras_optional(wheel):
    archive = zipfile.ZipFile(wheel)
    info = next(n for n in archive.namelist() if n.endswith(".dist-info/entry_points.txt"))
    assert "ledger = treaty_ledger.cli.main:main" in archive.read(info).decode()
    meta_name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
    meta = email.message_from_bytes(archive.read(meta_name))
    core = [r for r in meta.get_all("Requires-Dist") if "extra ==" not in r]
    assert core and not [r for r in core if r.split("[")[0].split(">")[0].strip()
                         in ("psycopg", "psycopg-pool", "fastapi", "uvicorn", "matplotlib")]
    assert {"postgres", "serve", "chart", "all"} <= set(meta.get_all("Provides-Extra"))


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
         str(target), str(wheel)],
        check=True, capture_output=True,
    )  # fmt: skip
    return target


def run_without_extras(installed: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", DRIVER, str(installed), ",".join(EXTRA_MODULES), *args],
        cwd=cwd, capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_without_extras_the_main_job_runs_on_sqlite(installed, tmp_path):
    loaded = run_without_extras(installed, "import", "--shipped", cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    assert f"Added {shipped_size()} records" in loaded.stdout
    replay = run_without_extras(
        installed, "replay", "--as-of", "2014-03", "--instrument", "cfe-1990", cwd=tmp_path
    )
    assert replay.returncode == 0, replay.stderr
    assert "cfe-1990" in replay.stdout and "suspended since 2007-12-12: RUS" in replay.stdout


@pytest.mark.parametrize(
    ("args", "extra"),
    [
        (["serve"], "serve"),
        (["chart", "--from", "1990", "--to", "2000", "--out", "c.png"], "chart"),
        (["replay", "--as-of", "2014", "--store", "postgresql://u@127.0.0.1:1/db"], "postgres"),
    ],
    ids=["serve", "chart", "postgres"],
)
def test_a_command_whose_extra_is_missing_names_it_in_one_error_line(
    installed, tmp_path, args, extra
):
    run_without_extras(installed, "import", "--shipped", cwd=tmp_path)
    result = run_without_extras(installed, *args, cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert f"pip install 'treaty-ledger[{extra}]'" in lines[0]
