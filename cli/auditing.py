"""Commands for auditors: ``history``, ``explain``, ``export-log`` and ``import-log``."""

from __future__ import annotations

import click

from treaty_ledger.cli.params import (
    ACTOR_CODE,
    AS_OF_DAY,
    KNOWN_AT,
    json_option,
    known_at_option,
    out_option,
    read_only_option,
    store_option,
)
from treaty_ledger.ledger.redaction import redact


@click.command("history")
@click.argument("act_id", required=False)
@click.option("--instrument", metavar="ID", help="The instrument and every act concerning it.")
@click.option("--actor", type=ACTOR_CODE, help="Every act involving this actor.")
@known_at_option
@read_only_option
@store_option
@json_option
def history_command(read_only, act_id, instrument, actor, known_at, store, as_json) -> None:
    """Show every version of acts in record order: what, when, by whom, why, with sources.

    Give one ACT_ID, or --instrument ID, or --actor CODE.

    \b
    Examples:
      ledger history cfe-1990.rus.suspension
      ledger history --instrument inf-1987 --json
      ledger history --actor UKR --known-at @160
    """
    from treaty_ledger.cli.record_queries import history_query
    from treaty_ledger.cli.render import emit_json, history_lines
    from treaty_ledger.ledger.store.application import Ledger

    if sum(value is not None for value in (act_id, instrument, actor)) != 1:
        raise click.UsageError("give one ACT_ID, or --instrument ID, or --actor CODE")
    with Ledger(store, read_only=read_only) as ledger:
        result = history_query(
            ledger, act_id=act_id, instrument=instrument, actor=actor, known_at=known_at
        )
    if as_json:
        emit_json(result)
    else:
        click.echo("\n".join(history_lines(result)))


@click.command("explain")
@click.option("--as-of", "as_of", required=True, type=AS_OF_DAY, help="The valid day to compare.")
@click.option(
    "--known-at",
    "before",
    required=True,
    type=KNOWN_AT,
    help="The earlier moment of record: instant, day or @POSITION.",
)
@click.option(
    "--against",
    "after",
    type=KNOWN_AT,
    help="The later moment of record (default: everything recorded).",
)
@read_only_option
@store_option
@json_option
def explain_command(read_only, as_of, before, after, store, as_json) -> None:
    """Explain why the answer for a day differs between two moments of record.

    Lists each change in status (instrument, actor, provision, claim,
    indeterminate act) between the replay of --as-of known at --known-at and
    known at --against, and for each the entries recorded in between that
    caused it, with their authors, reasons and sources.

    \b
    Examples:
      ledger explain --as-of 2022-10-01 --known-at @160
      ledger explain --as-of 2022-10-01 --known-at @160 --against @164 --json
    """
    from treaty_ledger.cli.render import emit_json, explanation_lines
    from treaty_ledger.ledger.store.application import Ledger
    from treaty_ledger.projections.explain import explain

    with Ledger(store, read_only=read_only) as ledger:
        entries = ledger.verified().checked().entries
    if after is None:
        from treaty_ledger.ledger.record_time import KnownAt

        after = KnownAt(f"@{entries[-1].position}", position=entries[-1].position)
    result = explain(entries, as_of, before, after)
    if as_json:
        emit_json(result)
    else:
        click.echo("\n".join(explanation_lines(result)))


@click.command("export-log")
@out_option("the log")
@read_only_option
@store_option
def export_log_command(out, read_only, store) -> None:
    """Write every entry of the ledger, with record times and authors, as JSON Lines.

    "ledger import-log" loads the file into an empty ledger with the same
    positions, so that every replay of the copy is byte-identical.

    \b
    Examples:
      ledger export-log --out ledger-log.jsonl
    """
    from treaty_ledger.cli.output_files import output_file
    from treaty_ledger.ledger.integrity.codec import dumps
    from treaty_ledger.ledger.integrity.log_format import entry_data
    from treaty_ledger.ledger.services.migration import checked_entries
    from treaty_ledger.ledger.store.application import Ledger

    with (
        output_file(out, binary=True, store=store) as handle,
        Ledger(store, read_only=read_only) as ledger,
    ):
        # The whole log is checked before the first line: a tampered log is never exported.
        for entry, leaf in checked_entries(ledger):
            handle.write(dumps(entry_data(entry) | {"leaf_hash": leaf.hex()}) + b"\n")


@click.command("import-log")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@store_option
def import_log_command(file, store) -> None:
    """Load an exported log into a ledger, keeping positions and record times.

    The store may be empty, or hold the log's first entries (an earlier
    export, or an interrupted load): those must be the same, and only the
    rest is appended. Each line's leaf_hash (written by export-log) is
    checked before anything is written, so an edited log is refused; a line
    without one among lines with theirs is refused too. (A leaf hash anyone
    can recompute: to know the log is the one a ledger signed, check it
    afterwards with 'ledger verify --checkpoint FILE --public-key KEY'.)

    \b
    Examples:
      ledger import-log ledger-log.jsonl --store copy.db
    """
    from treaty_ledger.ledger.errors import InvalidRecord, StoreError
    from treaty_ledger.ledger.integrity.codec import loads
    from treaty_ledger.ledger.integrity.log_format import (
        check_log,
        entry_data,
        entry_from_data,
        leaf_hash_of,
    )
    from treaty_ledger.ledger.records import bounded_lines
    from treaty_ledger.ledger.store.application import Ledger

    entries, hashes = [], []
    with open(file, "rb") as handle:
        for number, line in enumerate(bounded_lines(handle, file), start=1):
            if not line.strip():
                continue
            where = f"{file} line {number}"
            try:
                data = loads(line)
            except ValueError as err:
                raise InvalidRecord(where, None, None, f"not valid JSON ({err})") from err
            entries.append((where, entry_from_data(data, where)))
            hashes.append(leaf_hash_of(data, where))
    if not entries:
        raise click.UsageError(f"{file} holds no log entries")
    missing = [where for (where, _), leaf in zip(entries, hashes, strict=True) if leaf is None]
    if missing and len(missing) < len(entries):
        # A log this version exported carries every leaf hash: one without it was edited.
        raise InvalidRecord(missing[0], None, "leaf_hash", "is missing, though other lines "
                            "carry theirs: the log was edited")  # fmt: skip
    with Ledger(store, create=True) as ledger:
        size = ledger.log_size
        held = ledger.verified().checked().entries if size else []
        for (where, entry), mine in zip(entries, held, strict=False):
            if entry_data(entry) != entry_data(mine):
                raise StoreError(
                    f"{where}: the store's entry at position {mine.position} differs from the "
                    "log's; load a log only into an empty store or one holding its first part"
                )
        rest = entries[len(held) :]
        check_log([(f"the store, position {e.position}", e) for e in held] + rest)
        _check_not_future(rest)
        positions = ledger.append_log([entry for _, entry in rest], hashes[len(held) :])
    already = f" ({len(held)} already there)" if held else ""
    click.echo(f"Loaded {len(positions)} entries into {redact(store)}{already}.")
    if missing:
        click.echo("The log carries no leaf hashes (an export of an earlier version, or edited): "
                   "its entries were hashed as loaded, not checked against hashes recorded "
                   "before; check the copy against a checkpoint of the source with "
                   "'ledger verify --checkpoint'.", err=True)  # fmt: skip


@click.command("migrate")
@click.option("--from", "source", required=True, metavar="STORE", help="The ledger to copy.")
@click.option("--to", "target", required=True, metavar="STORE", help="An empty store, or an "
              "interrupted copy of the same ledger.")  # fmt: skip
def migrate_command(source, target) -> None:
    """Copy a whole ledger to another store, keeping positions, record times and authors.

    A non-empty target is refused unless it holds exactly the source's first
    entries (an interrupted migration), which are then kept and the rest
    copied. Replays of the two stores are byte-identical afterwards.

    \b
    Examples:
      ledger migrate --from ledger.db --to postgresql://me@127.0.0.1:5432/team
      ledger migrate --from postgresql://me@127.0.0.1:5432/team --to backup.db
    """
    import sys

    from treaty_ledger.ledger.services.migration import migrate
    from treaty_ledger.ledger.store.application import Ledger

    if _same_store(source, target):
        raise click.BadParameter("--from and --to name the same store", param_hint="--to")
    with Ledger(source, read_only=True) as origin, Ledger(target, create=True) as copy:
        total = origin.log_size
        with click.progressbar(length=total, label="Copying", file=sys.stderr,
                               hidden=not sys.stderr.isatty()) as bar:  # fmt: skip
            present, copied = migrate(origin, copy, lambda done: bar.update(done - bar.pos))
        copy_size = copy.log_size
    click.echo(
        f"{present} entries were already there, {copied} copied; "
        f"{redact(target)} holds {copy_size}."
    )


def _same_store(first: str, second: str) -> bool:
    """Whether two locations name one store (files compared by their real path)."""
    import os

    if "://" in first or "://" in second:
        return first.rstrip("/") == second.rstrip("/")
    return os.path.realpath(first) == os.path.realpath(second)


def _check_not_future(entries) -> None:
    """Refuse a log whose record times lie in the future: they would stamp later entries."""
    from datetime import UTC, datetime

    from treaty_ledger.ledger.errors import InvalidRecord

    now = datetime.now(UTC)
    for where, entry in entries:
        if entry.recorded_at > now:
            raise InvalidRecord(where, entry.record.id, "recorded_at", "lies in the future")
