"""Answer replay and timeline queries the fastest way the store allows.

With a valid-time index (``ledger.index.reads``): one instrument's replay
and one actor's or one instrument's timeline read only the records that
concern it; a whole-record replay streams the standing acts in valid-time
order, holding only the state. Without one (an in-memory store, or a ledger
written by an older version and opened read-only) the whole log is read and
verified, then folded in memory. Both paths fold with the same projection
code; a test holds their answers equal.

Every result names the log size and the Merkle root it was computed from.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import TypeVar

from treaty_ledger.ledger.computed import computed
from treaty_ledger.ledger.dates import AsOf
from treaty_ledger.ledger.index.reads import IndexedReads
from treaty_ledger.ledger.index.rows import SUCCESSION
from treaty_ledger.ledger.model import Instrument
from treaty_ledger.ledger.record_time import KnownAt
from treaty_ledger.ledger.services.verification import checked_log
from treaty_ledger.ledger.store.application import Ledger
from treaty_ledger.projections.known import Knowledge, standing
from treaty_ledger.projections.models import Replay, Timeline, TimelineAct
from treaty_ledger.projections.order import happening
from treaty_ledger.projections.replay import (
    GROUP_TREATIES,
    ReplayParts,
    replay,
    replay_known,
    replay_parts,
)
from treaty_ledger.projections.timeline import (
    timeline,
    timeline_acts,
    timeline_known,
    timeline_of_contents,
)

_Result = TypeVar("_Result", Replay, Timeline)
Progress = Callable[[int, int], None]
"""Called with (happenings done, total) while a whole-record replay streams."""


def replay_query(
    ledger: Ledger,
    as_of: AsOf,
    *,
    known_at: KnownAt | None = None,
    instrument: str | None = None,
    actor: str | None = None,
    progress: Progress = lambda done, total: None,
    verify: bool = False,
) -> Replay:
    """Replay the ledger as of a day (see ``projections.replay.replay``), with its root named.

    Raises:
        UnknownInstrument: ``instrument`` is not in the ledger (as known then).
        InvalidMoment: ``known_at`` is a position beyond the end of the log.
        StoreError: an entry read fails verification against its recorded hash;
            with ``verify`` (or without an index), the log fails any check of
            ``ledger verify``: with an index, checked as one stream, the rest
            read through the index.
    """
    reads = _index_reads(ledger, verify)
    if reads is None and verify and (indexed := ledger.indexed()) is not None:
        # The whole log passes every check as one stream; then only what is needed is read.
        checked = checked_log(ledger, known_at)
        result = _replay_through(indexed, checked.position, checked.known_at, as_of,
                                 instrument=instrument, actor=actor, progress=progress)  # fmt: skip
        return _named(result, checked.root_hash, checked=True)
    if reads is None:
        log = ledger.verified()
        result = replay(log.entries, as_of, known_at=known_at, instrument=instrument, actor=actor)
        return _named(result, log.root_hash(result.position), checked=True)
    position, moment = reads.horizon(known_at)
    result = _replay_through(reads, position, moment, as_of, instrument=instrument, actor=actor,
                             progress=progress)  # fmt: skip
    return _named(result, reads.root_hash(result.position), checked=False)


def _replay_through(
    reads: IndexedReads,
    position: int,
    moment: str,
    as_of: AsOf,
    *,
    instrument: str | None,
    actor: str | None,
    progress: Progress,
) -> Replay:
    """Replay through the index at a resolved moment: one instrument's excerpt, or everything."""
    if instrument is not None:
        knowledge = instrument_knowledge(reads, position, moment, [instrument], as_of.day)
        return replay_known(knowledge, as_of, instrument=instrument, actor=actor)
    return whole_replay(reads, position, moment, as_of, actor=actor, progress=progress)


def whole_replay(
    reads: IndexedReads,
    position: int,
    moment: str,
    as_of: AsOf,
    *,
    actor: str | None = None,
    progress: Progress = lambda done, total: None,
) -> Replay:
    """Replay every instrument as of a day, streaming the standing acts in valid-time order.

    Holds the instruments (read whole) and the replay's state, not the acts:
    they are read through the index in batches (``IndexedReads.ordered_acts``).
    ``position`` and ``moment`` are a resolved known-at moment (``horizon``).

    Raises:
        StoreError: an entry read fails its checks.
    """
    with collector_paused():
        parts = whole_replay_parts(reads, position, moment, as_of, actor=actor,
                                   progress=progress)  # fmt: skip
        return parts.head.model_copy(update={"instruments": list(parts.instruments)})


def whole_replay_parts(
    reads: IndexedReads,
    position: int,
    moment: str,
    as_of: AsOf,
    *,
    actor: str | None = None,
    progress: Progress = lambda done, total: None,
) -> ReplayParts:
    """:func:`whole_replay` with its instruments' read models built one at a time.

    Holds the replay's working state, never its whole read model (see
    ``projections.replay.ReplayParts``).

    Raises:
        StoreError: an entry read fails its checks.
    """
    instruments = [
        item.record
        for item in standing(reads.records_of_kind("instrument", position))
        if isinstance(item.record, Instrument)
    ]
    ordered = (
        happening(item.entry.record, item.first_position, item.effect)  # type: ignore[arg-type]
        for item in reads.ordered_acts(position, as_of.day, progress)
    )
    return replay_parts(
        instruments, ordered, as_of, known_at=moment, position=position, actor=actor
    )


def instrument_knowledge(
    reads: IndexedReads,
    position: int,
    moment: str,
    instruments: Sequence[str],
    last_day: date | None = None,
) -> Knowledge:
    """What a replay of some instruments needs to know, read through the index.

    The records of the instruments and of the acts naming them; the founding
    treaties of groups (NATO), whose parties a group's pledge binds through
    it; every succession of states, which moves roles toward every
    instrument; and, for an instrument of an organisation (OSCE), every other
    commitment of that organisation, since joining one joins every one in
    effect (``projections.state``). Acts whose first possible day is after
    ``last_day`` (inclusive; None for no bound) are left out.

    Raises:
        StoreError: an entry read fails its checks.
    """
    groups = [f"instrument:{treaty}" for treaty in GROUP_TREATIES.values()]
    subjects = [*(f"instrument:{name}" for name in instruments), *groups, SUCCESSION]
    excerpt = reads.excerpt_at(position, moment, subjects, on_or_before=last_day)
    organisations = {
        item.record.organisation
        for item in standing(excerpt.entries)
        if isinstance(item.record, Instrument) and item.record.organisation is not None
    }
    if organisations:
        subjects += [
            f"instrument:{item.record.id}"
            for item in standing(reads.records_of_kind("instrument", position))
            if isinstance(item.record, Instrument) and item.record.organisation in organisations
        ]
        excerpt = reads.excerpt_at(position, moment, subjects, on_or_before=last_day)
    return Knowledge(excerpt.entries, moment, position)


def timeline_query(
    ledger: Ledger,
    *,
    start: date | None = None,
    end: date | None = None,
    actor: str | None = None,
    instrument: str | None = None,
    known_at: KnownAt | None = None,
    verify: bool = False,
) -> Timeline:
    """List acts in valid-time order (see ``projections.timeline.timeline``), with the root named.

    :func:`timeline_stream` with its acts gathered in a list.

    Raises:
        As :func:`timeline_stream`.
    """
    head, acts = timeline_stream(
        ledger, start=start, end=end, actor=actor, instrument=instrument, known_at=known_at,
        verify=verify,
    )  # fmt: skip
    return head.model_copy(update={"acts": list(acts)})


def timeline_stream(
    ledger: Ledger,
    *,
    start: date | None = None,
    end: date | None = None,
    actor: str | None = None,
    instrument: str | None = None,
    known_at: KnownAt | None = None,
    verify: bool = False,
) -> tuple[Timeline, Iterator[TimelineAct]]:
    """The timeline without its acts, and its acts in valid-time order as they are read.

    With neither ``actor`` nor ``instrument`` (or with ``verify``), the whole
    log passes every check of ``ledger verify`` first (``root_checked``);
    then, through the valid-time index, the acts' notices are read in
    valid-time order as the iterator is consumed (keep the ledger open until
    then), holding 17 bytes an act for their order and a batch of entries.
    With a filter, only the records concerning the actor or instrument are
    read. Without an index, the whole log is read and folded in memory.

    Raises:
        UnknownInstrument: ``instrument`` is not in the ledger.
        InvalidMoment: ``known_at`` is a position beyond the end of the log.
        StoreError: an entry read fails verification against its recorded hash;
            reading the whole log (``verify``, or neither actor nor
            instrument), the log fails any check of ``ledger verify``.
    """
    reads = _index_reads(ledger, verify)
    options = {"start": start, "end": end, "actor": actor, "instrument": instrument}
    whole = verify or (actor is None and instrument is None)
    if reads is not None and not whole:
        # The records concerning the actor or instrument, checked but decoded to data only:
        # an actor has thousands of acts in a large ledger, and no model of them is needed.
        subject = f"instrument:{instrument}" if instrument is not None else f"actor:{actor}"
        with collector_paused():
            result = _timeline_of_subject(reads, subject, known_at, start, end, options)
        return _without_acts(_named(result, reads.root_hash(result.position), checked=False))
    reads = ledger.indexed()
    if reads is None:
        log = ledger.verified()
        result = timeline(log.entries, known_at=known_at, **options)
        return _without_acts(_named(result, log.root_hash(result.position), checked=True))
    log = checked_log(ledger, known_at)
    if not (actor is None and instrument is None):
        subject = f"instrument:{instrument}" if instrument is not None else f"actor:{actor}"
        excerpt = reads.excerpt_at(
            log.position, log.known_at, [subject], on_or_before=end, on_or_after=start
        )
        knowledge = Knowledge(excerpt.entries, log.known_at, log.position)
        return _without_acts(_named(timeline_known(knowledge, **options), log.root_hash,
                                    checked=True))  # fmt: skip
    head = computed(
        Timeline,
        start=start.isoformat() if start else None, end=end.isoformat() if end else None,
        known_at=log.known_at, position=log.position, acts=[],
    )  # fmt: skip
    ordered = (
        happening(item.entry.record, item.first_position, item.effect)  # type: ignore[arg-type]
        for item in reads.ordered_acts(log.position, end or date.max, effects=False)
    )
    return _named(head, log.root_hash, checked=True), timeline_acts(ordered, start=start, end=end)


def _timeline_of_subject(
    reads: IndexedReads,
    subject: str,
    known_at: KnownAt | None,
    start: date | None,
    end: date | None,
    options: dict,
) -> Timeline:
    """The timeline of the records concerning one subject, read as stored data.

    The entries read are dropped on return, before the caller lets the
    collector run again (``collector_paused``): it then walks only the rows.
    """
    contents, position, moment = reads.contents(
        known_at, [subject], on_or_before=end, on_or_after=start
    )
    return timeline_of_contents(contents, known_at=moment, position=position, **options)


def _without_acts(result: Timeline) -> tuple[Timeline, Iterator[TimelineAct]]:
    return result.model_copy(update={"acts": []}), iter(result.acts)


def _named(result: _Result, root_hash: str, *, checked: bool) -> _Result:
    """The result, naming the log size and Merkle root it was computed from.

    ``checked``: whether the whole log passed every check of ``ledger verify``
    (True), or the root is the recorded tree head and only the entries read
    through the index were checked (False).
    """
    update = {"log_size": result.position, "root_hash": root_hash, "root_checked": checked}
    return result.model_copy(update=update)


def _index_reads(ledger: Ledger, verify: bool) -> IndexedReads | None:
    """The index reads of the ledger, or None to read the whole log (``verify``, or no index).

    Before reading through the index, the stored entries are counted against the
    recorded tree head (``Ledger.check_entry_count``).
    """
    reads = None if verify else ledger.indexed()
    if reads is not None:
        ledger.check_entry_count(reads.log_size())
    return reads


@contextmanager
def collector_paused() -> Iterator[None]:
    """Keep Python's cyclic garbage collector from running within this block.

    For an answer that builds many objects it keeps: a whole-record replay's
    state (millions of objects at a million acts), an actor's timeline
    (decoded records and rows). Each collection the allocations would start
    walks them all and frees nothing (about a sixth of a replay's CPU, a
    quarter of the timeline's). What is built is data without cycles (JSON
    values, frozen models), freed by reference counting as ever. Collection
    resumes at the end if it was on at the start; a block that starts while
    another (another thread's) holds it off leaves it as it finds it.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
