"""What an import did, kept compactly: a million records reported in tens of megabytes.

An import names every record it added or found already recorded, and the
log position of each entry it wrote. Held as Python tuples and integers, a
million of them take about 170 MB and make every full garbage collection
walk them; here the record kinds are one byte each, the ids one run of
UTF-8 bytes and the positions one array of 64-bit integers, none of them
objects the collector tracks. Both read as the lists they replace (and
compare equal to them).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import overload

_KINDS = ("act", "instrument", "relation")
_CODES = {kind: code for code, kind in enumerate(_KINDS)}


class RecordKeys(Sequence[tuple[str, str]]):
    """``(kind, id)`` pairs in order (kind: ``act``, ``instrument`` or ``relation``).

    Raises:
        KeyError: on appending a pair whose kind is none of those.
    """

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        self._kinds = bytearray()
        self._ends = array("q")
        self._ids = bytearray()
        self.extend(pairs)

    def append(self, pair: tuple[str, str]) -> None:
        """Add one pair at the end."""
        kind, record_id = pair
        self._kinds.append(_CODES[kind])
        self._ids += record_id.encode()
        self._ends.append(len(self._ids))

    def extend(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Add pairs at the end, in order."""
        for pair in pairs:
            self.append(pair)

    def __len__(self) -> int:
        return len(self._kinds)

    @overload
    def __getitem__(self, index: int) -> tuple[str, str]: ...
    @overload
    def __getitem__(self, index: slice) -> list[tuple[str, str]]: ...
    def __getitem__(self, index: int | slice) -> tuple[str, str] | list[tuple[str, str]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("record key index out of range")
        start = self._ends[index - 1] if index else 0
        return _KINDS[self._kinds[index]], self._ids[start : self._ends[index]].decode()

    def __iter__(self) -> Iterator[tuple[str, str]]:
        start = 0
        for code, end in zip(self._kinds, self._ends, strict=True):
            yield _KINDS[code], self._ids[start:end].decode()
            start = end

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(
            mine == tuple(theirs) for mine, theirs in zip(self, other, strict=True)
        )

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"RecordKeys({list(self)!r})"


class Positions(Sequence[int]):
    """Log positions in order, as one array of 64-bit integers."""

    def __init__(self, positions: Iterable[int] = ()) -> None:
        self._items = array("q", positions)

    def extend(self, positions: Iterable[int]) -> None:
        """Add positions at the end, in order."""
        self._items.extend(positions)

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> list[int]: ...
    def __getitem__(self, index: int | slice) -> int | list[int]:
        if isinstance(index, slice):
            return self._items[index].tolist()
        return self._items[index]

    def __iter__(self) -> Iterator[int]:
        return iter(self._items)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"Positions({self._items.tolist()!r})"


@dataclass(frozen=True)
class AppendReport:
    """What an import did.

    Attributes:
        added: ``(kind, id)`` of each record appended, in order.
        already: ``(kind, id)`` of each record that was already recorded
            with the same content.
        positions: log positions of the appended entries, in order.
    """

    added: RecordKeys = field(default_factory=RecordKeys)
    already: RecordKeys = field(default_factory=RecordKeys)
    positions: Positions = field(default_factory=Positions)
