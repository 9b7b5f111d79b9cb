"""Commands that read: ``ledger replay`` and ``ledger timeline``."""

from __future__ import annotations

import click

from treaty_ledger.cli.params import (
    ACTOR_CODE,
    AS_OF_DAY,
    as_of_option,
    json_option,
    known_at_option,
    read_only_option,
    store_option,
    verify_option,
)


@click.command("replay")
@as_of_option
@click.option("--instrument", metavar="ID", help="Only this instrument.")
@click.option(
    "--actor", type=ACTOR_CODE, help="Only this actor (ISO 3166 alpha-3 or organisation)."
)
@click.option(
    "--full",
    is_flag=True,
    help="Every actor's since, roles and provisions (the default with --instrument or --actor).",
)
@known_at_option
@verify_option
@read_only_option
@store_option
@json_option
def replay_command(
    read_only, as_of, instrument, actor, full, known_at, verify, store: str, as_json: bool
) -> None:
    """Replay the ledger: who was bound by what at the close of a day.

    Prints each instrument's status and its actors grouped by status, one
    line an instrument, then territorial claims by annexation and the acts
    whose possible days straddle the day (indeterminate: neither applied nor
    dropped). --full adds each actor's since, every other role it holds,
    suspensions toward named parties, what is contested and by whom, and
    which provisions bind whom. --as-of 2014-03 applies every act certainly
    dated on or before 2014-03-31. Dates are EDTF strings as recorded.

    With --known-at, only what was recorded by then counts: the ledger as an
    auditor would have seen it. The output names the record time (known_at)
    and log position it was computed from, and the Merkle root: read through
    the valid-time index, that is the recorded tree head, and only the
    entries read are checked; with --verify the whole log passes every check
    of 'ledger verify' first, or the replay is refused.

    \b
    Examples:
      ledger replay --as-of 2014-03
      ledger replay --as-of 2014-03 --full
      ledger replay --as-of 2007-12-12 --instrument cfe-1990
      ledger replay --as-of 2020-12 --actor USA --json
      ledger replay --as-of 2022-10-01 --known-at @160
    """
    from treaty_ledger.cli.progress import progress_bar
    from treaty_ledger.cli.queries import replay_query
    from treaty_ledger.cli.render import emit_json
    from treaty_ledger.cli.replay_text import replay_lines, summary_lines
    from treaty_ledger.ledger.store.application import Ledger

    with Ledger(store, read_only=read_only) as ledger, progress_bar("Replaying") as progress:
        result = replay_query(
            ledger, as_of, known_at=known_at, instrument=instrument, actor=actor,
            progress=progress, verify=verify,
        )  # fmt: skip
    if as_json:
        emit_json(result)
    else:
        whole = full or instrument is not None or actor is not None
        click.echo("\n".join((replay_lines if whole else summary_lines)(result, actor)))


@click.command("timeline")
@click.option(
    "--from", "start", type=AS_OF_DAY, help="First day included: YYYY, YYYY-MM or YYYY-MM-DD."
)
@click.option("--to", "end", type=AS_OF_DAY, help="Last day included: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--actor", type=ACTOR_CODE, help="Only acts this actor takes part in.")
@click.option("--instrument", metavar="ID", help="Only acts concerning this instrument.")
@known_at_option
@verify_option
@read_only_option
@store_option
@json_option
def timeline_command(
    read_only, start, end, actor, instrument, known_at, verify, store: str, as_json: bool
) -> None:
    """List acts in valid-time order, with their sources.

    An act is listed when any day it may fall on lies between --from (from
    its first day) and --to (to its last day), both inclusive.

    \b
    Examples:
      ledger timeline --from 2014-03 --to 2014-03
      ledger timeline --instrument open-skies-1992
      ledger timeline --actor RUS --from 2007 --json
    """
    from treaty_ledger.cli.queries import timeline_stream
    from treaty_ledger.cli.render import timeline_lines
    from treaty_ledger.cli.streaming import emit_json_stream, emit_lines
    from treaty_ledger.ledger.dates import first_day
    from treaty_ledger.ledger.store.application import Ledger

    first = first_day(start.text) if start else None
    last = end.day if end else None
    if first and last and last < first:
        raise click.BadParameter(
            f"--to {end.text} is before --from {start.text}", param_hint="--to"
        )
    with Ledger(store, read_only=read_only) as ledger:
        head, acts = timeline_stream(
            ledger, start=first, end=last, actor=actor, instrument=instrument,
            known_at=known_at, verify=verify,
        )  # fmt: skip
        # The acts are read from the ledger as they are written out.
        if as_json:
            rows = (act.model_dump(mode="json") for act in acts)
            emit_json_stream(head.model_dump(mode="json", exclude={"acts"}), {"acts": rows})
        else:
            emit_lines(timeline_lines(head, acts))


@click.command("instruments")
@read_only_option
@store_option
@json_option
def instruments_command(read_only, store: str, as_json: bool) -> None:
    """List the instruments in the ledger: id, legal nature, title, provisions.

    \b
    Examples:
      ledger instruments
      ledger instruments --json
    """
    from treaty_ledger.cli.render import emit_json
    from treaty_ledger.ledger.store.application import Ledger
    from treaty_ledger.projections.catalogue import catalogue

    with Ledger(store, read_only=read_only) as ledger:
        result = catalogue(ledger.verified().checked().entries)
    if as_json:
        emit_json(result)
        return
    width = max((len(item.id) for item in result.instruments), default=0)
    for item in result.instruments:
        click.echo(f"{item.id:<{width}}  {item.legal_nature:<10}  {item.title}")
        for provision in item.provisions:
            click.echo(f"{'':<{width}}    provision {provision}")


@click.command("diff")
@click.option(
    "--from",
    "start",
    required=True,
    type=AS_OF_DAY,
    help="The earlier day: YYYY, YYYY-MM or YYYY-MM-DD (its close).",
)
@click.option(
    "--to",
    "end",
    required=True,
    type=AS_OF_DAY,
    help="The later day: YYYY, YYYY-MM or YYYY-MM-DD (its close).",
)
@known_at_option
@read_only_option
@store_option
@json_option
def diff_command(start, end, known_at, read_only, store, as_json) -> None:
    """Show what changed in status between the close of two days, and the acts that did it.

    Changes: an actor entered, consented, signed, was suspended, notified
    withdrawal or left; an instrument entered into force, was terminated or
    superseded; a territory was claimed; a former state's role passed on.

    \b
    Examples:
      ledger diff --from 2019-01 --to 2019-12
      ledger diff --from 2007-07 --to 2007-12 --json
    """
    from treaty_ledger.cli.record_queries import diff_stream
    from treaty_ledger.cli.render import diff_lines
    from treaty_ledger.cli.streaming import emit_json_stream, emit_lines
    from treaty_ledger.ledger.store.application import Ledger

    if end.day <= start.day:
        raise click.BadParameter(
            f"--to {end.text} is not after --from {start.text}", param_hint="--to"
        )
    with Ledger(store, read_only=read_only) as ledger:
        head, changes, others = diff_stream(ledger, start, end, known_at)
        # Changes and other acts are computed as they are written out.
        if as_json:
            streams = {"changes": (change.model_dump(mode="json") for change in changes),
                       "other_acts": (act.model_dump(mode="json") for act in others)}  # fmt: skip
            emit_json_stream(head.model_dump(mode="json"), streams)
        else:
            emit_lines(diff_lines(head, changes, others))


@click.command("actor")
@click.argument("code", type=ACTOR_CODE)
@as_of_option
@known_at_option
@read_only_option
@store_option
@json_option
def actor_command(code, as_of, known_at, read_only, store, as_json) -> None:
    """Profile one actor: instruments, provisions binding it and owed to it, demands, allegations.

    For NATO, the members are the parties to the North Atlantic Treaty as of
    the day; a former state (SUN) names the state that continues it.

    \b
    Examples:
      ledger actor RUS --as-of 2014-03
      ledger actor NATO --as-of 2024-06 --json
      ledger actor SUN --as-of 1990
    """
    from treaty_ledger.cli.record_queries import profile_query
    from treaty_ledger.cli.render import emit_json, profile_lines
    from treaty_ledger.ledger.store.application import Ledger

    with Ledger(store, read_only=read_only) as ledger:
        result = profile_query(ledger, code, as_of, known_at)
    if as_json:
        emit_json(result)
    else:
        click.echo("\n".join(profile_lines(result)))
