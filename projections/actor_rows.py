"""The actor rows of a replay, built from the fold's roles without validating them again.

A whole-record replay of a million acts answers with about 300,000 actor rows
(``models.ActorState``) holding 600,000 roles (``models.RoleState``).
Validating each through pydantic took about a quarter of the replay's time,
to check values the fold itself computed: statuses are ``ActorStatus``
members, days and act ids are text, parties are tuples of text
(``projections.roles.Role``). :func:`actor_state` sets the fields directly,
as the dataclasses' validators would set them (a test holds the rows equal,
value for value and type for type, to the validated ones on the shipped
record).

Most roles are toward every party and uncontested: their ``toward`` and
``contested_by`` are one shared empty list, :data:`NO_ONE`, which refuses
every change (the read models are frozen values), instead of two new lists a
role (about 130 MB at a million acts). An actor row's ``toward`` and
``contested_by`` are those of its shown role, the same lists.
"""

from __future__ import annotations

from typing import Any, NoReturn

from treaty_ledger.projections.models import ActorState, RoleState
from treaty_ledger.projections.roles import ActorRoles


class _NoOne(list):
    """An empty list that cannot be changed: shared by every row that names no one."""

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("the lists of a read model are shared and cannot be changed")

    append = extend = insert = remove = pop = clear = sort = reverse = _refuse
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse


NO_ONE: list[str] = _NoOne()
"""The ``toward`` or ``contested_by`` of a role toward every party, uncontested."""

_set = object.__setattr__  # the rows are frozen dataclasses: their own __setattr__ refuses


def _names(parties: tuple[str, ...]) -> list[str]:
    return list(parties) if parties else NO_ONE


def actor_state(code: str, roles: ActorRoles) -> ActorState:
    """Build the read model of one actor's roles toward one instrument, without validation.

    Args:
        code: the actor's code.
        roles: its roles as the fold left them: at least one (the shown one
            is the latest in ``ActorStatus`` order; ``roles`` lists every one
            in that order).

    Raises:
        ValueError: ``roles`` holds no role.
    """
    shown = roles.status
    rows = []
    shown_row = None
    for status, role in sorted(roles.items(), key=lambda item: item[0].rank):
        row = RoleState.__new__(RoleState)
        _set(row, "status", status)
        _set(row, "since", role.since)
        _set(row, "act", role.act)
        _set(row, "toward", _names(role.toward))
        _set(row, "contested_by", _names(role.contested_by))
        _set(row, "provision", role.provision)
        rows.append(row)
        if status is shown:
            shown_row = row
    assert shown_row is not None
    state = ActorState.__new__(ActorState)
    _set(state, "actor", code)
    _set(state, "status", shown)
    _set(state, "since", shown_row.since)
    _set(state, "toward", shown_row.toward)
    _set(state, "contested_by", shown_row.contested_by)
    _set(state, "roles", rows)
    return state
