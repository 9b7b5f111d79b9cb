"""``ledger export``: the projections as JSON, NDJSON or CSV, for other tools."""

from __future__ import annotations

import click

from cli.params import as_of_option, known_at_option, read_only_option, store_option

EXPORTS = ("status", "provisions", "acts", "claims", "demands", "violations")


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
    "csv: a header, then one row a line; plover (acts only): PLOVER-style event records.",
)
@click.option(
    "--out",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="Write here (default: stdout).",
)
@read_only_option
@store_option
def export_command(projection, as_of, known_at, fmt, out, read_only, store) -> None:
    """Export a projection as a table: status, provisions, acts, claims, demands, violations.

    Columns come in a fixed order ("ledger schema export-NAME" is the JSON
    Schema of a row); EDTF dates stay as recorded, beside their earliest and
    latest days. In CSV, lists are joined with "; ". The JSON document names
    the as-of day, the known-at moment, the log size and Merkle root.
    --format plover writes the acts as PLOVER-style event records, one JSON
    object a line (id, date, actors, recipients, event, mode, context such
    as hypothetical for drafts, cite_info).

    \b
    Examples:
      ledger export status --as-of 2014-03 --format csv > status-2014-03.csv
      ledger export violations --as-of 2024 --format ndjson
      ledger export demands --as-of 2022 --known-at @160
      ledger export acts --as-of 2024 --format plover
    """
    import csv

    from ledger.codec import dumps
    from ledger.store import Ledger
    from projections.exports import ROW_MODELS, SCHEMA_VERSION, export_rows
    from projections.known import known

    if fmt == "plover" and projection != "acts":
        raise click.BadParameter("plover is a format of the acts export", param_hint="--format")
    with Ledger(store, read_only=read_only) as ledger:
        entries = list(ledger.entries())
        moment = known(entries, known_at)
        rows = export_rows(projection, entries, as_of, known_at)
        root_hash = ledger.root_hash(moment.position)
    if fmt == "plover":
        from projections.plover import plover_records

        for record in plover_records(entries, as_of, known_at):
            out.write(dumps(record).decode() + "\n")
        return
    data = [row.model_dump(mode="json") for row in rows]
    if fmt == "json":
        document = {
            "export": projection, "schema_version": SCHEMA_VERSION, "as_of": as_of.text,
            "as_of_day": as_of.day.isoformat(), "known_at": moment.known_at,
            "position": moment.position, "log_size": moment.position, "root_hash": root_hash,
            "rows": data,
        }  # fmt: skip
        out.write(dumps(document, pretty=True).decode() + "\n")
    elif fmt == "ndjson":
        for item in data:
            out.write(dumps(item).decode() + "\n")
    else:
        columns = list(ROW_MODELS[projection].model_fields)
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for item in data:
            writer.writerow(
                ["; ".join(v) if isinstance(v, list) else ("" if v is None else v)
                 for v in (item[c] for c in columns)]
            )  # fmt: skip
