"""Commands that append: ``ledger import`` and ``ledger record``."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import IO, TYPE_CHECKING

import click

from treaty_ledger.cli.params import (
    ACTOR_CODE,
    by_option,
    json_option,
    store_option,
    wait_notice,
    wait_option,
)
from treaty_ledger.cli.render import counted
from treaty_ledger.ledger.redaction import redact

if TYPE_CHECKING:
    from treaty_ledger.ledger.contents import Content


@click.command("import")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--shipped", is_flag=True, help="Import the record shipped with the package.")
@store_option
@by_option
@wait_option
@json_option
def import_command(
    files: tuple[str, ...], shipped: bool, store: str, by: str | None, wait: float, as_json: bool
) -> None:
    """Validate record files (JSON Lines), then append them all in one transaction.

    A file with one bad line writes nothing. Records already in the ledger
    with the same content are skipped, so importing a file twice adds
    nothing; an id already recorded with different content is an error.
    A FILE of - is standard input (as /dev/stdin). The FILES are appended in
    one transaction; --shipped (given alone)
    appends each shipped file in its own, in order, so that record time
    shows when the ledger learned of the retroactive 2022 ratification laws.

    \b
    Examples:
      ledger import --shipped
      ledger import fixtures/instruments.jsonl fixtures/acts.jsonl --store team.db
      cat acts.jsonl | ledger import -
    """
    from treaty_ledger.fixtures import shipped_files

    if not files and not shipped:
        raise click.UsageError("give one or more record files, or --shipped")
    if files and shipped:
        # The shipped files go in one transaction each; a failure in FILES after them
        # could not undo them, so the two are separate commands.
        raise click.UsageError(
            "give record files or --shipped, not both: import the shipped record first, "
            "then your files"
        )
    batches = []
    if shipped:
        # One transaction per shipped file, in order: the record time of each
        # tells when the ledger learned of it (the 2022 laws come last).
        batches.extend([str(path)] for path in shipped_files())
    if files:
        batches.append(["/dev/stdin" if path == "-" else path for path in files])
    _append([_FileBatch(paths) for paths in batches], store, by, as_json, wait)


class _FileBatch:
    """Record files, read afresh each time the batch is called (an import may run again).

    ``progress`` is called with (bytes read, bytes in all) as lines are validated
    and appended. A pipe or device (``/dev/stdin``) can be read only once: its
    lines are validated as they come and copied to a temporary file by
    :meth:`read_streams` before the import takes the store's write lock, so
    that a bad line is reported when it is read and memory stays bounded.
    """

    def __init__(self, paths: list[str]) -> None:
        self.paths = paths
        self.progress: Callable[[int, int], None] = lambda done, total: None
        self._streams: dict[str, IO[bytes]] = {}

    def read_streams(self) -> None:
        """Copy every file that is not a regular file (a pipe reads once) to a temporary file.

        Each line is validated as it is read (``ledger.contents.iter_contents``).

        Raises:
            InvalidRecord, NoRecords: as the import would, at the first bad line.
        """
        import tempfile

        from treaty_ledger.ledger.contents import iter_contents

        for path in self.paths:
            if not _regular(path) and path not in self._streams:
                copy = tempfile.TemporaryFile(prefix="ledger-import-")  # noqa: SIM115 - kept for later passes
                for _ in iter_contents(_copied(_lines_of(path), copy), path):
                    pass
                self._streams[path] = copy

    def __call__(self) -> Iterator[Content]:
        from treaty_ledger.ledger.contents import iter_contents

        self.read_streams()
        total = sum(os.path.getsize(path) for path in self.paths)
        done = 0
        for path in self.paths:
            if path in self._streams:
                copy = self._streams[path]
                copy.seek(0)
                yield from iter_contents(_lines_of(path, copy), path)
                continue
            with open(path, "rb") as handle:
                lines = _lines_of(path, handle)
                for number, item in enumerate(iter_contents(lines, path)):
                    if number % 5000 == 0:
                        self.progress(done + handle.tell(), total)
                    yield item
            done += os.path.getsize(path)
        self.progress(done, total)


def _regular(path: str) -> bool:
    import stat

    return stat.S_ISREG(os.stat(path).st_mode)


def _copied(lines: Iterator[bytes], copy: IO[bytes]) -> Iterator[bytes]:
    """Pass the lines on, writing each to ``copy`` first."""
    for line in lines:
        copy.write(line)
        yield line


def _lines_of(path: str, handle=None) -> Iterator[bytes]:
    """The lines of a record file, each at most ``records.MAX_LINE_BYTES`` long."""
    from treaty_ledger.ledger.records import bounded_lines

    if handle is not None:
        yield from bounded_lines(handle, path)
        return
    with open(path, "rb") as opened:
        yield from bounded_lines(opened, path)


@click.command("record")
@click.argument("source", type=click.File("rb"), required=False, metavar="[FILE]")
@click.option("--id", "act_id", help="The act's stable id.")
@click.option("--type", "act_type", help="Act type, such as signature or withdrawal.")
@click.option("--date", help="Valid time (EDTF), the notice for a withdrawal.")
@click.option("--effective", help="Effective date (EDTF) of a suspension or withdrawal.")
@click.option(
    "--actor", "actors", multiple=True, type=ACTOR_CODE, help="Acting actor (repeatable)."
)
@click.option(
    "--recipient", "recipients", multiple=True, type=ACTOR_CODE, help="Recipient (repeatable)."
)
@click.option("--instrument", help="Instrument id.")
@click.option("--provision", help="Provision id within the instrument.")
@click.option("--territory", help="Territory (annexation, recognition).")
@click.option("--predecessor", type=ACTOR_CODE, help="Predecessor state (succession).")
@click.option("--successor", help="Instrument that supersedes this one (supersession).")
@click.option("--sequence", type=click.IntRange(min=0), help="Order among same-day acts.")
@click.option("--date-note", help="Why the date is uncertain or disputed.")
@click.option("--summary", help="What happened, in one sentence.")
@click.option("--source-title", help="Title of the source document.")
@click.option("--source-publisher", help="Publisher of the source.")
@click.option("--source-date", help="Date of the source (EDTF).")
@click.option("--source-url", help="URL of the source, where public.")
@store_option
@by_option
@wait_option
@json_option
def record_command(
    source, store: str, by: str | None, wait: float, as_json: bool, **options: object
) -> None:
    """Append one record, given as JSON (in FILE or on standard input) or as options.

    Validation and errors are those of ``ledger import``. The JSON is one
    act or instrument in the format of the fixture files (``ledger schema act``).

    \b
    Examples:
      echo '{"record": "act", "id": "...", ...}' | ledger record
      ledger record act.json
      ledger record --id inf-1987.usa.statement-2018 --type doctrinal-statement \\
        --date 2018-10-20 --actor USA --summary "..." \\
        --source-title "..." --source-publisher "..." --source-date 2018-10-20
    """
    from treaty_ledger.ledger.records import parse_record

    given = {key: value for key, value in options.items() if value not in (None, ())}
    if given and (source is not None or _stdin_is_a_file()):
        raise click.UsageError(
            "give the record as JSON (FILE or standard input) or as options, not both"
        )
    if given:
        submitted = parse_record(_act_from_options(given), "options")
    else:
        source = source or click.open_file("-", "rb")
        name = getattr(source, "name", "-")
        where = name if isinstance(name, str) and name not in ("-", "<stdin>") else "stdin"
        if where == "stdin" and source.isatty():
            raise click.UsageError("give the record as JSON on standard input, or as options")
        from treaty_ledger.ledger.errors import InvalidRecord
        from treaty_ledger.ledger.records import MAX_LINE_BYTES

        data = source.read(MAX_LINE_BYTES + 1)  # bounded: /dev/zero is an error, not all memory
        if len(data) > MAX_LINE_BYTES:  # bad input, as bad JSON is: exit 1
            raise InvalidRecord(where, None, None, f"more than {MAX_LINE_BYTES:,} bytes; no "
                                "record is that large")  # fmt: skip
        if not data.strip():
            raise click.UsageError(f"{where} is empty: give one record as JSON")
        submitted = parse_record(data, where)
    _append([[submitted]], store, by, as_json, wait)


def _stdin_is_a_file() -> bool:
    """Whether standard input is a redirected, non-empty regular file (``< act.json``)."""
    import os
    import stat
    import sys

    try:
        info = os.fstat(sys.stdin.fileno())
    except (OSError, ValueError, AttributeError):
        return False  # no real standard input (closed, or a test runner's stream)
    return stat.S_ISREG(info.st_mode) and info.st_size > 0


def _act_from_options(given: dict) -> dict:
    act: dict = {"record": "act"}
    renames = {"act_id": "id", "act_type": "type"}
    # Every other option is named as the field it sets.
    for key in (
        "act_id",
        "act_type",
        "date",
        "effective",
        "actors",
        "recipients",
        "instrument",
        "provision",
        "territory",
        "predecessor",
        "successor",
        "sequence",
        "summary",
        "date_note",
    ):
        if key in given:
            value = given[key]
            act[renames.get(key, key)] = list(value) if isinstance(value, tuple) else value
    source = {
        field: given[f"source_{field}"]
        for field in ("title", "publisher", "date", "url")
        if f"source_{field}" in given
    }
    if source:
        act["sources"] = [source]
    return act


def _append(batches: list, store: str, by: str | None, as_json: bool, wait: float) -> None:
    """Append each batch in its own transaction, in order; report the whole."""
    from treaty_ledger.cli.progress import progress_bar
    from treaty_ledger.cli.render import emit_json
    from treaty_ledger.ledger.services.importer import AppendReport, append_records
    from treaty_ledger.ledger.store.application import Ledger

    report = AppendReport()
    for batch in batches:
        if isinstance(batch, _FileBatch):
            batch.read_streams()  # before the write lock: a pipe may be slow to give its lines
    with Ledger(store, create=True, user=by, wait=wait, on_wait=wait_notice(store, wait)) as ledger:
        for batch in batches:
            with progress_bar("Importing", 1 << 20) as importing:
                if isinstance(batch, _FileBatch):
                    batch.progress = importing
                done = append_records(ledger, batch)
            report.added.extend(done.added)
            report.already.extend(done.already)
            report.positions.extend(done.positions)
        log_size = ledger.log_size
    if as_json:
        emit_json(
            {
                "added": [{"record": kind, "id": rid} for kind, rid in report.added],
                "already_recorded": [{"record": kind, "id": rid} for kind, rid in report.already],
                "positions": list(report.positions),
                "log_size": log_size,
            }
        )
        return
    kinds = {"instrument": 0, "act": 0, "relation": 0}
    for kind, _ in report.added:
        kinds[kind] += 1
    click.echo(
        f"Added {counted(len(report.added), 'record')} "
        f"({counted(kinds['instrument'], 'instrument')}, {counted(kinds['act'], 'act')}"
        f"{_relations(kinds['relation'])}); "
        f"{len(report.already)} already recorded. "
        f"Log size {log_size} in {redact(store)}."
    )


def _relations(count: int) -> str:
    """``, N relations`` when the import added relations, else nothing."""
    return f", {counted(count, 'relation')}" if count else ""
