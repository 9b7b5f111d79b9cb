"""Explain: why the answer for one valid day differs between two moments of record.

``explain`` replays the same as-of day as known at two moments, lists every
difference (an instrument's status, an actor's status toward an instrument,
whom a provision binds, a territorial claim, an indeterminate act), and for
each names its causes: the entries recorded between the two moments (after
the earlier, up to and including the later) that can have changed it.

An entry can change the state when it records or retracts an act, or
corrects one of the fields replay reads (type, dates, actors, recipients,
instrument, predecessor, successor, sequence, territory); a correction of a
summary, a source or a date note changes no status and is never a cause.
Such an entry is a cause of

* a change of an instrument's status, of an actor's status toward it, or
  of whom one of its provisions binds, when the act (in the version the
  entry sets or the one before) concerns that instrument, or is a
  succession of states without an instrument (it reaches every instrument);
* a change of a claim when the act is about that territory;
* a change of an indeterminate act when it is that act.

An actor's change is not narrowed to acts naming the actor: a party's
status also moves with the treaty's entry into force or a predecessor's
succession.
"""

from __future__ import annotations

from collections.abc import Iterable

from treaty_ledger.ledger.dates import AsOf
from treaty_ledger.ledger.entries import Action, Entry
from treaty_ledger.ledger.errors import InvalidDate
from treaty_ledger.ledger.model import Act, Instrument
from treaty_ledger.ledger.record_time import KnownAt
from treaty_ledger.projections.history import concerns_instrument, history_item, with_previous
from treaty_ledger.projections.models import Replay
from treaty_ledger.projections.replay import replay
from treaty_ledger.projections.report_models import Change, Explanation, Moment

Key = tuple[str, ...]


def explain(entries: Iterable[Entry], as_of: AsOf, before: KnownAt, after: KnownAt) -> Explanation:
    """Compare the replays of ``as_of`` known at ``before`` and at ``after``.

    Raises:
        InvalidDate: a known-at position beyond the end of the log, or
            ``after`` earlier in the log than ``before``.
    """
    entries = list(entries)
    first = replay(entries, as_of, known_at=before)
    second = replay(entries, as_of, known_at=after)
    if second.position < first.position:
        raise InvalidDate(
            after.text, f"it is earlier in the log than {before.text}; give the later moment second"
        )
    between = [
        (entry, previous)
        for entry, previous in with_previous(entries)
        if first.position < entry.position <= second.position and _can_change_state(entry)
    ]
    old, new = _facts(first), _facts(second)
    changes = [
        _change(key, old.get(key), new.get(key), between)
        for key in sorted(set(old) | set(new))
        if old.get(key) != new.get(key)
    ]
    return Explanation(
        as_of=as_of.text,
        as_of_day=as_of.day.isoformat(),
        before=Moment(known_at=first.known_at, position=first.position),
        after=Moment(known_at=second.known_at, position=second.position),
        changes=changes,
    )


def _facts(result: Replay) -> dict[Key, str]:
    facts: dict[Key, str] = {}
    for inst in result.instruments:
        facts[("instrument", inst.id)] = f"{inst.status.value} since {inst.since}"
        for row in inst.actors:
            facts[("actor", inst.id, row.actor)] = f"{row.status.value} since {row.since}"
        for prov in inst.provisions:
            facts[("provision", inst.id, prov.id)] = "binds " + (", ".join(prov.bound) or "nobody")
    for claim in result.claims:
        facts[("claim", claim.territory, claim.claimant)] = f"since {claim.since} ({claim.act})"
    for item in result.indeterminate:
        facts[("indeterminate", item.id, item.phase)] = f"{item.phase} {item.date}"
    return facts


def _change(
    key: Key,
    before: str | None,
    after: str | None,
    between: list[tuple[Entry, Instrument | Act | None]],
) -> Change:
    subject = key[0]
    fields: dict[str, str] = {}
    if subject in ("instrument", "actor", "provision"):
        fields["instrument"] = key[1]
    if subject == "actor":
        fields["actor"] = key[2]
    if subject == "provision":
        fields["provision"] = key[2]
    if subject == "claim":
        fields["territory"], fields["actor"] = key[1], key[2]
    if subject == "indeterminate":
        fields["act"] = key[1]
    causes = [
        history_item(entry, previous)
        for entry, previous in between
        if any(_concerns(version, subject, fields) for version in (entry.record, previous))
    ]
    return Change(subject=subject, before=before, after=after, causes=causes, **fields)


_STATE_FIELDS = frozenset(
    {"type", "date", "effective", "actors", "recipients", "instrument", "predecessor",
     "successor", "sequence", "territory", "provisions", "legal_nature"}
)  # fmt: skip


def _can_change_state(entry: Entry) -> bool:
    return entry.action is not Action.CORRECT or bool(_STATE_FIELDS & set(entry.changed))


def _concerns(record: Instrument | Act | None, subject: str, fields: dict[str, str]) -> bool:
    if record is None:
        return False
    if subject == "claim":
        return isinstance(record, Act) and record.territory == fields["territory"]
    if subject == "indeterminate":
        return record.id == fields["act"] and isinstance(record, Act)
    general = isinstance(record, Act) and record.instrument is None and record.predecessor
    return bool(general) or concerns_instrument(record, fields["instrument"])
