"""Actor rows built from the fold without validation equal the ones validation builds.

``projections.actor_rows.actor_state`` sets the fields of ``ActorState`` and
``RoleState`` directly; every whole-record replay goes through it, so it must
give exactly what the validators give from the same roles (same values, same
types), and its shared empty list must refuse to change.
"""

from __future__ import annotations

import pytest
from builders import shipped_entries
from pydantic import TypeAdapter

from treaty_ledger.ledger.dates import parse_as_of
from treaty_ledger.ledger.model import Instrument
from treaty_ledger.projections.actor_rows import NO_ONE, actor_state
from treaty_ledger.projections.known import standing
from treaty_ledger.projections.models import ActorState, RoleState
from treaty_ledger.projections.order import happenings
from treaty_ledger.projections.replay import fold
from treaty_ledger.projections.roles import ActorRoles

_ROWS = TypeAdapter(ActorState)


def _validated(code: str, roles: ActorRoles) -> ActorState:
    """The row as the validators build it from the same roles (the reference)."""
    shown = roles.roles[roles.status]
    return ActorState(
        actor=code,
        status=roles.status.value,
        since=shown.since,
        toward=list(shown.toward),
        contested_by=list(shown.contested_by),
        roles=[
            RoleState(
                status=status.value, since=role.since, act=role.act, toward=list(role.toward),
                contested_by=list(role.contested_by), provision=role.provision,
            )
            for status, role in sorted(roles.roles.items(), key=lambda item: item[0].rank)
        ],
    )  # fmt: skip


@pytest.mark.parametrize("as_of", ["1991-12", "2014-03", "2019-08", "2022-06"])
def test_every_shipped_actor_row_is_built_as_validation_builds_it(as_of):
    records = standing(shipped_entries())
    catalogue = {r.record.id: r.record for r in records if isinstance(r.record, Instrument)}
    state = fold(catalogue, happenings(records), parse_as_of(as_of)).state
    pairs = [(code, roles) for progress in state.instruments.values()
             for code, roles in progress.actors.items() if roles.roles]  # fmt: skip
    assert len(pairs) > 100
    several = 0
    for code, roles in pairs:
        built, validated = actor_state(code, roles), _validated(code, roles)
        assert built == validated
        assert repr(built) == repr(validated)  # enum members, not bare text
        assert type(built.status) is type(validated.status)
        for ours, theirs in zip(built.roles, validated.roles, strict=True):
            assert type(ours.status) is type(theirs.status)
            assert list(ours.toward) == theirs.toward
        several += len(built.roles) > 1
        assert _ROWS.dump_json(built) == _ROWS.dump_json(validated)
    assert several  # some actors hold more than one role


def test_the_shared_empty_list_refuses_every_change():
    for change in (
        lambda: NO_ONE.append("USA"),
        lambda: NO_ONE.extend(["USA"]),
        lambda: NO_ONE.insert(0, "USA"),
        lambda: NO_ONE.__setitem__(slice(0, 0), ["USA"]),
        lambda: NO_ONE.__iadd__(["USA"]),
    ):
        with pytest.raises(TypeError):
            change()
    assert NO_ONE == []
