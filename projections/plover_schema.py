"""The JSON Schema of one PLOVER record of ``ledger export acts --format plover``.

Built from ``projections.plover_vocabulary`` (the manual's tables, DRAFT
Version 1.3) and the export's own ``ledger_`` fields; printed by
``ledger schema export-acts-plover``. Version 2 of the row format: version 1
was the PLOVER-style record before the export followed the manual.
"""

from __future__ import annotations

from treaty_ledger.projections.plover_vocabulary import (
    CATEGORIES,
    CONTEXTS,
    MANUAL_SOURCE,
    MANUAL_VERSION,
    MODES,
    QUAD,
    REQUIRED_FIELDS,
    REQUIRES_RECIPIENT,
)

PLOVER_SCHEMA_VERSION = 2

_DAY = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_TEXT = {"type": "string"}
_NULLABLE_TEXT = {"type": ["string", "null"]}
_ENTITY = {
    "type": "object",
    "required": ["code"],
    "properties": {
        "code": {"type": "string", "pattern": "^[A-Z]{3}$",
                 "description": "ISO 3166 alpha-3 (states), or IGO, UNO, EUR"},
        "sector": {"type": "string", "pattern": "^([A-Z]{3}){1,2}$"},
        "entity_text": _TEXT,
        "identifier_text": _TEXT,
    },
}  # fmt: skip


def plover_record_schema() -> dict:
    """Return the JSON Schema (draft 2020-12) of one exported PLOVER record."""
    every_mode = sorted({mode for modes in MODES.values() for mode in modes})
    rules: list[dict] = [
        {
            "if": {"properties": {"event": {"contains": {"enum": sorted(REQUIRES_RECIPIENT)}}}},
            "then": {"required": ["recipient"], "properties": {"recipient": {"minItems": 1}}},
        }
    ]
    for category in CATEGORIES:
        modes = {"type": ["array", "null"], "items": {"enum": list(MODES[category])}}
        if not MODES[category]:
            modes = {"type": ["array", "null"], "maxItems": 0}
        rules.append(
            {
                "if": {"properties": {"event": {"const": [category]}}},
                "then": {"properties": {"quad_code": {"const": QUAD[category]}, "mode": modes}},
            }
        )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"treaty-ledger/export-acts-plover/v{PLOVER_SCHEMA_VERSION}",
        "title": f"PLOVER event record (PLOVER manual, version {MANUAL_VERSION})",
        "description": f"Fields and vocabularies from {MANUAL_SOURCE}; "
        "fields starting with ledger_ are the ledger's own.",
        "type": "object",
        "required": [*REQUIRED_FIELDS, "quad_code", "context", "cite_info",
                     *(name for name in _EXTENSION)],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "minLength": 1, "description": "the act's id"},
            "date": {**_DAY, "description": "the act's first possible day"},
            "enddate": {**_DAY, "description": "the act's last possible day, if not one day"},
            "actor": {"type": "array", "minItems": 1, "items": _ENTITY},
            "recipient": {"type": "array", "minItems": 1, "items": _ENTITY},
            "event": {"type": "array", "minItems": 1, "maxItems": 1,
                      "items": {"enum": list(CATEGORIES)}},
            "quad_code": {"enum": [1, 2, 3, 4]},
            "mode": {"type": ["array", "null"], "items": {"enum": every_mode}},
            "context": {"type": "array", "items": {"enum": list(CONTEXTS)}},
            "event_loc": {"type": "object", "properties": {"extracted_place": _TEXT}},
            "link": {**_TEXT, "description": "the instrument's id"},
            "cite_info": {
                "type": "object",
                "properties": {key: _TEXT for key in
                               ("title", "publication", "url", "coder", "codebook")},
            },
            **_EXTENSION,
        },
        "allOf": rules,
    }  # fmt: skip


_EXTENSION: dict[str, dict] = {
    "ledger_act_id": {**_TEXT, "description": "the act's id"},
    "ledger_act_type": {**_TEXT, "description": "the ledger's act type"},
    "ledger_date": {**_TEXT, "description": "the act's date, EDTF as recorded"},
    "ledger_date_imprecise": {
        "type": "boolean",
        "description": "true when the date is not one certain day (date..enddate bound it)",
    },
    "ledger_effective": {**_NULLABLE_TEXT, "description": "effective date, EDTF, if any"},
    "ledger_territory": {**_NULLABLE_TEXT, "description": "the territory the act concerns"},
    "ledger_instrument": {**_NULLABLE_TEXT, "description": "the instrument's id"},
    "ledger_legal_nature": {**_NULLABLE_TEXT, "description": "the instrument's legal nature"},
    "ledger_summary": {**_TEXT, "description": "the ledger's summary of the act"},
    "ledger_sources": {
        "type": "array",
        "minItems": 1,
        "items": {
            "type": "object",
            "required": ["title", "publisher", "date"],
            "properties": {"title": _TEXT, "publisher": _TEXT, "date": _TEXT, "url": _TEXT},
        },
    },
}
