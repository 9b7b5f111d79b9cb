"""Synthetic ledgers for benchmarks: a realistic mix of records, made deterministically.

The mix: up to 2,000 instruments, 200 actors, dates a year (10%), a month
(20%) or a day; every 50th act an entry into force; and revisions of 1% of
the acts (corrections of the date, and every fifth of them a retraction).

The records are valid but invented (their sources say so); they never go into
``fixtures/``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pycountry

ACTORS = sorted(country.alpha_3 for country in pycountry.countries)[:200]
"""200 actors: the first ISO 3166-1 alpha-3 codes in order (POL and RUS among them)."""
SOURCE = {
    "title": "Synthetic benchmark record",
    "publisher": "Treaty Ledger benchmarks",
    "date": "2026",
}
_KINDS = ["signature", "ratification", "accession", "alleged-violation", "doctrinal-statement"]


def records(acts: int, instruments: int = 2000, seed: int = 7) -> Iterator[dict]:
    """Yield ``instruments`` instruments, then ``acts`` acts over them, as JSON-ready dicts."""
    rng = random.Random(seed)
    for number in range(instruments):
        yield {
            "record": "instrument",
            "id": f"synthetic-{number}",
            "title": f"Synthetic instrument {number}",
            "legal_nature": "treaty",
            "provisions": [
                {
                    "id": f"synthetic-{number}.p",
                    "type": "restraint",
                    "summary": "limits",
                    "obligors": "parties",
                }
            ],
            "sources": [SOURCE],
        }
    for number in range(acts):
        instrument = f"synthetic-{rng.randrange(instruments)}"
        year = rng.randrange(1950, 2025)
        precision = rng.random()
        if precision < 0.1:
            date = f"{year}"
        elif precision < 0.3:
            date = f"{year}-{rng.randrange(1, 13):02d}"
        else:
            date = f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        kind = rng.choice(_KINDS)
        act = {
            "record": "act",
            "id": f"synthetic-act-{number}",
            "type": kind,
            "date": date,
            "actors": [rng.choice(ACTORS)],
            "instrument": instrument,
            "summary": f"synthetic {kind}",
            "sources": [SOURCE],
        }
        if kind == "alleged-violation":
            recipient = rng.choice(ACTORS)
            if recipient == act["actors"][0]:  # no state accuses itself: take the next code
                recipient = ACTORS[(ACTORS.index(recipient) + 1) % len(ACTORS)]
            act["recipients"] = [recipient]
        if number % 50 == 0:
            act["type"] = "entry-into-force"
        yield act


def revisions(acts: int, seed: int = 11) -> Iterator[tuple[str, str | None]]:
    """Yield (act id, new date) for a correction, (act id, None) for a retraction: 1% of acts."""
    rng = random.Random(seed)
    for number, act_number in enumerate(rng.sample(range(acts), acts // 100)):
        new_date = None if number % 5 == 4 else f"{rng.randrange(1950, 2025)}-06-15"
        yield f"synthetic-act-{act_number}", new_date
