"""Merkle tree hashes, inclusion proofs and consistency proofs of RFC 9162 (CT v2.0).

All functions work on leaf hashes (32-byte SHA-256 digests) in log order and
follow RFC 9162 section 2.1: a leaf hash is ``SHA-256(0x00 || data)``, an
interior node ``SHA-256(0x01 || left || right)``, and a tree of ``n > 1``
leaves splits at ``k``, the largest power of two smaller than ``n``. Indexes
are 0-based (leaf ``i`` is log position ``i + 1``). Pure functions, no I/O.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()
"""The hash of an empty tree (RFC 9162 section 2.1.1)."""


def leaf_hash(data: bytes) -> bytes:
    """Return the hash of one leaf: ``SHA-256(0x00 || data)``."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return the hash of an interior node: ``SHA-256(0x01 || left || right)``."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (``n > 1``)."""
    k = 1
    while k << 1 < n:
        k <<= 1
    return k


def root(leaves: Sequence[bytes]) -> bytes:
    """Return the Merkle tree hash (MTH) of the leaf hashes, in log order.

    Computed bottom-up in O(n) hashes; equal to the recursive definition.
    """
    return frontier_root(extend_frontier([], 0, leaves))


def _subtree_sizes(size: int) -> list[int]:
    """The sizes of the complete subtrees a tree of ``size`` leaves folds into, largest first."""
    return [1 << bit for bit in range(size.bit_length() - 1, -1, -1) if size >> bit & 1]


def extend_frontier(frontier: Sequence[bytes], size: int, leaves: Iterable[bytes]) -> list[bytes]:
    """Append leaf hashes to a tree given by its frontier; return the new frontier.

    The frontier of a tree of ``size`` leaves is the hashes of its complete
    subtrees, one per set bit of ``size``, largest (leftmost) first: the
    binary-counter construction of the RFC's left-balanced tree. It is all
    that is needed to append leaves and to name the root, so the ledger
    keeps it beside each tree head instead of rereading every leaf.

    Raises:
        ValueError: ``frontier`` does not have one hash per set bit of ``size``.
    """
    sizes = _subtree_sizes(size)
    if len(sizes) != len(frontier):
        raise ValueError(f"a tree of {size} leaves has {len(sizes)} subtrees, not {len(frontier)}")
    stack = list(zip(sizes, frontier, strict=True))
    for leaf in leaves:
        width, digest = 1, leaf
        while stack and stack[-1][0] == width:
            left_width, left = stack.pop()
            width, digest = left_width + width, node_hash(left, digest)
        stack.append((width, digest))
    return [digest for _, digest in stack]


def frontier_root(frontier: Sequence[bytes]) -> bytes:
    """Return the root (MTH) of the tree whose frontier is given (see :func:`extend_frontier`)."""
    if not frontier:
        return EMPTY_ROOT
    digest = frontier[-1]
    for left in reversed(frontier[:-1]):
        digest = node_hash(left, digest)
    return digest


def inclusion_path(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """Return the audit path PATH(index, D[n]) for the leaf at 0-based ``index``.

    Raises:
        IndexError: ``index`` is not in ``0 .. len(leaves) - 1``.
    """
    if not 0 <= index < len(leaves):
        raise IndexError(f"leaf {index} is not in a tree of {len(leaves)} leaves")
    if len(leaves) == 1:
        return []
    k = _split(len(leaves))
    if index < k:
        return [*inclusion_path(index, leaves[:k]), root(leaves[k:])]
    return [*inclusion_path(index - k, leaves[k:]), root(leaves[:k])]


def verify_inclusion(
    index: int, tree_size: int, leaf: bytes, path: Sequence[bytes], expected_root: bytes
) -> bool:
    """Check an audit path (RFC 9162 section 2.1.3.2); True when it proves inclusion."""
    if not 0 <= index < tree_size:
        return False
    fn, sn, digest = index, tree_size - 1, leaf
    for sibling in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            digest = node_hash(sibling, digest)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            digest = node_hash(digest, sibling)
        fn >>= 1
        sn >>= 1
    return sn == 0 and digest == expected_root


def consistency_proof(first: int, leaves: Sequence[bytes]) -> list[bytes]:
    """Return PROOF(first, D[n]): the tree of the first ``first`` leaves is a prefix.

    Raises:
        ValueError: ``first`` is not in ``1 .. len(leaves)``.
    """
    if not 0 < first <= len(leaves):
        raise ValueError(f"no consistency proof from {first} to {len(leaves)} leaves")
    return _subproof(first, leaves, True)


def _subproof(m: int, leaves: Sequence[bytes], whole: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if whole else [root(leaves)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, leaves[:k], whole), root(leaves[k:])]
    return [*_subproof(m - k, leaves[k:], False), root(leaves[:k])]


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Check a consistency proof (RFC 9162 section 2.1.4.2); True when ``first`` is a prefix."""
    if first == second:
        return not proof and first_root == second_root
    if not 0 < first < second or not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # an exact power of two
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0


class PackedLeaves(Sequence[bytes]):
    """Leaf hashes in log order, packed 32 bytes each in one buffer.

    A list of a million 32-byte ``bytes`` takes about 80 MB; packed, 32 MB.
    Index it for one hash, slice it (step 1) for a view of a range without
    copying, as the functions above slice their leaves. Append to it only
    while no slice of it is alive.
    """

    def __init__(self, packed: bytes | bytearray | memoryview | None = None) -> None:
        self._packed = bytearray() if packed is None else packed

    def append(self, leaf: bytes) -> None:
        """Add one 32-byte leaf hash at the end."""
        self._packed += leaf

    def __len__(self) -> int:
        return len(self._packed) // 32

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                raise ValueError("packed leaves are sliced with step 1 only")
            stop = max(start, stop)
            return PackedLeaves(memoryview(self._packed)[32 * start : 32 * stop])
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"leaf {index} is not in a tree of {len(self)} leaves")
        return bytes(self._packed[32 * index : 32 * index + 32])

    def __iter__(self) -> Iterator[bytes]:
        packed = self._packed
        for start in range(0, len(packed), 32):
            yield bytes(packed[start : start + 32])
