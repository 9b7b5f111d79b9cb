"""The rules a record follows beyond the types of its fields, as plain functions of its values.

Written once and used twice: by the pydantic models of ``ledger.model`` (their
validators) and by the import's fast path (``ledger.contents``), which checks
the same values as plain JSON data. Each function returns the message of the
first rule broken, exactly as a user reads it after the field name, or None.
Nothing here does I/O.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from treaty_ledger.ledger.dates import valid_time_of
from treaty_ledger.ledger.vocabulary import NEEDS_INSTRUMENT, WITH_EFFECTIVE_DATE, ActType

CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")
"""Characters one line of text may not hold: control characters and line separators."""


def text_problem(value: str) -> str | None:
    """Why ``value`` is not one line of text (blank, or holding a control character), or None."""
    if not value.strip():
        return "must not be blank"
    if CONTROL.search(value):
        return "must be one line with no control characters (no newlines or tabs)"
    return None


def repeated_codes(codes: Sequence[str]) -> str | None:
    """``"RUS, USA listed twice"`` when a list of actor codes repeats a code, else None."""
    if len(set(codes)) == len(codes):
        return None
    repeated = sorted(code for code, count in Counter(codes).items() if count > 1)
    return f"{', '.join(repeated)} listed twice"


def provision_problem(
    obligors: object, addressees: Sequence[str], addressee_class: object
) -> str | None:
    """Why a provision names no one (neither obligors nor addressees of any kind), or None."""
    if obligors is None and not addressees and addressee_class is None:
        return "a provision names its obligors, its addressees, or both"
    return None


def repeated_provisions(ids: Iterable[str]) -> str | None:
    """Which provision ids of one instrument repeat (counted in linear time), or None."""
    counts = Counter(ids)
    duplicates = sorted(pid for pid, count in counts.items() if count > 1)
    return f"provision ids repeat: {', '.join(duplicates)}" if duplicates else None


def relation_problem(from_instrument: str, to_instrument: str) -> str | None:
    """Why a relation is refused (it links two provisions of one instrument), or None."""
    if from_instrument == to_instrument:
        return "a relation links provisions of two different instruments"
    return None


def act_problem(
    kind: str,
    date: str,
    *,
    effective: str | None = None,
    instrument: str | None = None,
    provision: str | None = None,
    predecessor: str | None = None,
    successor: str | None = None,
    territory: str | None = None,
    recipients: Sequence[str] = (),
    actors: Sequence[str] = (),
) -> str | None:
    """The first rule by type an act breaks, or None.

    ``kind`` is an act type's value (``ActType`` or its text); ``date`` and
    ``effective`` are EDTF values already accepted (``ledger.dates``).
    The rules: an instrument for the types that always concern one; an
    effective date only for suspensions, withdrawals and denunciations, and
    never before the notice; a provision only with its instrument; a
    predecessor only, and an instrument or predecessor always, for a
    succession; a successor only, and always, for a supersession, never the
    instrument itself; a territory for annexations and recognitions;
    recipients for alleged violations and demands; no actor among the act's own
    recipients (a state does not suspend a treaty toward itself, accuse or
    make demands of itself: VCLT art. 60 suspends toward another party).
    """
    value = str(kind)
    if kind in NEEDS_INSTRUMENT and instrument is None:
        return f"an act of type {value!r} needs an instrument"
    if effective is not None:
        if kind not in WITH_EFFECTIVE_DATE:
            return f"an act of type {value!r} has no effective date"
        if valid_time_of(effective).latest < valid_time_of(date).earliest:
            return f"effective date {effective!r} is before the notice {date!r}"
    if provision is not None and instrument is None:
        return "a provision needs its instrument"
    if kind == ActType.SUCCESSION and instrument is None and predecessor is None:
        return "a succession needs a predecessor, an instrument, or both"
    if kind != ActType.SUCCESSION and predecessor is not None:
        return "only a succession has a predecessor"
    if kind == ActType.SUPERSESSION:
        if successor is None:
            return "a supersession needs the successor instrument"
        if successor == instrument:
            return "an instrument cannot supersede itself"
    elif successor is not None:
        return "only a supersession has a successor"
    if kind in (ActType.ANNEXATION, ActType.RECOGNITION) and territory is None:
        return f"an act of type {value!r} needs a territory"
    if kind in (ActType.ALLEGED_VIOLATION, ActType.DEMANDS) and not recipients:
        return f"an act of type {value!r} needs recipients"
    if own := next((code for code in recipients if code in actors), None):
        return f"{own} is both an actor and a recipient of the act"
    return None
