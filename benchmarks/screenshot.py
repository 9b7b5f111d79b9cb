"""Take the README's screenshot of the regime on 2014-03 with the browser tests' tooling.

Run: ``python -m benchmarks.screenshot`` (writes ``docs/regime-2014-03.png``).
Needs Debian's Chromium at /usr/bin/chromium and the ``playwright`` package.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from benchmarks.browser import chromium, served, shipped_store

OUT = Path(__file__).parent.parent / "docs" / "regime-2014-03.png"


def main(out: Path = OUT) -> None:
    """Serve the shipped record and save a screenshot of ``/?as_of=2014-03`` to ``out``."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        store = shipped_store(Path(folder) / "ledger.db")
        with served(store) as base, sync_playwright() as playwright:
            browser = chromium(playwright)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{base}/?as_of=2014-03")
            page.screenshot(path=str(out), full_page=False)
            browser.close()
    print(f"Screenshot written to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
