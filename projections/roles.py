"""Roles: what one actor holds toward one instrument, each with its since, its act and doubts.

Working state of the fold (``projections.state``). An actor may hold several
roles at once (the United States in February 2019 both suspended its INF
obligations and gave notice of withdrawal); the one shown is the role latest
in ``ActorStatus`` order, and every role is reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from treaty_ledger.ledger.vocabulary import ActorStatus

CONSENTING = frozenset(
    {
        ActorStatus.PROVISIONALLY_APPLYING,
        ActorStatus.CONTRACTING,
        ActorStatus.PARTY,
        ActorStatus.PARTICIPATING,
        ActorStatus.SUSPENDED,
        ActorStatus.WITHDRAWING,
    }
)
"""Roles of an actor that has consented and not left: an ending instrument releases them."""


@dataclass(slots=True, frozen=True)
class Role:
    """One role: since when (EDTF), by which act, toward whom, and who contests it.

    Attributes:
        since: the valid time (EDTF text) of the act that first gave it.
        act: the id of that act.
        toward: for a suspension toward named parties only (VCLT art. 60), those
            parties; empty means toward every party.
        contested_by: the actors that reject the validity of the act that gave
            it (``Act.contested``), sorted; empty when uncontested.
        provision: for a suspension in part (VCLT art. 60(1): "in whole or in
            part"), the one provision suspended; None for the whole instrument.
    """

    since: str
    act: str
    toward: tuple[str, ...] = ()
    contested_by: tuple[str, ...] = ()
    provision: str | None = None


class ActorRoles:
    """The roles one actor holds toward one instrument: a small mapping of status to role.

    Held as one flat tuple (status, role, status, role...) in the order the
    roles were given, as a dict keeps them: a whole-record replay keeps one of
    these for every actor of every instrument (about 300,000 at a million
    acts), and a dict of one or two roles takes 250 bytes where this takes
    about 100. ``roles`` is the mapping itself, for readers that name it; it
    answers ``get``, ``[]``, ``[]=``, ``in``, ``len``, iteration (statuses)
    and ``items``.
    """

    __slots__ = ("_held",)

    def __init__(self) -> None:
        self._held: tuple = ()

    @property
    def roles(self) -> ActorRoles:
        """Status to role, for every role held (this mapping itself)."""
        return self

    def get(self, status: ActorStatus, default: Role | None = None) -> Role | None:
        """The role held with that status, or ``default``."""
        held = self._held
        for at in range(0, len(held), 2):
            if held[at] == status:
                return held[at + 1]
        return default

    def __getitem__(self, status: ActorStatus) -> Role:
        role = self.get(status)
        if role is None:
            raise KeyError(status)
        return role

    def __setitem__(self, status: ActorStatus, role: Role) -> None:
        held = self._held
        for at in range(0, len(held), 2):
            if held[at] == status:
                self._held = (*held[: at + 1], role, *held[at + 2 :])
                return
        self._held = (*held, status, role)

    def __contains__(self, status: object) -> bool:
        return status in self._held[::2]

    def __iter__(self) -> Iterator[ActorStatus]:
        return iter(self._held[::2])

    def __len__(self) -> int:
        return len(self._held) // 2

    def items(self) -> list[tuple[ActorStatus, Role]]:
        """(status, role) pairs in the order the roles were given."""
        return list(zip(self._held[::2], self._held[1::2], strict=True))

    def add(self, status: ActorStatus, role: Role) -> None:
        """Give the role unless the actor already holds it (its first since stays)."""
        if status not in self:
            self._held = (*self._held, status, role)

    def drop(self, *statuses: ActorStatus) -> None:
        """Take the roles away."""
        if any(status in self for status in statuses):
            self._held = tuple(
                part for status, role in self.items() if status not in statuses
                for part in (status, role)
            )  # fmt: skip

    @property
    def status(self) -> ActorStatus:
        """The displayed status: the held role latest in ``ActorStatus`` order."""
        return max(self, key=lambda status: status.rank)

    @property
    def since(self) -> str:
        """Since when the displayed status holds."""
        return self[self.status].since

    def holds(self, status: ActorStatus) -> bool:
        """Whether the actor holds the role."""
        return status in self

    def consented(self) -> bool:
        """Whether the actor holds a role of consent it has not left."""
        return any(status in CONSENTING for status in self)


def lapse_suspensions_toward(actors: dict[str, ActorRoles], gone: str) -> None:
    """A suspension toward a party that has left lapses: no relations with it remain (art. 60)."""
    for roles in actors.values():
        held = roles.roles.get(ActorStatus.SUSPENDED)
        if held is not None and held.toward and set(held.toward) <= {gone}:
            roles.drop(ActorStatus.SUSPENDED)


def suspend(roles: ActorRoles, new: Role) -> None:
    """Suspend toward the new role's parties: a wider suspension widens the one held (art. 60).

    A suspension toward every party replaces one toward named parties (from its
    own day), and one of the whole instrument replaces one of a single provision;
    two toward named parties add up, keeping the first since.
    """
    held = roles.roles.get(ActorStatus.SUSPENDED)
    if held is None:
        roles.add(ActorStatus.SUSPENDED, new)
    elif held.provision is not None and new.provision is None:
        roles.roles[ActorStatus.SUSPENDED] = new  # the whole instrument now, not one provision
    elif held.toward and not new.toward and (new.provision is None or held.provision):
        roles.roles[ActorStatus.SUSPENDED] = new
    elif held.toward and new.toward and held.provision == new.provision:
        toward = tuple(sorted(set(held.toward) | set(new.toward)))
        roles.roles[ActorStatus.SUSPENDED] = Role(
            held.since, held.act, toward, held.contested_by, held.provision
        )
