"""The regime on a day: every instrument's status and its actors, the claims, the doubts.

The page answers from ``cli.queries.replay_query`` (through the valid-time
index where the store has one), as ``ledger replay`` does. Instruments are
grouped by what they do on the day (operative, drafts, ended) and each
instrument's actors by status, so that the whole regime fits a screen.
"""

from __future__ import annotations

from datetime import date
from itertools import groupby
from typing import Any

from treaty_ledger.cli.queries import replay_query, timeline_query
from treaty_ledger.cli.web.base import Reading
from treaty_ledger.cli.web.statuses import status_order
from treaty_ledger.ledger.store.application import Ledger
from treaty_ledger.projections.models import InstrumentState

GROUPS = (
    ("operative", "In force or adopted", ("in-force", "adopted")),
    ("drafts", "Drafts", ("draft",)),
    ("ended", "Terminated or superseded", ("terminated", "superseded")),
)
_first_acts: dict[tuple[str, int], date] = {}


def regime_context(store: str, read: Reading, today: date) -> dict[str, Any]:
    """The context of the regime page for the reading's day and moment.

    Raises:
        EmptyStore, StoreError: the store cannot be read.
        InvalidMoment: ``known_at`` is beyond the end of the log.
    """
    with Ledger(store, read_only=True) as ledger:
        result = replay_query(ledger, read.as_of, known_at=read.known_at)
        first = _first_act(ledger, store)
    groups = []
    for key, title, statuses in GROUPS:
        rows = [_row(state) for state in result.instruments if state.status.value in statuses]
        groups.append({"key": key, "title": title, "rows": rows})
    months = (today.year - first.year) * 12 + today.month - first.month
    chosen = (read.as_of.day.year - first.year) * 12 + read.as_of.day.month - first.month
    return {
        "result": result,
        "groups": groups,
        "slider": {"first": f"{first.year:04d}-{first.month:02d}", "max": months,
                   "value": min(max(chosen, 0), months)},
        "log_size": result.log_size, "root_hash": result.root_hash,
        "root_checked": result.root_checked,
        "known_at": result.known_at, "position": result.position,
    }  # fmt: skip


def short_title(title: str) -> str:
    """The name a title ends with in parentheses (``... (CFE Treaty)``), else the title.

    Parenthesised names of more than 40 characters are not taken as short names.
    """
    if title.endswith(")") and "(" in title:
        name = title[title.rindex("(") + 1 : -1]
        if 0 < len(name) <= 40:
            return name
    return title


def _row(state: InstrumentState) -> dict[str, Any]:
    ordered = sorted(state.actors, key=lambda row: (status_order(row.status.value), row.actor))
    return {
        "state": state,
        "short": short_title(state.title),
        "by_status": [
            (status, list(rows))
            for status, rows in groupby(ordered, key=lambda row: row.status.value)
        ],
    }


def _first_act(ledger: Ledger, store: str) -> date:
    """The earliest possible day of the first act, kept per store and log size.

    Through the valid-time index where the store has one (the first happening
    in valid-time order), else from the whole timeline.
    """
    key = (store, ledger.log_size)
    if key not in _first_acts:
        reads = ledger.indexed()
        if reads is not None:
            first = next(iter(reads.ordered_acts(key[1], date.max)), None)
            earliest = first.entry.record.valid_time.earliest if first is not None else None
        else:
            acts = timeline_query(ledger).acts
            earliest = date.fromisoformat(acts[0].earliest) if acts else None
        _first_acts[key] = earliest or date.today()
    return _first_acts[key]
