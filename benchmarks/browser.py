"""A real ``ledger serve`` on loopback and a headless Chromium: shared by the browser tests.

``shipped_store(path)`` fills a SQLite ledger with the shipped record (as
``ledger import --shipped`` does); ``served(store)`` runs ``ledger serve`` on a
free port of 127.0.0.1 and yields its base URL; ``chromium(playwright)``
launches Debian's Chromium (``/usr/bin/chromium``) headless, never a browser
downloaded by Playwright, with its background traffic switched off.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip


def shipped_store(path: Path) -> str:
    """A SQLite ledger at ``path`` holding the shipped record (made once)."""
    if not path.exists():
        ledger = _ledger_command()
        subprocess.run([ledger, "import", "--shipped", "--store", str(path)], check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
    return str(path)


@contextmanager
def served(store: str, *extra: str) -> Iterator[str]:
    """Run ``ledger serve`` over ``store`` on a free loopback port; yield ``http://127.0.0.1:PORT``.

    Raises:
        RuntimeError: the server did not answer within 15 seconds.
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [_ledger_command(), "serve", "--port", str(port), "--store", store, *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"{base}/openapi.json", timeout=2):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("ledger serve did not answer within 15 s")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def chromium(playwright):
    """Launch Debian's headless Chromium through Playwright (never a downloaded browser)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def _ledger_command() -> str:
    found = shutil.which("ledger", path=str(Path(sys.executable).parent))
    if found is None:
        raise RuntimeError("the 'ledger' command is not installed beside this Python")
    return found
