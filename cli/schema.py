"""``ledger schema``: the JSON Schema of records and of the projections' output."""

from __future__ import annotations

import click

_NAMES = ("act", "instrument", "replay", "timeline", "instruments")


@click.command("schema")
@click.argument("name", type=click.Choice(_NAMES))
def schema_command(name: str) -> None:
    """Print the JSON Schema (draft 2020-12) of a record or an output.

    act and instrument describe the lines of a record file; replay,
    timeline and instruments describe what those commands print with --json.

    \b
    Examples:
      ledger schema act
      ledger schema replay > replay.schema.json
    """
    from cli.render import emit_json
    from ledger.model import Act, Instrument
    from projections.models import Catalogue, Replay, Timeline

    model = {
        "act": Act,
        "instrument": Instrument,
        "replay": Replay,
        "timeline": Timeline,
        "instruments": Catalogue,
    }[name]
    emit_json(model.model_json_schema())
