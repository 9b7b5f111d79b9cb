"""The read-only HTTP JSON API (``ledger serve``): the projections over HTTP, with OpenAPI.

Built with FastAPI (an ASGI framework; its OpenAPI document is at
``/openapi.json``, interactive docs at ``/docs``) and served by uvicorn. Every
endpoint takes ``as_of``/``known_at`` as the command line does and answers
bad parameters with a 4xx and a JSON body ``{"error": "..."}``: 400 for a
value that is not valid, 404 for an id the ledger does not have or an empty
store, 503 when the store cannot be read. Like the command line, it never
writes. The store is opened read-only once per process and answers are kept
by log size (``cli.answers``): a request repeated before the log grows is
answered from memory, and each answer is JSON encoded once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Hashable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from treaty_ledger.cli.answers import Answers, SharedLedger
from treaty_ledger.cli.http_guard import api_words
from treaty_ledger.cli.queries import replay_query, timeline_query
from treaty_ledger.cli.web import mount_pages
from treaty_ledger.ledger.actors import check_actor_code
from treaty_ledger.ledger.dates import first_day, parse_as_of
from treaty_ledger.ledger.errors import (
    EmptyStore,
    InvalidDate,
    LedgerError,
    StoreError,
    UnknownAct,
    UnknownInstrument,
)
from treaty_ledger.ledger.integrity.codec import dumps
from treaty_ledger.ledger.integrity.verified_log import VerifiedLog
from treaty_ledger.ledger.record_time import KnownAt, check_not_future, parse_known_at
from treaty_ledger.projections.catalogue import catalogue
from treaty_ledger.projections.compliance import compliance
from treaty_ledger.projections.contrast import contrast
from treaty_ledger.projections.contrast_models import Compliance, Contrast
from treaty_ledger.projections.diff import diff
from treaty_ledger.projections.exports import export_document
from treaty_ledger.projections.history import history
from treaty_ledger.projections.models import Replay, Timeline
from treaty_ledger.projections.profile import profile
from treaty_ledger.projections.report_models import ActorProfile, Catalogue, Diff, History


class ErrorBody(BaseModel):
    """The body of every 4xx and 503 answer."""

    error: str


ExportName = Literal[
    "status", "provisions", "acts", "claims", "demands", "violations", "contrast"
]
AsOfParam = Annotated[str, Query(description="YYYY, YYYY-MM or YYYY-MM-DD (close of its last day)")]
KnownAtParam = Annotated[
    str | None,
    Query(description="record time: a UTC instant (…Z), a day (its close) or @POSITION"),
]


def create_app(store: str, checkpoint: str | None = None) -> FastAPI:
    """Build the API over the ledger at ``store`` (a SQLite path or postgresql:// location).

    The store is opened on the first request and closed when the server stops.
    The browser view (``cli.web``) is served beside it; ``checkpoint`` is a
    checkpoint file its act pages prove inclusion against (None for none).
    """
    shared, answers = SharedLedger(store), Answers()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        shared.close()

    app = FastAPI(
        lifespan=lifespan,
        title="Treaty Ledger",
        docs_url=None,  # /docs and /redoc are served by cli.web with local assets
        redoc_url=None,
        version="1",
        description="Read-only projections of an event-sourced ledger of diplomatic acts. "
        "Errors: 400 (a value that is not valid), 404 (unknown id, empty store), 422 (a "
        'missing or malformed parameter), 503 (store unreadable); each with {"error": "..."}.',
        responses={
            400: {"model": ErrorBody, "description": "A parameter value that is not valid"},
            404: {"model": ErrorBody, "description": "An id the ledger does not have"},
            422: {"model": ErrorBody, "description": "A missing or malformed parameter"},
            503: {"model": ErrorBody, "description": "The store cannot be read"},
        },
    )

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, err: RequestValidationError) -> JSONResponse:
        first = err.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        return JSONResponse(status_code=422, content={"error": f"{where}: {first.get('msg')}"})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, err: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(status_code=err.status_code, content={"error": str(err.detail)})

    def answer(key: Hashable, compute: Callable[[int], Any]) -> Response:
        """The answer to ``key`` at the log's current size, computed at most once per size.

        ``compute`` gets the log size to pin its reading to, and returns a read model
        or JSON-ready data.
        """
        size = shared.log_size()
        body = answers.get((key, size), lambda: _json(compute(size)))
        return Response(content=body, media_type="application/json")

    def read(size: int) -> VerifiedLog:
        """The whole log read and verified once per log size; see ``VerifiedLog.root_hash``."""
        return shared.verified(size)

    def pinned(known_at: KnownAt | None, size: int) -> KnownAt | None:
        """``known_at``, or the log's end as a position, so that appends cannot race the key."""
        if known_at is None and size > 0:
            return KnownAt(f"@{size}", position=size)
        return known_at

    @app.exception_handler(LedgerError)
    async def ledger_error(request: Request, err: LedgerError) -> JSONResponse:
        status = 400
        if isinstance(err, UnknownAct | UnknownInstrument | EmptyStore):
            status = 404
        elif isinstance(err, StoreError):
            status = 503
        return JSONResponse(status_code=status, content={"error": api_words(str(err))})

    @app.get("/replay", response_model=Replay, summary="The state of every commitment")
    def get_replay(
        as_of: AsOfParam,
        known_at: KnownAtParam = None,
        instrument: str | None = None,
        actor: str | None = None,
    ) -> Any:
        day, moment, code = parse_as_of(as_of), _known(known_at), _actor(actor)
        return answer(
            ("replay", day, moment, instrument, code),
            lambda size: replay_query(shared.get(), day, known_at=pinned(moment, size),
                                      instrument=instrument, actor=code),
        )  # fmt: skip

    @app.get("/timeline", response_model=Timeline, summary="Acts in valid-time order")
    def get_timeline(
        start: Annotated[str | None, Query(alias="from")] = None,
        end: Annotated[str | None, Query(alias="to")] = None,
        actor: str | None = None,
        instrument: str | None = None,
        known_at: KnownAtParam = None,
    ) -> Any:
        first = first_day(start) if start else None
        last = parse_as_of(end).day if end else None
        if first and last and last < first:
            raise InvalidDate(end, f"'to' is before 'from' ({start})")
        moment, code = _known(known_at), _actor(actor)
        return answer(
            ("timeline", first, last, code, instrument, moment),
            lambda size: timeline_query(shared.get(), start=first, end=last, actor=code,
                                        instrument=instrument, known_at=pinned(moment, size)),
        )  # fmt: skip

    @app.get("/instruments", response_model=Catalogue, summary="The instruments recorded")
    def get_instruments() -> Any:
        return answer(("instruments",), lambda size: catalogue(read(size).checked().entries))

    @app.get("/exports/{name}", summary="A projection as rows (see 'ledger export')")
    def get_export(name: ExportName, as_of: AsOfParam, known_at: KnownAtParam = None) -> Any:
        day, moment = parse_as_of(as_of), _known(known_at)
        return answer(
            ("export", name, day, moment),
            lambda size: export_document(read(size), name, day, moment),
        )

    @app.get("/diff", response_model=Diff, summary="Status changes between two days")
    def get_diff(
        start: Annotated[str, Query(alias="from")],
        end: Annotated[str, Query(alias="to")],
        known_at: KnownAtParam = None,
    ) -> Any:
        first, last = parse_as_of(start), parse_as_of(end)
        if last.day <= first.day:
            raise InvalidDate(end, f"'to' must be after 'from' ({start})")
        moment = _known(known_at)
        return answer(
            ("diff", first, last, moment),
            lambda size: diff(read(size).checked().entries, first, last, moment),
        )

    @app.get("/actors/{code}", response_model=ActorProfile, summary="One actor's profile")
    def get_actor(code: str, as_of: AsOfParam, known_at: KnownAtParam = None) -> Any:
        actor, day, moment = _actor(code), parse_as_of(as_of), _known(known_at)
        return answer(
            ("actor", actor, day, moment),
            lambda size: profile(read(size).checked().entries, actor, day, moment),
        )

    @app.get("/contrast/{proposal}", response_model=Contrast, summary="A proposal vs the regime")
    def get_contrast(proposal: str, as_of: AsOfParam, known_at: KnownAtParam = None) -> Any:
        day, moment = parse_as_of(as_of), _known(known_at)
        return answer(
            ("contrast", proposal, day, moment),
            lambda size: contrast(read(size).checked().entries, proposal, day, moment),
        )

    @app.get("/compliance/{code}", response_model=Compliance, summary="Commitments, allegations")
    def get_compliance(code: str, as_of: AsOfParam, known_at: KnownAtParam = None) -> Any:
        actor, day, moment = _actor(code), parse_as_of(as_of), _known(known_at)
        return answer(
            ("compliance", actor, day, moment),
            lambda size: compliance(read(size).checked().entries, actor, day, moment),
        )

    @app.get("/acts/{act_id}/history", response_model=History, summary="Every version of an act")
    def get_history(act_id: str, known_at: KnownAtParam = None) -> Any:
        moment = _known(known_at)
        return answer(
            ("history", act_id, moment),
            lambda size: history(read(size).checked().entries, act_id=act_id, known_at=moment),
        )

    mount_pages(app, store, checkpoint)
    return app


def _json(result: Any) -> bytes:
    """The answer as JSON bytes, as FastAPI would render its response model."""
    data = result.model_dump(mode="json") if hasattr(result, "model_dump") else result
    return dumps(data)


def _known(value: str | None) -> KnownAt | None:
    if value is None:
        return None
    known_at = parse_known_at(value)
    check_not_future(known_at, datetime.now(UTC))
    return known_at


def _actor(code: str | None) -> str | None:
    """A checked actor code; a bad one is an InvalidActorCode (400)."""
    return None if code is None else check_actor_code(code)
