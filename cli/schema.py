"""``ledger schema``: the JSON Schema of records and of the projections' output."""

from __future__ import annotations

import click

_NAMES = ("act", "instrument", "replay", "timeline", "instruments", "history", "explain", "check")


@click.command("schema")
@click.argument("name", type=click.Choice(_NAMES))
def schema_command(name: str) -> None:
    """Print the JSON Schema (draft 2020-12) of a record or an output.

    act and instrument describe the lines of a record file; the others
    describe what those commands print with --json.

    \b
    Examples:
      ledger schema act
      ledger schema replay > replay.schema.json
    """
    from cli.render import emit_json
    from ledger.model import Act, Instrument
    from projections.check import CheckReport
    from projections.models import Catalogue, Explanation, History, Replay, Timeline

    model = {
        "act": Act,
        "instrument": Instrument,
        "replay": Replay,
        "timeline": Timeline,
        "instruments": Catalogue,
        "history": History,
        "explain": Explanation,
        "check": CheckReport,
    }[name]
    emit_json(model.model_json_schema())
