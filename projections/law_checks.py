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
    """The findings of the rules above; ``make(severity, rule, acts, detail)`` builds one."""
    return [
        *_delays(acts, instruments, make),
        *_domestic_notices(acts, make),
        *_demands(instruments, make),
        *_urls(acts, instruments, make),
        *_bidi(acts, instruments, make),
    ]


def _delays(acts: list[Act], instruments: dict[str, Instrument], make) -> list:
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


def _domestic_notices(acts: list[Act], make) -> list:
    domestic = {(a.instrument, a.date, actor) for a in acts if a.type is ActType.DOMESTIC_ACT
                for actor in a.actors}  # fmt: skip
    return [
        make("warning", "withdrawal-notice-is-domestic", [act.id],
             f"dated {act.date}, the day of a domestic act by {actor}: the notice runs from the "
             "notification to the depositary")
        for act in acts if act.type in _EXITS
        for actor in act.actors if (act.instrument, act.date, actor) in domestic
    ]  # fmt: skip


def _demands(instruments: dict[str, Instrument], make) -> list:
    return [
        make("error", "demand-names-obligors", [instrument.id],
             f"provision {provision.id} of a {instrument.legal_nature.value} instrument names "
             "obligors; name those it is made of in addressees")
        for instrument in instruments.values()
        if instrument.legal_nature in (LegalNature.DRAFT, LegalNature.UNILATERAL)
        for provision in instrument.provisions
        if provision.obligors is not None and provision.type.value == "demand"
    ]  # fmt: skip


def _urls(acts: list[Act], instruments: dict[str, Instrument], make) -> list:
    citing: dict[tuple[str, str], list[str]] = {}  # one finding per source, naming its records
    for record in [*instruments.values(), *acts]:
        for source in record.sources:
            if source.url is None and any(p in source.publisher for p in ONLINE_PUBLISHERS) \
                    and parse_valid_time(source.date).earliest.year >= 1996:  # fmt: skip
                citing.setdefault((source.title, source.publisher), []).append(record.id)
    return [
        make("warning", "source-without-url", sorted(set(ids)),
             f"{title!r} ({publisher}) has no URL")
        for (title, publisher), ids in sorted(citing.items())
    ]


def _bidi(acts: list[Act], instruments: dict[str, Instrument], make) -> list:
    return [
        make("warning", "bidi-control-in-text", [record.id],
             "a text field holds a bidirectional control character")
        for record in [*instruments.values(), *acts]
        if _BIDI.search(record.model_dump_json())  # pydantic writes the characters unescaped
    ]
