"""The HTTP API: in-process, against a real server on loopback, and fuzzed from its OpenAPI."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
import schemathesis
from builders import shipped_size
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from treaty_ledger.cli.http_api import create_app
from treaty_ledger.fixtures import shipped_files
from treaty_ledger.ledger.records import parse_lines
from treaty_ledger.ledger.services.importer import append_records
from treaty_ledger.ledger.store.application import Ledger

# The fuzzed app is built at collection time, so its store lives in a fresh temporary folder.
STORE = Path(tempfile.mkdtemp(prefix="ledger-api-")) / "ledger.db"


def _shipped_store(path: Path) -> str:
    if not path.exists():
        with Ledger(str(path), create=True) as ledger:
            for file in shipped_files():
                with open(file, "rb") as handle:
                    append_records(ledger, parse_lines(handle, file.name))
    return str(path)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return _shipped_store(tmp_path_factory.mktemp("api") / "ledger.db")


@pytest.fixture(scope="module")
def client(store):
    return TestClient(create_app(store))


def test_replay_and_exports_give_real_answers(client):
    cfe = client.get(
        "/replay", params={"as_of": "2014-03", "instrument": "cfe-1990", "actor": "RUS"}
    )
    assert cfe.status_code == 200
    (row,) = cfe.json()["instruments"][0]["actors"]
    assert (row["actor"], row["status"], row["since"]) == ("RUS", "suspended", "2007-12-12")
    assert [r["status"] for r in row["roles"]] == ["signatory", "contracting", "party", "suspended"]
    assert len(cfe.json()["root_hash"]) == 64
    rows = client.get("/exports/status", params={"as_of": "2021-12"}).json()["rows"]
    parties = {
        r["actor"] for r in rows if r["instrument"] == "open-skies-1992" and r["status"] == "party"
    }
    # 34 states parties less the two withdrawn; Georgia's suspension toward Russia (2012)
    # lapsed when Russia's withdrawal took effect on 2021-12-18 (VCLT art. 60)
    assert len(parties) == 32 and not parties & {"RUS", "USA"} and "GEO" in parties
    nato = client.get("/actors/NATO", params={"as_of": "2024-06"}).json()
    assert len(nato["members"]) == 32
    changes = client.get("/diff", params={"from": "2019-01", "to": "2019-12"}).json()["changes"]
    assert {c["act"] for c in changes} >= {"inf-1987.termination", "inf-1987.usa.withdrawal"}
    assert client.get("/acts/inf-1987.termination/history").json()["items"][0]["action"] == "record"


@pytest.mark.parametrize(
    ("path", "params", "status", "message"),
    [
        ("/replay", {"as_of": "2014-13"}, 400, "month 13 does not exist"),
        ("/replay", {"as_of": "2014", "actor": "rus"}, 400, "'rus' is not an actor code"),
        ("/replay", {"as_of": "2014", "instrument": "cfe-1991"}, 404, "no instrument 'cfe-1991'"),
        ("/replay", {"as_of": "2014", "known_at": "@999"}, 400, "is not a moment of this log"),
        ("/replay", {"as_of": "2014", "known_at": "2999-01-01"}, 400, "it is in the future"),
        ("/diff", {"from": "2020", "to": "2019"}, 400, "'to' must be after 'from'"),
        ("/acts/none/history", {}, 404, "no act 'none'"),
    ],
)
def test_bad_parameters_get_a_4xx_with_a_clear_body(client, path, params, status, message):
    response = client.get(path, params=params)
    assert response.status_code == status
    assert message in response.json()["error"]


def test_missing_or_unknown_parameters_are_4xx_with_the_same_body(client):
    missing = client.get("/replay")
    assert missing.status_code == 422 and "as_of" in missing.json()["error"]
    unknown = client.get("/exports/everything", params={"as_of": "2014"})
    assert unknown.status_code == 422 and "error" in unknown.json()
    nowhere = client.get("/nowhere")
    assert nowhere.status_code == 404 and nowhere.json() == {"error": "Not Found"}
    backwards = client.get("/timeline", params={"from": "2008", "to": "2007"})
    assert backwards.status_code == 400 and "'to' is before 'from'" in backwards.json()["error"]
    overflow = client.get(
        "/replay", params={"as_of": "2014", "known_at": "0001-01-01T00:00:00+01:00"}
    )
    assert overflow.status_code == 400 and "outside years 1 to 9999" in overflow.json()["error"]


def test_exports_and_timeline_name_the_state_of_the_log(client):
    document = client.get("/exports/status", params={"as_of": "1996-04-15"}).json()
    assert document["log_size"] == shipped_size() and len(document["root_hash"]) == 64
    assert document["schema_version"] == 2 and document["as_of_day"] == "1996-04-15"
    assert "helsinki-final-act-1975.and.acceptance" in {i["id"] for i in document["indeterminate"]}
    line = client.get("/timeline", params={"to": "1950"}).json()
    assert line["log_size"] == shipped_size() and len(line["root_hash"]) == 64


def test_a_real_server_on_loopback(store):
    ledger = shutil.which("ledger", path=str(Path(sys.executable).parent))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([ledger, "serve", "--port", str(port), "--store", store],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/replay?as_of=2014-03&instrument=inf-1987"
        for _ in range(100):
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    body = response.read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not answer within 10 s")
        assert b'"status":"in-force"' in body
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/openapi.json", timeout=2) as doc:
            assert b'"/replay"' in doc.read()
    finally:
        server.terminate()
        server.wait(timeout=10)


schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(_shipped_store(STORE)))


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_never_answers_500(case):
    """Property-based requests from the API's own OpenAPI document: no server error."""
    response = case.call()
    assert response.status_code < 500, (case.path, case.query, response.text)
