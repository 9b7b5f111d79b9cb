"""Commands that revise without editing: ``ledger correct`` and ``ledger retract``."""

from __future__ import annotations

import click

from treaty_ledger.cli.params import (
    by_option,
    json_option,
    source_from_options,
    source_options,
    store_option,
    wait_notice,
    wait_option,
)
from treaty_ledger.ledger.redaction import redact

reason_option = click.option("--reason", required=True, help="Why, in one sentence.")


def _source(title, publisher, date, url):
    from pydantic import ValidationError

    from treaty_ledger.ledger.errors import InvalidRecord
    from treaty_ledger.ledger.model import Source

    given = source_from_options(title, publisher, date, url)
    if not {"title", "publisher", "date"} <= set(given):
        raise click.UsageError(
            "give the source: --source-title, --source-publisher and --source-date "
            "(and --source-url where public)"
        )
    try:
        return Source.model_validate(given)
    except ValidationError as err:
        from treaty_ledger.ledger.model import first_problem

        field, message = first_problem(err)
        raise InvalidRecord("--source", None, f"source_{field}", message) from err


def _report(
    position: int, action: str, act_id: str, kind: str, store: str, as_json: bool
) -> None:
    from treaty_ledger.cli.render import emit_json

    if as_json:
        emit_json({"action": action, "id": act_id, "record": kind, "position": position})
    else:
        noun = {"correct": "correction", "retract": "retraction"}[action]
        click.echo(
            f"Appended the {noun} of {kind} {act_id!r} at position {position} in {redact(store)}."
        )


def _kind(ledger, record_id: str) -> str:
    """``relation`` when the id names a relation, else ``act``."""
    return "relation" if ledger.versions("relation", record_id) is not None else "act"


@click.command("correct")
@click.argument("act_id")
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="FIELD=VALUE",
    help="A field's new value (repeatable). actors and recipients take codes "
    "separated by commas; sources and sequence take JSON.",
)
@click.option(
    "--unset",
    "unsets",
    multiple=True,
    metavar="FIELD",
    help="Remove an optional field, such as effective (repeatable).",
)
@reason_option
@source_options
@store_option
@by_option
@wait_option
@json_option
def correct_command(
    act_id,
    sets,
    unsets,
    reason,
    source_title,
    source_publisher,
    source_date,
    source_url,
    store,
    by,
    wait,
    as_json,
) -> None:
    """Append a correction of an act: the earlier entry stays as it was.

    Replay uses the corrected act from then on; replay --known-at an earlier
    moment still shows the old answer. A correction that leaves the act
    invalid is refused and nothing is written.

    \b
    Examples:
      ledger correct cfe-1990.rus.suspension --set date=2007-07-13 \\
        --reason "Decree signed on 13 July" --source-title "Decree No. 872" \\
        --source-publisher "President of Russia" --source-date 2007-07-13
      ledger correct open-skies-1992.usa.withdrawal --set effective=2020-11-23 \\
        --reason "..." --source-title "..." --source-publisher "..." --source-date 2026
    """
    from treaty_ledger.ledger.services.revisions import correct
    from treaty_ledger.ledger.store.application import Ledger

    if not sets and not unsets:
        raise click.UsageError("give at least one --set FIELD=VALUE or --unset FIELD")
    changes = {}
    for item in sets:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{item!r} is not FIELD=VALUE", param_hint="--set")
        if name.strip() in changes:
            raise click.BadParameter(f"{name.strip()!r} is set twice", param_hint="--set")
        changes[name.strip()] = value
    if both := sorted(set(changes) & {name.strip() for name in unsets}):
        raise click.BadParameter(f"{both[0]!r} is both set and unset", param_hint="--unset")
    if len(set(unsets)) != len(unsets):
        repeated = next(name for name in unsets if list(unsets).count(name) > 1)
        raise click.BadParameter(f"{repeated!r} is unset twice", param_hint="--unset")
    source = _source(source_title, source_publisher, source_date, source_url)
    with Ledger(store, user=by, wait=wait, on_wait=wait_notice(store, wait)) as ledger:
        position = correct(
            ledger,
            act_id,
            set_fields=changes,
            unset_fields=list(unsets),
            reason=reason,
            sources=[source],
        )
        kind = _kind(ledger, act_id)
    _report(position, "correct", act_id, kind, store, as_json)


@click.command("retract")
@click.argument("act_id")
@reason_option
@source_options
@store_option
@by_option
@wait_option
@json_option
def retract_command(
    act_id, reason, source_title, source_publisher, source_date, source_url, store, by, wait,
    as_json,
) -> None:
    """Append a retraction of an act: replay no longer applies it.

    The act's entries stay in the ledger; replay --known-at a moment before
    the retraction still applies it, and "ledger history" shows why it went.

    \b
    Examples:
      ledger retract crimea-2014.rus.recognition --reason "Duplicate of ..." \\
        --source-title "..." --source-publisher "..." --source-date 2026-11-29
    """
    from treaty_ledger.ledger.services.revisions import retract
    from treaty_ledger.ledger.store.application import Ledger

    source = _source(source_title, source_publisher, source_date, source_url)
    with Ledger(store, user=by, wait=wait, on_wait=wait_notice(store, wait)) as ledger:
        position = retract(ledger, act_id, reason=reason, sources=[source])
        kind = _kind(ledger, act_id)
    _report(position, "retract", act_id, kind, store, as_json)
