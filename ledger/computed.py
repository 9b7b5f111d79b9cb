"""Models built from values the ledger's own code computed, without pydantic's validators.

A read model (a replay, a timeline, a diff, a report of ``ledger verify``)
is filled with values a projection or service computed from entries whose
hashes matched: strings, whole numbers, members of the vocabularies, lists
of them, and records and read models already built. Validating them again
would first build the model's validator, which on a small ledger costs a
reading command more than the reading (and, for the first validator of a
process, loading pydantic's plugin machinery with ``importlib.metadata``).
:func:`computed` sets the fields as ``BaseModel.model_construct`` does, with
the defaults of the fields not given; for a pydantic dataclass, it sets the
fields as the dataclass's own ``__init__`` would.

Only for values of the field's own type, as validation would leave them:
a list where the field is a list (not a tuple), a member of the enumeration
where it is one, a built model where it is a model. Tests hold each read
model built so equal, value for value and type for type, to the one
validation builds (``tests/test_computed.py``). Serialising one (``--json``)
builds the serializer then, as before. Pure: no I/O.
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M")
_set = object.__setattr__


@cache
def _fields(model: type) -> tuple[tuple[tuple[str, Any], ...], frozenset[str]]:
    """Each field of a model or pydantic dataclass, in order, with its default's function.

    The function is None for a required field; then the set of the names.
    """
    shape = []
    for name, info in model.__pydantic_fields__.items():  # type: ignore[attr-defined]
        if info.is_required():
            shape.append((name, None))
        elif info.default_factory is not None:
            shape.append((name, info.default_factory))
        else:
            shape.append((name, lambda default=info.default: default))
    return tuple(shape), frozenset(name for name, _ in shape)


def computed(model: type[M], /, **values: Any) -> M:
    """Build ``model`` (a pydantic model or dataclass) from computed ``values``, unvalidated.

    ``values``: field name to value, each of the field's own type; a field not
    given takes its default.

    Raises:
        TypeError: a required field is missing, or a name is not a field of
            ``model`` (a slip in the calling code, not in data).
    """
    shape, names = _fields(model)
    if not names.issuperset(values):
        unknown = ", ".join(sorted(values.keys() - names))
        raise TypeError(f"{model.__name__} has no field {unknown}")
    fields = {}  # in the fields' order, as validation sets them
    for name, default in shape:
        if name in values:
            fields[name] = values[name]
        elif default is None:
            raise TypeError(f"{model.__name__} needs {name}")
        else:
            fields[name] = default()
    built = model.__new__(model)
    if isinstance(built, BaseModel):
        _set(built, "__dict__", fields)
        _set(built, "__pydantic_fields_set__", set(values))
        _set(built, "__pydantic_extra__", None)
        _set(built, "__pydantic_private__", None)
    else:
        for name, value in fields.items():
            _set(built, name, value)
    return built
