"""What the valid-time index holds for each entry: pure rows, computed from stored state.

The recorders (``ledger.store.sqlite``) write these rows into two side tables in
the same transaction as the entries they describe, so that the index never
lags the log:

* ``valid_time_index``: one row per entry: its log position, its record's
  key (``"act:<id>"``), what it did (record, correct, retract), its record
  time, and for an act the inclusive days of its notice and of its effect
  and its same-day sequence: everything the valid-time order of replay
  (``projections.order``) sorts on;
* ``subject_index``: one row per entry and subject it concerns, so that a
  query about one instrument or one actor finds its records without
  scanning the log. Subjects are ``instrument:<id>`` (the instrument's own
  record, every act naming it as instrument or successor, and every
  relation from or to one of its provisions),
  ``actor:<code>`` (every act naming the code among its actors or
  recipients) and ``succession`` (every succession of states, which moves
  roles toward every instrument).

Days are ISO 8601 text (``YYYY-MM-DD``), which sorts as the days do. An
instrument has no days, nor has a relation (its date is when a source drew
the link, not a change the replay applies): its subject rows span ``""`` to ``"9999-12-31"`` so
that any valid-time condition keeps it. No I/O here.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, NamedTuple

from treaty_ledger.ledger.dates import valid_time_of

NO_DAY_BEFORE = ""
"""The earliest day written for a record without valid time (before every ISO day)."""
NO_DAY_AFTER = "9999-12-31"
"""The latest day written for a record without valid time (the last ISO day)."""
SUCCESSION = "succession"
"""The subject of every succession of states with a predecessor."""

_ACTIONS = {"Recorded": "record", "Corrected": "correct", "Retracted": "retract"}


class IndexRow(NamedTuple):
    """The valid-time index row of one entry (positions are filled in by the recorder).

    A named tuple: made once per entry appended or read, so made cheaply.

    Attributes:
        record_key: the record's event-sequence id, ``"act:<id>"``,
            ``"instrument:<id>"`` or ``"relation:<id>"``.
        action: ``record``, ``correct`` or ``retract``.
        recorded_at: the entry's record time (UTC, ISO 8601 with ``Z``).
        earliest, latest: the act's possible days (inclusive); None for an
            instrument or a relation.
        effective_earliest, effective_latest: the days of the act's effect,
            when it has an effective date; None otherwise.
        sequence: the act's same-day sequence (0 when it has none).
        subjects: the subjects the entry concerns (see the module docstring).
    """

    record_key: str
    action: str
    recorded_at: str
    earliest: str | None
    latest: str | None
    effective_earliest: str | None
    effective_latest: str | None
    sequence: int
    subjects: tuple[str, ...]

    def columns(self) -> tuple:
        """The values of ``valid_time_index`` after notification id and position, in order."""
        return self[:8]  # the fields up to ``sequence``

    @property
    def first_day(self) -> str:
        """The earliest day for the subject index (``NO_DAY_BEFORE`` for an instrument)."""
        return self.earliest if self.earliest is not None else NO_DAY_BEFORE

    @property
    def last_day(self) -> str:
        """The latest day for the subject index (``NO_DAY_AFTER`` for an instrument)."""
        return self.latest if self.latest is not None else NO_DAY_AFTER


def subject_rows(ids: Sequence[int], rows: Sequence[tuple]) -> list[tuple]:
    """The ``subject_index`` rows of entries: (subject, first day, last day, record key, id).

    ``ids`` are the entries' notification ids, ``rows`` their index rows
    (:class:`IndexRow`, or plain tuples of its fields), in the same order; one
    row per entry and subject, in that order.
    """
    found = []
    for nid, row in zip(ids, rows, strict=True):
        key, _, _, earliest, latest, _, _, _, subjects = row
        first = NO_DAY_BEFORE if earliest is None else earliest
        last = NO_DAY_AFTER if latest is None else latest
        found.extend([(subject, first, last, key, nid) for subject in subjects])
    return found


def index_row(topic: str, state: dict[str, Any]) -> IndexRow:
    """Return the index row of a stored entry from its topic and decoded state.

    Raises:
        KeyError, ValueError, InvalidDate: the state is not an entry the
            ledger wrote (the recorder refuses to store it).
    """
    return record_index_row(
        _ACTIONS[topic.rpartition(":")[2]], state["record"], state["recorded_at"]
    )


def index_columns(topic: str, state: dict[str, Any]) -> tuple:
    """The columns of the entry's ``valid_time_index`` row (``IndexRow.columns``), no subjects.

    What a read checks an entry's index row against: the subjects are not
    needed to read it, and cost more to derive.

    Raises:
        KeyError, ValueError, InvalidDate: as :func:`index_row`.
    """
    record = state["record"]
    kind, record_id = record["record"], record["id"]
    action = _ACTIONS[topic.rpartition(":")[2]]
    if kind in ("instrument", "relation"):
        return (f"{kind}:{record_id}", action, state["recorded_at"], None, None, None, None, 0)
    if kind != "act":
        raise ValueError(f"unknown record kind {kind!r}")
    earliest, latest = _days(record["date"])
    effective = record.get("effective")
    effect = _days(effective) if effective is not None else (None, None)
    return (
        f"act:{record_id}", action, state["recorded_at"], earliest, latest, effect[0], effect[1],
        record.get("sequence") or 0,
    )  # fmt: skip



def record_index_row(action: str, record: dict[str, Any], recorded_at: str) -> IndexRow:
    """Return the index row of an entry from its action, record content and record time.

    ``action`` is ``record``, ``correct`` or ``retract``; ``record`` the
    content as stored (``ledger.model.record_content``), so that an import
    derives the row from the data it holds instead of decoding what it wrote.

    Raises:
        KeyError, ValueError, InvalidDate: the content is not a record's.
    """
    kind, record_id = record["record"], record["id"]
    if kind == "instrument":
        return IndexRow(
            f"instrument:{record_id}",
            action,
            recorded_at,
            None,
            None,
            None,
            None,
            0,
            (f"instrument:{record_id}",),
        )
    if kind == "relation":
        ends = (record["from"]["instrument"], record["to"]["instrument"])
        return IndexRow(
            f"relation:{record_id}",
            action,
            recorded_at,
            None,
            None,
            None,
            None,
            0,
            tuple(dict.fromkeys(f"instrument:{name}" for name in ends)),
        )
    if kind != "act":
        raise ValueError(f"unknown record kind {kind!r}")
    earliest, latest = _days(record["date"])
    get = record.get
    effective = get("effective")
    effect = _days(effective) if effective is not None else (None, None)
    subjects = []  # instruments, then actors, then successions; each once, in that order
    for name in (get("instrument"), get("successor")):
        if name is not None:
            subjects.append(f"instrument:{name}")
    for code in record["actors"]:
        subjects.append(_ACTOR_SUBJECTS.get(code) or _actor_subject(code))
    for code in get("recipients", ()):
        subjects.append(_ACTOR_SUBJECTS.get(code) or _actor_subject(code))
    if record["type"] == "succession" and get("predecessor") is not None:
        subjects.append(SUCCESSION)
    return IndexRow(
        f"act:{record_id}",
        action,
        recorded_at,
        earliest,
        latest,
        effect[0],
        effect[1],
        get("sequence") or 0,
        tuple(dict.fromkeys(subjects)),
    )


_ACTOR_SUBJECTS: dict[str, str] = {}
"""``actor:<code>`` by code: made once per code (codes are a closed list, ``ledger.actors``)."""


def _actor_subject(code: str) -> str:
    subject = f"actor:{code}"
    if len(_ACTOR_SUBJECTS) < 4096:
        _ACTOR_SUBJECTS[code] = subject
    return subject


@lru_cache(maxsize=65536)
def _days(edtf: str) -> tuple[str, str]:
    """The first and last possible days of an EDTF value, as ISO text (once per distinct value)."""
    time = valid_time_of(edtf)
    return time.earliest.isoformat(), time.latest.isoformat()
