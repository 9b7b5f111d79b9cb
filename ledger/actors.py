"""Actor codes: states by ISO 3166 alpha-3, organisations by their usual abbreviation.

A state is named by its ISO 3166-1 alpha-3 code (``RUS``, ``USA``); a former
state by its ISO 3166-3 alpha-3 code (``SUN`` for the USSR, ``YUG``,
``CSK``, ``DDR``). The code lists come from the ``pycountry`` package (its
copy of the ISO 3166 tables). Organisations are the ones the record needs.
"""

from __future__ import annotations

from functools import lru_cache

from treaty_ledger.ledger.errors import InvalidActorCode

ORGANISATIONS: frozenset[str] = frozenset(
    {"NATO", "OSCE", "CSCE", "UN", "EU", "CSTO", "EAEU", "SCO", "BRICS"}
)
"""Organisations that may act in the record, by their usual abbreviation."""


def check_actor_code(code: object) -> str:
    """Return ``code`` unchanged if it names a state, former state or organisation.

    Codes are case-sensitive: ``RUS``, not ``rus``.

    Raises:
        InvalidActorCode: any other value, including a non-string.
    """
    if not isinstance(code, str) or not _is_known(code):
        raise InvalidActorCode(code)
    return code


@lru_cache(maxsize=1024)
def _is_known(code: str) -> bool:
    if code in ORGANISATIONS:
        return True
    if len(code) != 3 or not code.isascii() or not code.isupper():
        return False
    import pycountry  # loads its tables on first use only

    return (
        pycountry.countries.get(alpha_3=code) is not None
        or pycountry.historic_countries.get(alpha_3=code) is not None
    )


def actor_codes() -> frozenset[str]:
    """Every code :func:`check_actor_code` accepts: the organisations and ISO 3166 alpha-3 codes.

    The codes of states (ISO 3166-1) and of former states (ISO 3166-3), all
    upper case, from ``pycountry`` (loaded on first use), and ``ORGANISATIONS``.
    """
    import pycountry

    states = {country.alpha_3 for country in pycountry.countries}
    former = {country.alpha_3 for country in pycountry.historic_countries}
    return frozenset(ORGANISATIONS | states | former)


def is_organisation(code: str) -> bool:
    """Whether ``code`` names an organisation rather than a state."""
    return code in ORGANISATIONS


_ORGANISATION_NAMES = {
    "NATO": "North Atlantic Treaty Organization",
    "OSCE": "Organization for Security and Co-operation in Europe",
    "CSCE": "Conference on Security and Co-operation in Europe",
    "UN": "United Nations",
    "EU": "European Union",
    "CSTO": "Collective Security Treaty Organization",
    "EAEU": "Eurasian Economic Union",
    "SCO": "Shanghai Cooperation Organisation",
    "BRICS": "BRICS",
}


def display_name(code: str, *, historic_only: bool = False) -> str:
    """The actor's name: an organisation's full name, or the ISO 3166 country name.

    With ``historic_only``, only an ISO 3166-3 former state's name, else "".
    """
    import pycountry

    if code in _ORGANISATION_NAMES:
        return "" if historic_only else _ORGANISATION_NAMES[code]
    former = pycountry.historic_countries.get(alpha_3=code)
    if historic_only:
        return former.name if former else ""
    current = pycountry.countries.get(alpha_3=code)
    if current is not None:
        return getattr(current, "common_name", None) or current.name
    return former.name if former else code
