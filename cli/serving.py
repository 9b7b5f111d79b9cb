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
@click.option(
    "--allow-remote",
    is_flag=True,
    help="Allow a --host that is not loopback: anyone who reaches it reads the whole ledger.",
)
@click.option(
    "--read-only",
    is_flag=True,
    help="Accepted for symmetry with the reading commands: serve always opens the store "
    "read-only.",
)
@store_option
def serve_command(
    host: str, port: int, checkpoint: str | None, allow_remote: bool, read_only: bool, store: str
) -> None:
    """Serve the projections as a read-only HTTP JSON API and browser view, with OpenAPI.

    Open http://127.0.0.1:8765/ in a browser for the regime on any day, with
    pages for each instrument, actor and act, two days compared and a search.

    Endpoints: /replay, /timeline, /instruments, /exports/{name}, /diff,
    /actors/{code}, /acts/{id}/history; each takes as_of and known_at as the
    command line does. The OpenAPI document is at /openapi.json, interactive
    docs at /docs. Bad parameters get a 4xx and {"error": "..."}; so does an
    unknown or repeated query parameter, and a Host header that does not
    name the address served (DNS rebinding). HEAD works wherever GET does.

    The API has no authentication: a --host that is not loopback needs
    --allow-remote, and prints a warning.

    \b
    Examples:
      ledger serve
      ledger serve --port 9000 --store team.db
      ledger serve --checkpoint cp.json
      curl 'http://127.0.0.1:8765/replay?as_of=2014-03&instrument=cfe-1990'
    """
    require_extra("serve", "'ledger serve'")
    from treaty_ledger.cli.http_guard import LOOPBACK_HOSTS, is_loopback

    hosts = list(LOOPBACK_HOSTS)
    if not is_loopback(host):
        if not allow_remote:
            raise click.BadParameter(
                f"{host!r} is not a loopback address and the API has no authentication; "
                "add --allow-remote to serve the ledger to the network",
                param_hint="--host",
            )
        click.echo(
            f"Warning: serving the whole ledger without authentication on {host}:{port}; "
            "anyone who can reach it can read it",
            err=True,
        )
        hosts.append(host)
    import uvicorn

    from treaty_ledger.cli.http_api import create_app
    from treaty_ledger.cli.http_guard import Guarded
    from treaty_ledger.ledger.store.application import Ledger

    with Ledger(store, read_only=True):
        pass  # refuse a missing, empty or foreign store before listening
    _check_port_free(host, port)
    app = Guarded(create_app(store, checkpoint), hosts if host not in ("0.0.0.0", "::") else ["*"])
    uvicorn.run(app, host=host, port=port, log_level="info")


def _check_port_free(host: str, port: int) -> None:
    """Refuse, in one line, a port that another program holds (before uvicorn logs it)."""
    import socket

    try:
        info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as err:
        raise click.BadParameter(f"{host!r} is not an address of this machine ({err})",
                                 param_hint="--host") from err  # fmt: skip
    with socket.socket(info[0], socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(info[4])
        except OSError as err:
            raise click.ClickException(
                f"cannot listen on {host}:{port}: {err.strerror}; choose another --port"
            ) from err
