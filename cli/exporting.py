"""``ledger export``: the projections as JSON, NDJSON or CSV, for other tools."""

from __future__ import annotations

import click

from treaty_ledger.cli.params import (
    as_of_option,
    known_at_option,
    out_option,
    read_only_option,
    store_option,
)

EXPORTS = ("status", "provisions", "acts", "claims", "demands", "violations", "contrast")


@click.command("export")
@click.argument("projection", type=click.Choice(EXPORTS))
@as_of_option
@known_at_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "ndjson", "csv", "plover"]),
    default="json",
    show_default=True,
    help="json: one document with metadata; ndjson: one row a line; "
    "csv: a header, then one row a line; plover (acts only): PLOVER event records.",
)
@out_option("the export")
@read_only_option
@store_option
def export_command(projection, as_of, known_at, fmt, out, read_only, store) -> None:
    """Export a projection as a table: status, provisions, acts, claims, demands, violations...

    The tables: status, provisions, acts, claims, demands, violations and
    contrast (each proposal's provisions against the commitments they would
    change).

    Columns come in a fixed order ("ledger schema export-NAME" is the JSON
    Schema of a row); EDTF dates stay as recorded, beside their earliest and
    latest days. In CSV, a list is a JSON array (["RUS","USA"]). The JSON
    document names the as-of day, the known-at moment, the log size and
    Merkle root, and lists the acts left indeterminate on that day.
    --format plover writes the acts as PLOVER event records (PLOVER manual,
    version 1.3), one JSON object a line: id, date (enddate too when the
    date is a range), actor, recipient, event, quad_code, mode, context,
    link, cite_info, and the ledger's own fields under ledger_ names
    ("ledger schema export-acts-plover" is their JSON Schema).

    \b
    Examples:
      ledger export status --as-of 2014-03 --format csv > status-2014-03.csv
      ledger export violations --as-of 2024 --format ndjson
      ledger export demands --as-of 2022 --known-at @160
      ledger export acts --as-of 2024 --format plover
      ledger export contrast --as-of 2021-12 --format csv
    """
    from treaty_ledger.cli.output_files import output_file
    from treaty_ledger.ledger.store.application import Ledger

    if fmt == "plover" and projection != "acts":
        raise click.BadParameter("plover is a format of the acts export", param_hint="--format")
    # Rows are read from the ledger as they are written: the ledger stays open meanwhile.
    # Nothing is written before the whole log has passed every check of 'ledger verify'.
    with (
        output_file(out, binary=False, store=store) as handle,
        Ledger(store, read_only=read_only) as ledger,
    ):
        _write_export(ledger, projection, as_of, known_at, fmt, handle)


def _write_export(ledger, projection, as_of, known_at, fmt, out) -> None:
    """Write the rows of one export to the text file ``out`` as they are read."""
    import csv

    from treaty_ledger.cli.export_queries import export_stream, plover_stream
    from treaty_ledger.cli.streaming import Chunked, emit_json_stream
    from treaty_ledger.ledger.integrity.codec import dumps
    from treaty_ledger.projections.exports import ROW_MODELS

    if fmt == "plover":
        for record in plover_stream(ledger, as_of, known_at):
            out.write(dumps(record).decode() + "\n")
        return
    exported = export_stream(ledger, projection, as_of, known_at, document=fmt == "json")
    if exported.head is not None:
        emit_json_stream(exported.head, {"rows": exported.rows}, Chunked(out))
    elif fmt == "ndjson":
        for item in exported.rows:
            out.write(dumps(item).decode() + "\n")
    else:
        columns = list(ROW_MODELS[projection].model_fields)
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for item in exported.rows:
            writer.writerow([_cell(item[column]) for column in columns])


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""Characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection)."""


def _cell(value: object) -> object:
    """A CSV cell: lists as JSON arrays (unambiguous whatever the text holds), None as empty.

    A text cell beginning with =, +, -, @, tab or carriage return gets a
    leading apostrophe, as OWASP's CSV injection rule says, so that no
    spreadsheet runs it as a formula. Numbers are left as they are.
    """
    if isinstance(value, list):
        from treaty_ledger.ledger.integrity.codec import dumps

        value = dumps(value).decode()
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value
