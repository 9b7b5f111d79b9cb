"""Click parameter types and shared options: as-of days, actor codes, the store."""

from __future__ import annotations

from typing import Any

import click

from treaty_ledger.ledger.errors import InvalidActorCode, InvalidDate


class AsOfDay(click.ParamType):
    """A day given as ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; converts to ``ledger.dates.AsOf``."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from treaty_ledger.ledger.dates import AsOf, parse_as_of

        if isinstance(value, AsOf):
            return value
        try:
            return parse_as_of(value)
        except InvalidDate as err:
            self.fail(str(err), param, ctx)


class ActorCode(click.ParamType):
    """An ISO 3166 alpha-3 code or an organisation (``RUS``, ``SUN``, ``NATO``)."""

    name = "CODE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from treaty_ledger.ledger.actors import check_actor_code

        try:
            return check_actor_code(value)
        except InvalidActorCode as err:
            self.fail(str(err), param, ctx)


AS_OF_DAY = AsOfDay()
ACTOR_CODE = ActorCode()

store_option = click.option(
    "--store",
    metavar="PATH",
    envvar="LEDGER_STORE",
    default="ledger.db",
    show_default=True,
    help="The ledger: a SQLite file or postgresql://USER@HOST:PORT/DB[?schema=S] "
    "(env LEDGER_STORE).",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
MAX_WAIT = 86_400.0  # seconds: a day


def _check_wait(ctx: click.Context, param: click.Parameter, value: float) -> float:
    if value != value:  # NaN passes a range check
        raise click.BadParameter(f"{value!r} is not a number of seconds", ctx, param)
    return value


wait_option = click.option(
    "--wait",
    metavar="SECONDS",
    type=click.FloatRange(min=0, max=MAX_WAIT),
    callback=_check_wait,
    envvar="LEDGER_WAIT",
    default=120,
    show_default=True,
    help="How long a write waits for another writer's lock on the store (a long import) "
    "before giving up, 0 to 86400; nothing is written then (env LEDGER_WAIT).",
)


def wait_notice(store: str, wait: float):
    """A callback saying on standard error, once, that a write waits for another writer."""
    from treaty_ledger.ledger.redaction import redact

    said = []

    def notice() -> None:
        if not said:
            said.append(True)
            click.echo(
                f"Waiting up to {wait:g} s for another writer to finish with {redact(store)}...",
                err=True,
            )

    return notice


class KnownAtMoment(click.ParamType):
    """A moment of record time: a UTC instant, a day (its close in UTC) or ``@POSITION``."""

    name = "MOMENT"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from datetime import UTC, datetime

        from treaty_ledger.ledger.record_time import KnownAt, check_not_future, parse_known_at

        if isinstance(value, KnownAt):
            return value
        try:
            known_at = parse_known_at(value)
            check_not_future(known_at, datetime.now(UTC))
        except InvalidDate as err:
            self.fail(str(err), param, ctx)
        return known_at


KNOWN_AT = KnownAtMoment()

known_at_option = click.option(
    "--known-at",
    "known_at",
    type=KNOWN_AT,
    help="Use only what was recorded by then: 2025-01-01T12:00:00Z, a day (its close, UTC) "
    "or @POSITION. Default: everything recorded.",
)


def source_options(function):
    """Add --source-title, --source-publisher, --source-date and --source-url."""
    for option in reversed(
        [
            click.option("--source-title", help="Title of the source document."),
            click.option("--source-publisher", help="Publisher of the source."),
            click.option("--source-date", help="Date of the source (EDTF)."),
            click.option("--source-url", help="URL of the source, where public."),
        ]
    ):
        function = option(function)
    return function


def source_from_options(title, publisher, date, url) -> dict:
    """The given source options as a source object (only the fields given)."""
    given = {"title": title, "publisher": publisher, "date": date, "url": url}
    return {key: value for key, value in given.items() if value is not None}


def _check_author(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and (
        not value.strip() or any(ord(char) < 32 or ord(char) == 127 for char in value)
    ):
        raise click.BadParameter(
            f"{value!r} is not a name: give one line of text", ctx=ctx, param=param
        )
    return value


by_option = click.option(
    "--by",
    metavar="NAME",
    callback=_check_author,
    help="Who records (default: $LEDGER_USER, else the OS user).",
)


verify_option = click.option(
    "--verify",
    is_flag=True,
    help="Run every check of 'ledger verify' on the whole log before answering, instead of "
    "checking only the entries read through the index (slower on a large log).",
)

def out_option(what: str):
    """``--out FILE`` of a streamed output (``-``, the default, for stdout).

    The command opens it with ``cli.output_files.output_file``: an existing file
    is replaced only once ``what`` is written whole.
    """
    return click.option(
        "--out",
        type=click.Path(dir_okay=False, allow_dash=True),
        default="-",
        help=f"Write here (default: stdout); an existing file is replaced only once {what} "
        "is written whole.",
    )


read_only_option = click.option(
    "--read-only",
    "read_only",
    is_flag=True,
    help="Open the store read-only: any write is refused.",
)


as_of_option = click.option(
    "--as-of",
    "as_of",
    required=True,
    type=AS_OF_DAY,
    help="YYYY, YYYY-MM or YYYY-MM-DD: as at the close of its last day.",
)
