"""Reads through the valid-time index: what a query needs, without reading the whole log.

:class:`IndexedReads` answers for a ledger whose store keeps the index
(SQLite and PostgreSQL stores written by this version; see ``index.rows``); the
store hands it an :class:`IndexReader` and never the other way round. It
resolves a known-at moment to a log position, fetches the entries of the
records that concern an instrument or an actor, streams the standing acts in
valid-time order for a whole-record replay, and names the Merkle root of a log
size.

Every entry it returns is checked against the leaf hash recorded when it was
appended (``index.entries.checked_entry``); a mismatch is a
:class:`StoreError` naming the position. Entries it does not read are not
checked: ``ledger verify`` checks the whole log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from typing import Any

from treaty_ledger.ledger.entries import Entry
from treaty_ledger.ledger.errors import InvalidMoment, StoreError
from treaty_ledger.ledger.index.entries import (
    Content,
    checked_content,
    checked_entry,
    checked_entry_and_leaf,
)
from treaty_ledger.ledger.index.log_scan import LogScan, scan_log
from treaty_ledger.ledger.index.queries import IndexReader
from treaty_ledger.ledger.integrity.merkle import extend_frontier, frontier_root, root
from treaty_ledger.ledger.record_time import KnownAt, check_settled, format_instant

_PROGRESS_EVERY = 5000
_POSITION = itemgetter("position")  # an entry row's log position


@dataclass(frozen=True)
class Excerpt:
    """Some entries of the log, and the moment of record time they were selected at.

    Attributes:
        entries: the selected entries recorded at or before the moment, in
            log order (each at its own log position).
        position: the log position of the moment: the number of entries
            recorded by then, selected or not.
        known_at: the moment as a UTC instant (``...Z``), named as
            ``projections.known`` names it; "" for an empty log.
    """

    entries: list[Entry]
    position: int
    known_at: str


@dataclass(frozen=True)
class OrderedAct:
    """One happening of a standing act, as streamed in valid-time order.

    Attributes:
        first_position: the log position at which the act was first recorded.
        effect: True for the act's effect (its effective date), False for its notice.
        entry: the entry holding the act as it stands.
    """

    first_position: int
    effect: bool
    entry: Entry


class IndexedReads:
    """Index-backed reads of one open ledger (obtain it with ``Ledger.indexed()``).

    ``where`` names the store in error messages (a path, or a location with
    its password redacted).
    """

    def __init__(self, reader: IndexReader, where: str) -> None:
        self._reader = reader
        self._where = where

    def _checked(self, row: Any) -> Entry:
        return checked_entry(row, self._where)

    def horizon(self, known_at: KnownAt | None) -> tuple[int, str]:
        """The log position and instant (``...Z``) of a known-at moment (None: the whole log).

        The entries on either side of the moment are read and checked, so
        that the position does not rest on index rows alone.

        Raises:
            InvalidMoment: a position beyond the end of the log, or an instant
                later than the last committed record time (the answer could
                still change: ``record_time.check_settled``).
            StoreError: the entries at the boundary fail their checks, or
                their record times do not fall either side of the moment.
        """
        size = self._reader.last_position()
        if known_at is None:
            position = size
        elif known_at.position is not None:
            if known_at.position > size:
                raise InvalidMoment(known_at.text, f"the log has only {size} entries")
            position = known_at.position
        else:
            assert known_at.instant is not None
            last = self._boundary([size]) if size else []
            check_settled(known_at, last[0].recorded_at if last else None)
            moment = format_instant(known_at.instant)
            position = self._reader.position_at(moment)
            after = self._boundary([position + 1]) if position < size else []
            before = self._boundary([position]) if position else []
            if any(e.recorded_at > known_at.instant for e in before) or any(
                e.recorded_at <= known_at.instant for e in after
            ):
                raise StoreError(
                    f"the record times of the index do not match the entries at position "
                    f"{position}; run 'ledger verify'"
                )
            return position, moment
        if position == 0:
            return 0, ""
        (entry,) = self._boundary([position])
        return position, format_instant(entry.recorded_at)

    def _boundary(self, positions: list[int]) -> list[Entry]:
        rows = self._reader.at_positions(positions)
        if len(rows) != len(positions):
            raise StoreError(
                f"the index has no entry at position {positions[0]}; run 'ledger verify'"
            )
        return [self._checked(row) for row in rows]

    def log_size(self) -> int:
        """The number of entries the index describes (the log's size when it is complete)."""
        return self._reader.last_position()

    def excerpt(
        self,
        known_at: KnownAt | None,
        subjects: Sequence[str],
        *,
        on_or_before: date | None = None,
        on_or_after: date | None = None,
    ) -> Excerpt:
        """The entries, as known at ``known_at``, of every record concerning one of ``subjects``.

        Subjects are named as in ``ledger.index.rows`` (``instrument:<id>``,
        ``actor:<code>``, ``succession``). A record is selected when any of
        its entries concerns a subject with a possible day on or before
        ``on_or_before`` and one on or after ``on_or_after`` (both inclusive;
        None for no bound); all its entries come with it, so that the
        projection sees its corrections and retractions. The selection may
        hold more than the query needs, never less.

        Raises:
            InvalidMoment: ``known_at`` is a position beyond the end of the log.
            StoreError: a selected entry does not match its recorded hash.
        """
        position, moment = self.horizon(known_at)
        return self.excerpt_at(
            position, moment, subjects, on_or_before=on_or_before, on_or_after=on_or_after
        )

    def excerpt_at(
        self,
        position: int,
        moment: str,
        subjects: Sequence[str],
        *,
        on_or_before: date | None = None,
        on_or_after: date | None = None,
    ) -> Excerpt:
        """:meth:`excerpt` at a position already resolved (its moment named ``moment``).

        Raises:
            StoreError: a selected entry does not match its recorded hash.
        """
        rows = self._concerning(position, subjects, on_or_before, on_or_after)
        return Excerpt([self._checked(row) for row in rows], position, moment)

    def contents(
        self,
        known_at: KnownAt | None,
        subjects: Sequence[str],
        *,
        on_or_before: date | None = None,
        on_or_after: date | None = None,
    ) -> tuple[list[Content], int, str]:
        """:meth:`excerpt` as stored data: (contents in log order, position, moment).

        Each entry is checked as every entry read through the index is, but
        no model is built from it (``index.entries.Content``): for reads of
        many entries that show a few of their fields.

        Raises:
            InvalidMoment, StoreError: as :meth:`excerpt`.
        """
        position, moment = self.horizon(known_at)
        rows = sorted(  # all held: sorting them here is cheaper than the database's sort
            self._reader.concerning_stream(
                subjects,
                position,
                on_or_before=on_or_before.isoformat() if on_or_before else None,
                on_or_after=on_or_after.isoformat() if on_or_after else None,
                in_log_order=False,
            ),
            key=_POSITION,
        )
        contents, last = [], 0
        for row in rows:
            if row["notification_id"] < last:  # positions follow the order entries were stored in
                raise StoreError(
                    "the index puts entries out of log order (index); run 'ledger verify'"
                )
            last = row["notification_id"]
            contents.append(checked_content(row, self._where))
        return contents, position, moment

    def _concerning(
        self,
        position: int,
        subjects: Sequence[str],
        on_or_before: date | None,
        on_or_after: date | None,
    ) -> list[Any]:
        rows = self._reader.concerning(
            subjects,
            position,
            on_or_before=on_or_before.isoformat() if on_or_before else None,
            on_or_after=on_or_after.isoformat() if on_or_after else None,
        )
        ids = [row["notification_id"] for row in rows]
        if ids != sorted(ids):  # positions follow the order entries were stored in
            raise StoreError("the index puts entries out of log order (index); run 'ledger verify'")
        return rows

    def scan_log(
        self,
        within: Callable[[int, str], bool] = lambda position, recorded_at: True,
        *,
        keep_leaves: bool = False,
    ) -> LogScan:
        """Run every check of ``ledger verify`` on the whole log in one streamed pass.

        See ``index.log_scan.scan_log``: the log, its hashes and side tables
        are read in one transaction, holding O(log n) hashes (and 32 bytes an
        entry with ``keep_leaves``). The scan says whether the log holds, not
        why not.
        """
        with self._reader.whole_log() as streams:
            return scan_log(streams, within, keep_leaves=keep_leaves)

    def log_entries(self, upto: int) -> Iterator[tuple[Entry, bytes]]:
        """Stream the entries at positions 1..``upto`` in log order, each with its leaf hash.

        Each entry is checked as every entry read through the index is
        (``index.entries``); the positions must run 1, 2, 3...

        Raises:
            StoreError: an entry fails its checks, or a position is missing.
        """
        done = 0
        for row in self._reader.entries_upto(upto):
            if row["position"] != done + 1:
                break
            yield checked_entry_and_leaf(row, self._where)
            done += 1
        if done != upto:
            raise StoreError(
                f"the index of {self._where} has no entry at position {done + 1}; "
                "run 'ledger verify'"
            )

    def records(self, keys: Sequence[str], position: int) -> list[Entry]:
        """Every entry of the records with these keys (``act:<id>``) up to ``position``, checked."""
        return [self._checked(row) for row in self._reader.of_records(keys, position)]

    def records_of_kind(self, kind: str, position: int) -> list[Entry]:
        """Every entry of the records of ``kind`` (``instrument``) up to ``position``, checked."""
        return [self._checked(row) for row in self._reader.of_kind(kind, position)]

    def ordered_acts(
        self,
        position: int,
        last_day: date,
        progress: Callable[[int, int], None] = lambda done, total: None,
        *,
        effects: bool = True,
    ) -> Iterator[OrderedAct]:
        """Stream the happenings of the acts standing at ``position``, in valid-time order.

        Only happenings that may fall on or before ``last_day`` (inclusive)
        come; the order is that of ``projections.order``. Memory stays
        bounded: the store sorts the entries and they are read in one pass,
        each checked and decoded when its turn comes; only an act whose
        notice and effect both come is kept between the two.

        Args:
            progress: called every few thousand happenings with (happenings
                done, ``position``): the log's size stands for their number,
                which is not known before the end (``done`` never exceeds it).
            effects: False for the acts' notices only (a timeline).

        Raises:
            StoreError: an entry does not match its recorded hash.
        """
        for row in self._reader.standing_retractions(position):
            self._checked(row)  # a forged retraction would hide a record
        day = last_day.isoformat()
        kept: dict[int, Entry] = {}  # acts whose other happening is still to come
        done = 0
        for row in self._reader.happenings(position, day, effects=effects):
            nid = row["notification_id"]
            entry = kept.pop(nid, None)
            if entry is None:
                entry = self._checked(row)
                effective = row["effective_earliest"]
                notice_comes = row["earliest"] <= day
                if effects and notice_comes and effective is not None and effective <= day:
                    kept[nid] = entry  # its notice and effect both come: decoded once
            yield OrderedAct(row["first"], bool(row["effect"]), entry)
            done += 1
            if done % _PROGRESS_EVERY == 0:
                progress(min(done, position), position)
        progress(min(done, position), position)

    def root_hash(self, size: int) -> str:
        """The RFC 9162 root (hex) of the first ``size`` entries, from the hashes recorded.

        The tree head written with the append that reached ``size`` when
        there is one (any size a known-at instant resolves to); otherwise
        computed from the recorded leaf hashes.

        Raises:
            StoreError: the tree head's root is not that of its own frontier.
        """
        head = self._reader.tree_head(size)
        if head is None:
            return root(self._reader.leaf_hashes(size)).hex()
        recorded, frontier = head
        hashes = [frontier[i : i + 32] for i in range(0, len(frontier), 32)]
        try:
            holds = frontier_root(extend_frontier(hashes, size, [])) == recorded
        except ValueError:
            holds = False
        if not holds:
            raise StoreError(
                f"the tree head of size {size} does not hold together (tree-head); "
                "run 'ledger verify'"
            )
        return recorded.hex()
