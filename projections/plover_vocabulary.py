"""The PLOVER codebook's vocabularies, as the export uses them.

Source: the PLOVER manual ("Political Language Ontology for Verifiable Event
Records: Event, Actor and Data Interchange Specification", Open Event Data
Alliance), DRAFT Version 1.3, as ``PLOVER_MANUAL.tex`` in the GitHub
repository openeventdata/PLOVER at commit
a67ea3c891192e2c630b42b326f09de908f9b88c. Section names below are the
manual's. In this revision ``actor`` has replaced ``source``, ``REQUEST``
has replaced ``DEMAND`` and ``ACCUSE`` has taken in ``DISAPPROVE``.

Everything here is plain data: the event categories with their quad class
and whether they require a recipient, each category's modes, the contexts,
the non-state entity codes and the sector codes the export uses.
"""

from __future__ import annotations

MANUAL_VERSION = "1.3"
"""The manual's own version label ("DRAFT Version: 1.3")."""

MANUAL_SOURCE = (
    "openeventdata/PLOVER PLOVER_MANUAL.tex "
    "@ a67ea3c891192e2c630b42b326f09de908f9b88c (DRAFT Version 1.3)"
)
"""Where the transcribed text is: repository, file and commit."""

QUAD: dict[str, int] = {
    # CAMEO vs. PLOVER, table "Quad categories in PLOVER" (its numeric column).
    # The SANCTION section says MATERIAL CONFLICT; this table, the only one with
    # numbers, puts it under verbal conflict (3), and the export follows the table.
    "AGREE": 1,
    "CONSULT": 1,
    "SUPPORT": 1,
    "CONCEDE": 1,
    "COOPERATE": 2,
    "AID": 2,
    "RETREAT": 2,
    "REQUEST": 3,
    "ACCUSE": 3,
    "REJECT": 3,
    "THREATEN": 3,
    "PROTEST": 4,
    "SANCTION": 3,
    "MOBILIZE": 4,
    "COERCE": 4,
    "ASSAULT": 4,
}
"""Every event category, in the order of chapter "Event Categories", with its quad code."""

CATEGORIES: tuple[str, ...] = tuple(QUAD)

REQUIRES_RECIPIENT: frozenset[str] = frozenset({"COOPERATE", "AID", "SANCTION"})
"""Categories whose section says "Requires recipient: Yes"."""

_REQUEST_REJECT_MODES = ("assist", "change", "yield", "meet")  # shared, per both tables

MODES: dict[str, tuple[str, ...]] = {
    # Chapter "Event Categories", each section's "Supplementary fields" table.
    "AGREE": (),
    "CONSULT": ("visit", "third-party", "multilateral", "phone"),
    "SUPPORT": (),
    "CONCEDE": (),
    "COOPERATE": (),
    "AID": (),
    "RETREAT": ("withdraw", "release", "return", "disarm", "ceasefire", "access", "resign"),
    "REQUEST": _REQUEST_REJECT_MODES,
    "ACCUSE": ("disapprove", "investigate", "allege"),
    "REJECT": _REQUEST_REJECT_MODES,
    "THREATEN": ("restrict", "ban", "arrest", "relations", "expel", "territory", "violence"),
    "PROTEST": ("demo", "riot", "strike", "hunger", "boycott", "obstruct"),
    "SANCTION": ("convict", "expel", "withdraw", "discontinue"),
    "MOBILIZE": ("troops", "weapons", "police", "militia"),
    "COERCE": (
        "seize", "restrict", "ban", "censor", "curfew", "martial-law", "arrest", "deport",
        "withhold", "misinformation", "cyber",
    ),
    "ASSAULT": (
        "abduct", "beat", "torture", "execute", "sexual", "assassinate", "destroy", "primitive",
        "firearms", "explosives", "suicide-attack", "aerial", "drone", "heavy-weapons",
        "crowd-control", "cleansing", "massacre", "unconventional", "sideAB",
    ),
}  # fmt: skip
"""Each category's modes; an empty tuple where the section says "Supplementary fields: None"."""

GENERAL_CONTEXTS: tuple[str, ...] = (
    # "Context codes that can be used with any category", table "General contexts".
    "military", "intelligence", "executive", "legislative", "election",
    "political_institutions", "pro_democracy", "pro_autocracy", "economic", "legal",
    "reparations", "human_rights", "rights_freedoms", "repression", "human_security",
    "gender", "lgbt", "religion_ethnicity", "inequality", "diplomatic", "territory",
    "peacekeeping", "health", "asylum", "migration", "disasters", "natural_resource",
    "environment", "technology", "terrorism", "cbrn", "cyber", "misinformation", "crime",
    "corruption", "illegal_drugs", "trafficking",
)  # fmt: skip

AUXILIARY_MODES: tuple[str, ...] = ("historical", "future", "hypothetical", "negation")
"""Section "Auxiliary modes": the manual has the coder put these in ``context``."""

CONTEXTS: tuple[str, ...] = GENERAL_CONTEXTS + AUXILIARY_MODES

NON_STATE_CODES: dict[str, str] = {
    # "Non-state international actors", table "International Non-state actor names".
    "IGO": "International Governmental Organization",
    "UNO": "United Nations",
    "EUR": "European Union",
    "NGO": "Non-governmental Organization",
    "ISM": "International Social Movement",
    "IMG": "Transnational Militarized Group",
    "MNC": "Multi-national Corporation",
}

STATE_SECTOR = "GOV"
"""Sector Codes: "Government: the executive, ...": a state acting through its government."""

PARTIALLY_RECOGNISED_SECTOR = "PRE"
"""Sector Codes and "Partially recognized (disputed) entities": a breakaway region is
coded under the nominally sovereign state with the PRE sector."""

PLOVER_FIELDS: tuple[str, ...] = (
    # Chapter "Data Fields", table "PLOVER JSON", in its order.
    "id", "has_event", "date", "time", "enddate", "endtime", "actor", "recipient", "event",
    "event_loc", "event_text", "quad_code", "event_scale", "mode", "context", "link", "text",
    "text_info", "cite_info", "coder", "coded_date", "coded_time", "comment",
)  # fmt: skip
"""The manual's named fields; a provider's own fields must not reuse these names."""

REQUIRED_FIELDS: tuple[str, ...] = ("id", "date", "actor", "event")
"""Fields marked "Required? Y" in table "PLOVER JSON"."""
