"""Records rebuilt from hash-checked content equal the ones the validators build.

``ledger.trusted_records`` builds the records of entries whose hash matched
without pydantic's validators; every reading command goes through it, so it
must give exactly what validation gives (same values, same types, same
fields set) and refuse content of the wrong shape with an error the store
turns into "cannot be read".
"""

from __future__ import annotations

import pytest
from builders import shipped_entries
from pydantic import ValidationError

from treaty_ledger.ledger import trusted_records
from treaty_ledger.ledger.model import RECORD_ADAPTER, Source, record_content
from treaty_ledger.ledger.trusted_records import FIELD_CHECKS, trusted_record, trusted_sources


@pytest.fixture(scope="module")
def contents() -> list[dict]:
    return [record_content(entry.record) for entry in shipped_entries()]


def _same(built, validated) -> None:
    assert built == validated
    assert repr(built) == repr(validated)  # enum members, not bare text; nested models
    assert built.model_fields_set == validated.model_fields_set
    assert record_content(built) == record_content(validated)


def test_every_shipped_record_is_rebuilt_as_validation_builds_it(contents):
    kinds = {content["record"] for content in contents}
    assert kinds == {"instrument", "act", "relation"}
    for content in contents:
        _same(trusted_record(content), RECORD_ADAPTER.validate_python(content))


def test_a_relation_given_by_field_name_is_rebuilt_too(contents):
    relation = next(c for c in contents if c["record"] == "relation")
    by_name = {("from_" if key == "from" else key): value for key, value in relation.items()}
    _same(trusted_record(by_name), RECORD_ADAPTER.validate_python(by_name))


def test_sources_of_a_correction():
    given = [{"title": "A note", "publisher": "MFA", "date": "2001-02", "url": "https://e.org/a"},
             {"title": "Another", "publisher": "MFA", "date": "2001"}]  # fmt: skip
    built = trusted_sources(given)
    assert built == tuple(Source.model_validate(item) for item in given)
    assert [s.model_fields_set for s in built] == [
        {"title", "publisher", "date", "url"},
        {"title", "publisher", "date"},
    ]


def test_every_field_of_every_record_model_has_a_check():
    for model, checks in FIELD_CHECKS.items():
        assert set(checks) == set(model.model_fields), model.__name__


ACT = {"record": "act", "id": "a.b", "type": "signature", "date": "1990-11-19",
       "actors": ["USA"], "instrument": "cfe-1990", "summary": "Signed.",
       "sources": [{"title": "T", "publisher": "P", "date": "1990"}]}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"actors": "USA"}, TypeError, "expected a list, got str"),
        ({"actors": ["USA", 5]}, TypeError, "expected text, got int"),
        ({"sequence": True}, TypeError, "expected a whole number, got bool"),
        ({"sequence": "1"}, TypeError, "expected a whole number, got str"),
        ({"type": "handshake"}, ValueError, "'handshake' is not a valid ActType"),
        ({"colour": "red"}, ValueError, "a Act has no field 'colour'"),
        ({"sources": [{"title": "T", "publisher": "P"}]}, ValueError, "a Source needs date"),
        ({"sources": ["T"]}, TypeError, "a Source is a JSON object, got str"),
        ({"record": "treaty"}, ValueError, "'treaty' is not a kind of record"),
        ({"contested": {"by": ["UKR"], "grounds": "G"}}, ValueError, "a Contest needs sources"),
    ],
    ids=[
        "list-as-text",
        "number-in-list",
        "bool-as-number",
        "text-as-number",
        "outside-vocabulary",
        "unknown-key",
        "nested-missing",
        "nested-not-object",
        "unknown-kind",
        "nested-optional-missing",
    ],  # fmt: skip
)
def test_content_of_the_wrong_shape_is_refused(change, error, message):
    with pytest.raises(error, match=message):
        trusted_record({**ACT, **change})


def test_a_record_missing_a_required_key_is_refused():
    content = {key: value for key, value in ACT.items() if key != "summary"}
    with pytest.raises(ValueError, match="a Act needs summary"):
        trusted_record(content)


def test_not_an_object_is_refused():
    with pytest.raises(ValueError, match="None is not a kind of record"):
        trusted_record(["act"])


def test_after_enough_records_the_validators_build_them(monkeypatch, contents):
    monkeypatch.setattr(trusted_records, "BY_HAND", 2)
    monkeypatch.setattr(trusted_records, "_by_hand", 0)
    bad = {**ACT, "actors": "USA"}
    with pytest.raises(TypeError):  # by hand: the first two
        trusted_record(bad)
    trusted_record(ACT)
    with pytest.raises(ValidationError):  # then by pydantic's validators
        trusted_record(bad)
    for content in contents:  # the same records either way
        _same(trusted_record(content), RECORD_ADAPTER.validate_python(content))
    assert trusted_sources(ACT["sources"]) == (Source.model_validate(ACT["sources"][0]),)


def test_the_compiled_validator_runs_no_rule_written_in_python():
    def refuse(*args):
        raise AssertionError("a rule written in Python ran")

    schema = {"type": "function-after", "function": {"type": "no-info", "function": refuse},
              "schema": {"type": "str", "strict": True}}  # fmt: skip
    assert trusted_records._without_python_rules(schema) == {"type": "str", "strict": True}
    wrapped = {"type": "function-wrap", "function": {"type": "no-info", "function": refuse},
               "schema": {"type": "str"}}  # fmt: skip
    with pytest.raises(TypeError, match="function-wrap"):
        trusted_records._without_python_rules({"type": "list", "items_schema": wrapped})
    # An act whose rules by type fail (a withdrawal naming no instrument) still has the right
    # types: the compiled validator builds it, the full validators refuse it.
    act = {**ACT, "type": "withdrawal", "instrument": None}
    with pytest.raises(ValidationError):
        RECORD_ADAPTER.validate_python(act)
    assert trusted_records.record_types().validate_python(act).type == "withdrawal"
