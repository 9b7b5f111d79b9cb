"""The valid-time order in which replay applies acts.

An act happens once on its date; a suspension, withdrawal or denunciation
with an effective date happens a second time, on that date, with no further
act (the *effect*). Happenings are applied in this order, which does not
depend on the order acts were recorded unless everything else is equal:

1. the earliest possible day (inclusive);
2. the latest possible day (inclusive);
3. the explicit same-day ``sequence`` of the act (lower first; an act
   without one counts as 0);
4. the log position of the act's entry (the order first recorded);
5. the notice before the effect of one act.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from ledger.dates import ValidTime
from ledger.entries import Entry
from ledger.model import Act


class Phase(StrEnum):
    """Which date of an act a happening stands for."""

    NOTICE = "notice"
    EFFECT = "effect"


@dataclass(frozen=True)
class Happening:
    """One dated change an act makes: its notice, or its later effect."""

    time: ValidTime
    act: Act
    position: int
    phase: Phase

    @property
    def key(self) -> tuple:
        """The sort key described in the module docstring."""
        return (
            self.time.earliest,
            self.time.latest,
            self.act.sequence or 0,
            self.position,
            self.phase is Phase.EFFECT,
        )


def happenings(entries: Iterable[Entry]) -> list[Happening]:
    """Return every happening of the acts among ``entries``, in valid-time order."""
    found = []
    for entry in entries:
        act = entry.record
        if not isinstance(act, Act):
            continue
        found.append(Happening(act.valid_time, act, entry.position, Phase.NOTICE))
        if act.effective is not None:
            found.append(Happening(act.effective_time, act, entry.position, Phase.EFFECT))
    found.sort(key=lambda happening: happening.key)
    return found
