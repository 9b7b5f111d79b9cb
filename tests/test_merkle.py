"""RFC 9162 Merkle trees: roots, inclusion and consistency proofs, checked both ways."""

from __future__ import annotations

import pytest

from treaty_ledger.ledger.integrity.merkle import (
    EMPTY_ROOT,
    consistency_proof,
    inclusion_path,
    leaf_hash,
    node_hash,
    root,
    verify_consistency,
    verify_inclusion,
)

LEAVES = [leaf_hash(f"d{i}".encode()) for i in range(9)]


def recursive_root(leaves):
    """MTH as RFC 9162 section 2.1.1 defines it, written the slow way."""
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(recursive_root(leaves[:k]), recursive_root(leaves[k:]))


@pytest.mark.parametrize("n", range(1, 10))
def test_root_matches_the_recursive_definition(n):
    assert root(LEAVES[:n]) == recursive_root(LEAVES[:n])


def test_empty_tree_and_leaf_prefixes():
    assert root([]) == EMPTY_ROOT
    assert leaf_hash(b"x") != node_hash(b"", b"x")  # domain separation of leaves and nodes


# The worked example of RFC 9162 section 2.1.5: seven leaves d0..d6.
a, b, c, d, e, f, j = LEAVES[:7]
g, h, i = node_hash(a, b), node_hash(c, d), node_hash(e, f)
k, l_ = node_hash(g, h), node_hash(i, j)
TREE = LEAVES[:7]


@pytest.mark.parametrize(
    ("index", "path"),
    [(0, [b, h, l_]), (3, [c, g, l_]), (4, [f, j, k]), (6, [i, k])],
)
def test_audit_paths_of_the_rfc_example(index, path):
    assert root(TREE) == node_hash(k, l_)
    assert inclusion_path(index, TREE) == path


@pytest.mark.parametrize(
    ("first", "proof"),
    [(3, [c, d, g, l_]), (4, [l_]), (6, [i, j, k])],
)
def test_consistency_proofs_of_the_rfc_example(first, proof):
    assert consistency_proof(first, TREE) == proof
    assert verify_consistency(first, 7, root(TREE[:first]), root(TREE), proof)


@pytest.mark.parametrize("n", range(1, 10))
def test_every_inclusion_proof_verifies_and_a_wrong_one_does_not(n):
    tree = LEAVES[:n]
    expected = root(tree)
    for index in range(n):
        path = inclusion_path(index, tree)
        assert verify_inclusion(index, n, tree[index], path, expected)
        assert not verify_inclusion(index, n, leaf_hash(b"other"), path, expected)
        if path:
            broken = [leaf_hash(b"x"), *path[1:]]
            assert not verify_inclusion(index, n, tree[index], broken, expected)


@pytest.mark.parametrize("n", range(1, 10))
def test_every_consistency_pair_verifies_both_ways(n):
    tree = LEAVES[:n]
    for m in range(1, n + 1):
        proof = consistency_proof(m, tree)
        assert verify_consistency(m, n, root(tree[:m]), root(tree), proof)
        if m < n:
            assert not verify_consistency(m, n, root(LEAVES[1 : m + 1]), root(tree), proof)
            assert not verify_consistency(m, n, root(tree[:m]), leaf_hash(b"x"), proof)
            assert not verify_consistency(m, n, root(tree[:m]), root(tree), proof[:-1])


def test_out_of_range_requests_are_refused():
    with pytest.raises(IndexError):
        inclusion_path(3, LEAVES[:3])
    with pytest.raises(ValueError):
        consistency_proof(0, LEAVES[:3])
    assert not verify_inclusion(5, 3, LEAVES[0], [], root(LEAVES[:3]))
    assert not verify_consistency(4, 3, root(LEAVES[:4]), root(LEAVES[:3]), [LEAVES[0]])
