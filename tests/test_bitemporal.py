"""Valid time x record time: corrections, retractions, known-at, history, explain."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from builders import SOURCE, Clock, act, instrument
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from treaty_ledger.fixtures import shipped_files
from treaty_ledger.ledger.dates import parse_as_of
from treaty_ledger.ledger.entries import Action
from treaty_ledger.ledger.errors import (
    InvalidDate,
    InvalidRecord,
    InvalidRevision,
    UnknownAct,
    UnknownInstrument,
)
from treaty_ledger.ledger.integrity.codec import dumps, loads
from treaty_ledger.ledger.integrity.log_format import entry_data, entry_from_data
from treaty_ledger.ledger.model import Source
from treaty_ledger.ledger.record_time import parse_known_at
from treaty_ledger.ledger.records import Submitted, parse_lines
from treaty_ledger.ledger.services.importer import append_records
from treaty_ledger.ledger.services.revisions import correct, retract
from treaty_ledger.ledger.store.application import MEMORY, Ledger
from treaty_ledger.projections.explain import explain
from treaty_ledger.projections.history import history
from treaty_ledger.projections.replay import replay

T0 = datetime(2026, 1, 1, tzinfo=UTC)
WHY = [Source.model_validate(SOURCE)]


def submit(*records):
    return [Submitted("test", record) for record in records]


TREATY = instrument("t", provisions=[{"id": "t.limit", "type": "restraint", "summary": "limits",
                                      "obligors": "parties"}])  # fmt: skip
SIGNED = act("t.sig", "signature", "1990-11-19", ["USA", "RUS"], "t")
IN_FORCE = act("t.eif", "entry-into-force", "1992-11-09", ["USA", "RUS"], "t")
SUSPENSION = act("t.rus.susp", "suspension", "2007-07-14", ["RUS"], "t", effective="2007-12-12")


@pytest.fixture
def ledger():
    with Ledger(MEMORY, create=True, clock=Clock(), user="analyst") as opened:
        append_records(opened, submit(TREATY, SIGNED, IN_FORCE, SUSPENSION))
        yield opened


def russia(entries, as_of, **known):
    result = replay(entries, parse_as_of(as_of), **known)
    return next(
        (row.status.value, row.since) for row in result.instruments[0].actors if row.actor == "RUS"
    )


def test_a_correction_changes_the_answer_and_the_old_one_stays_reachable(ledger):
    before = ledger.log_size
    position = correct(ledger, "t.rus.susp", set_fields={"effective": "2007-12-01"},
                       reason="The decree took effect earlier", sources=WHY)  # fmt: skip
    assert position == before + 1
    entries = list(ledger.entries())
    assert russia(entries, "2007-12-05") == ("suspended", "2007-12-01")
    old = russia(entries, "2007-12-05", known_at=parse_known_at(f"@{before}"))
    assert old == ("party", "1992-11-09")
    versions = ledger.versions("act", "t.rus.susp")
    assert [action for action, _ in versions.items] == [Action.RECORD, Action.CORRECT]
    assert versions.first == SUSPENSION


def test_a_retraction_removes_the_act_from_replay_only_from_then_on(ledger):
    before = ledger.log_size
    retract(ledger, "t.rus.susp", reason="Recorded in error", sources=WHY)
    entries = list(ledger.entries())
    assert russia(entries, "2010") == ("party", "1992-11-09")
    assert russia(entries, "2010", known_at=parse_known_at(f"@{before}"))[0] == "suspended"
    with pytest.raises(InvalidRevision) as caught:
        retract(ledger, "t.rus.susp", reason="again", sources=WHY)
    assert "was retracted and no longer counts" in str(caught.value)


def test_reimporting_the_original_after_a_correction_adds_nothing(ledger):
    correct(ledger, "t.rus.susp", set_fields={"date": "2007-07-13"}, reason="r", sources=WHY)
    report = append_records(ledger, submit(SUSPENSION))
    assert report.already == [("act", "t.rus.susp")]


@pytest.mark.parametrize(
    ("sets", "unsets", "error", "message"),
    [
        ({"date": "2007-02-30"}, [], InvalidRecord, "2007-02 has no day 30"),
        ({"id": "other"}, [], InvalidRevision, "field 'id' cannot be corrected"),
        ({"colour": "red"}, [], InvalidRevision, "'colour' is not a field of an act"),
        ({"date": "2007-07-14"}, [], InvalidRevision, "the correction changes nothing"),
        ({"instrument": "nope"}, [], UnknownInstrument, "no instrument 'nope'"),
        ({"actors": "rus"}, [], InvalidRecord, "'rus' is not an actor code"),
        ({"effective": "2007-01-01"}, [], InvalidRecord, "is before the notice"),
        ({"sequence": "two"}, [], InvalidRecord, "not valid JSON"),
        ({}, ["summary"], InvalidRecord, "field 'summary': is required"),
    ],
)
def test_invalid_corrections_are_refused_and_write_nothing(ledger, sets, unsets, error, message):
    before = ledger.log_size
    with pytest.raises(error) as caught:
        correct(ledger, "t.rus.susp", set_fields=sets, unset_fields=unsets, reason="r",
                sources=WHY)  # fmt: skip
    assert message in str(caught.value)
    assert ledger.log_size == before


@pytest.mark.parametrize(
    ("act_id", "reason", "sources", "error"),
    [
        ("t.nope", "r", WHY, UnknownAct),
        ("t.rus.susp", "  ", WHY, InvalidRevision),
        ("t.rus.susp", "r", [], InvalidRevision),
    ],
)
def test_revisions_need_an_act_a_reason_and_a_source(ledger, act_id, reason, sources, error):
    with pytest.raises(error):
        correct(ledger, act_id, set_fields={"date": "2007-07-13"}, reason=reason, sources=sources)
    with pytest.raises(error):
        retract(ledger, act_id, reason=reason, sources=sources)


def test_unset_removes_an_optional_field(ledger):
    correct(ledger, "t.rus.susp", set_fields={}, unset_fields=["effective"], reason="r",
            sources=WHY)  # fmt: skip
    assert russia(list(ledger.entries()), "2007-07-14") == ("suspended", "2007-07-14")


@pytest.mark.parametrize(
    ("text", "instant", "position"),
    [
        ("@7", None, 7),
        ("2025-01-01", datetime(2025, 1, 1, 23, 59, 59, 999999, tzinfo=UTC), None),
        ("2025-01-01T12:00:00Z", datetime(2025, 1, 1, 12, tzinfo=UTC), None),
        ("2025-01-01T13:00:00+01:00", datetime(2025, 1, 1, 12, tzinfo=UTC), None),
    ],
)
def test_known_at_forms(text, instant, position):
    parsed = parse_known_at(text)
    assert (parsed.instant, parsed.position) == (instant, position)


@pytest.mark.parametrize("text", ["2025-01-01T12:00:00", "2025-02-30", "@x", "yesterday", ""])
def test_known_at_refuses_other_forms(text):
    with pytest.raises(InvalidDate):
        parse_known_at(text)


def test_known_at_names_the_moment_and_position(ledger):
    entries = list(ledger.entries())
    latest = replay(entries, parse_as_of("2000"))
    assert (latest.known_at, latest.position) == ("2026-01-01T00:00:00.000000Z", 4)
    by_instant = replay(entries, parse_as_of("2000"), known_at=parse_known_at("2025-06-01"))
    assert (by_instant.known_at, by_instant.position) == ("2025-06-01T23:59:59.999999Z", 0)
    assert by_instant.instruments == []
    with pytest.raises(InvalidDate):
        replay(entries, parse_as_of("2000"), known_at=parse_known_at("@99"))


def test_entries_in_the_same_microsecond_keep_log_order():
    frozen = Clock(step=timedelta(0))
    with Ledger(MEMORY, create=True, clock=frozen) as opened:
        append_records(opened, submit(TREATY, SIGNED, IN_FORCE, SUSPENSION))
        correct(opened, "t.rus.susp", set_fields={"effective": "2008"}, reason="a", sources=WHY)
        correct(opened, "t.rus.susp", set_fields={"effective": "2009"}, reason="b", sources=WHY)
        entries = list(opened.entries())
    assert len({entry.recorded_at for entry in entries}) == 1
    assert [entry.position for entry in entries] == [1, 2, 3, 4, 5, 6]
    assert russia(entries, "2009") == ("suspended", "2009")  # the later correction wins


def test_record_time_never_goes_backwards():
    clock = Clock(step=-timedelta(hours=1))
    with Ledger(MEMORY, create=True, clock=clock) as opened:
        append_records(opened, submit(TREATY))
        append_records(opened, submit(SIGNED))
        times = [entry.recorded_at for entry in opened.entries()]
    assert times == sorted(times)


def test_history_lists_every_version_with_author_reason_and_source(ledger):
    correct(ledger, "t.rus.susp", set_fields={"date": "2007-07-13"}, reason="Decree date",
            sources=WHY)  # fmt: skip
    items = history(ledger.entries(), act_id="t.rus.susp").items
    assert [(i.action, i.recorded_by, i.changed, i.reason) for i in items] == [
        ("record", "analyst", [], None),
        ("correct", "analyst", ["date"], "Decree date"),
    ]
    assert items[1].sources[0].title == "Test source"
    assert items[1].record["date"] == "2007-07-13"
    by_instrument = history(ledger.entries(), instrument="t").items
    assert [i.id for i in by_instrument] == ["t", "t.sig", "t.eif", "t.rus.susp", "t.rus.susp"]
    assert [i.id for i in history(ledger.entries(), actor="RUS").items][-1] == "t.rus.susp"
    with pytest.raises(UnknownAct):
        history(ledger.entries(), act_id="t.none")


def test_explain_ties_each_change_to_the_correction_that_caused_it(ledger):
    before = ledger.log_size
    ledger.user = "auditor"
    correct(ledger, "t.rus.susp", set_fields={"effective": "2007-12-01"},
            reason="Effective on 1 December", sources=WHY)  # fmt: skip
    result = explain(ledger.entries(), parse_as_of("2007-12-05"),
                     parse_known_at(f"@{before}"), parse_known_at(f"@{before + 1}"))  # fmt: skip
    actor = [c for c in result.changes if c.subject == "actor"]
    assert [(c.actor, c.before, c.after) for c in actor] == [
        ("RUS", "party since 1992-11-09", "suspended since 2007-12-01")
    ]
    (cause,) = actor[0].causes
    assert (cause.action, cause.recorded_by, cause.reason, cause.changed) == (
        "correct", "auditor", "Effective on 1 December", ["effective"]
    )  # fmt: skip
    provision = [c for c in result.changes if c.subject == "provision"]
    assert [(c.before, c.after) for c in provision] == [("binds RUS, USA", "binds USA")]
    unchanged = explain(ledger.entries(), parse_as_of("1995"), parse_known_at(f"@{before}"),
                        parse_known_at(f"@{before + 1}"))  # fmt: skip
    assert unchanged.changes == []


def test_the_retroactive_2022_ratification_laws_change_a_past_answer():
    """Known before the laws were recorded, 1 October 2022 shows no claim; known now, it does."""
    with Ledger(MEMORY, create=True, clock=Clock()) as opened:
        for path in shipped_files():
            with open(path, "rb") as handle:
                append_records(opened, parse_lines(handle, path.name))
            if path.name == "acts.jsonl":
                before_laws = opened.log_size
        entries = list(opened.entries())
    as_of = parse_as_of("2022-10-01")
    then = replay(entries, as_of, known_at=parse_known_at(f"@{before_laws}"))
    now = replay(entries, as_of)
    regions = {"Donetsk region", "Luhansk region", "Zaporizhzhia region", "Kherson region"}
    assert regions.isdisjoint(claim.territory for claim in then.claims)
    assert regions <= {claim.territory for claim in now.claims if claim.since == "2022-09-30"}
    why = explain(
        entries, as_of, parse_known_at(f"@{before_laws}"), parse_known_at(f"@{len(entries)}")
    )
    claims = [c for c in why.changes if c.subject == "claim"]
    assert {c.territory for c in claims} == regions
    assert all(c.causes and c.causes[0].id.endswith(".rus.annexation") for c in claims)


# --- Properties over generated ledgers -------------------------------------------------------

ACTORS = ["USA", "RUS", "DEU", "FRA", "POL"]
DAYS = st.dates(min_value=datetime(1990, 1, 1).date(), max_value=datetime(2024, 12, 31).date())


@st.composite
def ledgers(draw):
    """A treaty, acts on distinct days, and a list of revisions (correct or retract)."""
    days = draw(st.lists(DAYS, min_size=3, max_size=9, unique=True))
    kinds = ["signature", "ratification", "entry-into-force", "suspension", "withdrawal",
             "accession", "termination"]  # fmt: skip
    acts = []
    for number, day in enumerate(days):
        kind = draw(st.sampled_from(kinds))
        precision = draw(st.sampled_from(["day", "month", "year"]))
        text = {"day": day.isoformat(), "month": day.isoformat()[:7], "year": day.isoformat()[:4]}
        actors = draw(st.lists(st.sampled_from(ACTORS), min_size=1, max_size=3, unique=True))
        acts.append(act(f"a{number}", kind, text[precision], actors, "t"))
    revisions = draw(st.lists(st.tuples(st.integers(0, len(acts) - 1), st.sampled_from(
        ["date", "actors", "retract"]), DAYS), max_size=4))  # fmt: skip
    return acts, revisions


def build(acts, revisions, clock=None):
    opened = Ledger(MEMORY, create=True, clock=clock or Clock())
    append_records(opened, submit(TREATY, *acts))
    for index, what, day in revisions:
        target = f"a{index}"
        versions = opened.versions("act", target)
        if versions.current is None:
            continue
        try:
            if what == "retract":
                retract(opened, target, reason="generated", sources=WHY)
            elif what == "date":
                correct(opened, target, set_fields={"date": day.isoformat()}, reason="generated",
                        sources=WHY)  # fmt: skip
            else:
                correct(opened, target, set_fields={"actors": "DEU"}, reason="generated",
                        sources=WHY)  # fmt: skip
        except InvalidRevision:
            pass  # the generated correction changed nothing
    return opened


AS_OF = [parse_as_of(text) for text in ("1995", "2003-06", "2010-12-31", "2024")]


def state_json(result) -> bytes:
    return dumps(result.model_dump(mode="json", exclude={"known_at", "position"}))


@settings(max_examples=40, deadline=None)
@given(ledgers(), st.randoms(use_true_random=False))
def test_property_valid_time_replay_ignores_record_order(generated, rng):
    acts, _ = generated
    keys = [(a.valid_time.earliest, a.valid_time.latest) for a in acts]
    assume(len(set(keys)) == len(keys))  # ties fall back to record order, by design
    shuffled = acts[:]
    rng.shuffle(shuffled)
    with build(acts, []) as first, build(shuffled, []) as second:
        for as_of in AS_OF:
            assert state_json(replay(first.entries(), as_of)) == state_json(
                replay(second.entries(), as_of)
            )


@settings(max_examples=40, deadline=None)
@given(ledgers(), st.integers(min_value=1, max_value=30))
def test_property_known_at_equals_a_fresh_store_of_the_entries_up_to_then(generated, cut):
    acts, revisions = generated
    with build(acts, revisions) as full:
        entries = list(full.entries())
    cut = min(cut, len(entries))
    moment = entries[cut - 1].recorded_at
    with Ledger(MEMORY, create=True) as fresh:
        fresh.append_log([e for e in entries if e.recorded_at <= moment])
        for as_of in AS_OF:
            known = replay(entries, as_of, known_at=parse_known_at(moment.isoformat()))
            assert state_json(known) == state_json(replay(fresh.entries(), as_of))
            by_position = replay(entries, as_of, known_at=parse_known_at(f"@{cut}"))
            assert by_position.position == cut


@settings(max_examples=40, deadline=None)
@given(ledgers())
def test_property_export_and_import_give_byte_identical_replays(generated):
    acts, revisions = generated
    with build(acts, revisions) as original:
        entries = list(original.entries())
    exported = [dumps(entry_data(entry)) for entry in entries]
    with Ledger(MEMORY, create=True) as copy:
        copy.append_log([entry_from_data(loads(line), "test") for line in exported])
        copied = list(copy.entries())
    for as_of in AS_OF:
        assert dumps(replay(entries, as_of).model_dump(mode="json")) == dumps(
            replay(copied, as_of).model_dump(mode="json")
        )


@settings(max_examples=40, deadline=None)
@given(ledgers(), st.integers(min_value=0, max_value=8), DAYS)
def test_property_correcting_and_correcting_back_restores_the_replay(generated, index, day):
    acts, _ = generated
    target = acts[index % len(acts)]
    with build(acts, []) as opened:
        original = [state_json(replay(opened.entries(), as_of)) for as_of in AS_OF]
        try:
            correct(
                opened, target.id, set_fields={"date": day.isoformat()}, reason="x", sources=WHY
            )
        except InvalidRevision:
            return  # same date: nothing to correct
        correct(opened, target.id, set_fields={"date": target.date}, reason="back", sources=WHY)
        restored = [state_json(replay(opened.entries(), as_of)) for as_of in AS_OF]
    assert restored == original
