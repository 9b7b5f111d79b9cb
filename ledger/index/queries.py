"""Reads over the valid-time index and tree heads: the SQL both recorders run.

The tables are described in ``ledger.index.rows`` and written by
``ledger.store.sqlite``. Every query here is answered from an index (never by
reading the whole log), except :meth:`IndexReader.happenings`, which reads
the whole log once to stream the standing acts in valid-time order, and the
whole-log streams of :meth:`IndexReader.whole_log`. Positions are log
positions (1-based); days are ISO 8601 text; record times are UTC instants in
ISO 8601 with ``Z``.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any

from treaty_ledger.ledger.index.rows import NO_DAY_AFTER, NO_DAY_BEFORE


@dataclass(frozen=True)
class Dialect:
    """How one database names the tables and marks parameters.

    Attributes:
        mark: the parameter marker (``?`` for SQLite, ``%s`` for psycopg).
        byte_order: the collation clause that compares text byte by byte
            ("" for SQLite, whose default is; ``COLLATE "C"`` for PostgreSQL).
        events: the events table; ``event_id`` its notification id column.
        index, subjects, hashes, heads: the side tables (qualified names).
    """

    mark: str
    events: str
    event_id: str
    index: str
    subjects: str
    hashes: str
    heads: str
    byte_order: str = ""

    def sql(self, template: str) -> str:
        """Fill in table names, parameter markers (``{p}``) and byte-order collations (``{c}``).

        Key ranges (``record_key >= 'instrument:' AND record_key < 'instrument;'``)
        and ISO days and instants compare in byte order; a PostgreSQL database
        whose default collation is not C (``en_US.UTF-8``, ICU) ignores
        punctuation, so its dialect sets ``byte_order`` to ``COLLATE "C"``.
        """
        return template.format(
            c=self.byte_order,
            p=self.mark,
            events=self.events,
            id=self.event_id,
            index=self.index,
            subjects=self.subjects,
            hashes=self.hashes,
            heads=self.heads,
        )


Run = Callable[[str, Sequence[Any]], list[Any]]
"""Runs one query with parameters in a read transaction; returns its rows (mapping by name)."""
Stream = Callable[[str, Sequence[Any]], Iterator[Any]]
"""Runs one query in an open read transaction and yields its rows, fetched in batches."""
Snapshot = Callable[[], AbstractContextManager[Stream]]
"""Opens one read transaction, a consistent view of the store, and gives a :data:`Stream`
over it; several of its streams may be read at once, interleaved. Store errors while it is
open are :class:`~treaty_ledger.ledger.errors.StoreError`."""

_ENTRY_COLUMNS = (
    "v.position, v.notification_id, v.record_key, v.action, v.recorded_at, v.earliest, v.latest, "
    "v.effective_earliest, v.effective_latest, v.sequence, "
    "e.originator_id, e.originator_version, e.topic, e.state, h.leaf_hash"
)
# Each entry's index row, stored event and recorded hash; the event columns are null when
# the entry is gone and its index row remains.
_ENTRIES = (
    f"SELECT {_ENTRY_COLUMNS} FROM {{index}} v "
    "LEFT JOIN {events} e ON e.{id} = v.notification_id "
    "LEFT JOIN {hashes} h ON h.position = v.notification_id"
)
# Every stored entry with its recorded hash and index row (null where missing), by id.
_LOG_ORDER = (
    "SELECT e.{id} AS notification_id, e.originator_id, e.originator_version, e.topic, e.state, "
    "h.leaf_hash, v.position, v.record_key, v.action, v.recorded_at, v.earliest, v.latest, "
    "v.effective_earliest, v.effective_latest, v.sequence FROM {events} e "
    "LEFT JOIN {hashes} h ON h.position = e.{id} "
    "LEFT JOIN {index} v ON v.notification_id = e.{id} ORDER BY e.{id}"
)
_SUBJECTS_BY_ENTRY = (
    "SELECT notification_id, subject, first_day, last_day, record_key FROM {subjects} "
    "ORDER BY notification_id"
)
_HEADS_BY_SIZE = "SELECT size, root, frontier FROM {heads} ORDER BY size"
_SIDE_COUNTS = (
    "SELECT (SELECT COUNT(*) FROM {hashes}) AS hashes, (SELECT COUNT(*) FROM {index}) AS index_rows"
)
# The happenings of the standing acts (the latest entry of each act, unless it retracts it)
# that may fall on or before a day, with the entries holding them, in valid-time order. The
# database sorts the entries themselves, reading the log once in its own order: far cheaper
# than fetching a million entries one by one in valid-time order.
_HAPPENINGS = f"""
WITH latest AS (
    SELECT record_key, MIN(position) AS first, MAX(position) AS last
    FROM {{index}} WHERE position <= {{p}} GROUP BY record_key
), standing AS (
    SELECT v.notification_id AS nid, l.first AS first, v.earliest, v.latest,
           v.effective_earliest, v.effective_latest, v.sequence
    FROM latest l JOIN {{index}} v ON v.position = l.last
    WHERE v.action <> 'retract' AND v.earliest IS NOT NULL
), happening AS (
    SELECT nid, first, 0 AS effect, earliest{{c}} AS a, latest{{c}} AS b, sequence FROM standing
    WHERE earliest{{c}} <= {{p}}
    UNION ALL
    SELECT nid, first, 1 AS effect, effective_earliest{{c}} AS a, effective_latest{{c}} AS b,
           sequence
    FROM standing WHERE effective_earliest IS NOT NULL AND effective_earliest{{c}} <= {{p}}
)
SELECT o.first, o.effect, {_ENTRY_COLUMNS} FROM happening o
JOIN {{index}} v ON v.notification_id = o.nid
LEFT JOIN {{events}} e ON e.{{id}} = o.nid
LEFT JOIN {{hashes}} h ON h.position = o.nid
ORDER BY o.a, o.b, o.sequence, o.first, o.effect
"""


@dataclass(frozen=True)
class LogStreams:
    """The whole log and its side tables as streams, all read in one transaction.

    Attributes:
        entries: every stored entry in notification id order: its id
            (``notification_id``), ``originator_id``, ``originator_version``,
            ``topic``, ``state``, its recorded ``leaf_hash`` and its
            ``valid_time_index`` row (``position``, ``record_key``...), each
            null where the side table has no row for it.
        subjects: every ``subject_index`` row, by notification id.
        heads: every tree head (``size``, ``root``, ``frontier``), by size.
        hashes, index_rows: how many rows the hash and index tables hold.
    """

    entries: Generator[Any, None, None]
    subjects: Generator[Any, None, None]
    heads: Generator[Any, None, None]
    hashes: int
    index_rows: int


class IndexReader:
    """The index queries of one store, run through ``run`` (see :data:`Run`).

    ``snapshot`` (see :data:`Snapshot`) reads long results in batches without
    holding them all, several at once in one transaction where they must
    agree (:meth:`whole_log`).
    """

    def __init__(
        self,
        dialect: Dialect,
        run: Run,
        snapshot: Snapshot,
        track: Callable[[Generator[Any, None, None]], object] = lambda stream: None,
    ) -> None:
        self.dialect = dialect
        self._run = run
        self._snapshot = snapshot
        self._track = track

    def _iterate(self, sql: str, params: Sequence[Any]) -> Generator[Any, None, None]:
        """Stream a query's rows in a read transaction of their own, open until the rows end.

        The stream is handed to ``track`` (the store's): a stream that its
        reader left unfinished (a closed pipe, a failed check) is closed by
        the store before its connections are.
        """
        rows = self._rows_of(sql, params)
        self._track(rows)
        return rows

    def _rows_of(self, sql: str, params: Sequence[Any]) -> Generator[Any, None, None]:
        with self._snapshot() as stream:
            yield from stream(sql, params)

    def _rows(self, template: str, params: Sequence[Any]) -> list[Any]:
        return self._run(self.dialect.sql(template), params)

    def last_position(self) -> int:
        """The log's last position (0 for an empty log)."""
        found = self._rows("SELECT MAX(position) AS last FROM {index}", ())
        return found[0]["last"] or 0

    def position_of(self, notification_id: int) -> int:
        """The log position of the entry with that notification id.

        Raises:
            KeyError: no entry has that id.
        """
        found = self._rows(
            "SELECT position FROM {index} WHERE notification_id = {p}", (notification_id,)
        )
        if not found:
            raise KeyError(notification_id)
        return found[0]["position"]

    def position_at(self, instant: str) -> int:
        """The last position recorded at or before ``instant`` (0 if none)."""
        found = self._rows(
            "SELECT position FROM {index} WHERE recorded_at{c} <= {p} "
            "ORDER BY recorded_at{c} DESC, position DESC LIMIT 1",
            (instant,),
        )
        return found[0]["position"] if found else 0

    def concerning(
        self,
        subjects: Sequence[str],
        upto: int,
        *,
        on_or_before: str | None = None,
        on_or_after: str | None = None,
    ) -> list[Any]:
        """Every entry up to ``upto`` of the records that concern any of ``subjects``.

        A record concerns a subject when one of its entries does (in any
        version, so that a correction moving an act away is still seen) and
        that entry's possible days meet the bounds: its first day on or
        before ``on_or_before`` and its last day on or after ``on_or_after``
        (inclusive ISO days; None for no bound). Rows: the entry's
        ``valid_time_index`` columns, then originator_id, originator_version,
        topic, state and leaf_hash (the hash recorded at append time), in log
        order; the event columns are null when the entry is gone.
        """
        return self._rows(*self._concerning(subjects, upto, on_or_before, on_or_after))

    def concerning_stream(
        self,
        subjects: Sequence[str],
        upto: int,
        *,
        on_or_before: str | None = None,
        on_or_after: str | None = None,
        in_log_order: bool = True,
    ) -> Generator[Any, None, None]:
        """:meth:`concerning`, its rows fetched in batches as they are read.

        Without ``in_log_order``, the rows come in no particular order: for a
        caller that holds them all and sorts them itself, cheaper than the
        database's sort, which copies every row, stored entry and all.
        Close it (``contextlib.closing``) when not read to the end, so that its read
        transaction ends while the store is open.
        """
        sql, params = self._concerning(subjects, upto, on_or_before, on_or_after, in_log_order)
        return self._iterate(self.dialect.sql(sql), params)

    def _concerning(
        self,
        subjects: Sequence[str],
        upto: int,
        on_or_before: str | None,
        on_or_after: str | None,
        in_log_order: bool = True,
    ) -> tuple[str, list[Any]]:
        marks = ", ".join([self.dialect.mark] * len(subjects))
        template = (
            f"{_ENTRIES} "
            "WHERE v.position <= {p} AND v.record_key IN (SELECT s.record_key FROM {subjects} s "
            f"WHERE s.subject IN ({marks}) AND s.first_day{{c}} <= {{p}} "
            "AND s.last_day{c} >= {p})"
        ) + (" ORDER BY v.position" if in_log_order else "")
        params = [upto, *subjects, on_or_before or NO_DAY_AFTER, on_or_after or NO_DAY_BEFORE]
        return template, params

    def of_kind(self, kind: str, upto: int) -> list[Any]:
        """Every entry up to ``upto`` of the records of one kind (``instrument``), in log order."""
        template = (
            f"{_ENTRIES} "
            "WHERE v.record_key{c} >= {p} AND v.record_key{c} < {p} AND v.position <= {p} "
            "ORDER BY v.position"
        )
        return self._rows(template, (f"{kind}:", f"{kind};", upto))

    def of_records(self, keys: Sequence[str], upto: int) -> list[Any]:
        """Every entry up to ``upto`` of the records with these keys (``act:<id>``), by position."""
        marks = ", ".join([self.dialect.mark] * len(keys))
        template = (
            f"{_ENTRIES} WHERE v.record_key IN ({marks}) AND v.position <= {{p}} "
            "ORDER BY v.position"
        )
        return self._rows(template, [*keys, upto])

    def at_positions(self, positions: Sequence[int]) -> list[Any]:
        """The entries at these log positions (columns as :meth:`concerning`), by position."""
        marks = ", ".join([self.dialect.mark] * len(positions))
        template = f"{_ENTRIES} WHERE v.position IN ({marks}) ORDER BY v.position"
        return self._rows(template, list(positions))

    def happenings(self, upto: int, last_day: str, *, effects: bool = True) -> Iterator[Any]:
        """Stream the happenings of the acts standing at ``upto``, in valid-time order.

        Only happenings whose first possible day is on or before
        ``last_day`` (inclusive ISO day): a later one can neither apply nor
        straddle that day; without ``effects``, only the acts' notices. The
        order is that of ``projections.order``: earliest day, latest day,
        same-day sequence, first position, notice before effect (a test holds
        the two to the same answers).

        Yields:
            one row per happening: ``first`` (the log position of the act's
            first entry), ``effect`` (1 for the act's effect, 0 for its
            notice), then the columns of the entry holding the act as it
            stands (as :meth:`concerning`). The database sorts; rows are
            fetched in batches, never all held.
        """
        effects_until = last_day if effects else NO_DAY_BEFORE  # no ISO day is before ""
        yield from self._iterate(self.dialect.sql(_HAPPENINGS), (upto, last_day, effects_until))

    @contextmanager
    def whole_log(self) -> Iterator[LogStreams]:
        """Open the whole log and its side tables as streams over one consistent view.

        For checking the whole log in one pass (``index.log_scan``) without
        holding it: the streams are read in batches, side by side.
        """
        with self._snapshot() as stream:
            counts = list(stream(self.dialect.sql(_SIDE_COUNTS), ()))[0]
            streams = LogStreams(
                stream(self.dialect.sql(_LOG_ORDER), ()),
                stream(self.dialect.sql(_SUBJECTS_BY_ENTRY), ()),
                stream(self.dialect.sql(_HEADS_BY_SIZE), ()),
                counts["hashes"],
                counts["index_rows"],
            )
            try:
                yield streams
            finally:  # close the cursors while their transaction is open, read to the end or not
                for opened in (streams.entries, streams.subjects, streams.heads):
                    opened.close()

    def entries_upto(self, upto: int) -> Iterator[Any]:
        """Stream the entries at positions 1..``upto`` in log order (as :meth:`concerning`)."""
        yield from self._iterate(
            self.dialect.sql(f"{_ENTRIES} WHERE v.position <= {{p}} ORDER BY v.position"), (upto,)
        )

    def side_tables(self) -> tuple[list[Any], list[Any], list[Any]]:
        """Every row of the side tables, for ``ledger verify``: index rows (by position),
        subject rows, and tree heads (by size)."""
        index = self._rows("SELECT * FROM {index} ORDER BY position", ())
        subjects = self._rows("SELECT * FROM {subjects}", ())
        heads = self._rows("SELECT size, root, frontier FROM {heads} ORDER BY size", ())
        return index, subjects, heads

    def standing_retractions(self, upto: int) -> list[Any]:
        """The entries up to ``upto`` that retract a record for good (columns: :meth:`concerning`).

        A whole-record replay does not read retracted records; it reads these
        entries to check that their index rows are not forged retractions.
        """
        template = (
            f"{_ENTRIES} "
            "WHERE v.action = 'retract' AND v.position <= {p} AND NOT EXISTS (SELECT 1 FROM "
            "{index} w WHERE w.record_key = v.record_key AND w.position > v.position "
            "AND w.position <= {p})"
        )
        return self._rows(template, (upto, upto))

    def tree_head(self, size: int) -> tuple[bytes, bytes] | None:
        """The (root, frontier) recorded for a log of ``size`` entries, or None if none was."""
        found = self._rows("SELECT root, frontier FROM {heads} WHERE size = {p}", (size,))
        return (bytes(found[0]["root"]), bytes(found[0]["frontier"])) if found else None

    def leaf_hashes(self, upto: int) -> list[bytes]:
        """The recorded leaf hashes of positions 1..``upto``, in log order."""
        found = self._rows(
            "SELECT h.leaf_hash FROM {index} v JOIN {hashes} h ON h.position = v.notification_id "
            "WHERE v.position <= {p} ORDER BY v.position",
            (upto,),
        )
        return [bytes(row["leaf_hash"]) for row in found]
