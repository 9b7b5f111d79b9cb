"""Diff: what changed in status between the close of two valid days, and why.

Both days are replayed as known at the same moment; every instrument status,
actor status and claim that differs becomes a change, named by what it is
(see ``StatusChange.kind``) and tied to the act that made it: an act whose
date (or effective date) is the new status's ``since`` and lies after the
first day, concerning that instrument and, for an actor, naming it (or a
succession naming it as successor); an actor's change names the act that
gave its new role. The acts of the period that change no status (a use of
force, a recognition, an alleged violation, a domestic law) follow, in
valid-time order, so that a period of upheaval never reads "no change".
"""

from __future__ import annotations

from collections.abc import Iterable

from treaty_ledger.ledger.dates import AsOf, valid_time_of
from treaty_ledger.ledger.entries import Entry
from treaty_ledger.ledger.model import Act
from treaty_ledger.ledger.record_time import KnownAt
from treaty_ledger.ledger.vocabulary import CHANGES_NO_STATUS
from treaty_ledger.projections.known import known, standing
from treaty_ledger.projections.models import Diff, OtherAct, StatusChange
from treaty_ledger.projections.replay import replay

_ACTOR_KINDS = {
    "party": "entered",
    "contracting": "consented",
    "signatory": "signed",
    "suspended": "suspended",
    "withdrawing": "notified-withdrawal",
    "withdrawn": "left",
    "proposer": "proposed",
    "addressee": "addressed",
    "participating": "joined",
    "provisionally-applying": "applied-provisionally",
    "former-party": "released",
}
# Act types that can give each status (the first choice when naming a cause).
_CAUSES = {
    "party": {"entry-into-force", "ratification", "acceptance", "approval", "accession",
              "succession"},
    "contracting": {"ratification", "acceptance", "approval", "accession", "succession"},
    "signatory": {"signature", "adoption"},
    "suspended": {"suspension"},
    "withdrawing": {"withdrawal", "denunciation"},
    "withdrawn": {"withdrawal", "denunciation"},
    "proposer": {"proposal", "demands"},
    "addressee": {"proposal", "demands"},
    "in-force": {"entry-into-force"},
    "adopted": {"adoption", "signature", "demands", "ratification", "acceptance", "approval",
                "accession"},
    "draft": {"proposal"},
    "terminated": {"termination"},
    "superseded": {"supersession"},
    "claimed": {"annexation"},
    "participating": {"adoption", "signature", "acceptance", "approval", "accession",
                      "readmission"},
    "provisionally-applying": {"provisional-application"},
    "former-party": {"termination", "supersession"},
}  # fmt: skip
_INSTRUMENT_KINDS = {
    "in-force": "entered-into-force",
    "adopted": "adopted",
    "draft": "drafted",
    "terminated": "terminated",
    "superseded": "superseded",
}


def diff(entries: Iterable[Entry], start: AsOf, end: AsOf, known_at: KnownAt | None = None) -> Diff:
    """Compare the replays of ``start`` and ``end`` (``end`` after ``start``).

    Raises:
        InvalidDate: a known-at position beyond the end of the log.
    """
    entries = list(entries)
    before = replay(entries, start, known_at=known_at)
    after = replay(entries, end, known_at=known_at)
    acts = [
        r.record for r in standing(known(entries, known_at).entries) if isinstance(r.record, Act)
    ]
    window = [a for a in acts if _in_window(a, start, end)]
    old, new = _facts(before), _facts(after)
    changes = []
    for key in sorted(set(old) | set(new)):
        if old.get(key) == new.get(key):
            continue
        change = _change(key, old.get(key), new.get(key), window)
        if key[0] == "actor" and key in new and new[key][2]:
            change = change.model_copy(update={"act": new[key][2]})  # the act behind the role
        changes.append(change)
    quiet = sorted(
        (a for a in window if a.type in CHANGES_NO_STATUS),
        key=lambda a: (a.valid_time.earliest, a.valid_time.latest, a.id),
    )
    return Diff(
        start=start.text, end=end.text, start_day=start.day.isoformat(),
        end_day=end.day.isoformat(), known_at=after.known_at, position=after.position,
        changes=changes,
        other_acts=[
            OtherAct(id=a.id, type=a.type.value, date=a.date, actors=list(a.actors),
                     recipients=list(a.recipients), instrument=a.instrument,
                     territory=a.territory, summary=a.summary,
                     contested_by=sorted(a.contested.by) if a.contested else [])
            for a in quiet
        ],
    )  # fmt: skip


def _in_window(act: Act, start: AsOf, end: AsOf) -> bool:
    times = [act.valid_time] + ([act.effective_time] if act.effective else [])
    return any(start.day < t.latest <= end.day for t in times)


def _facts(result) -> dict[tuple, tuple[str, str, str]]:
    """(subject, id, actor) -> (status, since, the act that gave it, or "")."""
    facts: dict[tuple, tuple[str, str, str]] = {}
    for inst in result.instruments:
        facts[("instrument", inst.id, "")] = (inst.status.value, inst.since, "")
        for row in inst.actors:
            act = next((r.act for r in row.roles if r.status == row.status), "")
            facts[("actor", inst.id, row.actor)] = (row.status.value, row.since, act)
    for claim in result.claims:
        facts[("claim", claim.territory, claim.claimant)] = ("claimed", claim.since, claim.act)
    return facts


def _change(key: tuple, old, new, window: list[Act]) -> StatusChange:
    subject, first, second = key
    text = lambda value: f"{value[0]} since {value[1]}" if value else None  # noqa: E731
    since = new[1] if new else None
    if subject == "claim":
        act = _cause(
            window, since, lambda a: a.territory == first and second in a.actors, "claimed"
        )
        return StatusChange(kind="claimed", territory=first, actor=second, before=text(old),
                            after=text(new), act=act)  # fmt: skip
    if subject == "instrument":
        kind = _INSTRUMENT_KINDS[new[0]] if new else "ended"
        act = _cause(
            window, since, lambda a: first in (a.instrument, a.successor), new[0] if new else ""
        )
        return StatusChange(kind=kind, instrument=first, before=text(old), after=text(new),
                            act=act)  # fmt: skip
    if new is None:
        act = _cause(window, None, lambda a: a.predecessor == second)
        return StatusChange(kind="succeeded", instrument=first, actor=second, before=text(old),
                            after=None, act=act)  # fmt: skip
    act = _cause(
        window,
        since,
        lambda a: (a.instrument == first and (second in a.actors or second in a.recipients or
                   a.type.value == "entry-into-force")) or (a.predecessor and second in a.actors),
        new[0],
    )  # fmt: skip
    return StatusChange(kind=_ACTOR_KINDS[new[0]], instrument=first, actor=second,
                        before=text(old), after=text(new), act=act)  # fmt: skip


def _cause(window: list[Act], since: str | None, concerns, status: str = "") -> str | None:
    """The act in the window that concerns the change and whose date is its ``since``.

    Acts of a type that can give the new status come first.
    """
    candidates = [a for a in window if concerns(a)]
    fitting = [a for a in candidates if a.type.value in _CAUSES.get(status, ())]
    candidates = fitting or candidates
    if since is not None:
        dated = [a for a in candidates if since in (a.date, a.effective)]
        if dated:
            return dated[-1].id
        day = valid_time_of(since)
        near = [a for a in candidates if a.valid_time == day or (a.effective_time == day)]
        if near:
            return near[-1].id
    return candidates[-1].id if candidates else None
