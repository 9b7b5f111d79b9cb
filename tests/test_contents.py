"""The import's fast path (``ledger.contents``) judges every line exactly as the models do.

Same content for a valid line, the same error line for an invalid one, and
duplicate keys refused whatever their values.
"""

from __future__ import annotations

import itertools
import json
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from treaty_ledger.ledger.actors import ORGANISATIONS, actor_codes, check_actor_code
from treaty_ledger.ledger.contents import _fast, content_of, iter_contents
from treaty_ledger.ledger.errors import InvalidActorCode, InvalidRecord, NoRecords
from treaty_ledger.ledger.model import record_content
from treaty_ledger.ledger.records import parse_record

SOURCE = {"title": "Test source", "publisher": "Treaty Ledger tests", "date": "2026"}
SIGNED = {"record": "act", "id": "t.sig", "type": "signature", "date": "1990-11-19",
          "actors": ["USA"], "instrument": "t", "summary": "signed",
          "sources": [SOURCE]}  # fmt: skip


def model_content(line: bytes) -> dict:
    return record_content(parse_record(line, "f line 1").record)


def shipped_lines() -> list[bytes]:
    from treaty_ledger.fixtures import shipped_files

    return [line for path in shipped_files() for line in path.open("rb") if line.strip()]


def synthetic_lines() -> list[bytes]:
    from benchmarks.synthetic import records

    return [json.dumps(record).encode() for record in records(300, instruments=30)]


def test_every_shipped_line_has_the_content_its_model_gives():
    lines = shipped_lines()
    assert sum(_fast(line) is not None for line in lines) > len(lines) // 2  # mostly fast
    for line in lines:
        assert content_of(line, "f line 1").data == model_content(line), line


def test_synthetic_lines_all_take_the_fast_path_to_the_same_content():
    for line in synthetic_lines():
        fast = _fast(line)
        assert fast is not None, line
        assert fast == model_content(line)


def line_of(record: dict, *, raw: str | None = None) -> bytes:
    return (raw if raw is not None else json.dumps(record)).encode()


@pytest.mark.parametrize(
    "raw",
    [
        '{"record": "act", "id": "a", "summary": "s", "summary": "s"}',
        json.dumps(SIGNED)[:-1] + ', "summary": "signed"}',
        json.dumps(SIGNED)[:-1] + ', "summary" : "signed"}',
        json.dumps(SIGNED).replace('"date": "2026"', '"date": "2026", "date": "2026"'),
        json.dumps(SIGNED).replace('"id": "t.sig"', '"id": "t.sig", "\\u0069d": "t.sig"'),
    ],
    ids=["top level", "same value", "space before colon", "in a source", "escaped"],
)
def test_a_key_given_twice_is_refused_even_with_the_same_value(raw):
    with pytest.raises(InvalidRecord, match="appears twice in one object"):
        content_of(raw.encode(), "f line 1")


def test_a_value_holding_a_quote_and_a_colon_is_no_repeated_key():
    record = dict(SIGNED, summary='the minister said "no": twice')
    line = line_of(record)
    assert content_of(line, "f line 1").data == model_content(line)


def test_lists_left_out_are_stored_empty_as_the_models_store_them():
    data = content_of(line_of(SIGNED), "f line 1").data
    assert data["recipients"] == []
    provision = {"id": "t.p", "type": "restraint", "summary": "s", "obligors": "parties"}
    treaty = {"record": "instrument", "id": "t", "title": "T", "legal_nature": "treaty",
              "provisions": [provision], "sources": [SOURCE]}  # fmt: skip
    stored = content_of(line_of(treaty), "f line 1").data["provisions"][0]
    assert (stored["addressees"], stored["beneficiaries"]) == ([], [])


def test_explicit_nulls_are_dropped_as_the_models_drop_them():
    line = line_of(dict(SIGNED, effective=None, sequence=None))
    assert _fast(line) is None  # the models' path decides
    assert content_of(line, "f line 1").data == model_content(line)


def same_judgement(line: bytes) -> None:
    """content_of gives the model's content, or refuses with the model's error line."""
    try:
        expected = model_content(line)
    except InvalidRecord as err:
        with pytest.raises(InvalidRecord) as refused:
            content_of(line, "f line 1")
        assert str(refused.value) == str(err)
        return
    assert content_of(line, "f line 1").data == expected


@pytest.mark.parametrize("character", [chr(code) for code in range(128)], ids=repr)
def test_every_ascii_character_in_text_is_judged_as_the_models_judge_it(character):
    for summary in (character, f"a{character}b", f"{character}  ", f"  {character}"):
        same_judgement(line_of(dict(SIGNED, summary=summary)))


@pytest.mark.parametrize(
    "url", ["https://a.example/x", "http://x", "ftp://x", "https://a b", "https://", "https:/x"]
)
def test_urls_are_judged_as_the_models_judge_them(url):
    same_judgement(line_of(dict(SIGNED, sources=[dict(SOURCE, url=url)])))


def test_the_known_actor_codes_are_exactly_the_codes_check_actor_code_accepts():
    def known(code: str) -> bool:
        try:
            check_actor_code(code)
        except InvalidActorCode:
            return False
        return True

    letters = string.ascii_uppercase
    three = {"".join(chars) for chars in itertools.product(letters, repeat=3)}
    assert actor_codes() == {code for code in three if known(code)} | ORGANISATIONS
    assert "RUS" in actor_codes() and "SUN" in actor_codes() and "rus" not in actor_codes()


def test_blank_lines_are_skipped_and_an_empty_file_is_refused():
    found = list(iter_contents([b"\n", line_of(SIGNED), b"  \n"], "f"))
    assert [item.where for item in found] == ["f line 2"]
    with pytest.raises(NoRecords):
        list(iter_contents([b"\n"], "f"))


VALID = {
    "code": st.sampled_from(["USA", "RUS", "NATO", "SUN", "DEU"]),
    "text": st.text(
        alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=12
    ),
    "date": st.sampled_from(["1990", "1990-11", "1990-11-19", "1990?", "201X",
                             "1990-11-19/1990-11-21", "[2010-12-02,2010-12-03]", "1990-11-19~"]),
    "id": st.sampled_from(["t.sig", "t", "u", "t-2.b"]),
    "type": st.sampled_from(["signature", "withdrawal", "succession", "supersession",
                             "annexation", "alleged-violation", "demands", "doctrinal-statement"]),
    "url": st.just("https://a.example/x"),
    "sequence": st.integers(0, 999_999),
}  # fmt: skip
INVALID = {
    "code": ["rus", "XXX", "", 3],
    "text": ["   ", "", "two\nlines", "tab\there", "x" * 4001, 'say "a": b', "caf\u00e9", 7],
    "date": ["2014-02-30", "1900-02-29", "2014-1X", "1991/1990", "", "0000", "\uff12\uff10"],
    "id": ["T.sig", "a b", "x" * 121, None],
    "type": ["signing", "", None],
    "url": ["ftp://x", "https://a b", None],
    "sequence": [-1, 1_000_000, 1.0, True, "3", None],
}  # fmt: skip


@st.composite
def acts(draw) -> dict:
    """Acts valid by field, with up to two values made wrong, null or ambiguous (``"a": b``).

    The rules by type (an instrument for a signature...) break often on their own.
    """
    broken = set(draw(st.lists(st.sampled_from(sorted(VALID)), max_size=2)))

    def value(kind: str):
        if kind in broken and draw(st.booleans()):
            return draw(st.sampled_from(INVALID[kind]))
        return draw(VALID[kind])

    def codes(least: int) -> list:
        found = draw(st.lists(VALID["code"], min_size=least, max_size=3, unique=True))
        if "code" in broken and draw(st.booleans()):  # a wrong code, or one given twice
            found.append(draw(st.sampled_from([*INVALID["code"], *found])))
        return found

    def sources() -> list:
        found = [{"title": value("text"), "publisher": value("text"), "date": value("date")}]
        if draw(st.booleans()):
            found[0]["url"] = value("url")
        return found

    record = {
        "record": "act", "id": value("id"), "type": value("type"), "date": value("date"),
        "actors": codes(1),
        "summary": value("text"), "sources": sources(),
    }  # fmt: skip
    optional = {  # each given one time in five
        "effective": lambda: value("date"),
        "recipients": lambda: codes(0),
        "instrument": lambda: value("id"),
        "provision": lambda: value("id"),
        "predecessor": lambda: value("code"),
        "successor": lambda: value("id"),
        "territory": lambda: value("text"),
        "sequence": lambda: value("sequence"),
        "date_note": lambda: value("text"),
        "contested": lambda: {"by": [value("code")], "grounds": value("text"),
                              "sources": sources()},
    }  # fmt: skip
    for name, make in optional.items():
        if draw(st.integers(0, 4)) == 0:
            record[name] = make()
    if draw(st.integers(0, 3)):  # mostly give what the type needs
        needs = {
            "signature": {"instrument": "t"},
            "withdrawal": {"instrument": "t"},
            "supersession": {"instrument": "t", "successor": "u"},
            "annexation": {"territory": "Crimea"},
            "succession": {"predecessor": "SUN"},
            "alleged-violation": {"recipients": ["RUS"]},
            "demands": {"recipients": ["RUS"], "instrument": "t"},
        }
        for name, given in needs.get(record["type"], {}).items():
            record.setdefault(name, given)
    if draw(st.integers(0, 9)) == 0:
        record[draw(st.sampled_from(["colour", "actors", "record"]))] = draw(
            st.sampled_from(["red", [], "treaty", None])
        )
    return record


@settings(max_examples=400, deadline=None)
@given(acts())
def test_any_act_line_gets_the_models_content_or_the_models_error(record):
    same_judgement(json.dumps(record).encode())


def test_the_generated_acts_exercise_the_fast_path():
    """Guard for the test above: it says nothing of the fast path if no act takes it."""
    taken = []

    @settings(max_examples=300, deadline=None, database=None)
    @given(acts())
    def count(record):
        taken.append(_fast(json.dumps(record).encode()) is not None)

    count()
    assert 0.05 < sum(taken) / len(taken) < 0.9


@pytest.mark.parametrize("kind", ["suspension", "alleged-violation", "demands"])
def test_an_actor_among_its_own_act_s_recipients_is_refused_on_both_paths(kind):
    record = dict(SIGNED, type=kind, actors=["FRA", "DEU"], recipients=["RUS", "DEU"])
    line = line_of(record)
    with pytest.raises(InvalidRecord, match="DEU is both an actor and a recipient of the act"):
        model_content(line)
    same_judgement(line)
    assert _fast(line) is None  # the fast path refuses it too, leaving the error to the models
