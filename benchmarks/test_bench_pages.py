"""pytest-benchmark: the browser view's pages for a day, rendered on the shipped record.

Issue 14's target: a page for a day renders in under 200 ms on the shipped
record. Measured in process (FastAPI's TestClient), from the request to the
whole HTML body, store opened and read for each request as the server does.
Run: ``pytest benchmarks/test_bench_pages.py``.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from benchmarks.browser import shipped_store
from treaty_ledger.cli.http_api import create_app

TARGET_SECONDS = 0.200


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    store = shipped_store(tmp_path_factory.mktemp("pages") / "ledger.db")
    served = TestClient(create_app(store))
    served.get("/?as_of=2014-03")  # compile the templates once, as a running server has
    return served


@pytest.mark.parametrize(
    "path",
    [
        "/?as_of=2014-03",
        "/?as_of=2023-12",
        "/view/instrument/cfe-1990?as_of=2014-03",
        "/view/actor/RUS?as_of=2014-03",
        "/view/act/cfe-1990.rus.suspension?as_of=2014-03",
        "/view/compare?from=2021-12&to=2022-03",
    ],
)
def test_page_for_a_day(benchmark, client, path):
    response = benchmark(client.get, path)
    assert response.status_code == 200
    median = benchmark.stats.stats.median
    print(f"\n{path}: median {median * 1000:.1f} ms (target < {TARGET_SECONDS * 1000:.0f} ms)")
