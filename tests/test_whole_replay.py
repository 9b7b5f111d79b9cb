"""The whole-record replay pauses the cyclic garbage collector, and restores it."""

from __future__ import annotations

import gc

import pytest

from treaty_ledger.cli import queries
from treaty_ledger.cli.queries import collector_paused


@pytest.fixture
def collector():
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


def test_the_collector_is_paused_within_and_running_after(collector):
    gc.enable()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_paused_before_stays_paused(collector):
    gc.disable()
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_the_collector_runs_again_after_an_error(collector):
    gc.enable()
    with pytest.raises(KeyError), collector_paused():
        raise KeyError("x")
    assert gc.isenabled()


def test_the_fold_and_the_read_models_run_paused(collector, monkeypatch):
    seen = []

    class Parts:
        head = queries.Replay(as_of="2014", as_of_day="2014-12-31", known_at="", position=0,
                              instruments=[], claims=[], indeterminate=[])  # fmt: skip

        @property
        def instruments(self):
            seen.append(("read models", gc.isenabled()))
            return iter([])

    def parts(*args, **kwargs):
        seen.append(("fold", gc.isenabled()))
        return Parts()

    monkeypatch.setattr(queries, "whole_replay_parts", parts)
    gc.enable()
    queries.whole_replay(None, 0, "", None)  # type: ignore[arg-type]
    assert seen == [("fold", False), ("read models", False)]
    assert gc.isenabled()
