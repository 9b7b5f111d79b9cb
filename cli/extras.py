"""The optional parts of the package: which extra brings which module, checked before use.

The core (SQLite, the command line, exports) installs with few dependencies;
``pip install 'treaty-ledger[postgres]'``, ``[serve]``, ``[chart]`` or
``[all]`` bring the PostgreSQL driver, the HTTP stack and plotting. A command
whose extra is missing stops with one ``Error:`` line naming the extra.
"""

from __future__ import annotations

from importlib import import_module

from treaty_ledger.ledger.errors import MissingExtra

EXTRAS = {
    "postgres": ("psycopg", "psycopg_pool"),
    "serve": ("fastapi", "uvicorn"),
    "chart": ("matplotlib",),
}
"""For each extra, the top-level modules it installs (see ``pyproject.toml``)."""


def require_extra(extra: str, needed_for: str) -> None:
    """Import the modules of ``extra`` (the command is about to use them).

    Raises:
        MissingExtra: one of them is not installed (naming the extra to install).
    """
    for module in EXTRAS[extra]:
        try:
            import_module(module)
        except ModuleNotFoundError as err:
            if err.name is None or err.name.split(".")[0] != module:
                raise  # a module of ours or a broken install: not a missing extra
            raise MissingExtra(extra, needed_for) from err
