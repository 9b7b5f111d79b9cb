"""The routes of the browser view, added to the JSON API's FastAPI app.

Pages: ``/`` (the regime on a day), ``/view/instrument/{id}``,
``/view/actor/{code}``, ``/view/act/{id}`` (and its inclusion proof,
``/view/act/{id}/proof.json``), ``/view/compare?from=&to=`` and
``/view/search?q=``; each takes ``as_of`` and ``known_at`` as the JSON API
does. Assets at ``/static``; ``/docs`` and ``/redoc`` with assets served
locally. Routes are left out of the OpenAPI document.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from treaty_ledger.cli.web import records
from treaty_ledger.cli.web.base import HERE, day_parameter, error_page, render
from treaty_ledger.cli.web.proving import proof_json
from treaty_ledger.cli.web.regime import regime_context
from treaty_ledger.ledger.errors import LedgerError, UnknownAct


def mount_pages(app: FastAPI, store: str, checkpoint: str | None = None) -> None:
    """Add the pages, the static assets and offline API docs to ``app``.

    Args:
        store: the ledger location the pages read (read-only, per request).
        checkpoint: a checkpoint file (``ledger checkpoint``), or a folder of
            them, to prove acts against (``cli.web.proving``); None when the
            server has none (the act page says so).
    """
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    page = app.get  # every page is HTML, outside the OpenAPI document

    @page("/", include_in_schema=False)
    def regime_page(request: Request) -> HTMLResponse:
        return render(request, "regime.html",
                      lambda read: regime_context(store, read, date.today()))  # fmt: skip

    @page("/view/instrument/{instrument_id}", include_in_schema=False)
    def instrument_page(request: Request, instrument_id: str) -> HTMLResponse:
        return render(request, "instrument.html", lambda read: records.instrument_context(
            store, read, instrument_id, date.today()))  # fmt: skip

    @page("/view/actor/{code}", include_in_schema=False)
    def actor_page(request: Request, code: str) -> HTMLResponse:
        return render(request, "actor.html", lambda read: records.actor_context(store, read, code))

    @page("/view/contrast/{proposal}", include_in_schema=False)
    def contrast_page(request: Request, proposal: str) -> HTMLResponse:
        return render(request, "contrast.html",
                      lambda read: records.contrast_context(store, read, proposal))  # fmt: skip

    @page("/view/act/{act_id}", include_in_schema=False)
    def act_page(request: Request, act_id: str) -> HTMLResponse:
        return render(
            request, "act.html", lambda read: records.act_context(store, read, act_id, checkpoint)
        )

    @page("/view/act/{act_id}/proof.json", include_in_schema=False)
    def act_proof(request: Request, act_id: str) -> Response:
        if checkpoint is None:
            return error_page(request, 404, "no checkpoint is configured for this server; "
                              "start it with 'ledger serve --checkpoint FILE'")  # fmt: skip
        try:
            bundle = proof_json(store, act_id, checkpoint)
        except LedgerError as err:
            return error_page(request, 404 if isinstance(err, UnknownAct) else 503, str(err))
        return Response(bundle, media_type="application/json", headers={
            "Content-Disposition": f'attachment; filename="{act_id}.proof.json"'})  # fmt: skip

    @page("/view/compare", include_in_schema=False)
    def compare_page(request: Request) -> HTMLResponse:
        def build(read):
            start = day_parameter(request, "from", str(read.as_of.day.year - 1))
            end = day_parameter(request, "to", read.as_of.text)
            instrument = request.query_params.get("instrument") or None
            return records.compare_context(store, read, start, end, instrument)

        return render(request, "compare.html", build, takes=("from", "to", "instrument"))

    @page("/view/search", include_in_schema=False)
    def search_page(request: Request) -> HTMLResponse:
        text = request.query_params.get("q", "")
        def build(read):
            return records.search_context(store, read, text)

        return render(request, "search.html", build, takes=("q",))

    @page("/view/{rest:path}", include_in_schema=False)
    def no_such_page(request: Request, rest: str) -> HTMLResponse:
        return error_page(request, 404, f"no page /view/{rest}; start from the regime at /")

    _offline_docs(app)


def _offline_docs(app: FastAPI) -> None:
    """Serve /docs (Swagger UI) and /redoc with the assets of the fastapi-offline package."""
    import fastapi_offline

    assets = Path(fastapi_offline.__file__).parent / "static"
    app.mount("/static-docs", StaticFiles(directory=assets), name="static-docs")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json", title=f"{app.title}: API",
            swagger_js_url="/static-docs/swagger-ui-bundle.js",
            swagger_css_url="/static-docs/swagger-ui.css",
            swagger_favicon_url="/static-docs/favicon.png",
            # No badge from validator.swagger.io: nothing is loaded from another host.
            swagger_ui_parameters={"validatorUrl": None},
        )  # fmt: skip

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url="/openapi.json", title=f"{app.title}: API",
            redoc_js_url="/static-docs/redoc.standalone.js",
            redoc_favicon_url="/static-docs/favicon.png", with_google_fonts=False,
        )  # fmt: skip
