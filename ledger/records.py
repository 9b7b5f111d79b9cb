"""Parse record files (JSON Lines) into validated records, naming what is wrong.

Pure functions over bytes: callers read the files. Every error names where
the record came from (``FILE line N``), its id where it has one, the field
and the offending value.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from pydantic import ValidationError

from treaty_ledger.ledger.errors import InvalidRecord, LedgerError, NoRecords, quoted
from treaty_ledger.ledger.model import MAX_PROVISIONS, RECORD_ADAPTER, AnyRecord

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
    data = _nfc(data)
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
    provisions = data.get("provisions")
    if isinstance(provisions, list) and len(provisions) > MAX_PROVISIONS:  # before validating
        raise InvalidRecord(
            where, record_id, "provisions",
            f"{len(provisions)} provisions; an instrument has at most {MAX_PROVISIONS:,}", kind,
        )  # fmt: skip
    try:
        record = RECORD_ADAPTER.validate_python(data)
    except ValidationError as err:
        raise _explain(err, where, record_id, kind) from err
    except LedgerError as err:  # raised by a validator outside pydantic's wrapping
        raise InvalidRecord(where, record_id, None, str(err), kind) from err
    return Submitted(where, record)


def _nfc(value: object) -> object:
    """Every string in parsed JSON (keys too) in Unicode normalisation form NFC.

    The same text typed with a combining accent or a precomposed letter is
    then one record, with one hash.
    """
    if isinstance(value, str):
        return value if value.isascii() else unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_nfc(item) for item in value]
    if isinstance(value, dict):
        return {_nfc(key): _nfc(item) for key, item in value.items()}
    return value


def _strict_json(data: bytes | str, where: str) -> object:
    """Parse one JSON text (RFC 8259, UTF-8) refusing duplicate keys and NaN or Infinity."""
    if isinstance(data, bytes) and data.startswith(_BOM):
        raise InvalidRecord(
            where, None, None,
            "starts with a UTF-8 byte order mark (BOM, bytes EF BB BF); save the file as UTF-8 "
            "without one",
        )  # fmt: skip
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
        at = f"line {err.lineno}, column {err.colno}" if err.lineno > 1 else f"column {err.colno}"
        more = (  # a second record on a line of its own, as in a file for 'ledger import'
            ": one record is given here; 'ledger import' takes a file of one record a line"
            if err.msg == "Extra data" and err.lineno > 1 else ""
        )  # fmt: skip
        raise InvalidRecord(where, None, None, f"not valid JSON ({err.msg}; {at}){more}") from err
    except ValueError as err:
        raise InvalidRecord(where, None, None, f"not valid JSON ({err})") from err


MAX_KEYS = 1_000
"""At most this many keys in one JSON object of a record (a valid one has at most a dozen)."""


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    if len(pairs) > MAX_KEYS:
        raise ValueError(f"an object has {len(pairs)} keys; a record's objects have at most "
                         f"{MAX_KEYS:,}")  # fmt: skip
    found = dict(pairs)
    if len(found) != len(pairs):
        keys = [key for key, _ in pairs]
        repeated = sorted({key for key in keys if keys.count(key) > 1})
        raise ValueError(f"key {repeated[0]!r} appears twice in one object")
    return found


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not a JSON number")


_BOM = b"\xef\xbb\xbf"

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
        NoRecords: the lines hold no record at all (an empty file is a mistake).
    """
    for line, where in record_lines(lines, source):
        yield parse_record(line, where)


def record_lines(lines: Iterable[bytes], source: str) -> Iterator[tuple[bytes, str]]:
    """Yield each non-blank line of a JSON Lines file with its place (``source line N``, 1-based).

    Raises:
        NoRecords: the lines hold no record at all (an empty file is a mistake).
    """
    found = False
    for number, line in enumerate(lines, start=1):
        if line.strip():
            found = True
            yield line, f"{source} line {number}"
    if not found:
        raise NoRecords(source)


MAX_LINE_BYTES = 16 * 1024 * 1024
"""The longest line read: far above the largest valid record (10,000 provisions take ~1 MB)."""


def bounded_lines(handle: BinaryIO, source: str) -> Iterator[bytes]:
    """Yield the lines of a binary file, never holding more than one bounded line.

    A file without newlines (``/dev/zero``) or with one huge line is refused
    after :data:`MAX_LINE_BYTES`, not read into memory.

    Raises:
        InvalidRecord: a line is longer than :data:`MAX_LINE_BYTES`.
    """
    number = 0
    while line := handle.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(line) > MAX_LINE_BYTES:
            raise InvalidRecord(
                f"{source} line {number}", None, None,
                f"the line is longer than {MAX_LINE_BYTES:,} bytes; no record is that large",
            )  # fmt: skip
        yield line


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
        detail = f"{message} (given {quoted(value)})" if repr(value) not in message else message
    return InvalidRecord(where, record_id, field, detail, kind)
