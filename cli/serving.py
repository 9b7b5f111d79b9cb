"""``ledger serve``: the read-only HTTP JSON API on a local port."""

from __future__ import annotations

import click

from treaty_ledger.cli.extras import require_extra
from treaty_ledger.cli.params import store_option


@click.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (loopback by default: the API has no authentication).",
)
@click.option("--port", default=8765, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--checkpoint",
    type=click.Path(exists=True),
    envvar="LEDGER_CHECKPOINT",
    help="A checkpoint file ('ledger checkpoint'), or a folder of them: act pages offer "
    "inclusion proofs against the latest.",
)
@store_option
def serve_command(host: str, port: int, checkpoint: str | None, store: str) -> None:
    """Serve the projections as a read-only HTTP JSON API and browser view, with OpenAPI.

    Open http://127.0.0.1:8765/ in a browser for the regime on any day, with
    pages for each instrument, actor and act, two days compared and a search.

    Endpoints: /replay, /timeline, /instruments, /exports/{name}, /diff,
    /actors/{code}, /acts/{id}/history; each takes as_of and known_at as the
    command line does. The OpenAPI document is at /openapi.json, interactive
    docs at /docs. Bad parameters get a 4xx and {"error": "..."}.

    \b
    Examples:
      ledger serve
      ledger serve --port 9000 --store team.db
      ledger serve --checkpoint cp.json
      curl 'http://127.0.0.1:8765/replay?as_of=2014-03&instrument=cfe-1990'
    """
    require_extra("serve", "'ledger serve'")
    import uvicorn

    from treaty_ledger.cli.http_api import create_app
    from treaty_ledger.ledger.store.application import Ledger

    with Ledger(store, read_only=True):
        pass  # refuse a missing, empty or foreign store before listening
    uvicorn.run(create_app(store, checkpoint), host=host, port=port, log_level="info")
