"""Guards around the HTTP API that ``ledger serve`` runs: hosts, HEAD, query parameters.

An ASGI middleware (:class:`Guarded`) in front of the FastAPI app of
``cli.http_api``:

* the ``Host`` header must name an allowed host (by default the loopback
  names), so that a web page cannot reach a loopback API through a DNS name
  rebound to 127.0.0.1 (DNS rebinding); otherwise 400;
* ``HEAD`` is answered wherever ``GET`` is, with the same status and
  headers and no body (RFC 9110 section 9.3.2);
* a query parameter the endpoint does not take, or one given twice, is a 400
  naming it, never silently ignored or overridden;
* error bodies name the API's parameters (``as_of``), not the command line's
  options (``--as-of``).

Every refusal is JSON: ``{"error": "..."}``.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl

from fastapi.routing import APIRoute
from starlette.routing import Match

from treaty_ledger.ledger.integrity.codec import dumps

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")

_CLI_WORDS = [
    (re.compile(r"--(as-of|known-at|instrument|actor|from|to|against)\b"),
     lambda m: m.group(1).replace("-", "_")),
    (re.compile(r'"ledger instruments"'), lambda m: "/instruments"),
    (re.compile(r'"ledger timeline"'), lambda m: "/timeline"),
]


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) is this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def api_words(message: str) -> str:
    """A ledger error message with command-line options turned into API parameter names."""
    for pattern, replace in _CLI_WORDS:
        message = pattern.sub(replace, message)
    return message


class Guarded:
    """The API app behind the guards above (an ASGI application).

    Args:
        app: the FastAPI app (``cli.http_api.create_app``).
        hosts: the host names or addresses the ``Host`` header may carry
            (the port is ignored); ``*`` allows any (serving on 0.0.0.0
            with --allow-remote, where the machine's names are not known).
    """

    def __init__(self, app: Any, hosts: Iterable[str] = LOOPBACK_HOSTS) -> None:
        self.app = app
        self.hosts = {host.strip("[]").lower() for host in hosts}

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = _host_of(scope)
        if "*" not in self.hosts and host not in self.hosts:
            await _refuse(send, 400, f"host {host!r} is not served here (allowed: "
                          f"{', '.join(sorted(self.hosts))})")  # fmt: skip
            return
        head = scope["method"] == "HEAD"
        if head:
            scope = dict(scope, method="GET")
        problem = self._query_problem(scope)
        if problem:
            await _refuse(send, 400, problem, head)
            return
        await self.app(scope, receive, _without_body(send) if head else send)

    def _query_problem(self, scope: dict) -> str | None:
        allowed = self._parameters(scope)
        if allowed is None:
            return None  # no such endpoint: the app answers 404
        pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        names = Counter(name for name, _ in pairs)
        for name, count in names.items():
            if name not in allowed:
                takes = ", ".join(sorted(allowed)) or "no parameters"
                return f"unknown query parameter {name[:100]!r}; this endpoint takes {takes}"
            if count > 1:
                return f"query parameter {name!r} is given {count} times; give it once"
        return None

    def _parameters(self, scope: dict) -> set[str] | None:
        for route in getattr(self.app, "routes", ()):
            match, _ = route.matches(scope)
            if match is Match.FULL:
                if isinstance(route, APIRoute) and not route.include_in_schema:
                    return None  # a browser page reads its own parameters (cli.web)
                if isinstance(route, APIRoute):
                    return {param.alias for param in route.dependant.query_params}
                return set()  # /openapi.json, /docs: no parameters
        return None


def _host_of(scope: dict) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"host":
            text = value.decode("latin-1").strip().lower()
            if text.startswith("["):
                return text[1 : text.find("]")] if "]" in text else text
            return text.rsplit(":", 1)[0] if text.count(":") == 1 else text
    return ""


async def _refuse(send: Any, status: int, message: str, head: bool = False) -> None:
    body = dumps({"error": message})
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode())],
    })  # fmt: skip
    await send({"type": "http.response.body", "body": b"" if head else body})


def _without_body(send: Any) -> Any:
    async def sending(message: dict) -> None:
        if message["type"] == "http.response.body":
            message = dict(message, body=b"")
        await send(message)

    return sending
