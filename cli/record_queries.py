"""Answer ``diff``, ``history`` and ``actor`` from the whole log: checked, then read by index.

Both answer from the whole log, so it first passes every check of ``ledger
verify`` as one stream (``services.verification.checked_log``); then,
through the valid-time index:

* ``diff`` folds the standing acts in valid-time order once for each day
  (``projections.replay.fold``), keeping of the first day only its facts
  (``projections.diff.facts``: three strings an instrument, actor row and
  claim) and of the second its working state, which the changes use up
  instrument by instrument; the acts of the period are read one instrument at
  a time, where a change needs its cause (those naming a territory or a
  predecessor are kept from the second fold: they are few), and its other
  acts come from a last pass in valid-time order, one at a time;
* ``history`` reads the records of the act, or those concerning the
  instrument or naming the actor (or succeeding it);
* ``actor`` reads the acts naming the actor and the successions of states,
  and replays the day streamed, reading its instruments one at a time.

A ledger without the index is read whole (``projections.diff.diff``,
``projections.history.history``, ``projections.profile.profile``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from treaty_ledger.cli.queries import whole_replay_parts
from treaty_ledger.ledger.dates import AsOf
from treaty_ledger.ledger.index.reads import IndexedReads
from treaty_ledger.ledger.index.rows import SUCCESSION
from treaty_ledger.ledger.model import Act, Instrument
from treaty_ledger.ledger.record_time import KnownAt
from treaty_ledger.ledger.services.verification import CheckedLog, checked_log
from treaty_ledger.ledger.store.application import Ledger
from treaty_ledger.ledger.vocabulary import CHANGES_NO_STATUS
from treaty_ledger.projections.diff import (
    Ranked,
    diff,
    diff_head,
    facts,
    in_window,
    other_act,
    status_changes,
)
from treaty_ledger.projections.history import history, history_known
from treaty_ledger.projections.known import Knowledge, standing
from treaty_ledger.projections.order import Happening, happening
from treaty_ledger.projections.plover import plover_order
from treaty_ledger.projections.profile import profile, profile_of
from treaty_ledger.projections.replay import fold
from treaty_ledger.projections.report_models import (
    ActorProfile,
    Diff,
    History,
    OtherAct,
    StatusChange,
)


def diff_stream(
    ledger: Ledger, start: AsOf, end: AsOf, known_at: KnownAt | None
) -> tuple[Diff, Iterator[StatusChange], Iterator[OtherAct]]:
    """The diff without its lists, its changes, and its other acts, as they are computed.

    Consume the changes before the other acts, with the ledger open.

    Raises:
        StoreError: the log fails a check of ``ledger verify``, or an entry
            read afterwards fails its own.
        InvalidMoment: ``known_at`` is not a moment of the log.
    """
    reads = ledger.indexed()
    if reads is None:
        result = diff(ledger.verified().checked().entries, start, end, known_at)
        head = result.model_copy(update={"changes": [], "other_acts": []})
        return head, iter(result.changes), iter(result.other_acts)
    log = checked_log(ledger, known_at)
    catalogue = {
        item.record.id: item.record
        for item in standing(reads.records_of_kind("instrument", log.position))
        if isinstance(item.record, Instrument)
    }
    first = fold(catalogue, _happenings(reads, log.position, start.day), start)
    before = facts(first.state, catalogue)
    del first
    marked: dict[str, tuple[int, Act]] = {}
    ordered = _marking(_happenings(reads, log.position, end.day), marked, start, end)
    second = fold(catalogue, ordered, end)
    period = _IndexedPeriod(reads, log, start, end, sorted(marked.values(), key=_first))
    changes = status_changes(before, second.state, catalogue, period)
    others = (
        other_act(act)
        for act in plover_order(h.act for h in _happenings(reads, log.position, end.day, False))
        if act.type in CHANGES_NO_STATUS and in_window(act, start, end)
    )
    return diff_head(start, end, log.known_at, log.position), changes, others


def _first(item: tuple[int, Act]) -> int:
    return item[0]


def _happenings(
    reads: IndexedReads, position: int, last_day: date, effects: bool = True
) -> Iterator[Happening]:
    for item in reads.ordered_acts(position, last_day, effects=effects):
        yield happening(item.entry.record, item.first_position, item.effect)  # type: ignore[arg-type]


def _marking(
    ordered: Iterable[Happening], marked: dict[str, tuple[int, Act]], start: AsOf, end: AsOf
) -> Iterator[Happening]:
    """Pass the happenings on, keeping the acts of the period that name a territory."""
    for item in ordered:
        act = item.act
        if act.territory is not None and act.id not in marked and in_window(act, start, end):
            marked[act.id] = (item.position, act)
        yield item


class _IndexedPeriod:
    """The acts of the period (``projections.diff.Period``), read through the index on demand.

    An instrument's are read when a change of it needs its cause; the
    successions of states once; those naming a territory were kept while
    folding.
    """

    def __init__(
        self, reads: IndexedReads, log: CheckedLog, start: AsOf, end: AsOf, territorial: Ranked
    ) -> None:
        self._reads, self._log = reads, log
        self._start, self._end = start, end
        self._territorial = territorial
        self._successions: Ranked | None = None

    def _standing(self, subject: str) -> Ranked:
        excerpt = self._reads.excerpt_at(
            self._log.position, self._log.known_at, [subject], on_or_before=self._end.day
        )
        return [
            (item.first_position, item.record)
            for item in standing(excerpt.entries)
            if isinstance(item.record, Act) and in_window(item.record, self._start, self._end)
        ]

    def of_instrument(self, instrument: str) -> Ranked:
        return [(n, a) for n, a in self._standing(f"instrument:{instrument}")
                if instrument in (a.instrument, a.successor)]  # fmt: skip

    def successions(self) -> Ranked:
        if self._successions is None:
            self._successions = [(n, a) for n, a in self._standing(SUCCESSION) if a.predecessor]
        return self._successions

    def of_territory(self, territory: str) -> Ranked:
        return [(n, a) for n, a in self._territorial if a.territory == territory]


def history_query(
    ledger: Ledger,
    *,
    act_id: str | None = None,
    instrument: str | None = None,
    actor: str | None = None,
    known_at: KnownAt | None = None,
) -> History:
    """Every version of the selected records (``projections.history.history``), checked first.

    Raises:
        UnknownAct, UnknownInstrument: as ``history``.
        StoreError: the log fails a check of ``ledger verify``, or an entry
            read afterwards fails its own.
        InvalidMoment: ``known_at`` is not a moment of the log.
    """
    selection = {"act_id": act_id, "instrument": instrument, "actor": actor}
    reads = ledger.indexed()
    if reads is None:
        return history(ledger.verified().checked().entries, known_at=known_at, **selection)
    log = checked_log(ledger, known_at)
    if act_id is not None:
        entries = reads.records([f"act:{act_id}", f"relation:{act_id}"], log.position)
    else:
        # A succession names the state it continues as predecessor, not among its actors.
        subjects = [f"instrument:{instrument}"] if instrument is not None else [
            f"actor:{actor}", SUCCESSION]  # fmt: skip
        entries = reads.excerpt_at(log.position, log.known_at, subjects).entries
    return history_known(Knowledge(entries, log.known_at, log.position), **selection)


def profile_query(
    ledger: Ledger, actor: str, as_of: AsOf, known_at: KnownAt | None
) -> ActorProfile:
    """One actor's profile (``projections.profile.profile``), the whole log checked first.

    Through the index: the acts naming the actor and the successions of
    states, and one streamed replay of the day whose instruments are read one
    at a time, keeping only what concerns the actor.

    Raises:
        StoreError: the log fails a check of ``ledger verify``, or an entry
            read afterwards fails its own.
        InvalidMoment: ``known_at`` is not a moment of the log.
    """
    reads = ledger.indexed()
    if reads is None:
        return profile(ledger.verified().checked().entries, actor, as_of, known_at)
    log = checked_log(ledger, known_at)
    subjects = [f"actor:{actor}", SUCCESSION]
    excerpt = reads.excerpt_at(log.position, log.known_at, subjects, on_or_before=as_of.day)
    parts = whole_replay_parts(reads, log.position, log.known_at, as_of)
    return profile_of(actor, as_of, parts.head, parts.instruments, standing(excerpt.entries))
