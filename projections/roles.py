"""Roles: what one actor holds toward one instrument, each with its since, its act and doubts.

Working state of the fold (``projections.state``). An actor may hold several
roles at once (the United States in February 2019 both suspended its INF
obligations and gave notice of withdrawal); the one shown is the role latest
in ``ActorStatus`` order, and every role is reported.
"""

from __future__ import annotations

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


class ActorRoles(dict[ActorStatus, Role]):
    """The roles one actor holds toward one instrument: a dict of status to role.

    A dict itself rather than an object holding one: a whole-record replay
    keeps one for every actor of every instrument (hundreds of thousands in a
    large ledger), and the wrapper would cost a third of each. ``roles`` is
    the dict, for readers that name it.
    """

    __slots__ = ()

    @property
    def roles(self) -> dict[ActorStatus, Role]:
        """Status to role, for every role held."""
        return self

    def add(self, status: ActorStatus, role: Role) -> None:
        """Give the role unless the actor already holds it (its first since stays)."""
        self.setdefault(status, role)

    def drop(self, *statuses: ActorStatus) -> None:
        """Take the roles away."""
        for status in statuses:
            self.pop(status, None)

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
