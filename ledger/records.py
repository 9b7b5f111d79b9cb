"""Parse record files (JSON Lines) into validated records, naming what is wrong.

Pure functions over bytes: callers read the files. Every error names where
the record came from (``FILE line N``), its id where it has one, the field
and the offending value.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pydantic import ValidationError

from treaty_ledger.ledger.errors import InvalidRecord, LedgerError
from treaty_ledger.ledger.model import RECORD_ADAPTER, AnyRecord

_KINDS = ("act", "instrument", "relation")


@dataclass(frozen=True)
class Submitted:
    """A validated record and where it came from (``FILE line N``, ``stdin``)."""

    where: str
    record: AnyRecord


def parse_record(data: bytes | str | dict, where: str) -> Submitted:
    """Validate one record given as JSON text or as already-parsed data.

    Raises:
        InvalidRecord: the text is not JSON, not an object, or fails the
            record schema (``ledger schema act``); the message names the
            first offending field and value.
    """
    if isinstance(data, (bytes, str)):
        data = _strict_json(data, where)
    if not isinstance(data, dict):
        raise InvalidRecord(where, None, None, "a record must be a JSON object")
    record_id = data.get("id") if isinstance(data.get("id"), str) else None
    kind = data.get("record") if data.get("record") in _KINDS else "record"
    if kind == "record":
        raise InvalidRecord(
            where,
            record_id,
            "record",
            f"must be 'act', 'instrument' or 'relation', got {data.get('record')!r}",
        )
    try:
        record = RECORD_ADAPTER.validate_python(data)
    except ValidationError as err:
        raise _explain(err, where, record_id, kind) from err
    except LedgerError as err:  # raised by a validator outside pydantic's wrapping
        raise InvalidRecord(where, record_id, None, str(err), kind) from err
    return Submitted(where, record)


def _strict_json(data: bytes | str, where: str) -> object:
    """Parse one JSON text (RFC 8259, UTF-8) refusing duplicate keys and NaN or Infinity."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as err:
            raise InvalidRecord(
                where, None, None, f"not UTF-8 (byte {err.start + 1} is {data[err.start]:#04x})"
            ) from err
    try:
        return _DECODER.decode(data.strip())
    except RecursionError as err:
        raise InvalidRecord(where, None, None, "not a record: JSON nested too deeply") from err
    except json.JSONDecodeError as err:
        raise InvalidRecord(
            where, None, None, f"not valid JSON ({err.msg}; column {err.colno})"
        ) from err
    except ValueError as err:
        raise InvalidRecord(where, None, None, f"not valid JSON ({err})") from err


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    found = dict(pairs)
    if len(found) != len(pairs):
        keys = [key for key, _ in pairs]
        repeated = sorted({key for key in keys if keys.count(key) > 1})
        raise ValueError(f"key {repeated[0]!r} appears twice in one object")
    return found


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not a JSON number")


# One decoder for every line: making one per call costs as much as parsing a record.
_DECODER = json.JSONDecoder(object_pairs_hook=_unique_keys, parse_constant=_no_constant)


def parse_lines(lines: Iterable[bytes], source: str) -> list[Submitted]:
    """Validate every non-blank line of a JSON Lines file.

    Args:
        lines: the file's lines, as bytes, in order.
        source: the file's name, used in messages (``source line N``).

    Returns:
        The records in file order.

    Raises:
        InvalidRecord: at the first line that is not a valid record.
    """
    return list(iter_lines(lines, source))


def iter_lines(lines: Iterable[bytes], source: str) -> Iterator[Submitted]:
    """Validate the non-blank lines of a JSON Lines file one by one, as :func:`parse_lines`.

    Raises:
        InvalidRecord: when the first line that is not a valid record is reached.
    """
    for number, line in enumerate(lines, start=1):
        if line.strip():
            yield parse_record(line, f"{source} line {number}")


def _explain(err: ValidationError, where: str, record_id: str | None, kind: str) -> InvalidRecord:
    first = err.errors(include_url=False)[0]
    # The first location item is the union tag ('act' / 'instrument').
    loc = [str(part) for part in first["loc"][1:]]
    field = ".".join(loc) or None
    message = first["msg"].removeprefix("Value error, ")
    value = first.get("input")
    if first["type"] == "missing":
        detail = "is required"
    elif first["type"] == "extra_forbidden":
        owner = {"sources": "a source", "provisions": "a provision"}.get(loc[0], f"an {kind}")
        owner = owner if len(loc) > 1 else f"an {kind}"
        detail = f"is not a field of {owner}; see 'ledger schema {kind}'"
    elif isinstance(value, dict) or field is None:
        detail = message
    else:
        detail = f"{message} (given {value!r})" if repr(value) not in message else message
    return InvalidRecord(where, record_id, field, detail, kind)
