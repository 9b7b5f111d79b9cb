"""The import contracts in pyproject.toml hold, and modules stay small with no import cycle.

import-linter reads the packages from the file system; an editable install
maps ``treaty_ledger.*`` onto the repository's folders through an import hook
it cannot walk, so the contracts are checked on a copy laid out as the wheel
lays it out (``treaty_ledger/ledger``, ``treaty_ledger/cli``...).
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("ledger", "projections", "cli", "fixtures")
MAX_LINES = 400


def namespace_copy(target: Path) -> Path:
    """Copy the package folders under ``target/treaty_ledger`` as the wheel installs them."""
    for folder in FOLDERS:
        shutil.copytree(
            ROOT / folder, target / "treaty_ledger" / folder,
            ignore=shutil.ignore_patterns("__pycache__"),
        )  # fmt: skip
    return target


def test_import_contracts_hold(tmp_path):
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint_imports, "import-linter is a dev dependency: pip install -e '.[dev]'"
    env = {**os.environ, "PYTHONPATH": str(namespace_copy(tmp_path))}
    result = subprocess.run(
        [lint_imports, "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        cwd=ROOT, capture_output=True, text=True, check=False, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def modules() -> list[Path]:
    return sorted(p for folder in FOLDERS for p in (ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_over_the_size_limit(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines; split it"


def _imports(path: Path, known: set[str]) -> set[str]:
    """The treaty_ledger modules a module imports at its top level (not inside functions).

    ``from package import submodule`` counts as importing the submodule.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            subs = {f"{node.module}.{alias.name}" for alias in node.names} & known
            found.update(subs or {node.module})
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("treaty_ledger.")}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(("treaty_ledger", *parts))


def test_no_import_cycle_between_modules():
    known = {_module_name(p) for p in modules()}
    graph = {_module_name(p): _imports(p, known) for p in modules()}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph.get(node, ())):
            if target not in graph:
                continue
            if state.get(target) == 1:
                cycle = trail[trail.index(target):] + [target] if target in trail else [target]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if state.get(target) is None:
                visit(target, [*trail, target])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
