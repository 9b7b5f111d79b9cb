"""The ``ledger`` command: a thin click layer over the ledger and its projections.

Every command parses its arguments, calls the library, and renders. Errors
the library raises on purpose (``ledger.errors.LedgerError``) become one
``Error:`` line and exit status 1; bad arguments are usage errors (exit 2).
Heavy modules are imported inside the commands so that ``ledger --help``
starts fast.
"""

from __future__ import annotations

import click

from treaty_ledger.cli.auditing import (
    explain_command,
    export_log_command,
    history_command,
    import_log_command,
    migrate_command,
)
from treaty_ledger.cli.charting import chart_command
from treaty_ledger.cli.contrasting import compliance_command, contrast_command
from treaty_ledger.cli.exporting import export_command
from treaty_ledger.cli.importing import import_command, record_command
from treaty_ledger.cli.integrity import (
    check_command,
    checkpoint_command,
    keygen_command,
    prove_command,
    verify_command,
    verify_proof_command,
)
from treaty_ledger.cli.reading import (
    actor_command,
    diff_command,
    instruments_command,
    replay_command,
    timeline_command,
)
from treaty_ledger.cli.revising import correct_command, retract_command
from treaty_ledger.cli.schema import schema_command
from treaty_ledger.cli.serving import serve_command
from treaty_ledger.ledger.errors import LedgerError


class LedgerGroup(click.Group):
    """A group that turns ledger errors and bad arguments into one ``Error:`` line.

    Ledger errors exit 1; bad arguments (click's usage errors) exit 2 with the
    same one line, naming the command's ``--help`` instead of printing the
    usage block above it.
    """

    def main(self, *args, standalone_mode: bool = True, **extra):  # type: ignore[override]
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **extra)
        import sys

        try:
            result = super().main(*args, standalone_mode=False, **extra)
        except click.UsageError as err:
            path = err.ctx.command_path if err.ctx is not None else "ledger"
            click.echo(f"Error: {err.format_message()} (see '{path} --help')", err=True)
            sys.exit(err.exit_code)
        except click.ClickException as err:
            err.show()
            sys.exit(err.exit_code)
        except click.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except LedgerError as err:
            raise click.ClickException(str(err)) from err
        except BrokenPipeError:  # the reader went away (| head): stop quietly, as cat does
            import os
            import sys

            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - absorb the final flush
            ctx.exit(0)
        except OSError as err:  # a file the user named: missing folder, full disk, no access
            where = f"{err.filename}: " if err.filename else ""
            raise click.ClickException(f"{where}{err.strerror or err}") from err


@click.group(cls=LedgerGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="treaty-ledger")
def main() -> None:
    """Treaty Ledger: an append-only record of diplomatic acts, replayed as of any day.

    \b
    Load the shipped record, then ask who was bound by what:
      ledger import --shipped
      ledger replay --as-of 2014-03
      ledger replay --as-of 2019-06 --instrument inf-1987 --json
      ledger timeline --from 2007 --to 2008 --actor RUS
      ledger record < act.json
      ledger instruments
      ledger export status --as-of 2014-03 --format csv
      ledger diff --from 2019-01 --to 2019-12
      ledger actor NATO --as-of 2024-06
      ledger contrast russia-nato-security-measures-draft-2021 --as-of 2021-12
      ledger compliance RUS --as-of 2019-12
      ledger serve --port 8765
      ledger chart --from 1990 --to 2024 --out regime.png
      ledger correct ACT_ID --set date=2007-07-13 --reason ... --source-title ...
      ledger retract ACT_ID --reason ... --source-title ...
      ledger history cfe-1990.rus.suspension
      ledger explain --as-of 2022-10-01 --known-at @160
      ledger export-log --out log.jsonl
      ledger import-log log.jsonl --store copy.db
      ledger migrate --from ledger.db --to postgresql://USER@HOST:5432/DB
      ledger keygen --out key.pem
      ledger checkpoint --key key.pem --out cp.json
      ledger verify --checkpoint cp.json
      ledger prove ACT_ID --checkpoint cp.json --out proof.json
      ledger verify-proof proof.json
      ledger check
      ledger schema replay

    The store is ./ledger.db unless --store or LEDGER_STORE says otherwise.
    """


main.add_command(import_command)
main.add_command(record_command)
main.add_command(replay_command)
main.add_command(timeline_command)
main.add_command(instruments_command)
main.add_command(export_command)
main.add_command(diff_command)
main.add_command(actor_command)
main.add_command(serve_command)
main.add_command(chart_command)
main.add_command(correct_command)
main.add_command(retract_command)
main.add_command(history_command)
main.add_command(explain_command)
main.add_command(export_log_command)
main.add_command(import_log_command)
main.add_command(migrate_command)
main.add_command(keygen_command)
main.add_command(checkpoint_command)
main.add_command(verify_command)
main.add_command(prove_command)
main.add_command(verify_proof_command)
main.add_command(check_command)
main.add_command(schema_command)
main.add_command(contrast_command)
main.add_command(compliance_command)
