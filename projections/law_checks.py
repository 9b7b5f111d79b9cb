"""Rules of ``ledger check`` for the law of treaties and the sourcing of the record.

* ``in-force-before-delay`` (error): an ``entry-into-force`` act for one state
  dated before its deposit plus the delay its instrument's final clauses set
  (VCLT art. 24(3); Open Skies art. XVII: 60 days).
* ``in-force-after-delay`` (warning): such an act dated after that day; replay
  makes the state a party on the earlier of the two.
* ``delay-not-recorded`` (warning): a treaty that states joined after its
  entry into force, whose final clauses in the record set no delay: replay
  then makes them parties on their deposit.
* ``withdrawal-notice-is-domestic`` (warning): a withdrawal or denunciation
  dated on the day of a domestic act by the same actor on the same
  instrument: its notice is probably the domestic law, not the notification
  to the depositary (VCLT arts. 65-67).
* ``demand-names-obligors`` (error): a provision of a draft or unilateral
  instrument that names obligors: a demand or proposal binds no one but
  those who consent (VCLT arts. 34-35); name them in ``addressees``.
* ``source-without-url`` (warning): a source from 1996 on, by a publisher
  that publishes its texts online, without a URL.
* ``bidi-control-in-text`` (warning): text holding a bidirectional embedding,
  override or isolate character (U+202A-U+202E, U+2066-U+2069), which can
  make text display in another order than it is stored (the "Trojan Source"
  attack, CVE-2021-42574).
"""

from __future__ import annotations

import re

from treaty_ledger.ledger.dates import parse_period, parse_valid_time
from treaty_ledger.ledger.model import Act, Instrument
from treaty_ledger.ledger.vocabulary import CONSENT_TO_BE_BOUND, ActType, LegalNature

ONLINE_PUBLISHERS = (
    "NATO", "OSCE", "United Nations", "UN ", "U.S. Department of State", "Kremlin",
    "President of Russia", "Ministry of Foreign Affairs", "Government of the Netherlands",
    "Global Affairs Canada", "International Court of Justice",
)  # fmt: skip
"""Publishers whose texts from 1996 on are online at their own addresses."""

_EXITS = frozenset({ActType.WITHDRAWAL, ActType.DENUNCIATION})
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def law_findings(acts: list[Act], instruments: dict[str, Instrument], make) -> list:
    """The findings of the rules above; ``make(severity, rule, acts, detail)`` builds one.

    ``acts`` in the order first recorded. ``LawChecks`` finds the same a
    stream of acts at a time (a test holds ``ledger check`` equal both ways).
    """
    law = LawChecks(instruments, make)
    for act in acts:
        law.add(act)
    return [
        *delays(acts, instruments, make),
        *law.domestic_findings(),
        *demand_findings(instruments, make),
        *law.url_findings(),
        *law.bidi,
    ]


class LawChecks:
    """The rules above that read one act at a time, fed acts in any order.

    Held: the days of domestic acts (instrument, date, actor), the
    withdrawals and denunciations (to set against them), the sources
    without a URL (with the ids citing them), the findings of bidirectional
    controls, and the instruments with a general entry into force (whose
    delays ``delays`` checks, one instrument's acts at a time).
    """

    def __init__(self, instruments: dict[str, Instrument], make) -> None:
        self._make = make
        self._domestic: set[tuple[str | None, str, str]] = set()
        self._exits: list[tuple[int, Act]] = []
        self._citing: dict[tuple[str, str], list[str]] = {}
        self.general: set[str] = set()
        """Instruments with an ``entry-into-force`` act naming more than one state."""
        self.bidi = [found for record in instruments.values()
                     if (found := _bidi_finding(record, make)) is not None]  # fmt: skip
        for record in instruments.values():
            self._cite(record)

    def add(self, act: Act, first_position: int = 0) -> None:
        """Take one standing act (first recorded at ``first_position``, the order of findings)."""
        if act.type is ActType.DOMESTIC_ACT:
            self._domestic.update((act.instrument, act.date, actor) for actor in act.actors)
        elif act.type in _EXITS:
            self._exits.append((first_position, act))
        elif act.type is ActType.ENTRY_INTO_FORCE and len(act.actors) > 1 and act.instrument:
            self.general.add(act.instrument)
        self._cite(act)
        found = _bidi_finding(act, self._make)
        if found is not None:
            self.bidi.append(found)

    def _cite(self, record: Act | Instrument) -> None:
        for source in record.sources:
            if source.url is None and any(p in source.publisher for p in ONLINE_PUBLISHERS) \
                    and parse_valid_time(source.date).earliest.year >= 1996:  # fmt: skip
                self._citing.setdefault((source.title, source.publisher), []).append(record.id)

    def domestic_findings(self) -> list:
        """``withdrawal-notice-is-domestic``: exits on the day of a domestic act of theirs."""
        self._exits.sort(key=lambda item: item[0])
        return [
            self._make("warning", "withdrawal-notice-is-domestic", [act.id],
                       f"dated {act.date}, the day of a domestic act by {actor}: the notice "
                       "runs from the notification to the depositary")
            for _, act in self._exits
            for actor in act.actors if (act.instrument, act.date, actor) in self._domestic
        ]  # fmt: skip

    def url_findings(self) -> list:
        """``source-without-url``: one finding per source, naming every record citing it."""
        return [
            self._make("warning", "source-without-url", sorted(set(ids)),
                       f"{title!r} ({publisher}) has no URL")
            for (title, publisher), ids in sorted(self._citing.items())
        ]  # fmt: skip


def delays(acts: list[Act], instruments: dict[str, Instrument], make) -> list:
    """``in-force-before-delay``, ``in-force-after-delay`` and ``delay-not-recorded``.

    ``acts`` in the order first recorded: all of them, or those of one
    instrument (the rules compare an instrument's acts with each other only).
    """
    found = []
    in_force = {a.instrument: a for a in acts
                if a.type is ActType.ENTRY_INTO_FORCE and len(a.actors) > 1}  # fmt: skip
    ended = {a.instrument: a.valid_time.earliest for a in acts
             if a.type in (ActType.TERMINATION, ActType.SUPERSESSION)}  # fmt: skip
    for act in acts:
        general = in_force.get(act.instrument)
        if act.instrument in ended and act.valid_time.latest >= ended[act.instrument]:
            continue  # after the end: another rule's business
        instrument = instruments.get(act.instrument or "")
        if general is None or instrument is None or instrument.legal_nature != LegalNature.TREATY:
            continue
        after = act.valid_time.earliest > general.valid_time.latest
        if act.type not in CONSENT_TO_BE_BOUND or not after:
            continue
        clauses = instrument.final_clauses
        delay = clauses.in_force_for_later_consent_after if clauses else None
        if delay is None:
            found.append(make("warning", "delay-not-recorded", [act.id],
                              f"{instrument.id} sets no delay for states that consent after its "
                              "entry into force; they are parties from their deposit"))  # fmt: skip
            continue
        due = parse_period(delay).after(act.valid_time.earliest)
        for other in acts:
            if (other.type is not ActType.ENTRY_INTO_FORCE or other is general
                    or other.instrument != act.instrument
                    or not set(other.actors) & set(act.actors)):  # fmt: skip
                continue
            if other.valid_time.latest < due:
                found.append(make("error", "in-force-before-delay", [act.id, other.id],
                                  f"{other.date} is before {due} ({delay} after the deposit)"))
            elif other.valid_time.earliest > parse_period(delay).after(act.valid_time.latest):
                found.append(make("warning", "in-force-after-delay", [act.id, other.id],
                                  f"{other.date} is after {due} ({delay} after the deposit); "
                                  "replay makes the state a party on the earlier day"))
    return found


def demand_findings(instruments: dict[str, Instrument], make) -> list:
    """``demand-names-obligors``: provisions of drafts and unilateral instruments with obligors."""
    return [
        make("error", "demand-names-obligors", [instrument.id],
             f"provision {provision.id} of a {instrument.legal_nature.value} instrument names "
             "obligors; name those it is made of in addressees")
        for instrument in instruments.values()
        if instrument.legal_nature in (LegalNature.DRAFT, LegalNature.UNILATERAL)
        for provision in instrument.provisions
        if provision.obligors is not None and provision.type.value == "demand"
    ]  # fmt: skip


def _bidi_finding(record: Act | Instrument, make):
    if _BIDI.search(record.model_dump_json()):  # pydantic writes the characters unescaped
        return make("warning", "bidi-control-in-text", [record.id],
                    "a text field holds a bidirectional control character")  # fmt: skip
    return None
