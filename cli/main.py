"""The ``ledger`` command: a thin click layer over the ledger and its projections.

Every command parses its arguments, calls the library, and renders. Errors
the library raises on purpose (``ledger.errors.LedgerError``) become one
``Error:`` line and exit status 1; bad arguments are usage errors (exit 2).
Heavy modules are imported inside the commands so that ``ledger --help``
starts fast, and each command's module is imported only when that command
runs (or ``--help`` lists them all).
"""

from __future__ import annotations

import click

from treaty_ledger.ledger.errors import LedgerError

# Each command by name: the module under treaty_ledger.cli that defines it, and its function.
COMMANDS = {
    "import": ("importing", "import_command"),
    "record": ("importing", "record_command"),
    "replay": ("reading", "replay_command"),
    "timeline": ("reading", "timeline_command"),
    "instruments": ("reading", "instruments_command"),
    "export": ("exporting", "export_command"),
    "diff": ("reading", "diff_command"),
    "actor": ("reading", "actor_command"),
    "serve": ("serving", "serve_command"),
    "chart": ("charting", "chart_command"),
    "correct": ("revising", "correct_command"),
    "retract": ("revising", "retract_command"),
    "history": ("auditing", "history_command"),
    "explain": ("auditing", "explain_command"),
    "export-log": ("auditing", "export_log_command"),
    "import-log": ("auditing", "import_log_command"),
    "migrate": ("auditing", "migrate_command"),
    "keygen": ("integrity", "keygen_command"),
    "checkpoint": ("integrity", "checkpoint_command"),
    "verify": ("integrity", "verify_command"),
    "prove": ("integrity", "prove_command"),
    "verify-proof": ("integrity", "verify_proof_command"),
    "check": ("integrity", "check_command"),
    "schema": ("schema", "schema_command"),
    "contrast": ("contrasting", "contrast_command"),
    "compliance": ("contrasting", "compliance_command"),
}


class LedgerGroup(click.Group):
    """A group that turns ledger errors and bad arguments into one ``Error:`` line.

    Ledger errors exit 1; bad arguments (click's usage errors) exit 2 with the
    same one line, naming the command's ``--help`` instead of printing the
    usage block above it. Its commands are those of ``COMMANDS``, each loaded
    from its module when first asked for.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        from importlib import import_module

        module, name = COMMANDS[cmd_name]
        return getattr(import_module(f"treaty_ledger.cli.{module}"), name)

    def resolve_command(self, ctx: click.Context, args: list[str]):  # type: ignore[override]
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None:
            _refuse_repeated_values(click.Context(command, info_name=name, parent=ctx), rest)
        return name, command, rest

    def main(self, *args, standalone_mode: bool = True, **extra):  # type: ignore[override]
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **extra)
        import sys

        try:
            result = super().main(*args, standalone_mode=False, **extra)
        except click.UsageError as err:
            given = extra.get("args", args[0] if args else None)
            path = err.ctx.command_path if err.ctx is not None else _command_path(given)
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


def _command_path(given: list[str] | None) -> str:
    """``ledger`` and the command named on the line, for an error click gave no context.

    ``given``: the arguments given to ``main`` (None: the process's own).
    """
    import sys

    words = sys.argv[1:] if given is None else given
    named = next((word for word in words if not word.startswith("-")), None)
    return f"ledger {named}" if named in COMMANDS else "ledger"


def _refuse_repeated_values(ctx: click.Context, args: list[str]) -> None:
    """Refuse an option that takes one value and is given it twice (click keeps the last).

    ``--as-of 2014 --as-of 2015`` would answer for 2015 without a word; the
    HTTP API refuses a repeated parameter the same way. Options that take
    several values (``--instrument`` of ``chart``, ``--set`` of ``correct``)
    and flags are left alone; nothing after ``--`` is an option.

    Raises:
        click.UsageError: naming the option (exit 2).
    """
    takes_one = {}
    for param in ctx.command.params:
        if isinstance(param, click.Option) and not (param.multiple or param.is_flag or param.count):
            takes_one.update(dict.fromkeys(param.opts, param))
    seen: dict[click.Option, str] = {}
    words = iter(args)
    for word in words:
        if word == "--":
            break
        option = word.split("=", 1)[0]
        param = takes_one.get(option)
        if param is None:
            continue
        if param in seen:
            raise click.UsageError(f"{option} is given twice; give it once", ctx)
        seen[param] = option
        if "=" not in word:
            next(words, None)  # its value, which may itself begin with '-'


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
