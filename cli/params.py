"""Click parameter types and shared options: as-of days, actor codes, the store."""

from __future__ import annotations

from typing import Any

import click

from ledger.errors import InvalidActorCode, InvalidDate


class AsOfDay(click.ParamType):
    """A day given as ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; converts to ``ledger.dates.AsOf``."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from ledger.dates import AsOf, parse_as_of

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
        from ledger.actors import check_actor_code

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
    help="SQLite file of the ledger (env LEDGER_STORE).",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
