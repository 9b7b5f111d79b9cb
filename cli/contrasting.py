"""Commands that set proposals against the regime: ``ledger contrast`` and ``ledger compliance``."""

from __future__ import annotations

import click

from treaty_ledger.cli.params import (
    ACTOR_CODE,
    as_of_option,
    json_option,
    known_at_option,
    read_only_option,
    store_option,
)


@click.command("contrast")
@click.argument("proposal", metavar="PROPOSAL")
@as_of_option
@known_at_option
@read_only_option
@store_option
@json_option
def contrast_command(proposal, as_of, known_at, read_only, store, as_json) -> None:
    """Set a proposal against the commitments of a day: what it would change, whom it reaches.

    PROPOSAL is the id of a draft, a set of demands, or an instrument whose
    provisions relations link to others. For each of its provisions: the
    states it would reach that day (its addressee class resolved from the
    record, else its addressees, NATO read as its members of the day); the
    provisions it contradicts, would replace, reinterprets or reaffirms,
    whether each was in force that day and whom it bound; whether the
    proposer was itself bound by it; and the violations of that instrument
    alleged against the proposer, with the proposer's counter-allegations.

    Relations count as recorded by --known-at (a retracted one is gone).

    \b
    Examples:
      ledger contrast russia-nato-security-measures-draft-2021 --as-of 2021-12
      ledger contrast russia-nato-security-measures-draft-2021 --as-of 2024-06 --json
      ledger contrast russia-conditions-2024-06 --as-of 2024-06-14 --known-at @168
    """
    from treaty_ledger.cli.contrast_text import contrast_lines
    from treaty_ledger.cli.render import emit_json
    from treaty_ledger.ledger.store.application import Ledger
    from treaty_ledger.projections.contrast import contrast

    with Ledger(store, read_only=read_only) as ledger:
        result = contrast(ledger.verified().checked().entries, proposal, as_of, known_at)
    if as_json:
        emit_json(result)
    else:
        click.echo("\n".join(contrast_lines(result)))


@click.command("compliance")
@click.argument("code", metavar="ACTOR", type=ACTOR_CODE)
@as_of_option
@known_at_option
@read_only_option
@store_option
@json_option
def compliance_command(code, as_of, known_at, read_only, store, as_json) -> None:
    """List, by instrument, what bound an actor and the violations alleged against it and by it.

    For each instrument: the provisions that bound the actor at the close of
    the day (itself, or through NATO as a member that day), and every
    alleged-violation act dated by then that names it as the accused or the
    accuser, with the date, who alleged it and the sources, so that a claim
    of repeated violation can be checked act by act.

    \b
    Examples:
      ledger compliance RUS --as-of 2019-12
      ledger compliance USA --as-of 2024 --json
    """
    from treaty_ledger.cli.contrast_text import compliance_lines
    from treaty_ledger.cli.render import emit_json
    from treaty_ledger.ledger.store.application import Ledger
    from treaty_ledger.projections.compliance import compliance

    with Ledger(store, read_only=read_only) as ledger:
        result = compliance(ledger.verified().checked().entries, code, as_of, known_at)
    if as_json:
        emit_json(result)
    else:
        click.echo("\n".join(compliance_lines(result)))
