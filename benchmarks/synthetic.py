"""Synthetic ledgers for benchmarks: a realistic mix of records, made deterministically.

The records are valid but invented (their sources say so); they never go into
``fixtures/``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

STATES = [
    "ALB",
    "ARM",
    "AUT",
    "AZE",
    "BEL",
    "BGR",
    "BIH",
    "BLR",
    "CAN",
    "CHE",
    "CYP",
    "CZE",
    "DEU",
    "DNK",
    "ESP",
    "EST",
    "FIN",
    "FRA",
    "GBR",
    "GEO",
    "GRC",
    "HRV",
    "HUN",
    "IRL",
    "ISL",
    "ITA",
    "KAZ",
    "KGZ",
    "LIE",
    "LTU",
    "LUX",
    "LVA",
    "MCO",
    "MDA",
    "MKD",
    "MLT",
    "MNE",
    "MNG",
    "NLD",
    "NOR",
    "POL",
    "PRT",
    "ROU",
    "RUS",
    "SMR",
    "SRB",
    "SVK",
    "SVN",
    "SWE",
    "TJK",
    "TKM",
    "TUR",
    "UKR",
    "USA",
    "UZB",
    "VAT",
    "JPN",
    "KOR",
    "AUS",
    "NZL",
    "CHN",
    "IND",
    "BRA",
    "ZAF",
    "MEX",
]
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
            "actors": [rng.choice(STATES)],
            "instrument": instrument,
            "summary": f"synthetic {kind}",
            "sources": [SOURCE],
        }
        if kind == "alleged-violation":
            act["recipients"] = [rng.choice(STATES)]
        if number % 50 == 0:
            act["type"] = "entry-into-force"
        yield act
