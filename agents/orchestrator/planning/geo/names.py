"""The place vocabulary a spelling corrector may correct to: the catalogue's names and the groups'.

Kept apart from `agents.orchestrator.planning.catalog` (the raw tables) because the group names
come from `geo.groups`, which reads the catalogue.
"""

from __future__ import annotations

import json
from functools import cache

from agents.orchestrator.planning.catalog import DATA, norm
from agents.orchestrator.planning.geo.groups import GROUPS


@cache
def place_names() -> dict[str, str]:
    """Every place name the planner knows, lower-cased → that name as the catalogue spells it.

    Countries, regions and cities with their aliases ("scotland" → "Scotland", not "United
    Kingdom"; "georgia" → "Georgia"), and the group names the geo parser reads ("nordics",
    "latin america"); two- and three-letter codes are left out. This is the vocabulary a
    spelling corrector may correct a misspelt place to ("Califronia" → "California"): the geo
    parser itself never guesses, and decides what a corrected name means (Georgia the state
    or the country) from the rest of the brief.
    """
    data = json.loads((DATA / "geo.json").read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for table in ("countries", "regions", "cities"):
        for row in data[table]:
            for name in [row["name"], *row.get("aliases", [])]:
                name = name.removesuffix(" (country)")
                if len(name) > 3:
                    out.setdefault(norm(name), name)
    for name in GROUPS:
        if len(name) > 3:
            out.setdefault(name, name.upper() if name in ("dach", "latam", "asean", "eu27") else
                           " ".join(w if w in ("and", "of", "the", "&") else w.upper()
                                    if len(w) <= 3 and w.isalpha() else w.capitalize()
                                    for w in name.split()))
    return out


@cache
def place_words() -> dict[str, str]:
    """Return the words of multi-word place names, lower-cased → as spelt ("zealand").

    For correcting one word of a name ("New Zeland", "Sao Paolo"); words of four letters or more.
    """
    out: dict[str, str] = {}
    for name in place_names().values():
        words = name.split()
        if len(words) > 1:
            for w in words:
                if len(w) >= 4:
                    out.setdefault(norm(w), w)
    return out
