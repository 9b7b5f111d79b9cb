"""The one place that knows the wire format of stored events: orjson.

:class:`OrjsonTranscoder` plugs into the eventsourcing library's mapper in
place of its default JSON transcoder. Event state is plain JSON data
(strings, numbers, lists, objects), written with sorted keys so that the same
event always has the same bytes.
"""

from __future__ import annotations

from typing import Any

import orjson
from eventsourcing.persistence import Transcoder


class OrjsonTranscoder(Transcoder):
    """Encode event state as compact, key-sorted JSON (RFC 8259) with orjson.

    ``encode`` accepts JSON-ready data only; it raises ``TypeError``
    (``orjson.JSONEncodeError``) for anything else, such as a datetime or a
    UUID, which the ledger's events never hold. ``decode`` raises
    ``ValueError`` (``orjson.JSONDecodeError``) on bytes that are not JSON.
    """

    def encode(self, obj: Any) -> bytes:
        return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)

    def decode(self, data: bytes) -> Any:
        return orjson.loads(data)


def dumps(data: Any, *, pretty: bool = False) -> bytes:
    """Serialise JSON-ready data: sorted keys, UTF-8, optional indent.

    The result is copied into a bytes object of its own size: orjson's
    output keeps a buffer of at least 4 KiB, which a large import holding
    one encoding per record cannot afford.
    """
    option = orjson.OPT_SORT_KEYS
    if pretty:
        option |= orjson.OPT_INDENT_2
    return bytes(memoryview(orjson.dumps(data, option=option)))


def loads(data: bytes | str) -> Any:
    """Parse JSON text; raises ``ValueError`` on invalid JSON."""
    return orjson.loads(data)
