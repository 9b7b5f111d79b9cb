"""Every whole-log command prints the same bytes streamed through the index as read whole.

Through the valid-time index, the commands that answer from the whole log
check it as a stream and then read it in valid-time order, holding little; a
ledger without the index (here: the same file with its side tables dropped)
is read whole and folded in memory, as every command did before. The two must
print byte for byte the same, for the shipped record and for generated
ledgers that hold every hard case of the index (corrections moving acts in
time and between instruments, retractions, successions, effective dates).
The writers that stream the output are held to printing whole (``emit_json``)
by a property test.
"""

from __future__ import annotations

import io
import shutil
import sqlite3

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from test_index import build

from treaty_ledger.cli.exporting import EXPORTS
from treaty_ledger.cli.main import main
from treaty_ledger.cli.streaming import Chunked, emit_json_stream, emit_lines
from treaty_ledger.ledger.integrity.codec import dumps

AS_OF = "2014-03"
SHIPPED_COMMANDS = [
    ["replay", "--as-of", AS_OF, "--verify", "--json"],
    ["replay", "--as-of", "2024", "--instrument", "vienna-document-2011", "--verify"],
    ["timeline"],
    ["timeline", "--json"],
    ["timeline", "--from", "2007", "--to", "2015-06", "--json"],
    ["timeline", "--known-at", "@100"],
    ["timeline", "--actor", "RUS", "--verify", "--json"],
    *[["export", name, "--as-of", AS_OF, "--format", fmt]
      for name in EXPORTS for fmt in ("json", "ndjson", "csv")],  # fmt: skip
    ["export", "acts", "--as-of", "2024", "--format", "plover"],
    ["export", "demands", "--as-of", "2022", "--known-at", "@160"],
    ["export", "contrast", "--as-of", "2021-12", "--format", "json"],
    ["diff", "--from", "2014-01", "--to", "2014-12", "--json"],
    ["diff", "--from", "1990", "--to", "2024"],
    ["diff", "--from", "1950", "--to", "2024", "--json"],
    ["actor", "RUS", "--as-of", AS_OF, "--json"],
    ["actor", "NATO", "--as-of", "2024-06"],
    ["actor", "SUN", "--as-of", "1990", "--json"],
    ["history", "--instrument", "inf-1987", "--json"],
    ["history", "--actor", "UKR"],
    ["history", "crimea-accession-treaty-2014.rus.annexation.crimea", "--known-at", "@160"],
    ["check", "--json"],
    ["check"],
    ["verify", "--json"],
    ["instruments", "--json"],
    ["export-log"],
    ["checkpoint"],
]
GENERATED_COMMANDS = [
    ["replay", "--as-of", "2030", "--verify", "--json"],
    ["timeline", "--json"],
    ["timeline", "--from", "1995", "--to", "2010-06", "--known-at", "@40"],
    *[["export", name, "--as-of", as_of, "--format", "json"]
      for name in EXPORTS for as_of in ("1999-06", "2030")],  # fmt: skip
    ["export", "acts", "--as-of", "2030", "--format", "plover"],
    ["diff", "--from", "1990", "--to", "2014-03", "--json"],
    ["diff", "--from", "2000", "--to", "2030", "--known-at", "@50", "--json"],
    ["diff", "--from", "1985", "--to", "2030"],
    *[["actor", code, "--as-of", "2030", "--json"] for code in ("RUS", "SUN", "CZE", "POL")],
    ["history", "--instrument", "treaty-2", "--json"],
    ["history", "--actor", "RUS", "--known-at", "@60", "--json"],
    ["history", "--actor", "SUN", "--json"],
    ["history", "--actor", "CSK"],
    ["history", "act-7", "--json"],
    ["check", "--json"],
    ["export-log"],
]
CHARTS = [
    ["chart", "--from", "1990", "--to", "2024"],
    ["chart", "--from", "1992", "--to", "2022", "--by", "actor", "--instrument", "open-skies-1992"],
]


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    folder = tmp_path_factory.mktemp("shipped")
    store = folder / "indexed.db"
    result = CliRunner().invoke(main, ["import", "--shipped", "--store", str(store)])
    assert result.exit_code == 0, result.output
    return _pair(store, folder)


@pytest.fixture(scope="module", params=[0, 1, 2])
def generated(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("generated")
    store = folder / "indexed.db"
    build(str(store), seed=request.param)
    return _pair(store, folder)


def _pair(store, folder):
    """The ledger with its index, and a copy without its side tables (read whole)."""
    scanned = folder / "scanned.db"
    shutil.copy(store, scanned)
    conn = sqlite3.connect(scanned)
    for table in ("valid_time_index", "subject_index", "tree_heads"):
        conn.execute(f"DROP TABLE {table}")
    conn.commit()
    conn.close()
    return str(store), str(scanned)


def _outputs(pair, args):
    runner = CliRunner()
    results = [runner.invoke(main, [*args, "--store", store, "--read-only"]) for store in pair]
    return [(result.exit_code, result.output) for result in results]


@pytest.mark.parametrize("args", SHIPPED_COMMANDS, ids=" ".join)
def test_the_shipped_record_prints_the_same_streamed_as_read_whole(shipped, args):
    streamed, whole = _outputs(shipped, args)
    assert streamed == whole
    assert streamed[0] in (0, 1) and len(streamed[1]) > 40


@pytest.mark.parametrize("args", GENERATED_COMMANDS, ids=" ".join)
def test_generated_ledgers_print_the_same_streamed_as_read_whole(generated, args):
    streamed, whole = _outputs(generated, args)
    assert streamed == whole
    assert streamed[0] in (0, 1) and len(streamed[1]) > 40


GENERATED_CHARTS = [
    ["chart", "--from", "1985", "--to", "2025", "--instrument", "treaty-1", "--instrument",
     "treaty-3"],
    ["chart", "--from", "1985", "--to", "2025", "--by", "actor", "--instrument", "treaty-1",
     "--known-at", "@60"],
]  # fmt: skip


@pytest.mark.parametrize("args", CHARTS, ids=" ".join)
def test_a_chart_is_drawn_the_same_streamed_as_read_whole(shipped, args, tmp_path):
    _same_charts(shipped, args, tmp_path)


@pytest.mark.parametrize("args", GENERATED_CHARTS, ids=" ".join)
def test_a_chart_of_a_generated_ledger_is_drawn_the_same_both_ways(generated, args, tmp_path):
    _same_charts(generated, args, tmp_path)


def _same_charts(pair, args, tmp_path):
    runner = CliRunner()
    drawn = []
    for number, store in enumerate(pair):
        out = tmp_path / f"{number}.svg"
        result = runner.invoke(main, [*args, "--out", str(out), "--store", store, "--read-only"])
        drawn.append((result.exit_code, result.output.replace(str(out), "OUT"),
                       out.read_bytes() if out.exists() else None))  # fmt: skip
    assert drawn[0] == drawn[1]
    assert drawn[0][0] == 0 or "nothing to draw" in drawn[0][1]


_TEXT = st.text(max_size=8)
_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | _TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(
    head=st.dictionaries(_TEXT, _VALUES, max_size=4),
    lists=st.dictionaries(
        _TEXT, st.lists(st.dictionaries(_TEXT, _VALUES, max_size=3), max_size=4), max_size=3
    ),
)
def test_a_streamed_json_document_is_the_document_printed_whole(head, lists):
    buffer = io.BytesIO()
    head = {name: value for name, value in head.items() if name not in lists}
    streams = {key: iter(items) for key, items in lists.items()}
    emit_json_stream(head, streams, Chunked(buffer))
    assert buffer.getvalue() == dumps(head | lists, pretty=True) + b"\n"


def test_lines_are_written_each_with_its_newline_in_chunks():
    buffer = io.BytesIO()
    lines = [f"line {n} é" for n in range(20_000)]
    emit_lines(iter(lines), Chunked(buffer))
    assert buffer.getvalue() == ("\n".join(lines) + "\n").encode()
