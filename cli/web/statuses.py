"""How each status looks in the browser: one row per status, colours from Okabe-Ito.

The palette is Okabe and Ito's *Color Universal Design* set of eight colours
(2008), chosen to stay distinguishable under the common forms of colour
blindness. Ten actor statuses share eight colours, so two of them add a
stripe; and every status is always written out in text beside its colour.
A status this table does not know gets a neutral grey: a new status needs
only a new row here (its CSS class is generated from the table).
"""

from __future__ import annotations

from dataclasses import dataclass

# Okabe-Ito (2008): black, orange, sky blue, bluish green, yellow, blue, vermillion,
# reddish purple; grey is added for "nothing in force".
BLACK, ORANGE, SKY, GREEN, YELLOW = "#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442"
BLUE, VERMILLION, PURPLE, GREY = "#0072B2", "#D55E00", "#CC79A7", "#BBBBBB"


@dataclass(frozen=True)
class StatusStyle:
    """One status: its colour, the colour of text on it, a stripe, and what it means."""

    status: str
    colour: str
    ink: str
    meaning: str
    striped: bool = False


ACTOR_STATUSES = (
    StatusStyle("party", BLUE, "#FFFFFF", "bound: consented and the treaty is in force"),
    StatusStyle("participating", BLUE, "#FFFFFF", "takes part in a political instrument",
                striped=True),
    StatusStyle("provisionally-applying", SKY, BLACK, "applies the treaty before it binds",
                striped=True),
    StatusStyle("contracting", SKY, BLACK, "consented; the treaty is not yet in force"),
    StatusStyle("signatory", GREEN, "#FFFFFF", "signed, not (yet) consented"),
    StatusStyle("suspended", ORANGE, BLACK, "suspended its application"),
    StatusStyle("withdrawing", VERMILLION, "#FFFFFF", "gave notice of withdrawal; still a party"),
    StatusStyle("withdrawn", BLACK, "#FFFFFF", "withdrawal has taken effect"),
    StatusStyle("proposer", PURPLE, BLACK, "proposed the text"),
    StatusStyle("addressee", YELLOW, BLACK, "the proposal or demands were addressed to it"),
    StatusStyle("former-party", GREY, BLACK, "released when the instrument ended (VCLT art. 70)"),
    StatusStyle("ended", GREY, BLACK, "the instrument ended while the actor held a status"),
)  # fmt: skip
"""Actor statuses toward an instrument, in the order a row lists them."""

INSTRUMENT_STATUSES = (
    StatusStyle("in-force", BLUE, "#FFFFFF", "a treaty in force"),
    StatusStyle("adopted", GREEN, "#FFFFFF", "a political or unilateral instrument adopted"),
    StatusStyle("draft", YELLOW, BLACK, "proposed, binds nobody"),
    StatusStyle("terminated", BLACK, "#FFFFFF", "ended; binds nobody"),
    StatusStyle("superseded", GREY, BLACK, "replaced by a successor instrument"),
)
"""Instrument statuses."""

UNKNOWN = StatusStyle("unknown", GREY, BLACK, "a status this view has no colour for")
_BY_NAME = {style.status: style for style in ACTOR_STATUSES + INSTRUMENT_STATUSES}


def style_of(status: str) -> StatusStyle:
    """The style of ``status``; an unknown status gets the neutral :data:`UNKNOWN` style."""
    return _BY_NAME.get(status, UNKNOWN)


def css_class(status: str) -> str:
    """The CSS class of a status: ``st-`` and its name, or ``st-unknown``."""
    return f"st-{status}" if status in _BY_NAME else "st-unknown"


def status_order(status: str) -> int:
    """Where an actor status comes in a row (unknown statuses last)."""
    names = [style.status for style in ACTOR_STATUSES]
    return names.index(status) if status in names else len(names)


def stylesheet() -> str:
    """The CSS rules of every status, generated from the tables above."""
    rules = []
    for style in ACTOR_STATUSES + INSTRUMENT_STATUSES + (UNKNOWN,):
        background = style.colour
        if style.striped:
            stripes = f"{style.colour} 0 6px, {style.colour}B3 6px 9px"
            background = f"repeating-linear-gradient(135deg, {stripes})"
        rules.append(
            f".st-{style.status}{{background:{background};color:{style.ink};"
            f"border-color:{style.colour}}}"
        )
        stripe = "stroke:#FFFFFF;stroke-width:2;stroke-dasharray:3 3;" if style.striped else ""
        rules.append(f"rect.st-{style.status}{{fill:{style.colour};{stripe}}}")
    return "\n".join(rules)
