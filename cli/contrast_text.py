"""Text output of ``ledger contrast`` and ``ledger compliance``: lines, no I/O."""

from __future__ import annotations

from collections.abc import Iterator

from treaty_ledger.cli.render import source_text
from treaty_ledger.projections.contrast_models import (
    Allegation,
    Compliance,
    Contrast,
    ContrastProvision,
    Link,
)


def contrast_lines(result: Contrast) -> list[str]:
    """The lines of a contrast: a header, then each provision with its links."""
    proposers = ", ".join(result.proposers) or "no one recorded"
    put = f"Put forward by {proposers}" if result.status else "Not yet put forward"
    lines = [
        f"{result.proposal}: {result.title} [{result.legal_nature}]",
        f"{put}; as of {result.as_of} (close of {result.as_of_day}), "
        f"as known at {result.known_at} (log position {result.position})",
    ]
    for provision in result.provisions:
        lines.append("")
        lines.extend(_provision_lines(provision, result.proposers))
    return lines


def _provision_lines(provision: ContrastProvision, proposers: list[str]) -> Iterator[str]:
    yield f"provision {provision.id} ({provision.type})"
    yield f"  {provision.summary}"
    if provision.addressees:
        yield f"  addressed to {', '.join(provision.addressees)}"
    if provision.addressee_class is not None:
        if provision.class_resolved:
            found = ", ".join(f"{m.actor} ({m.joined})" for m in provision.class_members or [])
            yield from _wrap(f"  class {provision.addressee_class!r}: {found or 'none that day'}")
        else:
            yield f"  class {provision.addressee_class!r}: not resolvable (see 'ledger check')"
    yield from _wrap(
        f"  reaches {len(provision.reaches)}: {', '.join(provision.reaches) or 'none named'}"
    )
    if not provision.links:
        yield "  no relation recorded"
        return
    links = provision.links
    groups = (
        ("would change, in force that day", [k for k in links if k.changes and k.in_force]),
        ("would change, not in force that day", [k for k in links if k.changes and not k.in_force]),
        ("reaffirms", [k for k in links if not k.changes]),
    )
    for heading, links in groups:
        if links:
            yield f"  {heading}:"
            for link in links:
                yield from _link_lines(link, proposers)


def _link_lines(link: Link, proposers: list[str]) -> Iterator[str]:
    status = link.instrument_status or "not yet recorded"
    yield f"    {link.kind.value} {link.instrument} / {link.provision} ({status})"
    if link.provision_summary:
        yield f"      {link.provision_summary}"
    if link.bound:
        through = "".join(
            f"; through {group}: {len(codes)} members" for group, codes in link.through.items()
        )
        yield from _wrap(f"      binds {', '.join(link.bound)}{through}")
    if proposers:
        bound = ", ".join(link.proposer_bound)
        yield f"      proposer bound: {bound or 'no'}"
    yield f"      link ({link.date}{_drawn(link)}): {link.summary}"
    for source in link.sources:
        yield f"        source: {source_text(source)}"
    for heading, items in (
        ("alleged against the proposer", link.alleged_against_proposer),
        ("alleged by the proposer", link.alleged_by_proposer),
    ):
        for item in items:
            yield f"      {heading}: {_allegation(item)}"


def _wrap(line: str, width: int = 100) -> list[str]:
    """A line listing items (``a, b, c``) wrapped at ``width`` between items, never inside one.

    Continuation lines start four spaces deeper than the line does.
    """
    indent = " " * (len(line) - len(line.lstrip()) + 4)
    lines = []
    for item in line.split(", "):
        if lines and len(lines[-1]) + 2 + len(item) <= width:
            lines[-1] += ", " + item
        elif lines:
            lines[-1] += ","
            lines.append(indent + item)
        else:
            lines.append(item)
    return lines


def _drawn(link: Link) -> str:
    return f", drawn by {', '.join(link.drawn_by)}" if link.drawn_by else ", from the texts"


def _allegation(item: Allegation) -> str:
    provision = f" / {item.provision}" if item.provision else ""
    bound = ", ".join(item.accused_bound) or "none of them"
    return (
        f"{item.date} {item.id}{provision}: {', '.join(item.alleged_by)} against "
        f"{', '.join(item.against)} (bound by it that day: {bound})"
    )


def compliance_lines(result: Compliance) -> list[str]:
    """The lines of a compliance report: a header, then each instrument."""
    lines = [
        f"{result.actor}: commitments and alleged violations as of {result.as_of} "
        f"(close of {result.as_of_day}), as known at {result.known_at} "
        f"(log position {result.position})"
    ]
    for item in result.instruments:
        lines.append("")
        name = item.instrument or "(no instrument named)"
        status = f" [{item.instrument_status}]" if item.instrument_status else ""
        role = f"; {result.actor} {item.actor_status}" if item.actor_status else ""
        lines.append(f"{name}{status}{role}")
        for bound in item.bound_by:
            through = f" (through {bound.through})" if bound.through else ""
            lines.append(f"  bound by {bound.provision}{through}: {bound.summary}")
        for heading, items in (
            ("alleged against it", item.alleged_against),
            ("alleged by it", item.alleged_by),
        ):
            for allegation in items:
                lines.append(f"  {heading}: {_allegation(allegation)}")
                lines.append(f"    {allegation.summary}")
                lines.extend(f"    source: {source_text(s)}" for s in allegation.sources)
    if not result.instruments:
        lines.append("No commitment binding it and no allegation naming it.")
    return lines
