"""Output written as it is computed: the same bytes as ``render``, without holding the rows.

A whole-log answer at a million acts has a million rows. These writers take
its rows one at a time and write each as it comes, so that only the row in
hand is held: a JSON document exactly as ``render.emit_json`` would print it
whole (indented, keys sorted), text line by line, and bytes in chunks of
64 KiB to stdout or a file.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Iterable
from typing import IO

import click

_CHUNK = 1 << 16


class Chunked:
    """Collect bytes and pass them on in chunks of about 64 KiB (call :meth:`flush` at the end).

    ``out`` is a binary file; a text file (UTF-8, as ``--out`` opens one) is
    given each chunk decoded, which is safe since a chunk is always whole
    pieces of text; None is stdout, through click, so that a test runner
    captures it.
    """

    def __init__(self, out: IO[bytes] | IO[str] | None = None) -> None:
        self._parts: list[bytes] = []
        self._size = 0
        self._write: Callable[[bytes], object]
        if out is None:
            self._write = lambda data: click.echo(data, nl=False)
        elif isinstance(out, io.TextIOBase) or "b" not in getattr(out, "mode", "b"):
            self._write = lambda data: out.write(data.decode())
        else:
            self._write = out.write

    def write(self, data: bytes) -> None:
        """Add bytes; pass the collected chunk on when it is large enough."""
        self._parts.append(data)
        self._size += len(data)
        if self._size >= _CHUNK:
            self.flush()

    def flush(self) -> None:
        """Pass on whatever is collected."""
        if self._parts:
            self._write(b"".join(self._parts))
            self._parts, self._size = [], 0


def emit_lines(lines: Iterable[str], out: Chunked | None = None) -> None:
    """Print lines of text as they come, each ending with a newline (UTF-8)."""
    sink = out or Chunked()
    for line in lines:
        sink.write(line.encode() + b"\n")
    sink.flush()


def emit_json_stream(
    head: dict, key: str, items: Iterable[dict], out: Chunked | None = None
) -> None:
    """Print ``head`` with the list ``key`` filled from ``items``, as ``emit_json`` prints it whole.

    The document is indented by two spaces with sorted keys and ends with a
    newline, byte for byte what ``emit_json(head | {key: list(items)})``
    prints; each item is serialised as it comes and dropped. ``head`` must
    hold only JSON-ready data; ``items`` are JSON-ready dicts.
    """
    from treaty_ledger.ledger.integrity.codec import dumps

    sink = out or Chunked()
    marker = f"streamed-{uuid.uuid4().hex}"
    text = dumps(head | {key: [marker]}, pretty=True)
    at = text.index(f'"{marker}"'.encode())
    before, after = text[:at], text[at + len(marker) + 2 :]
    indent = before[before.rindex(b"\n") + 1 :]  # the spaces of the list's items
    opening = before[: -len(indent) - 1]  # up to and with the '[', without the line break
    closing = after[after.index(b"\n") :]  # from the line break before the ']'
    sink.write(opening)
    count = 0
    for item in items:
        lines = dumps(item, pretty=True).split(b"\n")
        sink.write((b",\n" if count else b"\n") + indent + (b"\n" + indent).join(lines))
        count += 1
    if count:
        sink.write(closing + b"\n")
    else:  # an empty list prints as [] on the key's line
        sink.write(b"]" + closing[closing.index(b"]") + 1 :] + b"\n")
    sink.flush()
