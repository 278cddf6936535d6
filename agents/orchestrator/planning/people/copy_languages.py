"""Copy per language: 'English: headline "…"; Spanish: headline "…"' → one ad set per language.

A language name used as a label (followed by ':' or a dash, optionally "version" / "copy"),
then the quoted copy up to the next such label, is that language's copy. With copy for two
languages or more, each becomes an ad set targeting its locale with its own copy (separate
ad sets, not a test). One language label alone changes nothing here (`find_locales` reads it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agents.orchestrator.planning.parse_copy import CopyResult, find_copy
from agents.orchestrator.planning.people.languages import ALIASES, LOCALES

NATIVE = {"español": "spanish", "espanol": "spanish", "castellano": "spanish",
          "français": "french", "francais": "french", "deutsch": "german",
          "português": "portuguese", "portugues": "portuguese", "italiano": "italian",
          "nederlands": "dutch", "english": "english", "inglés": "english"}
_NAMES = sorted([*LOCALES, *ALIASES, *NATIVE], key=len, reverse=True)
LABEL = re.compile(r"(?:^|(?<=[\s.;,(\n]))(?:(?:in|for\s+the)\s+)?(?P<lang>" + "|".join(
    re.escape(n) for n in _NAMES) + r")(?:\s+(?:version|copy|ads?|texts?|creative|set))?\s*"
    r"(?::|=|—|–|-(?=\s))\s*", re.I)


@dataclass
class LanguageCopy:
    """One language's copy: its Meta locale key, its name, the copy, and the label's span."""

    locale: int
    name: str
    copy: CopyResult
    span: tuple[int, int]


@dataclass
class CopyLanguages:
    """Copy per language (empty unless two languages or more carry copy) and spans read."""

    languages: list[LanguageCopy] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)


def _key(word: str) -> tuple[int, str]:
    name = word.lower()
    name = NATIVE.get(name, ALIASES.get(name, name))
    return LOCALES[name], name


def find_copy_languages(text: str) -> CopyLanguages:
    """Return each language's copy when the brief gives copy in several languages."""
    labels = list(LABEL.finditer(text))
    found: list[LanguageCopy] = []
    for i, m in enumerate(labels):
        end = labels[i + 1].start() if i + 1 < len(labels) else len(text)
        copy = find_copy(text[m.end():end])
        if not (copy.headlines or copy.primary or copy.descriptions):
            continue
        key, name = _key(m.group("lang"))
        if any(f.locale == key for f in found):
            continue
        found.append(LanguageCopy(key, name, copy, m.span()))
    if len(found) < 2:
        return CopyLanguages()
    return CopyLanguages(found, [f.span for f in found])
