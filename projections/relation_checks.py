"""Check rules for relations between provisions, and for the proposals they link.

* ``relation-without-provision`` (error): a relation whose ``from`` or
  ``to`` names an instrument or provision that does not stand (the import
  refuses these; the rule guards records written by other means, and
  relations left behind when an instrument was retracted).
* ``proposal-without-relation`` (warning): a provision of a proposal (a
  draft, a set of demands, or an instrument some relation links from) that
  no relation links to the regime: ``ledger contrast`` has nothing to say
  of it.
* ``unresolvable-class`` (warning): an ``addressee_class`` outside the
  vocabulary of class rules (``ledger.addressee_classes``), so the states
  it names cannot be resolved.

Pure: the caller passes the standing records and a finding constructor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from treaty_ledger.ledger.addressee_classes import class_rule
from treaty_ledger.ledger.model import Instrument, Relation
from treaty_ledger.projections.contrast import is_proposal

F = TypeVar("F")


def relation_findings(
    relations: Iterable[Relation],
    instruments: dict[str, Instrument],
    finding: Callable[[str, str, list[str], str], F],
) -> list[F]:
    """Return the findings of the rules above; ``finding(severity, rule, ids, detail)`` builds one.

    ``ids`` are record ids: the relation's, or the proposal instrument's.
    """
    relations = list(relations)
    found = []
    for relation in relations:
        for side, end in (("from", relation.from_), ("to", relation.to)):
            instrument = instruments.get(end.instrument)
            if instrument is None:
                detail = f"{side}: no instrument {end.instrument!r} stands"
            elif end.provision not in {p.id for p in instrument.provisions}:
                detail = f"{side}: {end.instrument!r} has no provision {end.provision!r}"
            else:
                continue
            found.append(finding("error", "relation-without-provision", [relation.id], detail))
    linked = {(r.from_.instrument, r.from_.provision) for r in relations}
    for instrument in sorted(instruments.values(), key=lambda item: item.id):
        if not is_proposal(instrument, relations):
            continue
        for provision in instrument.provisions:
            if (instrument.id, provision.id) not in linked:
                found.append(finding(
                    "warning", "proposal-without-relation", [instrument.id],
                    f"provision {provision.id!r} is linked to no other instrument's provision",
                ))  # fmt: skip
            text = provision.addressee_class
            if text is not None and class_rule(text) is None:
                found.append(finding(
                    "warning", "unresolvable-class", [instrument.id],
                    f"provision {provision.id!r}: addressee class {text!r} is not in the "
                    "vocabulary of class rules",
                ))  # fmt: skip
    return found
