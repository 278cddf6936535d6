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

# "Spanish headline 'Corre más lejos', Spanish text '…'": the language names the field's copy
ADJ_LABEL = re.compile(r"(?:^|(?<=[\s.;,(\n]))(?P<lang>" + "|".join(re.escape(n) for n in _NAMES) +
                       r")\s+(?=(?:headlines?|titles?|(?:primary\s+)?texts?|body|copy|captions?|"
                       r"descriptions?|ad\s+text)\b)", re.I)


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
    labels += [m for m in ADJ_LABEL.finditer(text)
               if not any(o.start() < m.end() and m.start() < o.end() for o in labels)]
    labels.sort(key=lambda m: m.start())
    found: list[LanguageCopy] = []
    for i, m in enumerate(labels):
        if i and _key(labels[i - 1].group("lang")) == _key(m.group("lang")):
            continue  # "Spanish headline '…', Spanish text '…'": one language's copy, read once
        # a language's copy runs to the next label of another language
        end = next((o.start() for o in labels[i + 1:]
                    if _key(o.group("lang")) != _key(m.group("lang"))), len(text))
        copy = find_copy(text[m.end():end])
        if not (copy.headlines or copy.primary or copy.descriptions):
            continue
        key, name = _key(m.group("lang"))
        if same := next((f for f in found if f.locale == key), None):
            # "French headline '…' and English headline '…'. French text '…'": one language's
            # copy in several places, all of it kept
            for got, more in ((same.copy.headlines, copy.headlines), (same.copy.primary, copy.primary),
                              (same.copy.descriptions, copy.descriptions)):
                got += [c for c in more if c not in got]
            continue
        found.append(LanguageCopy(key, name, copy, m.span()))
    if len(found) < 2:
        return CopyLanguages()
    return CopyLanguages(found, [f.span for f in found])
