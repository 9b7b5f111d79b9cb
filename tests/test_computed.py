"""Read models built without validation equal the ones validation builds.

The projections and ``ledger verify`` build their read models with
``ledger.computed.computed``, skipping pydantic's validators (text output
then never builds them). Over the shipped record, through the paths the
reading commands take (the index, the whole log, a known-at moment), each
read model is rebuilt by validation from its own dump and must come out the
same: the same values of the same types (a list, not a tuple; a member of
its vocabulary, not bare text; a nested model, not a dict), model by model.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from pydantic.dataclasses import dataclass

from treaty_ledger.cli.queries import replay_query, timeline_query
from treaty_ledger.cli.record_queries import diff_stream, profile_query
from treaty_ledger.ledger.computed import computed
from treaty_ledger.ledger.dates import parse_as_of
from treaty_ledger.ledger.record_time import parse_known_at
from treaty_ledger.ledger.services.verification import verify
from treaty_ledger.ledger.store.application import Ledger
from treaty_ledger.projections.actor_rows import NO_ONE
from treaty_ledger.projections.catalogue import catalogue
from treaty_ledger.projections.diff import diff
from treaty_ledger.projections.profile import profile
from treaty_ledger.projections.replay import replay
from treaty_ledger.projections.timeline import timeline


@pytest.fixture
def shipped(shipped_store) -> str:
    """The session's store of the shipped record (these tests only read it)."""
    return str(shipped_store)


def _same(built, validated, where: str = "") -> int:
    """Assert equal values of identical types all the way down; count the models compared.

    The one exception: the shared empty list of replay's actor rows
    (``projections.actor_rows.NO_ONE``, a list that refuses changes) stands
    for an empty list.
    """
    if built is NO_ONE:
        assert type(validated) is list and validated == [], where
        return 0
    assert type(built) is type(validated), where
    if isinstance(built, BaseModel):
        names = list(type(built).model_fields)
        assert set(vars(built)) == set(names), where
        return 1 + sum(_same(getattr(built, n), getattr(validated, n), f"{where}.{n}")
                       for n in names)  # fmt: skip
    if dataclasses.is_dataclass(built):
        names = [field.name for field in dataclasses.fields(built)]
        return 1 + sum(_same(getattr(built, n), getattr(validated, n), f"{where}.{n}")
                       for n in names)  # fmt: skip
    if isinstance(built, list):
        pairs = enumerate(zip(built, validated, strict=True))
        return sum(_same(a, b, f"{where}[{i}]") for i, (a, b) in pairs)
    if isinstance(built, dict):
        assert list(built) == list(validated), where
        return sum(_same(built[k], validated[k], f"{where}[{k}]") for k in built)
    assert built == validated, where
    return 0


def _as_validation_builds(model: BaseModel) -> int:
    """Rebuild ``model`` by validation from its dump and compare; the models compared."""
    return _same(model, type(model).model_validate(model.model_dump()), type(model).__name__)


def _with_lists(head: BaseModel, **lists) -> BaseModel:
    return head.model_copy(update={name: list(items) for name, items in lists.items()})


MARCH_2014 = parse_as_of("2014-03")
CASES = {
    "replay through the index": lambda lg: replay_query(lg, MARCH_2014),
    "replay of the whole log, checked": lambda lg: replay_query(lg, MARCH_2014, verify=True),
    "replay of one actor": lambda lg: replay_query(lg, MARCH_2014, actor="RUS"),
    "replay of one instrument": lambda lg: replay_query(lg, parse_as_of("1991"),
                                                       instrument="cfe-1990"),  # fmt: skip
    "replay of the entries": lambda lg: replay(lg.entries(), MARCH_2014),
    "timeline through the index": lambda lg: timeline_query(lg),
    "timeline of an actor": lambda lg: timeline_query(lg, actor="RUS", start=date(2007, 1, 1)),
    "timeline at a moment": lambda lg: timeline_query(lg, known_at=parse_known_at("@200")),
    "timeline of the entries": lambda lg: timeline(lg.entries(), end=date(2000, 1, 1)),
    "instruments": lambda lg: catalogue(lg.entries()),
    "actor, a state": lambda lg: profile_query(lg, "RUS", MARCH_2014, None),
    "actor, a group": lambda lg: profile_query(lg, "NATO", parse_as_of("2024-06"), None),
    "actor, a former state": lambda lg: profile(lg.entries(), "SUN", parse_as_of("1992")),
    "diff through the index": lambda lg: (lambda head, changes, others: _with_lists(
        head, changes=changes, other_acts=others))(*diff_stream(
            lg, parse_as_of("2019-01"), parse_as_of("2019-12"), None)),  # fmt: skip
    "diff of the entries": lambda lg: diff(lg.entries(), parse_as_of("1991"),
                                           parse_as_of("1992")),  # fmt: skip
    "verify": lambda lg: verify(lg),
}


@pytest.mark.parametrize("query", CASES.values(), ids=CASES.keys())
def test_a_read_model_is_built_as_validation_builds_it(query, shipped):
    with Ledger(shipped, read_only=True) as ledger:
        model = query(ledger)
        assert _as_validation_builds(model) >= 1


def test_the_comparison_sees_a_tuple_for_a_list():
    class Row(BaseModel):
        model_config = ConfigDict(defer_build=True)
        names: list[str]

    with pytest.raises(AssertionError), pytest.warns(UserWarning, match="Expected `list"):
        _as_validation_builds(computed(Row, names=("RUS", "USA")))
    assert _as_validation_builds(computed(Row, names=["RUS", "USA"])) == 1


@dataclass(frozen=True, slots=True)
class _Role:
    status: str
    toward: list[str] = Field(default_factory=list)
    note: str | None = None


class _Holder(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)
    roles: list[_Role]
    count: int = 0
    extra: dict = Field(default_factory=dict)


def test_defaults_are_filled_and_only_given_fields_are_set():
    built = computed(_Holder, roles=[computed(_Role, status="party")])
    assert built == _Holder(roles=[_Role(status="party")])
    assert built.model_fields_set == {"roles"}
    assert (built.count, built.extra, built.roles[0].toward, built.roles[0].note) == (
        0, {}, [], None,
    )  # fmt: skip
    assert TypeAdapter(_Role).validate_python({"status": "party"}) == built.roles[0]


@pytest.mark.parametrize(
    ("values", "message"),
    [({}, "_Holder needs roles"), ({"roles": [], "cont": 1}, "_Holder has no field cont")],
    ids=["a required field missing", "an unknown field"],
)
def test_a_slip_in_the_calling_code_is_refused(values, message):
    with pytest.raises(TypeError, match=message):
        computed(_Holder, **values)
