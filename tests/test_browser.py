"""The browser view in a real browser: Playwright drives Debian's headless Chromium.

A real ``ledger serve`` runs on a free port of 127.0.0.1 over a SQLite ledger
holding the shipped record. Every request the browser makes is recorded, and
every one must stay on 127.0.0.1: the view works with no internet.

Skipped, with the reason, when /usr/bin/chromium is missing, unless
``LEDGER_REQUIRE_BROWSER`` is set (as in CI): then a missing browser fails.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from benchmarks.browser import CHROMIUM, chromium, served, shipped_store

pytestmark = pytest.mark.browser

if not Path(CHROMIUM).exists() and not os.environ.get("LEDGER_REQUIRE_BROWSER"):
    pytest.skip(
        f"no browser at {CHROMIUM}: install Debian's chromium (CI sets LEDGER_REQUIRE_BROWSER)",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    store = shipped_store(tmp_path_factory.mktemp("browser") / "ledger.db")
    with served(store) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"LEDGER_REQUIRE_BROWSER is set but there is no browser at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = chromium(playwright)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    """A fresh page whose every request is kept in ``page.requested``."""
    context = browser.new_context()
    opened = context.new_page()
    opened.requested = []
    opened.on("request", lambda request: opened.requested.append(request.url))
    yield opened
    context.close()


def test_the_regime_on_a_day_then_another_by_the_form(base, page):
    page.goto(f"{base}/?as_of=2014-03")
    cfe = page.locator("#instrument-cfe-1990")
    assert "RUS" in cfe.locator('[data-status="suspended"]').inner_text()
    assert "suspended (" in cfe.inner_text()  # Russia, and the allies toward Russia since 2011
    claims = page.locator("#claims").inner_text()
    assert "Crimea" in claims and "RUS" in claims and "2014-03-18" in claims
    page.fill("#as_of", "2023-12")
    page.press("#as_of", "Enter")
    page.wait_for_url("**as_of=2023-12**")
    withdrawn = page.locator('#instrument-cfe-1990 [data-status="withdrawn"]').inner_text()
    assert "withdrawn (1):" in withdrawn and "RUS" in withdrawn
    assert "as_of=2023-12" in page.url  # the view can be linked and reloaded
    page.reload()
    assert page.locator("#as_of").input_value() == "2023-12"
    _all_local(page)


def test_the_slider_moves_the_day_month_by_month(base, page):
    page.goto(f"{base}/?as_of=2014-03")
    slider = page.locator("#day-slider")
    assert slider.is_visible()  # shown by its script; hidden without JavaScript
    slider.focus()
    with page.expect_navigation():
        page.keyboard.press("ArrowRight")  # a key press changes the value and submits
    assert "as_of=2014-04" in page.url
    assert page.locator("#as_of").input_value() == "2014-04"
    _all_local(page)


def test_an_instrument_then_an_act_and_its_history(base, page):
    page.goto(f"{base}/?as_of=2014-03")
    page.click("#instrument-cfe-1990 th a")
    assert page.url.startswith(f"{base}/view/instrument/cfe-1990?as_of=2014-03")
    assert page.locator("figure.chart svg rect").count() > 10
    page.click('table.timeline a:has-text("cfe-1990.rus.suspension")')
    heading = page.locator("h1").inner_text()
    assert heading == "Act cfe-1990.rus.suspension"
    history = page.locator("ol.history").inner_text()
    assert "record at log position @" in history and "recorded at" in history
    assert "No checkpoint is configured" in page.locator("main").inner_text()
    _all_local(page)


def test_two_days_compared(base, page):
    page.goto(f"{base}/view/compare?from=2021-12&to=2022-03")
    main = page.locator("main").inner_text()
    assert "What changed from the close of 2021-12-31 to the close of 2022-03-31" in main
    assert "russia-dpr-friendship-treaty-2022" in main  # signed 2022-02-21, contested
    between = page.locator("table.between").inner_text()
    assert "ukraine-2022.rus.use-of-force" in between
    assert "russia-us-security-guarantees-draft-2021.usa.rejection" in between
    assert "2022-01-26" in between
    assert page.locator("#root-hash").inner_text().strip() != ""
    _all_local(page)


def test_search_and_the_api_docs_work_offline(base, page):
    page.goto(f"{base}/")
    page.fill("#q", "Crimea")
    page.press("#q", "Enter")
    page.wait_for_url("**/view/search**")
    assert "crimea-accession-treaty-2014" in page.locator("main").inner_text()
    page.goto(f"{base}/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=15000)
    assert page.locator("text=/replay").first.is_visible()
    _all_local(page)


def test_without_javascript_every_table_and_form_still_works(base, browser):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{base}/?as_of=2014-03")
        assert not page.locator("#day-slider").is_visible()  # the slider needs its script
        suspended = page.locator('#instrument-cfe-1990 [data-status="suspended"]').inner_text()
        assert "RUS" in suspended
        page.fill("#as_of", "2023-12")
        page.click("form.reading button")
        page.wait_for_url("**as_of=2023-12**")
        assert "RUS" in page.locator('#instrument-cfe-1990 [data-status="withdrawn"]').inner_text()
    finally:
        context.close()


def test_the_keyboard_reaches_the_skip_link_the_day_and_the_links(base, page):
    page.goto(f"{base}/?as_of=2014-03")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    assert page.locator("a.skip").is_visible()  # shown when focused
    focused = []
    for _ in range(12):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.id || document.activeElement.tagName"))
    assert "as_of" in focused and "day-slider" in focused and "known_at" in focused
    page.focus("#instrument-cfe-1990 th a")
    page.keyboard.press("Enter")
    page.wait_for_url("**/view/instrument/cfe-1990**")


def _all_local(page) -> None:
    """Every request of the page went to 127.0.0.1 (and there were some)."""
    hosts = {urlsplit(url).hostname for url in page.requested if not url.startswith("data:")}
    assert hosts == {"127.0.0.1"}, page.requested
