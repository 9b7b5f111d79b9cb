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
    head: dict, streams: dict[str, Iterable[dict]], out: Chunked | None = None
) -> None:
    """Print ``head`` with each list of ``streams`` filled as it comes, as ``emit_json`` would.

    The document is indented by two spaces with sorted keys and ends with a
    newline, byte for byte what ``emit_json(head | {key: list(items), ...})``
    prints; each item is serialised as it comes and dropped. The lists are
    read in the order their keys sort (the order they are printed). ``head``
    must hold only JSON-ready data; items are JSON-ready dicts.
    """
    from treaty_ledger.ledger.integrity.codec import dumps

    sink = out or Chunked()
    markers = {f"streamed-{uuid.uuid4().hex}": key for key in streams}
    text = dumps(head | {key: [marker] for marker, key in markers.items()}, pretty=True)
    places = sorted((text.index(f'"{marker}"'.encode()), marker) for marker in markers)
    done = 0
    for at, marker in places:
        before = text[done:at]
        indent = before[before.rindex(b"\n") + 1 :]  # the spaces of the list's items
        sink.write(before[: -len(indent) - 1])  # up to and with the '[', not its line break
        count = 0
        for item in streams[markers[marker]]:
            lines = dumps(item, pretty=True).split(b"\n")
            sink.write((b",\n" if count else b"\n") + indent + (b"\n" + indent).join(lines))
            count += 1
        done = at + len(marker) + 2
        closing = text.index(b"]", done)  # after the line break and the indent of the ']'
        if count:
            sink.write(text[done:closing])
        done = closing  # an empty list prints as [] on the key's line
    sink.write(text[done:] + b"\n")
    sink.flush()
