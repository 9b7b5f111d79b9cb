"""Memberships: one actor's status toward each instrument over time, without a database."""

from __future__ import annotations

from datetime import date

from builders import act, entries, instrument

from treaty_ledger.ledger.record_time import KnownAt
from treaty_ledger.projections.memberships import Membership, memberships

LOG = entries(
    instrument("t-1"),
    act("t-1.sig", "signature", "1990-01-10", ["FRA", "USA"], "t-1"),
    act("t-1.rat", "ratification", "1991-02-01", ["USA"], "t-1"),
    act("t-1.eif", "entry-into-force", "1992-03-01", ["USA"], "t-1"),
    act("t-1.usa.susp", "suspension", "2007-07-14", ["USA"], "t-1", effective="2007-12-12"),
    act("t-1.term", "termination", "2019-08-02", ["USA"], "t-1"),
)


def test_each_status_holds_until_the_next_change_and_an_ended_treaty_is_said_so():
    assert memberships(LOG, "USA") == [
        Membership("t-1", "signatory", date(1990, 1, 10), date(1991, 2, 1)),
        Membership("t-1", "contracting", date(1991, 2, 1), date(1992, 3, 1)),
        Membership("t-1", "party", date(1992, 3, 1), date(2007, 12, 12)),
        Membership("t-1", "suspended", date(2007, 12, 12), date(2019, 8, 2)),
        Membership("t-1", "ended", date(2019, 8, 2), None),
    ]


def test_an_actor_with_no_status_has_no_membership_and_known_at_cuts_the_record():
    assert memberships(LOG, "GBR") == []
    assert memberships(LOG, "USA", KnownAt("@2", position=2)) == [
        Membership("t-1", "signatory", date(1990, 1, 10), None)
    ]
