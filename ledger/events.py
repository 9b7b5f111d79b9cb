"""Domain events the ledger appends to its event store.

Plain frozen dataclasses with no dependency on the event store library: the
store (``ledger.store.application``) maps them to stored events through the codec
(``ledger.integrity.codec``). Their module and class names are part of the stored
topic, so they must not move.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Recorded:
    """A record (an instrument or an act) was appended to the ledger.

    Attributes:
        originator_id: ``"instrument:<id>"`` or ``"act:<id>"``.
        originator_version: 1 for the first entry of that record.
        recorded_at: record time, a UTC instant in ISO 8601 with ``Z``
            (``2026-11-29T23:43:28.123456Z``).
        recorded_by: who appended it (``--by``, ``LEDGER_USER`` or the OS user).
        record: the record's content as JSON-ready data (``record_content``).
    """

    originator_id: str
    originator_version: int
    recorded_at: str
    recorded_by: str
    record: dict[str, Any]


@dataclass(frozen=True)
class Corrected:
    """An earlier record was corrected; the entry it corrects is untouched.

    Attributes:
        record: the record's full content after the correction.
        changed: names of the fields that differ from the version before, sorted.
        reason: why, in the recorder's words.
        sources: sources of the correction (JSON-ready, at least one).
        Others as in :class:`Recorded`.
    """

    originator_id: str
    originator_version: int
    recorded_at: str
    recorded_by: str
    record: dict[str, Any]
    changed: list[str]
    reason: str
    sources: list[dict[str, Any]]


@dataclass(frozen=True)
class Retracted:
    """An earlier record was retracted: replay no longer applies it.

    Attributes:
        record: the record's content as it stood when retracted.
        reason: why, in the recorder's words.
        sources: sources of the retraction (JSON-ready, at least one).
        Others as in :class:`Recorded`.
    """

    originator_id: str
    originator_version: int
    recorded_at: str
    recorded_by: str
    record: dict[str, Any]
    reason: str
    sources: list[dict[str, Any]]
