"""The guards of 'ledger serve': loopback by default, Host allow-list, HEAD, strict queries."""

from __future__ import annotations

import socket

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from treaty_ledger.cli.http_api import create_app
from treaty_ledger.cli.http_guard import Guarded, api_words, is_loopback
from treaty_ledger.cli.main import main


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("guard") / "ledger.db"
    assert CliRunner().invoke(main, ["import", "--shipped", "--store", str(path)]).exit_code == 0
    return str(path)


@pytest.fixture(scope="module")
def client(store):
    return TestClient(Guarded(create_app(store), ["127.0.0.1", "localhost", "testserver"]))


def test_a_host_header_not_allowed_is_refused_against_dns_rebinding(store):
    client = TestClient(Guarded(create_app(store)), base_url="http://127.0.0.1:8765")
    assert client.get("/instruments").status_code == 200
    rebound = client.get("/instruments", headers={"host": "evil.example:8765"})
    assert rebound.status_code == 400
    assert rebound.json()["error"].startswith("host 'evil.example' is not served here")


def test_head_works_wherever_get_does(client):
    for path in ("/instruments", "/replay?as_of=2014-03", "/openapi.json"):
        got, head = client.get(path), client.head(path)
        assert head.status_code == got.status_code == 200
        assert head.content == b""
        assert head.headers["content-type"] == got.headers["content-type"]


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("as_of=2014-03&as_of=2015", "query parameter 'as_of' is given 2 times; give it once"),
        ("as_of=2014-03&asof=2015", "unknown query parameter 'asof'; this endpoint takes actor, "
                                    "as_of, instrument, known_at"),
    ],
)
def test_a_repeated_or_unknown_query_parameter_is_a_400_with_a_json_body(client, query, error):
    answer = client.get(f"/replay?{query}")
    assert answer.status_code == 400
    assert answer.json() == {"error": error}


def test_error_bodies_name_api_parameters_not_command_line_options():
    assert api_words("give --as-of before --known-at") == "give as_of before known_at"
    assert "--shipped --store" in api_words("run ledger import --shipped --store x")


def test_a_remote_host_needs_allow_remote(store):
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--store", store])
    assert result.exit_code == 2
    assert "add --allow-remote" in result.output.strip().splitlines()[-1]
    assert is_loopback("127.0.0.2") and is_loopback("::1") and not is_loopback("10.0.0.1")


def test_a_busy_port_is_one_error_line(store):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--port", str(port), "--read-only",
                                           "--store", store])  # fmt: skip
    assert result.exit_code == 1
    assert result.output.count("Error:") == 1 and "Traceback" not in result.output
    assert f"cannot listen on 127.0.0.1:{port}" in result.output
