"""The valid-time index: answers through it equal answers from scanning the whole log.

Generated ledgers (seeded, so a failure can be replayed) hold every kind of
act the fold treats specially, imprecise dates, effective dates, successions,
supersessions, corrections that move acts in time or between instruments and
actors, and retractions; they are appended in several transactions so that
known-at moments fall between and inside them.
"""

from __future__ import annotations

import random
import sqlite3

import pytest
from builders import SOURCE, Clock, act, instrument

from treaty_ledger.cli.queries import replay_query, timeline_query
from treaty_ledger.ledger.dates import first_day, parse_as_of
from treaty_ledger.ledger.errors import LedgerError, StoreError
from treaty_ledger.ledger.integrity.merkle import root
from treaty_ledger.ledger.model import Source
from treaty_ledger.ledger.record_time import format_instant, parse_known_at
from treaty_ledger.ledger.records import Submitted
from treaty_ledger.ledger.services.importer import append_records
from treaty_ledger.ledger.services.revisions import correct, retract
from treaty_ledger.ledger.store.application import Ledger
from treaty_ledger.projections.known import standing
from treaty_ledger.projections.order import happenings
from treaty_ledger.projections.replay import replay
from treaty_ledger.projections.timeline import timeline

ACTORS = ["USA", "GBR", "FRA", "DEU", "POL", "RUS", "UKR", "BLR", "SUN", "CSK", "CZE", "SVK"]
INSTRUMENTS = [f"treaty-{n}" for n in range(6)]
WHY = {"reason": "generated revision", "sources": [Source.model_validate(SOURCE)]}


def _date(rng: random.Random) -> str:
    year = rng.randrange(1985, 2025)
    shape = rng.random()
    if shape < 0.15:
        return f"{year}"
    if shape < 0.35:
        return f"{year}-{rng.randrange(1, 13):02d}"
    if shape < 0.45:
        return f"[{year}-03-01,{year}-03-02]"
    return f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"


def _act(rng: random.Random, number: int):
    kind = rng.choice(
        ["signature", "ratification", "accession", "entry-into-force", "suspension",
         "withdrawal", "proposal", "demands", "alleged-violation", "termination",
         "supersession", "succession", "annexation", "doctrinal-statement"]
    )  # fmt: skip
    treaty = rng.choice(INSTRUMENTS)
    date = _date(rng)
    actors = rng.sample(ACTORS, rng.randrange(1, 3))
    extra: dict = {}
    if kind in ("suspension", "withdrawal") and rng.random() < 0.5:
        year = int(date.strip("[")[:4])
        extra["effective"] = f"{year + 1}-06-30"
    if kind in ("demands", "alleged-violation"):
        recipient = rng.choice(ACTORS)
        while recipient in actors:  # no actor is among its own act's recipients: the next code
            recipient = ACTORS[(ACTORS.index(recipient) + 1) % len(ACTORS)]
        extra["recipients"] = [recipient]
    if kind == "supersession":
        extra["successor"] = rng.choice([i for i in INSTRUMENTS if i != treaty])
    if kind == "succession":
        predecessor, successor = rng.choice([("SUN", "RUS"), ("CSK", "CZE"), ("CSK", "SVK")])
        extra["predecessor"], actors = predecessor, [successor]
        treaty = treaty if rng.random() < 0.3 else None
    if kind == "annexation":
        extra["territory"] = rng.choice(["Crimea", "Sevastopol"])
        treaty = None
    if kind == "doctrinal-statement" and rng.random() < 0.5:
        treaty = None
    return act(f"act-{number}", kind, date, actors, treaty, **extra)


def build(location: str, seed: int) -> None:
    """Append a generated ledger in four transactions, with revisions between them."""
    rng = random.Random(seed)
    with Ledger(location, create=True, clock=Clock()) as ledger:
        append_records(ledger, [Submitted("gen", instrument(i)) for i in INSTRUMENTS])
        acts = [_act(rng, n) for n in range(60)]
        for start in range(0, 60, 20):
            batch = acts[start : start + 20]
            append_records(ledger, [Submitted("gen", item) for item in batch])
            for item in rng.sample(batch, 6):
                _revise(ledger, rng, item.id)


def _revise(ledger: Ledger, rng: random.Random, act_id: str) -> None:
    choice = rng.random()
    try:
        if choice < 0.2:
            retract(ledger, act_id, **WHY)
        elif choice < 0.5:
            correct(ledger, act_id, set_fields={"date": _date(rng)}, unset_fields=["effective"],
                    **WHY)  # fmt: skip
        elif choice < 0.75:
            correct(ledger, act_id, set_fields={"instrument": rng.choice(INSTRUMENTS)}, **WHY)
        else:
            correct(ledger, act_id, set_fields={"actors": rng.choice(ACTORS)}, **WHY)
    except Exception as err:  # noqa: BLE001  (an invalid generated revision is skipped)
        if type(err).__name__ not in ("InvalidRecord", "InvalidRevision", "InvalidDate"):
            raise


@pytest.fixture(params=["sqlite", "postgres"])
def indexed_location(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "ledger.db")
    return request.getfixturevalue("postgres_location")


AS_OF = ["1990", "1999-06", "2005-03-01", "2014-03", "2030"]


@pytest.mark.parametrize("seed", range(4))
def test_indexed_answers_equal_full_scan_answers(indexed_location, seed):
    build(indexed_location, seed)
    with Ledger(indexed_location, read_only=True) as ledger:
        assert ledger.indexed() is not None
        log = ledger.verified()
        size = len(log.entries)
        moments = [None, parse_known_at("@1"), parse_known_at(f"@{size // 2}"),
                   parse_known_at(f"@{size}"),
                   parse_known_at(format_instant(log.entries[size // 2].recorded_at))]  # fmt: skip
        for known_at in moments:
            for text in AS_OF:
                as_of = parse_as_of(text)
                scanned = replay(log.entries, as_of, known_at=known_at)
                indexed = replay_query(ledger, as_of, known_at=known_at)
                assert indexed.root_hash == log.root_hash(scanned.position)
                naming = {"log_size", "root_hash", "root_checked"}
                assert indexed.model_dump(exclude=naming) == scanned.model_dump(exclude=naming)
                for treaty in INSTRUMENTS:
                    options = {"known_at": known_at, "instrument": treaty}
                    assert _outcome(replay_query, ledger, as_of, **options) == _outcome(
                        replay, log.entries, as_of, **options
                    )
            for actor in ACTORS:
                for start, end in [(None, None), ("1995", "2010-06"), (None, "1991-12-26")]:
                    first = first_day(start) if start else None
                    last = parse_as_of(end).day if end else None
                    scanned = timeline(log.entries, start=first, end=last, actor=actor,
                                       known_at=known_at)  # fmt: skip
                    indexed = timeline_query(ledger, start=first, end=last, actor=actor,
                                             known_at=known_at)  # fmt: skip
                    assert [a.id for a in indexed.acts] == [a.id for a in scanned.acts]
                    assert indexed.model_dump() == (
                        scanned.model_dump() | {"log_size": indexed.log_size,
                                                "root_hash": indexed.root_hash,
                                                "root_checked": indexed.root_checked}
                    )  # fmt: skip


def _outcome(query, *args, **options) -> object:
    """A query's answer without the naming of the log, or the error it raised."""
    try:
        return query(*args, **options).model_dump(
            exclude={"log_size", "root_hash", "root_checked"}
        )
    except LedgerError as err:
        return (type(err).__name__, str(err))


def test_the_generated_ledgers_exercise_what_the_index_must_follow(tmp_path):
    """Guard against a generator that stops producing the hard cases."""
    location = str(tmp_path / "ledger.db")
    build(location, 0)
    with Ledger(location) as ledger:
        entries = ledger.verified().entries
    actions = {entry.action.value for entry in entries}
    changed = {name for entry in entries for name in entry.changed}
    types = {entry.record.type.value for entry in entries if entry.record.record == "act"}
    assert actions == {"record", "correct", "retract"}
    assert {"date", "instrument", "actors"} <= changed
    assert {"succession", "supersession", "suspension", "annexation"} <= types


def test_every_recorded_tree_head_is_the_root_of_its_leaves(tmp_path):
    location = str(tmp_path / "ledger.db")
    build(location, 1)
    with Ledger(location) as ledger:
        leaves = ledger.verified().leaves
    conn = sqlite3.connect(location)
    heads = conn.execute("SELECT size, root FROM tree_heads ORDER BY size").fetchall()
    conn.close()
    assert len(heads) > 10  # one per append
    for size, recorded in heads:
        assert recorded == root(leaves[:size])


def test_a_ledger_without_the_index_is_scanned_then_indexed_on_the_next_write(tmp_path):
    location = str(tmp_path / "ledger.db")
    build(location, 2)
    def answer(ledger):  # the scan names a checked root, the index the recorded head
        return replay_query(ledger, parse_as_of("2014-03")).model_dump(exclude={"root_checked"})

    with Ledger(location, read_only=True) as ledger:
        before = answer(ledger)
    conn = sqlite3.connect(location)
    with conn:
        for table in ("valid_time_index", "subject_index", "tree_heads"):
            conn.execute(f"DROP TABLE {table}")
    conn.close()
    with Ledger(location, read_only=True) as ledger:
        assert ledger.indexed() is None  # as written by a version without the index
        assert answer(ledger) == before
    with Ledger(location, create=True) as ledger:
        assert ledger.indexed() is not None
        assert answer(ledger) == before


@pytest.mark.parametrize("instrument_query", [True, False])
def test_an_altered_entry_read_through_the_index_is_refused(tmp_path, instrument_query):
    location = str(tmp_path / "ledger.db")
    build(location, 3)
    conn = sqlite3.connect(location)
    nid, state = conn.execute(
        "SELECT e.rowid, e.state FROM stored_events e JOIN valid_time_index v "
        "ON v.notification_id = e.rowid WHERE v.record_key = 'instrument:treaty-0'"
    ).fetchone()
    with conn:
        conn.execute(
            "UPDATE stored_events SET state = ? WHERE rowid = ?",
            (state.replace(b"Title of", b"Title af"), nid),
        )
    conn.close()
    with Ledger(location, read_only=True) as ledger, pytest.raises(StoreError) as caught:
        replay_query(ledger, parse_as_of("2014"),
                     instrument="treaty-0" if instrument_query else None)  # fmt: skip
    assert f"fails verification at position {nid} (altered" in str(caught.value)


@pytest.mark.parametrize("seed", range(4))
def test_the_index_streams_acts_in_the_order_replay_applies_them(tmp_path, seed):
    location = str(tmp_path / "ledger.db")
    build(location, seed)
    with Ledger(location, read_only=True) as ledger:
        entries = ledger.verified().entries
        reads = ledger.indexed()
        assert reads is not None
        for upto in (len(entries) // 3, len(entries)):
            day = parse_as_of("2010-06").day
            expected = [
                (h.act.id, h.phase.value, h.position)
                for h in happenings(standing(entries[:upto]))
                if h.time.earliest <= day
            ]
            streamed = [
                (item.entry.record.id, "effective" if item.effect else "date", item.first_position)
                for item in reads.ordered_acts(upto, day)
            ]
            assert streamed == expected


def _tampered(tmp_path, *statements) -> str:
    location = str(tmp_path / "ledger.db")
    build(location, 3)
    conn = sqlite3.connect(location)
    with conn:
        for statement in statements:
            conn.execute(statement)
    conn.close()
    return location


def _verify_failure(location: str) -> tuple[int, str]:
    from treaty_ledger.ledger.services.verification import verify

    with Ledger(location, read_only=True) as ledger:
        report = verify(ledger)
    assert not report.ok
    return report.failure.position, report.failure.kind.value


_STANDING_ACT = (
    "(SELECT position FROM valid_time_index v WHERE action = 'record' AND earliest IS NOT NULL "
    "AND NOT EXISTS (SELECT 1 FROM valid_time_index w WHERE w.record_key = v.record_key "
    "AND w.position > v.position) ORDER BY position LIMIT 1)"
)


@pytest.mark.parametrize("change", ["action = 'retract'", "earliest = '1900-01-01'"])
def test_an_index_row_that_no_longer_matches_its_entry_is_refused_and_verify_names_it(
    tmp_path, change
):
    location = _tampered(
        tmp_path, f"UPDATE valid_time_index SET {change} WHERE position = {_STANDING_ACT}"
    )
    conn = sqlite3.connect(location)
    (position,) = conn.execute(
        f"SELECT position FROM valid_time_index WHERE {change.replace(',', ' AND ')}"
    ).fetchone()
    conn.close()
    with Ledger(location, read_only=True) as ledger, pytest.raises(StoreError) as caught:
        replay_query(ledger, parse_as_of("2030"))
    assert f"fails verification at position {position} (index" in str(caught.value)
    assert _verify_failure(location) == (position, "index")


def test_a_subject_row_deleted_is_found_by_verify(tmp_path):
    location = _tampered(
        tmp_path, "DELETE FROM subject_index WHERE notification_id = 12 AND subject LIKE 'actor:%'"
    )
    assert _verify_failure(location) == (12, "index")


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE tree_heads SET root = zeroblob(32) WHERE size = (SELECT MAX(size) FROM tree_heads)",
        "UPDATE tree_heads SET frontier = x'00' WHERE size = (SELECT MAX(size) FROM tree_heads)",
    ],
)
def test_a_damaged_tree_head_is_refused_by_reads_and_writes_and_named_by_verify(
    tmp_path, statement
):
    location = _tampered(tmp_path, statement)
    with Ledger(location, read_only=True) as ledger:
        size = ledger.log_size
        with pytest.raises(StoreError, match="tree head"):
            replay_query(ledger, parse_as_of("2030"))
    with Ledger(location) as ledger, pytest.raises(StoreError, match="tree head") as caught:
        retract(ledger, "act-1", **WHY)
    assert "nothing was written" in str(caught.value)
    assert _verify_failure(location) == (size, "tree-head")


def test_an_entry_gone_while_its_index_row_remains_is_refused_not_a_crash(tmp_path):
    location = _tampered(tmp_path, "DELETE FROM stored_events WHERE rowid = 30")
    with Ledger(location, read_only=True) as ledger:
        for query in (lambda: replay_query(ledger, parse_as_of("2030")),
                      lambda: [timeline_query(ledger, actor=code) for code in ACTORS]):  # fmt: skip
            # Counted against the tree head before anything is read ('ledger verify' names
            # position 30).
            with pytest.raises(StoreError, match="holds 82 entries where .* record 83"):
                query()


def test_entries_appended_by_a_version_without_the_index_are_indexed_by_the_next_write(tmp_path):
    # As if a version without the index had appended the last entry: no side rows for it.
    location = _tampered(
        tmp_path,
        "DELETE FROM subject_index WHERE notification_id = (SELECT MAX(rowid) FROM stored_events)",
        "DELETE FROM valid_time_index WHERE notification_id = "
        "(SELECT MAX(rowid) FROM stored_events)",
        "DELETE FROM tree_heads WHERE size = (SELECT MAX(size) FROM tree_heads)",
    )
    with Ledger(location) as ledger:  # opened for writing without create, as 'correct' does
        assert ledger.indexed() is None
        retract(ledger, "act-2", **WHY)
        assert ledger.indexed() is not None
        log = ledger.verified()
        as_of = parse_as_of("2030")
        naming = {"log_size", "root_hash", "root_checked"}
        assert replay_query(ledger, as_of).model_dump(exclude=naming) == (
            replay(log.entries, as_of).model_dump(exclude=naming)
        )
    with Ledger(location, read_only=True) as ledger:
        from treaty_ledger.ledger.services.verification import verify

        assert verify(ledger).ok


def test_a_ledger_without_the_index_tables_can_be_corrected(tmp_path):
    location = _tampered(
        tmp_path, "DROP TABLE valid_time_index", "DROP TABLE subject_index", "DROP TABLE tree_heads"
    )
    with Ledger(location) as ledger:
        retract(ledger, "act-2", **WHY)
        assert ledger.indexed() is not None


def test_indexing_an_old_ledger_over_a_damaged_entry_is_one_clear_error(tmp_path):
    location = _tampered(
        tmp_path,
        "DROP TABLE valid_time_index",
        "DROP TABLE subject_index",
        "DROP TABLE tree_heads",
        "UPDATE stored_events SET state = x'7b7b' WHERE rowid = 9",
    )
    with pytest.raises(StoreError, match="position 9 cannot be indexed"):
        Ledger(location, create=True)


def _rehashed(location: str, rowid: int, old: bytes, new: bytes) -> None:
    """Alter an entry and write the hash of its new content, as a careful tamperer would."""
    from treaty_ledger.ledger.integrity.hashes import StoredRow, entry_hash

    conn = sqlite3.connect(location)
    oid, version, topic, state = conn.execute(
        "SELECT originator_id, originator_version, topic, state FROM stored_events WHERE rowid = ?",
        (rowid,),
    ).fetchone()
    state = state.replace(old, new)
    digest = entry_hash(StoredRow(rowid, oid, version, topic, state))
    with conn:
        conn.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", (state, rowid))
        conn.execute("UPDATE entry_hashes SET leaf_hash = ? WHERE position = ?", (digest, rowid))
    conn.close()


def test_an_entry_altered_with_its_hash_is_found_by_verify_even_without_the_last_head(tmp_path):
    location = _tampered(tmp_path)
    _rehashed(location, 7, b'"summary":"', b'"summary":"forged ')
    conn = sqlite3.connect(location)
    with conn:
        conn.execute("DELETE FROM tree_heads WHERE size = (SELECT MAX(size) FROM tree_heads)")
    conn.close()
    position, kind = _verify_failure(location)
    assert kind in ("index", "tree-head")


def test_a_log_cut_short_is_found_by_verify_and_never_reindexed_over(tmp_path):
    location = _tampered(
        tmp_path,
        "DELETE FROM entry_hashes WHERE position = (SELECT MAX(rowid) FROM stored_events)",
        "DELETE FROM stored_events WHERE rowid = (SELECT MAX(rowid) FROM stored_events)",
    )
    with Ledger(location, read_only=True) as ledger:
        size = len(list(ledger.rows()))
    assert _verify_failure(location) == (size + 1, "missing")
    with Ledger(location) as ledger, pytest.raises(StoreError, match="tree head"):
        retract(ledger, "act-1", **WHY)
    assert _verify_failure(location) == (size + 1, "missing")  # the evidence is still there


def test_index_positions_swapped_between_versions_of_a_record_are_refused(tmp_path):
    location = _tampered(tmp_path)
    conn = sqlite3.connect(location)
    key, first, last, instrument_key = conn.execute(
        "SELECT v.record_key, MIN(v.position), MAX(v.position), "
        "(SELECT s.subject FROM subject_index s WHERE s.record_key = v.record_key "
        " AND s.subject LIKE 'instrument:%' LIMIT 1) "
        "FROM valid_time_index v GROUP BY v.record_key HAVING COUNT(*) > 1 LIMIT 1"
    ).fetchone()
    with conn:
        conn.execute("UPDATE valid_time_index SET position = -1 WHERE position = ?", (first,))
        conn.execute("UPDATE valid_time_index SET position = ? WHERE position = ?", (first, last))
        conn.execute("UPDATE valid_time_index SET position = ? WHERE position = -1", (last,))
    conn.close()
    with Ledger(location, read_only=True) as ledger, pytest.raises(StoreError, match="index"):
        replay_query(
            ledger, parse_as_of("2030"), instrument=instrument_key.removeprefix("instrument:")
        )


def test_a_record_time_changed_in_the_index_cannot_move_a_known_at_moment(tmp_path):
    location = _tampered(tmp_path)
    with Ledger(location, read_only=True) as ledger:
        entries = ledger.verified().entries
    # The last entry of a transaction: its record time is the last of the known-at moment's.
    first = next(e for e in entries if e.recorded_at > entries[0].recorded_at)
    boundary = [e for e in entries if e.recorded_at == first.recorded_at][-1]
    conn = sqlite3.connect(location)
    with conn:
        conn.execute(
            "UPDATE valid_time_index SET recorded_at = '2099-01-01T00:00:00.000000Z' "
            "WHERE position = ?",
            (boundary.position,),
        )
    conn.close()
    moment = parse_known_at(boundary.recorded_at.isoformat().replace("+00:00", "Z"))
    with Ledger(location, read_only=True) as ledger, pytest.raises(StoreError, match="index"):
        replay_query(ledger, parse_as_of("2030"), known_at=moment)
