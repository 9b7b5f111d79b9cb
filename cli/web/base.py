"""What every page shares: the templates, the day and moment asked for, links, errors.

A page is answered by :func:`render`: it parses ``as_of`` and ``known_at`` from
the query string into a :class:`Reading`, calls the page's builder, and
renders its template with the log size and root hash the answer came from.
A value that is not valid gets a 400 page naming the parameter and what is
wrong; an id the ledger does not have, a 404 page; a store that cannot be
read, a 503 page. Never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from treaty_ledger.cli.web.statuses import css_class, style_of, stylesheet
from treaty_ledger.ledger.dates import AsOf, parse_as_of
from treaty_ledger.ledger.errors import (
    EmptyStore,
    LedgerError,
    StoreError,
    UnknownAct,
    UnknownInstrument,
)
from treaty_ledger.ledger.record_time import KnownAt, check_not_future, parse_known_at

HERE = Path(__file__).parent
TEMPLATES = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html", "svg"], default_for_string=True, default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
TEMPLATES.globals.update(css_class=css_class, style_of=style_of, status_css=stylesheet())


class PageError(LedgerError):
    """A request a page cannot answer: ``status`` is the HTTP status to give."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Reading:
    """The day and the moment of record a page answers for, as the URL gives them.

    Attributes:
        as_of: the valid day (the close of its last day); today when not given.
        known_at: the moment of record time, or None for everything recorded.
        extra: the page's other query parameters, kept in its own links.
    """

    as_of: AsOf
    known_at: KnownAt | None
    extra: dict[str, str] = field(default_factory=dict)

    def link(self, path: str, **params: str | None) -> str:
        """``path`` with this reading's as_of and known_at, and ``params`` (None drops one)."""
        if not params:
            return f"{path}?{self._query}"
        query = {"as_of": self.as_of.text}
        if self.known_at is not None:
            query["known_at"] = self.known_at.text
        for key, value in params.items():
            if value is None:
                query.pop(key, None)
            else:
                query[key] = value
        return f"{path}?{urlencode(query)}"

    @cached_property
    def _query(self) -> str:
        return self.link("", as_of=self.as_of.text)[1:]


def reading(
    request: Request, *, today: date | None = None, takes: tuple[str, ...] = ()
) -> Reading:
    """Parse ``as_of`` and ``known_at`` from the request's query string.

    Args:
        takes: the page's parameters besides ``as_of`` and ``known_at``.

    Raises:
        PageError: 400, naming the parameter and why its value is refused,
            or a parameter the page does not take or that is given twice
            (as the JSON API refuses them, ``cli.http_guard``).
    """
    params = request.query_params
    allowed = ("as_of", "known_at", *takes)
    for name in dict.fromkeys(params.keys()):
        if name not in allowed:
            raise PageError(400, f"unknown query parameter {name[:100]!r}; this page takes "
                            f"{', '.join(sorted(allowed))}")  # fmt: skip
        if len(params.getlist(name)) > 1:
            raise PageError(400, f"query parameter {name!r} is given "
                            f"{len(params.getlist(name))} times; give it once")  # fmt: skip
    as_of_text = (params.get("as_of") or "").strip() or (today or date.today()).isoformat()
    known_text = (params.get("known_at") or "").strip() or None
    as_of = _parameter("as_of", lambda: parse_as_of(as_of_text))
    known_at = None
    if known_text is not None:
        known_at = _parameter("known_at", lambda: _known(known_text))
    extra = {k: v for k, v in params.items() if k not in ("as_of", "known_at")}
    return Reading(as_of, known_at, extra)


def day_parameter(request: Request, name: str, default: str) -> AsOf:
    """Parse another day parameter (``from``, ``to``) of the query string.

    Raises:
        PageError: 400, naming the parameter.
    """
    text = (request.query_params.get(name) or "").strip() or default
    return _parameter(name, lambda: parse_as_of(text))


def _known(text: str) -> KnownAt:
    known_at = parse_known_at(text)
    check_not_future(known_at, datetime.now(UTC))
    return known_at


def _parameter(name: str, parse: Callable[[], Any]) -> Any:
    try:
        return parse()
    except LedgerError as err:
        raise PageError(400, f"{name}: {err}") from err


def render(
    request: Request,
    template: str,
    build: Callable[[Reading], dict[str, Any]],
    takes: tuple[str, ...] = (),
) -> HTMLResponse:
    """Answer a page: parse the reading, build the context, render ``template``.

    ``build`` returns the template's context and must include ``log_size``,
    ``root_hash``, ``known_at`` (an instant) and ``position`` where the page
    answers from the log; ``takes`` names the page's own query parameters.
    Errors become an error page (see the module).
    """
    try:
        read = reading(request, takes=takes)
        context = build(read)
    except LedgerError as err:
        return error_page(request, _status(err), str(err))
    context.update(request=request, reading=read, path=request.url.path)
    return HTMLResponse(TEMPLATES.get_template(template).render(context))


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """An HTML page saying what was refused and why, with ``status``."""
    titles = {400: "Not a valid request", 404: "Not in the ledger", 503: "The store cannot be read"}
    body = TEMPLATES.get_template("error.html").render(
        request=request, status=status, title=titles.get(status, "Refused"), message=message,
        reading=None, path=request.url.path,
    )  # fmt: skip
    return HTMLResponse(body, status_code=status)


def _status(err: LedgerError) -> int:
    if isinstance(err, PageError):
        return err.status
    if isinstance(err, UnknownAct | UnknownInstrument | EmptyStore):
        return 404
    if isinstance(err, StoreError):
        return 503
    return 400
