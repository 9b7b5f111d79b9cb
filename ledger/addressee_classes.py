"""Classes of states a demand names, as a small closed vocabulary of rules.

A provision's ``addressee_class`` is text, as the proposal words it. This
module reads the phrasings the record uses into rules a projection can
resolve against the record's own acts on a given day:

* ``"<GROUP> member States"``: every member of the group that day;
* ``"<GROUP> member States that joined after <D Month YYYY>"``: the members
  that day whose membership began after that day (exclusive).

``GROUP`` is an organisation code whose members are the parties of a
founding treaty (``projections.replay.GROUP_TREATIES``: NATO, CSTO). Any
other phrasing is not machine-resolvable: :func:`class_rule` returns None
and ``ledger check`` flags it. States "bordering" another are not in the
vocabulary: the record holds no sourced table of borders. Nothing here does
I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

_PATTERN = re.compile(
    r"^(?P<group>[A-Z]{2,10}) member [Ss]tates"
    r"(?: that joined after (?P<day>\d{1,2} [A-Z][a-z]+ \d{4}))?$"
)


@dataclass(frozen=True)
class ClassRule:
    """The members of ``group`` on the as-of day, those who joined after ``joined_after`` only.

    ``joined_after`` is exclusive: a state whose membership began on that
    day is not in the class. None: every member.
    """

    group: str
    joined_after: date | None = None

    def admits(self, joined: date) -> bool:
        """Whether a member whose membership began on ``joined`` is in the class."""
        return self.joined_after is None or joined > self.joined_after


def class_rule(text: str) -> ClassRule | None:
    """Read an ``addressee_class`` into its rule; None when the phrasing is not in the vocabulary.

    The day is written in English, day first (``27 May 1997``), as the
    drafts word it; a day that does not exist gives None.
    """
    found = _PATTERN.match(text.strip())
    if found is None:
        return None
    day = found["day"]
    if day is None:
        return ClassRule(found["group"])
    try:
        joined_after = datetime.strptime(day, "%d %B %Y").date()
    except ValueError:
        return None
    return ClassRule(found["group"], joined_after)
