"""The replay as text: a summary that fits a screen, and the full view.

The summary gives one line per instrument (its status, and its actors
counted by status, named where there are few); the full view gives every
actor's status and since, other roles held, suspensions toward named
parties, what is contested and by whom, and which provisions bind whom.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from treaty_ledger.cli.render import counted, named_root, wrapped

if TYPE_CHECKING:
    from treaty_ledger.projections.models import ActorState, ProvisionState, Replay

NAMED_UP_TO = 4
"""In the summary, a status group of at most this many actors is named, a larger one counted."""


def header_lines(result: Replay, actor: str | None = None) -> Iterator[str]:
    """The lines that say which day, which moment of record and which log the replay is of."""
    yield (
        f"As of {result.as_of} (close of {result.as_of_day}), "
        f"as known at {result.known_at} (log position {result.position})"
    )
    yield from named_root(result)
    if result.position == 0:
        yield "Nothing had been recorded by then."
    if not result.instruments:
        yield ""
        yield (
            "No instrument has a status as of that day."
            if actor is None
            else f"No instrument names {actor} as of that day (--actor keeps only those that do)."
        )


def summary_lines(result: Replay, actor: str | None = None) -> Iterator[str]:
    """Yield the replay as a summary: one line per instrument, then claims and doubts."""
    yield from header_lines(result, actor)
    if result.instruments:
        yield ""
    width = max((len(inst.id) for inst in result.instruments), default=0)
    for inst in result.instruments:
        groups: dict[str, list[str]] = {}
        for row in inst.actors:
            label = row.status.value
            if row.toward:  # a suspension toward named parties only is not one toward all
                label += f" toward {'/'.join(row.toward)}"
            groups.setdefault(label, []).append(_marked(row, toward=False))
        parts = [  # "suspended toward RUS: GEO", so that GEO is not read as a second target
            f"{status}{': ' if ' toward ' in status else ' '}"
            + (", ".join(codes) if len(codes) <= NAMED_UP_TO else str(len(codes)))
            for status, codes in groups.items()
        ]  # fmt: skip
        head = f"{inst.id:<{width}}  {inst.status} since {inst.since}"
        yield from wrapped(f"{head}; " if parts else head, ["; ".join(parts)] if parts else [])
    if result.claims:
        yield ""
        yield "Claims by annexation: " + "; ".join(
            f"{claim.territory} by {claim.claimant} since {claim.since}"
            + (" (contested)" if claim.contested_by else "")
            for claim in result.claims
        )
    if result.indeterminate:
        yield ""
        yield (
            f"Indeterminate ({counted(len(result.indeterminate), 'act')} may fall either side of "
            f"{result.as_of_day}): " + ", ".join(item.id for item in result.indeterminate)
        )
    yield ""
    yield "(--full for every actor's since, roles, provisions and sources of doubt)"


def replay_lines(result: Replay, actor: str | None = None) -> Iterator[str]:
    """Yield the full replay as text: instruments, every actor and provision, claims, doubts."""
    yield from header_lines(result, actor)
    for inst in result.instruments:
        yield ""
        yield f"{inst.id}: {inst.title} [{inst.legal_nature}]"
        yield f"  {inst.status} since {inst.since}"
        groups: dict[tuple[str, str], list[str]] = {}
        for row in inst.actors:
            groups.setdefault((row.status.value, row.since), []).append(_marked(row))
        for (status, since), codes in sorted(groups.items(), key=_chronological):
            yield from wrapped(f"    {status} since {since}: ", codes)
        for prov in inst.provisions:
            yield from _provision_lines(prov, actor)
    if result.claims:
        yield ""
        yield "Territorial claims by annexation:"
        for claim in result.claims:
            doubt = f"; contested by {', '.join(claim.contested_by)}" if claim.contested_by else ""
            yield (
                f"  {claim.territory}: claimed by {claim.claimant} "
                f"since {claim.since} ({claim.act}{doubt})"
            )
    if result.indeterminate:
        yield ""
        yield f"Indeterminate (possible days straddle {result.as_of_day}; not applied):"
        for item in result.indeterminate:
            about = f" [{item.instrument}]" if item.instrument else ""
            yield f"  {item.id}: {item.type} {item.phase} {item.date}{about}"


def _provision_lines(prov: ProvisionState, actor: str | None = None) -> Iterator[str]:
    """Whom a provision binds (and through which group), or of whom it demands.

    With ``actor`` (``--actor``), the replay's lists hold that actor alone: a
    provision that does not bind it says so, not that it binds nobody.
    """
    if prov.addressees or prov.addressee_class:
        whom = ", ".join(prov.addressees) or prov.addressee_class
        yield f"  provision {prov.id} ({prov.type}) demands of {whom} (binds them to nothing)"
        if not prov.bound:
            return
    if not prov.bound:
        nobody = "binds nobody" if actor is None else f"does not bind {actor}"
        yield f"  provision {prov.id} ({prov.type}) {nobody}"
        return
    line = f"  provision {prov.id} ({prov.type}) binds {', '.join(prov.bound)}"
    if len(line) <= 100:
        yield line
    else:
        yield f"  provision {prov.id} ({prov.type}) binds {len(prov.bound)}:"
        yield from wrapped("      ", prov.bound)
    for group, members in prov.through.items():
        yield from wrapped(f"      through {group} ({len(members)}): ", members)


def _marked(row: ActorState, toward: bool = True) -> str:
    """An actor's code with what qualifies its status: toward whom, contested."""
    notes = []
    shown = next((role for role in row.roles if role.status == row.status), None)
    if shown is not None and shown.provision:
        notes.append(f"in part: {shown.provision}")
    if row.toward and toward:
        notes.append(f"toward {'/'.join(row.toward)}")
    if row.contested_by:
        notes.append("contested")
    return f"{row.actor} ({', '.join(notes)})" if notes else row.actor


def _chronological(group: tuple[tuple[str, str], list[str]]) -> tuple:
    from treaty_ledger.ledger.dates import valid_time_of
    from treaty_ledger.ledger.vocabulary import ActorStatus

    (status, since), _ = group
    time = valid_time_of(since)
    return (time.earliest, time.latest, ActorStatus(status).rank)


