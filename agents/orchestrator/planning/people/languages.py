"""Languages the ads should reach: "Spanish speakers", "in French", "language: German".

Two languages or more standing as a list of their own between commas ("US, english and spanish,
$50/day") are the audience's languages too; one language word alone there is not read (it is
as often the copy, a cuisine or a product: "Danish design lamps", "korean skincare").

Meta targets languages by adlocale key (`targeting.locales`, GET /search?type=adlocale). The
keys below are the "(All)" keys for languages Meta groups (English 1001, Spanish 1002, French
1003, Chinese 1004, Portuguese 1005) and the single key of the others. They were checked
against a dump of Meta's adlocale search results (English (US) 6, English (UK) 24, German 5,
Spanish 23, Spanish (Spain) 7, Finnish 8, Swedish 18, ...) found in public code; the earlier
table had Swedish, Danish, Norwegian, Finnish, Greek, Hebrew, Thai, Czech, Romanian and
Ukrainian wrong. Re-check a key with the adlocale search before relying on a new one.
"""

from __future__ import annotations

import re

from agents.orchestrator.planning import WHO, Question
from agents.orchestrator.planning.cues import negated_before

LOCALES = {"english": 1001, "spanish": 1002, "french": 1003, "chinese": 1004,
           "portuguese": 1005, "german": 5, "italian": 10, "dutch": 14, "japanese": 11,
           "korean": 12, "polish": 15, "russian": 17, "turkish": 19, "arabic": 28, "hindi": 46,
           "swedish": 18, "danish": 4, "norwegian": 13, "finnish": 8, "greek": 39,
           "hebrew": 29, "indonesian": 25, "thai": 35, "vietnamese": 27, "tagalog": 26,
           "filipino": 26, "czech": 2, "romanian": 32, "hungarian": 30, "ukrainian": 52,
           "catalan": 1, "welsh": 3, "slovak": 33, "slovenian": 34, "bulgarian": 37,
           "croatian": 38, "serbian": 42, "lithuanian": 40, "latvian": 78, "estonian": 58,
           "malay": 41, "bengali": 45, "punjabi": 47, "tamil": 48, "telugu": 49, "urdu": 90,
           "persian": 60, "farsi": 60, "icelandic": 69, "irish": 64}
# Meta locale key → its lower-case name (the later of two names for one key: "filipino").
LOCALE_NAMES = {v: k for k, v in LOCALES.items()}
ALIASES = {"mandarin": "chinese", "cantonese": "chinese", "brazilian portuguese": "portuguese",
           "castilian": "spanish"}
# People named by their language: "francophones", "anglophones".
PHONES = {"francophone": "french", "anglophone": "english", "hispanophone": "spanish",
          "lusophone": "portuguese", "arabophone": "arabic", "germanophone": "german",
          "italophone": "italian"}
ALIASES.update({f"{k}s": v for k, v in PHONES.items()} | PHONES)
_NAMES = sorted([*LOCALES, *ALIASES], key=len, reverse=True)
_LANG = r"(?:" + "|".join(_NAMES) + r")"
_LIST = rf"{_LANG}(?:-?\s*(?:,|/|&|\band\b|\bor\b|\bplus\b)\s*{_LANG})*"
LANG_RE = re.compile(
    rf"\b(?P<a>{_LIST})(?:[- ]speaking|\s+speakers?|[- ]language(?:\s+speakers)?|\s+natives?)\b"
    rf"|\b(?:languages?|locales?)\s*(?::|=|-|\bis\b|\bare\b)?\s*(?P<b>{_LIST})\b"
    rf"|\b(?:speak|speaks|speaking)\s+(?:(?:fluent|native|only|mainly|mostly)\s+)?(?P<c>{_LIST})\b"
    rf"|\b(?:bilingual|multilingual)\s+\(?(?P<e>{_LIST})\b"  # "bilingual Spanish and English homes"
    rf"|\b(?P<f>(?:{'|'.join(PHONES)})s?(?:\s*(?:,|/|&|\band\b|\bor\b)\s*(?:{'|'.join(PHONES)})s?)*)\b"
    rf"|\b(?:(?:ads?|copy|creatives?|campaign|it|only|all|everything|text)\s+)?in\s+"
    rf"(?P<d>{_LIST})\b(?=\s*(?:$|[.,;:!?)\-—–]|(?:only|please|pls|for|to|and|with|too|as|"
    rf"across|in|on|targeting|aimed|speakers?)\b))"
    # two languages or more as a list of their own ("US, english and spanish, $50/day")
    rf"|(?:^|(?<=[,;:\n(]))\s*(?P<g>{_LANG}\s*(?:,|/|&|\band\b|\bor\b|\bplus\b)\s*{_LIST})"
    rf"\s*(?=$|[,;.\n)])",
    re.I)
WORD = re.compile(_LANG, re.I)
# Languages written in more than one script: which readers (and which copy) is asked.
SCRIPTS = {"chinese": "Simplified (mainland China, most Mandarin speakers) or Traditional "
                      "(Hong Kong, Taiwan, most Cantonese speakers)"}
ALL_OF = re.compile(r"\b(?:all|any|every)\s+(?:\w+\s+)?$", re.I)


def find_locales(text: str, flags: list[Question] | None = None
                 ) -> tuple[list[int], list[tuple[int, int]]]:
    """Return Meta locale keys for languages named as audience languages, and spans.

    A language of several scripts ("Chinese speakers") is asked in `flags`, naming the word,
    unless the brief says all of them ("all Chinese speakers").
    """
    keys: list[int] = []
    spans = []
    for m in LANG_RE.finditer(text):
        if negated_before(text, m.start()) is not None:
            continue  # "no French speakers": left out, which locales cannot say alone (asked)
        group = next(g for g in ("a", "b", "c", "d", "e", "f", "g") if m.group(g))
        for w in WORD.finditer(m.group(group)):
            name = w.group(0).lower()
            key = LOCALES[ALIASES.get(name, name)]
            scripts = SCRIPTS.get(ALIASES.get(name, name))
            if scripts and flags is not None and not ALL_OF.search(text, 0, m.start() + w.start()):
                flags.append(Question(
                    "languages", f"‘{w.group(0)}’: Chinese is written in two scripts, "
                    f"{scripts}. Which readers should the ads reach, and in which script is the "
                    "copy? (or say 'all Chinese speakers')", "ambiguous", w.group(0), WHO))
            if key not in keys:
                keys.append(key)
        spans.append(m.span())
    return keys, spans
