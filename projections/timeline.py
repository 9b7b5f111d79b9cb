"""Timeline: acts in valid-time order, with their sources.

An act is on the timeline of ``[start, end]`` (both inclusive calendar days,
either may be open) when any day it may fall on lies in that range. Acts are
ordered as replay applies them (``projections.order``), by their notice.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import TYPE_CHECKING

from treaty_ledger.ledger.computed import computed
from treaty_ledger.ledger.entries import Entry
from treaty_ledger.ledger.errors import UnknownInstrument
from treaty_ledger.ledger.model import Act, Contest, Instrument, Source
from treaty_ledger.ledger.record_time import KnownAt
from treaty_ledger.ledger.trusted_records import trusted_part
from treaty_ledger.ledger.vocabulary import ActType
from treaty_ledger.projections.known import Knowledge, known, standing
from treaty_ledger.projections.models import Timeline, TimelineAct
from treaty_ledger.projections.order import Happening, Phase, happenings

if TYPE_CHECKING:
    from treaty_ledger.ledger.index.entries import Content


def timeline(
    entries: Iterable[Entry],
    *,
    start: date | None = None,
    end: date | None = None,
    actor: str | None = None,
    instrument: str | None = None,
    known_at: KnownAt | None = None,
) -> Timeline:
    """List the acts whose possible days overlap ``[start, end]``.

    Args:
        entries: every entry of the ledger, in log order.
        start: first day included, or None for no lower bound.
        end: last day included, or None for no upper bound.
        actor: keep acts this actor takes part in (as actor or recipient).
        instrument: keep acts concerning this instrument (as instrument or
            as the successor of a supersession).
        known_at: use only the entries recorded at or before this moment.

    Raises:
        UnknownInstrument: ``instrument`` is not in the ledger.
    """
    knowledge = known(entries, known_at)
    return timeline_known(knowledge, start=start, end=end, actor=actor, instrument=instrument)


def timeline_known(
    knowledge: Knowledge,
    *,
    start: date | None = None,
    end: date | None = None,
    actor: str | None = None,
    instrument: str | None = None,
) -> Timeline:
    """List what was known (``projections.known``) as :func:`timeline` does.

    The knowledge need only hold the entries of the records the filters
    can keep (what the valid-time index selects: ``ledger.index.reads``).

    Raises:
        UnknownInstrument: ``instrument`` is not in the knowledge.
    """
    records = standing(knowledge.entries)
    if instrument is not None and not any(
        isinstance(r.record, Instrument) and r.record.id == instrument for r in records
    ):
        raise UnknownInstrument(instrument)
    acts = timeline_acts(happenings(records), start=start, end=end, actor=actor,
                         instrument=instrument)  # fmt: skip
    return computed(
        Timeline,
        start=start.isoformat() if start else None,
        end=end.isoformat() if end else None,
        known_at=knowledge.known_at,
        position=knowledge.position,
        acts=list(acts),
    )


def timeline_acts(
    ordered: Iterable[Happening],
    *,
    start: date | None = None,
    end: date | None = None,
    actor: str | None = None,
    instrument: str | None = None,
) -> Iterator[TimelineAct]:
    """Yield the timeline's acts from happenings in valid-time order, one at a time.

    The streaming core of :func:`timeline_known`: ``ordered`` may be a
    generator over a whole ledger (``ledger.index.reads.IndexedReads.ordered_acts``);
    nothing is held. Effects are skipped; filters as :func:`timeline`.
    """
    for happening in ordered:
        if happening.phase is not Phase.NOTICE:
            continue
        act, time = happening.act, happening.time
        if start is not None and time.latest < start:
            continue
        if end is not None and time.earliest > end:
            continue
        if actor is not None and actor not in act.actors and actor not in act.recipients:
            continue
        if instrument is not None and instrument not in (act.instrument, act.successor):
            continue
        yield timeline_act(act, happening.position)


def timeline_act(act: Act, position: int) -> TimelineAct:
    """The timeline's read model of one act, first recorded at log position ``position``."""
    time = act.valid_time
    return computed(
        TimelineAct,
        id=act.id,
        type=act.type,
        date=act.date,
        earliest=time.earliest.isoformat(),
        latest=time.latest.isoformat(),
        effective=act.effective,
        instrument=act.instrument,
        provision=act.provision,
        successor=act.successor,
        actors=list(act.actors),
        recipients=list(act.recipients),
        predecessor=act.predecessor,
        territory=act.territory,
        sequence=act.sequence,
        summary=act.summary,
        date_note=act.date_note,
        contested=act.contested,
        sources=list(act.sources),
        position=position,
    )


def timeline_of_contents(
    contents: Iterable[Content],
    *,
    known_at: str,
    position: int,
    start: date | None = None,
    end: date | None = None,
    actor: str | None = None,
    instrument: str | None = None,
) -> Timeline:
    """List what was known as :func:`timeline_known` does, from stored data.

    ``contents``: the entries (``ledger.index.entries.Content``, checked
    against their recorded hashes and index rows) of every record the
    filters can keep, in log order. No model of a record is built: the
    order and filters read the index's days and the stored fields, and each
    row is built without validation (:func:`trusted_timeline_act`), as the
    ledger validated the record when appending it. ``known_at`` and
    ``position`` name the moment, as ``projections.known`` does.

    Raises:
        UnknownInstrument: ``instrument`` is not among the records.
    """
    first: dict[tuple[str, str], int] = {}
    latest: dict[tuple[str, str], Content] = {}
    for content in contents:
        key = (content.record["record"], content.record["id"])
        first.setdefault(key, content.position)
        latest[key] = content
    standing = [(first[key], item) for key, item in latest.items() if item.action != "retract"]
    if instrument is not None and not any(
        item.record["record"] == "instrument" and item.record["id"] == instrument
        for _, item in standing
    ):
        raise UnknownInstrument(instrument)
    # First positions differ from record to record, so no two rows compare their items.
    acts = sorted(
        [(item.earliest, item.latest, item.sequence, number, item)
         for number, item in standing if item.record["record"] == "act"]
    )  # fmt: skip
    first_day = start.isoformat() if start else None
    last_day = end.isoformat() if end else None
    rows, sources = [], {}
    for earliest, latest_day, _, number, item in acts:
        record = item.record
        if (first_day is not None and latest_day < first_day) or (
            last_day is not None and earliest > last_day
        ):
            continue
        if (
            actor is not None
            and actor not in record["actors"]
            and actor not in record.get("recipients", ())
        ):
            continue
        if instrument is not None and instrument not in (
            record.get("instrument"), record.get("successor")
        ):  # fmt: skip
            continue
        rows.append(trusted_timeline_act(record, earliest, latest_day, number, sources))
    return computed(Timeline, start=first_day, end=last_day, known_at=known_at, position=position,
                    acts=rows)  # fmt: skip


_ACT_TYPES = {member.value: member for member in ActType}
_TIMELINE_FIELDS = frozenset(TimelineAct.model_fields)
_set = object.__setattr__  # a frozen model refuses its own __setattr__


def trusted_timeline_act(
    record: dict, earliest: str, latest: str, position: int, sources: dict | None = None
) -> TimelineAct:
    """The timeline row of a stored act record whose entry was checked, without validation.

    ``record`` is the act as appended (JSON data, fields left unset absent),
    from an entry whose hash matched the one recorded at append time and whose
    index row gave ``earliest`` and ``latest`` (ISO days); ``position`` is the
    log position of the act's first entry. The ledger validated the record
    when it appended it, so its values are set as ``model_construct`` does
    (every field given, in field order); the act type becomes its
    ``ActType`` member and the sources and contest are built as models, their
    JSON types checked (``ledger.trusted_records.trusted_part``). The row
    equals what ``TimelineAct.model_validate`` builds from the same fields
    (``tests/test_timeline_rows.py`` holds this over the shipped record).

    ``sources``, when given, keeps the sources built so far by their stored
    fields (a dict the caller holds for one answer): a source cited by many
    acts is built once, and the rows share it (models are frozen).

    Raises:
        KeyError: ``record`` lacks a required field of an act, or its type is
            not an ``ActType``.
        TypeError, ValueError: a source or contest is not as the ledger writes it.
    """
    get = record.get
    contested = get("contested")
    values = {
        "id": record["id"], "type": _ACT_TYPES[record["type"]], "date": record["date"],
        "earliest": earliest, "latest": latest, "effective": get("effective"),
        "instrument": get("instrument"), "provision": get("provision"),
        "successor": get("successor"), "actors": list(record["actors"]),
        "recipients": list(get("recipients", ())), "predecessor": get("predecessor"),
        "territory": get("territory"), "sequence": get("sequence"), "summary": record["summary"],
        "date_note": get("date_note"),
        "contested": None if contested is None else trusted_part(Contest, contested),
        "sources": _sources(record["sources"], {} if sources is None else sources),
        "position": position,
    }  # fmt: skip
    row = TimelineAct.__new__(TimelineAct)
    _set(row, "__dict__", values)
    _set(row, "__pydantic_fields_set__", set(_TIMELINE_FIELDS))
    _set(row, "__pydantic_extra__", None)
    _set(row, "__pydantic_private__", None)
    return row


def _sources(items: list, built: dict) -> list[Source]:
    """The sources of a stored record as models, each distinct one built once in ``built``."""
    sources = []
    for item in items:
        if type(item) is not dict:
            sources.append(trusted_part(Source, item))  # refused there: not an object
            continue
        key = tuple(item.items())  # the same fields in the same order build the same model
        source = built.get(key)
        if source is None:
            source = built[key] = trusted_part(Source, item)
        sources.append(source)
    return sources
