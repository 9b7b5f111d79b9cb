"""Output formatting, in one place: plain text for people, JSON for tools."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from treaty_ledger.projections.models import Replay, Timeline, TimelineAct
    from treaty_ledger.projections.report_models import Explanation, History


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``1 record``, ``2 records``: a number and its noun, plural unless one (``plural``, or -s)."""
    return f"{number} {noun}" if number == 1 else f"{number} {plural or noun + 's'}"


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


def named_root(result: Replay | Timeline) -> Iterator[str]:
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


def source_text(source) -> str:
    """A source on one line: title, publisher, date, and URL where there is one."""
    url = f" {source.url}" if source.url else ""
    return f"{source.title}, {source.publisher}, {source.date}{url}"


def wrapped(head: str, codes: list[str]) -> list[str]:
    """``head`` followed by the codes, wrapped at 100 columns under the first code."""
    import textwrap

    return textwrap.wrap(
        ", ".join(codes),
        width=100,
        initial_indent=head,
        subsequent_indent=" " * len(head),
        break_on_hyphens=False,
    )


def timeline_lines(result: Timeline, acts: Iterable[TimelineAct] | None = None) -> Iterator[str]:
    """Yield the timeline as text: one block per act, with its id and sources.

    ``acts``: the acts, when they come as a stream rather than in ``result``.
    """
    yield f"As known at {result.known_at} (log position {result.position})"
    yield from named_root(result)
    listed = False
    for act in result.acts if acts is None else acts:
        listed = True
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
        if act.contested:
            yield f"    contested by {', '.join(act.contested.by)}: {act.contested.grounds}"
            for source in act.contested.sources:
                yield "      source: " + source_text(source)
        for source in act.sources:
            yield "    source: " + source_text(source)
    if not listed:
        yield "No acts in that range."


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


def diff_lines(result, changes: Iterable | None = None, others: Iterable | None = None):
    """Yield a diff as text: one line per change, with the act that made it.

    ``changes`` and ``others``: its changes and other acts, when they come as
    streams rather than in ``result``.
    """
    yield (
        f"From the close of {result.start_day} to the close of {result.end_day}, "
        f"as known at {result.known_at} (log position {result.position})"
    )
    changed = False
    for change in result.changes if changes is None else changes:
        changed = True
        about = " ".join(p for p in (change.instrument, change.territory, change.actor) if p)
        was = change.before or "absent"
        now = change.after or "absent"
        cause = f"  [{change.act}]" if change.act else ""
        yield f"{change.kind:<20} {about}: {was} -> {now}{cause}"
    if not changed:
        yield "No change in status."
    for number, act in enumerate(result.other_acts if others is None else others):
        if not number:
            yield ""
            yield "Acts of the period that change no status:"
        whom = f" -> {', '.join(act.recipients)}" if act.recipients else ""
        doubt = f" (contested by {', '.join(act.contested_by)})" if act.contested_by else ""
        yield f"  {act.date} {act.type} by {', '.join(act.actors)}{whom}: {act.id}{doubt}"


def profile_lines(result) -> Iterator[str]:
    """Yield an actor profile as text, section by section."""
    yield f"{result.actor}: {result.name} ({result.kind}), as of {result.as_of_day}"
    yield f"as known at {result.known_at} (log position {result.position})"
    if result.continued_by:
        yield f"continued by {', '.join(result.continued_by)}"
    if result.members is not None:
        yield from wrapped(f"members ({len(result.members)}): ", result.members)
    yield ""
    yield "Instruments:" if result.instruments else "Instruments: none"
    for item in result.instruments:
        steps = {"signatory", "contracting", "provisionally-applying", "party", "participating"}
        also = [role for role in item.roles if role != item.status and role not in steps]
        extra = f" (also {', '.join(also)})" if also else ""
        toward = f" toward {', '.join(item.toward)}" if item.toward else ""
        doubt = f"; contested by {', '.join(item.contested_by)}" if item.contested_by else ""
        yield (f"  {item.instrument} [{item.instrument_status}]: {item.status}{toward} since "
               f"{item.since}{extra}{doubt}")  # fmt: skip
    for title, refs in (
        ("Bound by", result.bound_by),
        ("Demanded of it (binds it to nothing)", result.demanded_of),
        ("In its favour", result.in_favour_of),
    ):
        yield f"{title}:" if refs else f"{title}: none"
        for ref in refs:
            via = f", through {ref.through}" if ref.through else ""
            yield f"  {ref.instrument} {ref.provision} ({ref.type}{via})"
    for title, ids in (
        ("Demands made", result.demands_made),
        ("Demands received", result.demands_received),
        ("Violations alleged by it", result.violations_alleged_by),
        ("Violations alleged against it", result.violations_alleged_against),
    ):
        yield f"{title}: {', '.join(ids) if ids else 'none'}"
