"""``ledger schema``: the JSON Schema of records and of the projections' output."""

from __future__ import annotations

import click

RECORD_VERSION = 1
"""The version of the record format (``act``, ``instrument``, ``relation``): unchanged since the
first ledger (the fields added since are optional)."""
_EXPORTS = ("status", "provisions", "acts", "claims", "demands", "violations", "contrast")
_NAMES = (
    "act", "instrument", "relation", "replay", "timeline", "instruments", "history", "explain",
    "check", "diff", "actor", "contrast", "compliance",
    *(f"export-{name}" for name in _EXPORTS), "export-acts-plover",
)  # fmt: skip


@click.command("schema")
@click.argument("name", type=click.Choice(_NAMES))
def schema_command(name: str) -> None:
    """Print the JSON Schema (draft 2020-12) of a record or an output.

    act, instrument and relation describe the lines of a record file;
    export-NAME one row of "ledger export NAME" (versioned);
    export-acts-plover one record of "ledger export acts --format plover"
    (PLOVER manual 1.3 and the ledger_ fields); the others what those
    commands print with --json.

    \b
    Examples:
      ledger schema act
      ledger schema replay > replay.schema.json
      ledger schema export-status
      ledger schema export-acts-plover
    """
    from treaty_ledger.cli.render import emit_json

    if name == "export-acts-plover":
        from treaty_ledger.projections.plover_schema import plover_record_schema

        emit_json(plover_record_schema())
        return
    from treaty_ledger.ledger.model import Act, Instrument, Relation
    from treaty_ledger.projections.check import CheckReport
    from treaty_ledger.projections.contrast_models import CONTRAST_VERSIONS, Compliance, Contrast
    from treaty_ledger.projections.exports import ROW_MODELS, SCHEMA_VERSION
    from treaty_ledger.projections.models import OUTPUT_VERSIONS, Replay, Timeline
    from treaty_ledger.projections.report_models import (
        ActorProfile,
        Catalogue,
        Diff,
        Explanation,
        History,
    )

    model = {
        "act": Act,
        "instrument": Instrument,
        "relation": Relation,
        "contrast": Contrast,
        "compliance": Compliance,
        "replay": Replay,
        "timeline": Timeline,
        "instruments": Catalogue,
        "history": History,
        "explain": Explanation,
        "check": CheckReport,
        "diff": Diff,
        "actor": ActorProfile,
        **{f"export-{key}": row for key, row in ROW_MODELS.items()},
    }[name]
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
    schema.update(model.model_json_schema())
    if name.startswith("export-"):
        schema["$id"] = f"treaty-ledger/{name}/v{SCHEMA_VERSION}"
    elif name in OUTPUT_VERSIONS:
        schema["$id"] = f"treaty-ledger/{name}/v{OUTPUT_VERSIONS[name]}"
    elif name in CONTRAST_VERSIONS:
        schema["$id"] = f"treaty-ledger/{name}/v{CONTRAST_VERSIONS[name]}"
    else:  # a record: the format stored since the first ledger (store format treaty-ledger/1)
        schema["$id"] = f"treaty-ledger/{name}/v{RECORD_VERSION}"
    emit_json(schema)
