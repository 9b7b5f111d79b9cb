"""The valid-time order in which replay applies acts.

An act happens once on its date; a suspension, withdrawal or denunciation
with an effective date happens a second time, on that date, with no further
act (the *effect*). Happenings are applied in this order, which does not
depend on the order acts were recorded unless everything else is equal:

1. the earliest possible day (inclusive);
2. the latest possible day (inclusive);
3. the explicit same-day ``sequence`` of the act (lower first; an act
   without one counts as 0);
4. the log position of the act's first entry (the order first recorded);
5. the notice before the effect of one act (an effect the fold derives
   comes in the same order, after the notice of acts of the same day).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from treaty_ledger.ledger.dates import ValidTime
from treaty_ledger.ledger.model import Act
from treaty_ledger.projections.known import Standing


class Phase(StrEnum):
    """Which date of an act a happening stands for.

    ``date`` (its notice), ``effective`` (its effect: its ``effective`` date,
    or the end of the period its instrument sets), or ``in-force-for`` (a
    consent given after entry into force taking effect after the delay its
    instrument sets; VCLT art. 24(3)). The last two may be derived by the fold
    (``projections.state``) rather than recorded.
    """

    NOTICE = "date"
    EFFECT = "effective"
    IN_FORCE_FOR = "in-force-for"


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
            self.phase is not Phase.NOTICE,
        )


def happenings(records: Iterable[Standing]) -> list[Happening]:
    """Return every happening of the standing acts, in valid-time order."""
    found = []
    for item in records:
        act = item.record
        if not isinstance(act, Act):
            continue
        found.append(happening(act, item.first_position, effect=False))
        if act.effective is not None:
            found.append(happening(act, item.first_position, effect=True))
    found.sort(key=lambda happening: happening.key)
    return found


def happening(act: Act, first_position: int, effect: bool) -> Happening:
    """The act's notice (``effect`` False) or effect; ``first_position`` as first recorded."""
    if effect:
        return Happening(act.effective_time, act, first_position, Phase.EFFECT)
    return Happening(act.valid_time, act, first_position, Phase.NOTICE)
