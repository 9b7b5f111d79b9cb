"""Output formatting, in one place: plain text for people, JSON for tools."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from treaty_ledger.projections.models import Explanation, History, Replay, Timeline


def write_json(out: str | None, model: object, done: str) -> None:
    """Write a model as indented JSON to the file ``out`` and say ``done``, or print it."""
    if out is None:
        emit_json(model)
        return
    from treaty_ledger.ledger.integrity.codec import dumps

    write_new_file(out, dumps(model.model_dump(mode="json"), pretty=True) + b"\n")
    click.echo(done)


def write_new_file(out: str, data: bytes) -> None:
    """Write ``data`` to the new file ``out`` atomically; never overwrite an existing file.

    The bytes go to a temporary file beside ``out``, flushed to disk, which is
    then hard-linked to ``out`` (the link fails if ``out`` exists): a reader
    sees no file or the whole file, never part of one.

    Raises:
        click.BadParameter: ``out`` exists (exit 2; nothing written).
        OSError: the folder cannot be written (the CLI prints one line).
    """
    import os
    import tempfile

    if os.path.lexists(out):
        raise click.BadParameter(f"{out!r} exists; refusing to overwrite it", param_hint="--out")
    folder = os.path.dirname(os.path.abspath(out))
    descriptor, temporary = tempfile.mkstemp(prefix=".ledger-", dir=folder)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, out)
        except FileExistsError as err:
            raise click.BadParameter(
                f"{out!r} exists; refusing to overwrite it", param_hint="--out"
            ) from err
    finally:
        os.unlink(temporary)


def emit_json(model_or_data: object) -> None:
    """Print a read model (or JSON-ready data) as indented JSON with sorted keys."""
    from treaty_ledger.ledger.integrity.codec import dumps

    data = model_or_data
    if hasattr(model_or_data, "model_dump"):
        data = model_or_data.model_dump(mode="json")
    click.echo(dumps(data, pretty=True).decode())


def _named_root(result: Replay | Timeline) -> Iterator[str]:
    """The line naming the log and root a result was computed from, and how far it was checked."""
    if not result.root_hash:
        return
    unchecked = (
        " (the recorded tree head, unchecked: only the entries read through the index were "
        "checked; give --verify or run 'ledger verify')"
        if result.root_checked is False
        else ""
    )
    yield f"Computed from {result.log_size} entries, Merkle root {result.root_hash}{unchecked}"


def replay_lines(result: Replay) -> Iterator[str]:
    """Yield the replay as text: instruments, their actors and provisions, claims, doubts."""
    yield (
        f"As of {result.as_of} (close of {result.as_of_day}), "
        f"as known at {result.known_at} (log position {result.position})"
    )
    yield from _named_root(result)
    if result.position == 0:
        yield "Nothing had been recorded by then."
    if not result.instruments:
        yield ""
        yield "No instrument has a status as of that day."
    for inst in result.instruments:
        yield ""
        yield f"{inst.id}: {inst.title} [{inst.legal_nature}]"
        yield f"  {inst.status} since {inst.since}"
        groups: dict[tuple[str, str], list[str]] = {}
        for row in inst.actors:
            groups.setdefault((row.status.value, row.since), []).append(row.actor)
        for (status, since), codes in sorted(groups.items(), key=_chronological):
            yield from _wrapped(f"    {status} since {since}: ", codes)
        for prov in inst.provisions:
            if not prov.bound:
                yield f"  provision {prov.id} ({prov.type}) binds nobody"
                continue
            line = f"  provision {prov.id} ({prov.type}) binds {', '.join(prov.bound)}"
            if len(line) <= 100:
                yield line
                continue
            yield f"  provision {prov.id} ({prov.type}) binds {len(prov.bound)}:"
            yield from _wrapped("      ", prov.bound)
    if result.claims:
        yield ""
        yield "Territorial claims by annexation:"
        for claim in result.claims:
            yield (
                f"  {claim.territory}: claimed by {claim.claimant} "
                f"since {claim.since} ({claim.act})"
            )
    if result.indeterminate:
        yield ""
        yield f"Indeterminate (possible days straddle {result.as_of_day}; not applied):"
        for item in result.indeterminate:
            about = f" [{item.instrument}]" if item.instrument else ""
            yield f"  {item.id}: {item.type} {item.phase} {item.date}{about}"


def source_text(source) -> str:
    """A source on one line: title, publisher, date, and URL where there is one."""
    url = f" {source.url}" if source.url else ""
    return f"{source.title}, {source.publisher}, {source.date}{url}"


def _chronological(group: tuple[tuple[str, str], list[str]]) -> tuple:
    from treaty_ledger.ledger.dates import parse_valid_time
    from treaty_ledger.ledger.vocabulary import ActorStatus

    (status, since), _ = group
    time = parse_valid_time(since)
    return (time.earliest, time.latest, ActorStatus(status).rank)


def _wrapped(head: str, codes: list[str]) -> list[str]:
    """``head`` followed by the codes, wrapped at 100 columns under the first code."""
    import textwrap

    return textwrap.wrap(
        ", ".join(codes),
        width=100,
        initial_indent=head,
        subsequent_indent=" " * len(head),
        break_on_hyphens=False,
    )


def timeline_lines(result: Timeline) -> Iterator[str]:
    """Yield the timeline as text: one block per act, with its id and sources."""
    yield f"As known at {result.known_at} (log position {result.position})"
    yield from _named_root(result)
    if not result.acts:
        yield "No acts in that range."
    for act in result.acts:
        effective = f" (effective {act.effective})" if act.effective else ""
        about = f" [{act.instrument}]" if act.instrument else ""
        who = ", ".join(act.actors)
        if act.recipients:
            who += " -> " + ", ".join(act.recipients)
        if act.territory:
            who += f" ({act.territory})"
        yield f"{act.date}{effective}  {act.type}{about}  {who}"
        yield f"    id: {act.id}"
        yield f"    {act.summary}"
        if act.date_note:
            yield f"    date: {act.date_note}"
        for source in act.sources:
            yield "    source: " + source_text(source)


def history_lines(result: History) -> Iterator[str]:
    """Yield entries as text: position, time, author, action, the why, and what changed."""
    items = result.items
    yield f"As known at {result.known_at} (log position {result.position})"
    if not items:
        yield "No entries."
    for item in items:
        changed = f" ({', '.join(item.changed)})" if item.changed else ""
        yield (
            f"@{item.position}  {item.recorded_at}  {item.recorded_by}  "
            f"{item.action} {item.kind} {item.id}{changed}"
        )
        if item.reason:
            yield f"    reason: {item.reason}"
        for source in item.sources:
            yield "    source: " + source_text(source)
        if item.action == "record":  # what was recorded; a correction shows what it changed
            for name, value in item.record.items():
                if name not in ("record", "id", "sources") and value not in (None, [], ""):
                    yield f"    {name}: {_value(value)}"
        for name in item.changed:
            before, after = item.previous.get(name), item.record.get(name)
            yield f"    {name}: {_value(before)} -> {_value(after)}"


def explanation_lines(result: Explanation) -> Iterator[str]:
    """Yield an explanation as text: each change, then the entries that caused it."""
    yield (
        f"As of {result.as_of} (close of {result.as_of_day}): known at {result.before.known_at} "
        f"(@{result.before.position}) against {result.after.known_at} (@{result.after.position})"
    )
    if not result.changes:
        yield "No change."
    for change in result.changes:
        about = " ".join(
            str(part)
            for part in (
                change.instrument,
                change.provision,
                change.territory,
                change.actor,
                change.act,
            )
            if part
        )
        yield ""
        if change.subject == "provision":
            yield f"provision {about}: {_bound_difference(change.before, change.after)}"
        else:
            yield (
                f"{change.subject} {about}: {change.before or 'absent'} -> "
                f"{change.after or 'absent'}"
            )
        if not change.causes:
            yield "    cause: none recorded in between"
        for cause in change.causes:
            changed = f" ({', '.join(cause.changed)})" if cause.changed else ""
            yield (
                f"    @{cause.position} {cause.recorded_at} {cause.recorded_by}: "
                f"{cause.action} {cause.kind} {cause.id}{changed}"
            )
            if cause.reason:
                yield f"        reason: {cause.reason}"
            for source in cause.sources:
                yield "        source: " + source_text(source)


def _bound_difference(before: str | None, after: str | None) -> str:
    def codes(text: str | None) -> set[str]:
        listed = (text or "").removeprefix("binds ")
        return set() if listed in ("", "nobody") else set(listed.split(", "))

    if before is None or after is None:
        return f"{before or 'absent'} -> {after or 'absent'}"
    old, new = codes(before), codes(after)
    parts = []
    if new - old:
        parts.append("now binds " + ", ".join(sorted(new - old)))
    if old - new:
        parts.append("no longer binds " + ", ".join(sorted(old - new)))
    return "; ".join(parts) or "unchanged"


def _value(value: object) -> str:
    """A field's value for people: absent, text as is, lists joined, JSON for the rest."""
    if value is None:
        return "(absent)"
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return ", ".join(value)
    from treaty_ledger.ledger.integrity.codec import dumps

    return dumps(value).decode()


def diff_lines(result) -> Iterator[str]:
    """Yield a diff as text: one line per change, with the act that made it."""
    yield (
        f"From the close of {result.start_day} to the close of {result.end_day}, "
        f"as known at {result.known_at} (log position {result.position})"
    )
    if not result.changes:
        yield "No change in status."
    for change in result.changes:
        about = " ".join(p for p in (change.instrument, change.territory, change.actor) if p)
        was = change.before or "absent"
        now = change.after or "absent"
        cause = f"  [{change.act}]" if change.act else ""
        yield f"{change.kind:<20} {about}: {was} -> {now}{cause}"


def profile_lines(result) -> Iterator[str]:
    """Yield an actor profile as text, section by section."""
    yield f"{result.actor}: {result.name} ({result.kind}), as of {result.as_of_day}"
    yield f"as known at {result.known_at} (log position {result.position})"
    if result.continued_by:
        yield f"continued by {', '.join(result.continued_by)}"
    if result.members is not None:
        yield from _wrapped(f"members ({len(result.members)}): ", result.members)
    yield ""
    yield "Instruments:" if result.instruments else "Instruments: none"
    for item in result.instruments:
        yield f"  {item.instrument} [{item.instrument_status}]: {item.status} since {item.since}"
    for title, refs in (("Bound by", result.bound_by), ("In its favour", result.in_favour_of)):
        yield f"{title}:" if refs else f"{title}: none"
        for ref in refs:
            yield f"  {ref.instrument} {ref.provision} ({ref.type})"
    for title, ids in (
        ("Demands made", result.demands_made),
        ("Demands received", result.demands_received),
        ("Violations alleged by it", result.violations_alleged_by),
        ("Violations alleged against it", result.violations_alleged_against),
    ):
        yield f"{title}: {', '.join(ids) if ids else 'none'}"
