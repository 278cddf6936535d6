"""Read a brief the way people write it: one pre-pass into the plain English the parsers read.

Longer than 300 lines because its passes all edit one text through one map back to the brief
(`Normalised`, `_apply`); split, each pass would have to export that map's internals.

`normalise(brief, defaults)` returns a `Normalised` text plus a map back to the brief, so a
phrase the parsers did not use is always reported in the brief's own words. In order:

1. **Protect** what must stay verbatim: quoted copy, URLs, file paths, e-mail addresses.
2. **Language**: function words tell English, Spanish, French, German and Portuguese (read)
   from other languages (flagged, with the hint to set `ADPILOT_MODEL`). Scripts such as
   Japanese or Cyrillic are recognised by their characters.
3. **Numbers in words** become digits (text2num, in the brief's language): "fifty bucks a day"
   → "50 bucks a day", "dos mil euros" → "2000 euros"; also "two grand" → "2 grand".
4. **Vocabulary**: Spanish, French, German and Portuguese words for goals, money periods, ages,
   genders, places, languages, placements, schedule and copy labels become English
   (`agents/orchestrator/planning/lexicon.py`; country and region names from pycountry's translations).
5. **Misspellings** of the words that matter — objectives, money words, placements, people
   words, place names — are corrected to the nearest vocabulary word (one edit, two for long
   words, same first letter), only when the written word is not itself a common word; each
   correction is an `Adjustment` the card shows ("‘sals’ read as ‘sales’"). A place name
   written in lower case where a goal word belongs ("get leeds for our roofing company") is
   read as the goal word, and that is shown too.
"""

from __future__ import annotations

import difflib
import gettext
import re
from dataclasses import dataclass, field
from functools import cache

from agents.orchestrator.planning import SPEND, WHO, Adjustment, PlanDefaults, Question
from agents.orchestrator.planning import lexicon as lx

QUOTE_PAIRS = (("\"", "\""), ("“", "”"), ("„", "“"), ("«", "»"), ("‘", "’"), ("‹", "›"))
WORD_RE = re.compile(r"[^\W\d_][^\W\d_'’-]*", re.UNICODE)
# A bare place name where a goal word belongs: "get leeds", "more leeds", "generate leeds".
GOAL_CUE = re.compile(r"\b(?:get|getting|get\s+us|get\s+me|more|generate|generating|need|needs|want|drive|"
                      r"driving|collect|capture|boost|increase|for|some|new|qualified)\s+$|"
                      # "need emergency plumbing leeds": a few words of trade between
                      r"\b(?:get|getting|more|generate|generating|need|needs|want|drive|driving|"
                      r"collect|capture|boost|increase|qualified)\s+(?:(?!(?:in|near|around|across|"
                      r"from|to|at|of|the|and|or|our|my|your|their|its|this|that|visit|visiting|"
                      r"living|based|city|ads|people|customers|shop|store)\s)[a-z]{3,}\s+){1,2}$", re.I)


@dataclass
class Normalised:
    """The brief as the parsers read it, with a map back to the brief's own words."""

    original: str
    text: str
    src: list[tuple[int, int]]  # per character of `text`: the brief's (start, end) it came from
    language: str = "en"
    protected: list[tuple[int, int]] = field(default_factory=list)  # in `original`
    adjustments: list[Adjustment] = field(default_factory=list)
    flags: list[Question] = field(default_factory=list)
    set_aside: list[str] = field(default_factory=list)  # e.g. an e-mail signature, not read

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of `text` to the span of the brief it came from."""
        if end <= start or not self.src:
            at = self.src[min(start, len(self.src) - 1)][0] if self.src else 0
            return at, at
        return self.src[start][0], self.src[min(end, len(self.src)) - 1][1]

    def original_text(self, start: int, end: int) -> str:
        """Return the brief's own words for a span of `text`."""
        s, e = self.to_original(start, end)
        return self.original[s:e]

    def is_protected(self, start: int, end: int) -> bool:
        """Whether a span of `text` lies in quoted copy, a URL, a path or an e-mail."""
        s, e = self.to_original(start, end)
        return any(ps <= s and e <= pe for ps, pe in self.protected)


def _identity(text: str) -> Normalised:
    return Normalised(original=text, text=text, src=[(i, i + 1) for i in range(len(text))])


def _apply(n: Normalised, edits: list[tuple[int, int, str]]) -> None:
    """Replace spans of `n.text` (non-overlapping, any order), keeping the map to the brief."""
    out: list[str] = []
    src: list[tuple[int, int]] = []
    pos = 0
    for start, end, repl in sorted(edits):
        if start < pos:
            continue  # overlaps an earlier edit: keep the first
        out.append(n.text[pos:start])
        src += n.src[pos:start]
        if repl:
            span = (n.src[start][0], n.src[end - 1][1]) if end > start else \
                (n.src[start][0], n.src[start][0])
            out.append(repl)
            src += [span] * len(repl)
        pos = end
    out.append(n.text[pos:])
    src += n.src[pos:]
    n.text, n.src = "".join(out), src


# -- 1. protected spans ----------------------------------------------------------------------


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Spans that must reach the parsers unchanged: quoted copy, URLs, paths, e-mails."""
    from agents.orchestrator.planning.parse_intent import PATH_RE, URL_RE
    from state.contacts import email_spans

    spans = [m.span() for pat in (URL_RE, PATH_RE) for m in pat.finditer(text)]
    spans += email_spans(text)  # EMAIL_RE's matches in linear time
    for open_, close in QUOTE_PAIRS:
        spans += [m.span() for m in re.finditer(
            rf"{re.escape(open_)}[^{re.escape(close)}\n]{{1,300}}{re.escape(close)}", text)]
    # 'single quotes' only where they cannot be apostrophes (don't, it's).
    spans += [m.span() for m in re.finditer(r"(?<![\w])'[^'\n]{1,300}'(?![\w])", text)]
    return sorted(spans)


# -- 2. language ---------------------------------------------------------------------------


def detect_language(text: str) -> tuple[str, dict[str, int]]:
    """Return the brief's language code and the function-word count per language."""
    for code, chars in lx.SCRIPTS:
        if len(re.findall(chars, text)) >= 4:
            return code, {}
    # distinct function words, so "men … men" or "per day per ad set" count once; words
    # English shares ("men", "per", "in") count for another language only beside one that
    # English does not have
    words = {w.lower() for w in WORD_RE.findall(text)}
    scores = {lang: len(words & stop) if lang == "en" or words & (stop - lx.ENGLISH_LOOKALIKES)
              else 0 for lang, stop in lx.STOPWORDS.items()}
    best = max(scores, key=lambda k: (scores[k], k == "en"))
    if scores[best] < 2:
        return "en", scores  # too few function words to tell: read it as English
    if best != "en" and scores["en"] >= scores[best]:
        return "en", scores
    return best, scores


# -- 3. numbers in words ----------------------------------------------------------------------

SCALED = re.compile(r"\d[\d.,]*\s*(?:mil|mille|tausend|thousand|lakhs?|crores?|millions?|"
                    r"millones|milhões|milhoes|mio\.?|mrd\.?)(?![\w])", re.I)
THANKS = re.compile(r"\b(?:mil\s+gracias|mille\s+mercis?|tausend\s+dank|mil\s+obrigad[oa]s?)\b", re.I)
SMALL_MULT = re.compile(r"\b(?:(one|two|a\s+couple\s+of|a|half\s+a)\s+)(grand|thousand|hundred|k)\b",
                        re.I)


def _diff_edits(old: str, new: str, offset: int) -> list[tuple[int, int, str]]:
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [(offset + i1, offset + i2, new[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes()
            if tag != "equal"]


def _numbers(n: Normalised) -> None:
    from text_to_num import alpha2digit

    lang = n.language if n.language in lx.SUPPORTED else "en"
    edits: list[tuple[int, int, str]] = []
    # "R$ 3 mil", "2 Mio.", "1.5 lakh": a digit with a number word is read by the money parser;
    # "mil gracias" is thanks, not a thousand.
    held = [m.span() for pat in (SCALED, THANKS) for m in pat.finditer(n.text)]
    for start, end in _free_segments(n, held):
        seg = n.text[start:end]
        if not re.search(r"[^\W\d_]", seg):
            continue
        try:
            # Outside English every number word counts ("dos semanas"); in English "one ad"
            # and "two headlines" stay words, which the parsers read as they are.
            converted = alpha2digit(seg, lang) if lang == "en" else alpha2digit(seg, lang,
                                                                                threshold=2)
        except Exception:  # noqa: BLE001 - text2num on odd text: keep the words as written
            continue
        if converted != seg:
            edits += _diff_edits(seg, converted, start)
    _apply(n, edits)
    _spoken_money(n)
    small = {"one": "1", "two": "2", "a couple of": "2", "a": "1", "half a": "0.5"}
    _apply(n, [(m.start(), m.end(1) if m.group(1) else m.start(),
                small[re.sub(r"\s+", " ", m.group(1).lower())])
               for m in SMALL_MULT.finditer(n.text) if not n.is_protected(m.start(), m.end())])


def _spoken_money(n: Normalised) -> None:
    """Join "a buck 20" into "1.20 buck"; ask whether "2 50 a day" is 2.50 or 250 (money/spoken.py).

    Only numbers that were words join: digits a person typed are read as typed. A later answer
    line with a number settles a bare pair (it corrects what came before).
    """
    from agents.orchestrator.planning.cues import ANSWER_LINE
    from agents.orchestrator.planning.money import spoken as sp

    def said(start: int, end: int) -> bool:
        words = n.original_text(start, end)
        return not n.is_protected(start, end) and bool(re.search(r"[^\W\d_]", words)) and \
            not re.search(r"\d", words)

    _apply(n, sp.cents_edits(n.text, said))
    answers = [m.end() for m in re.finditer(ANSWER_LINE, n.text, re.I)
               if re.search(r"\d", n.text[m.end():].split("\n", 1)[0])]
    for start, end, small, whole, field_ in sp.bare_pairs(n.text, said):
        if any(a > end for a in answers):
            continue
        words = n.original_text(start, end)
        n.flags.append(Question(
            field_, f"Is ‘{words}’ {small} or {whole}? Said aloud it can be either. (e.g. "
            f"'{small}' or '{whole}')", "ambiguous", words, SPEND))


def _free_segments(n: Normalised, held: list[tuple[int, int]] | None = None
                   ) -> list[tuple[int, int]]:
    """Spans of `n.text` outside protected spans (and outside `held`)."""
    out, start = [], 0
    marks = [n.is_protected(i, i + 1) or any(s <= i < e for s, e in held or ())
             for i in range(len(n.text))]
    for i, p in enumerate([*marks, True]):
        if p:
            if i > start:
                out.append((start, i))
            start = i + 1
    return out


# -- 4. vocabulary --------------------------------------------------------------------------


@cache
def _catalogue_names() -> dict[str, str]:
    """Country code → the catalogue's English name."""
    from agents.orchestrator.planning.catalog import geo

    return {code: row["name"] for code, row in geo().countries.items()}


@cache
def _translated_places(lang: str) -> tuple[tuple[str, str], ...]:
    """(country name in `lang`, the catalogue's English name), from pycountry's translations."""
    import pycountry

    out: dict[str, str] = {}
    names = _catalogue_names()
    try:
        countries = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
    except OSError:
        return ()
    for c in pycountry.countries:
        english = names.get(c.alpha_2)
        if not english:
            continue
        for attr in ("name", "common_name", "official_name"):
            value = getattr(c, attr, None)
            local = countries.gettext(value) if value else None
            if local and local != value and local.lower() != english.lower():
                out.setdefault(local, english)
    return tuple(sorted(out.items(), key=lambda kv: -len(kv[0])))


def _is_regex(pattern: str) -> bool:
    return "\\" in pattern or "(" in pattern


@cache
def _grouped(lang: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    """Return the lexicon's regular-expression entries (ages, ranges), in order."""
    return tuple((re.compile(rf"(?<![\w]){pat}(?![\w])", re.I), repl)
                 for pat, repl in lx.LEXICON.get(lang, []) if _is_regex(pat))


@cache
def _literal_table(lang: str) -> dict[str, str]:
    """Lower-case phrase in `lang` → English: lexicon phrases, months, weekdays, places."""
    table: dict[str, str] = {}
    for pat, repl in lx.LEXICON.get(lang, []):
        if not _is_regex(pat):
            table[pat.lower()] = repl
    for english, names in (*lx.MONTHS.items(), *lx.WEEKDAYS.items(), *lx.CITY_NAMES.items(),
                           *lx.REGION_NAMES.items()):
        for name in names:
            table.setdefault(name.lower(), english)
    for local, english in _translated_places(lang):
        table.setdefault(local.lower(), english)
    return table


@cache
def _literal_regex(lang: str) -> re.Pattern[str]:
    keys = sorted(_literal_table(lang), key=len, reverse=True)
    alts = "|".join(re.escape(k) for k in keys)
    return re.compile(rf"(?<![\w])(?:{alts})(?![\w])", re.I)


@cache
def _multiword_places() -> re.Pattern[str]:
    """Place names of several words ("Rio Grande do Sul", "Los Angeles"): never translated."""
    from agents.orchestrator.planning.geo.names import place_names

    names = sorted((v for v in place_names().values() if " " in v.strip()), key=len, reverse=True)
    return re.compile(r"(?<![\w])(?:" + "|".join(re.escape(v) for v in names) + r")(?![\w])", re.I)


def _vocabulary(n: Normalised) -> None:
    lang = n.language
    if lang not in lx.SUPPORTED or lang == "en":
        return
    names = [m.span() for m in _multiword_places().finditer(n.text)]

    def free(start: int, end: int) -> bool:
        return not n.is_protected(start, end) and not any(s < end and start < e for s, e in names)

    for pat, repl in _grouped(lang):
        _apply(n, [(m.start(), m.end(), m.expand(repl)) for m in pat.finditer(n.text)
                   if free(m.start(), m.end())])
        names = [m.span() for m in _multiword_places().finditer(n.text)]
    table = _literal_table(lang)
    _apply(n, [(m.start(), m.end(), table[m.group(0).lower()])
               for m in _literal_regex(lang).finditer(n.text) if free(m.start(), m.end())])


# -- 5. misspellings ------------------------------------------------------------------------


@cache
def _places() -> dict[str, str]:
    """Lower-case place name (or word of one) → its catalogue spelling, four letters or more."""
    from agents.orchestrator.planning.geo.names import place_names, place_words

    return {k: v for k, v in {**place_words(), **place_names()}.items() if len(k) >= 4}


@cache
def _countries() -> dict[str, str]:
    """Lower-case country name → its catalogue spelling (names of four letters or more)."""
    return {k: v for k, v in _catalogue_names_by_name().items() if len(k) >= 4}


@cache
def _catalogue_names_by_name() -> dict[str, str]:
    return {name.lower(): name for name in _catalogue_names().values()}


@cache
def _common_words() -> frozenset[str]:
    """Filler and everyday words never corrected (beside the frequency check)."""
    from agents.orchestrator.planning.facts import FILLER

    return frozenset(FILLER)


def _is_word(token: str, lang: str) -> bool:
    """Whether `token` is an ordinary word of English (or the brief's language)."""
    from wordfreq import zipf_frequency

    low = token.lower()
    if low in _common_words():
        return True
    langs = {"en", lang} if lang in lx.SUPPORTED else {"en"}
    return any(zipf_frequency(low, code) >= 2.5 for code in langs)


def _nearest(token: str, choices: dict[str, str], limit: int) -> str | None:
    """Return the one nearest choice within `limit` edits, same first letter; else None."""
    from rapidfuzz.distance import DamerauLevenshtein
    from rapidfuzz.process import extract

    low = token.lower()
    hits = [(c, d) for c, d, _ in extract(low, list(choices), scorer=DamerauLevenshtein.distance,
                                          score_cutoff=limit, limit=5)
            if c[0] == low[0] and c != low]
    if not hits:
        return None
    best = min(d for _, d in hits)
    top = [c for c, d in hits if d == best]
    if len(top) > 1:  # "sals": sale or sales? the one that ends like the word written
        top = [c for c in top if c[-1] == low[-1]] or top
        top = [c for c in top if len(c) == max(map(len, top))] if len(
            {c.rstrip("s") for c in top}) == 1 else top
    return choices[top[0]] if len(top) == 1 else None


def _misspellings(n: Normalised) -> None:
    from agents.orchestrator.planning.dsa import DSA_RE

    vocab = {w: w for w in lx.VOCABULARY}
    places = _places()
    # "paid for by Olio Srl": a legal name is written as it is ('Olio' is no 'Ohio')
    names = [m.span("v") for m in DSA_RE.finditer(n.text)]
    edits: list[tuple[int, int, str]] = []
    for m in WORD_RE.finditer(n.text):
        token = m.group(0)
        low = token.lower()
        if len(token) < 4 or low in vocab or low in places or n.is_protected(*m.span()) or \
                any(s <= m.start() < e for s, e in names):
            continue
        before = n.text[max(0, m.start() - 30):m.start()]
        limit = 1 if len(token) <= 6 else 2
        fixed = _nearest(token, vocab, limit)
        if fixed is None and (token[0].isupper() or re.search(
                r"(?:\b(?:in|to|from|across|except|excluding|near|around|and|or)|[&,/])\s+$",
                before, re.I)):
            fixed = _nearest(token, places, limit)
        elif fixed is None:
            # A country's name is distinctive enough to correct in lower case too ("irland").
            fixed = _nearest(token, _countries(), limit)
        if fixed is None or _is_word(token, n.language):
            continue
        if token[0].isupper() and fixed in lx.VOCABULARY:
            fixed = fixed.capitalize()
        edits.append((m.start(), m.end(), fixed))
        n.adjustments.append(Adjustment("brief", token, fixed,
                                        f"‘{token}’ read as a misspelling of ‘{fixed}’"))
    _apply(n, edits)


def _goal_homographs(n: Normalised) -> None:
    """Read a lower-case place name where a goal word belongs as the goal word ("get leeds")."""
    places = _places()
    goal = {w: w for w in lx.GOAL_WORDS}
    edits = []
    for m in WORD_RE.finditer(n.text):
        token = m.group(0)
        if not token.islower() or token not in places or n.is_protected(*m.span()):
            continue
        word = _nearest(token, goal, 1)
        if word and GOAL_CUE.search(n.text[max(0, m.start() - 25):m.start()]):
            edits.append((m.start(), m.end(), word))
            n.adjustments.append(Adjustment(
                "objective", token, word, f"‘{token}’ read as ‘{word}’ (the words around it ask "
                f"for {word}), not as the place {places[token]}"))
    _apply(n, edits)


# -- signatures -------------------------------------------------------------------------------

SIGN_OFF = re.compile(
    r"^[ \t]*(?:thanks|thank\s+you|cheers|best|regards|kind\s+regards|best\s+regards|many\s+"
    r"thanks|thx|ta|danke|vielen\s+dank|viele\s+grüße|beste\s+grüße|liebe\s+grüße|vg|lg|mfg|"
    r"merci|cordialement|bien\s+à\s+vous|bonne\s+journée|gracias|saludos|un\s+saludo|"
    r"obrigad[oa]|abraços?|atenciosamente|grazie|sent\s+from\s+(?:my\s+)?\w+(?:\s+for\s+\w+)?)"
    r"\b[^\n]{0,30}$|^[ \t]*--[ \t]*$", re.I | re.M)
# "Name | Title | Company | address": a signature line, with or without a sign-off.
SIGNATURE_LINE = re.compile(r"^[^\n|]{2,40}\|[^\n|]*\b(?:founder|ceo|cmo|coo|cto|director|"
                            r"manager|lead|head|owner|marketing|gerente|directeur|geschäftsführer|"
                            r"inhaber)\b[^\n]*$", re.I | re.M)
# What a signature never holds: links, media, money, ages, exclusions, budgets or goals.
NOT_A_SIGNATURE = re.compile(r"https?://|www\.|\.(?:jpe?g|png|gif|webp|mp4|mov)\b|[$€£¥₹]|"
                             r"\b\d{2}\s*[-–+]\s*\d{0,2}\b|\b(?:except|exclud\w*|not|no|only|"
                             r"budget|per\s+day|a\s+day|daily|total|sales|leads|traffic|"
                             r"awareness|women|men|ages?)\b", re.I)
# Dictated briefs spell their punctuation ("… period we want leads comma people who …").
DICTATED = re.compile(r"\s*\b(period|full\s+stop|comma|question\s+mark|exclamation\s+(?:point|"
                      r"mark)|new\s+line|end\s+(?:of\s+)?message)\b", re.I)
SPOKEN = {"period": ".", "full stop": ".", "comma": ",", "question mark": "?",
          "exclamation point": "!", "exclamation mark": "!", "new line": "\n",
          "end message": "", "end of message": ""}


def _dictation(n: Normalised) -> None:
    """Read spoken punctuation as punctuation, when a brief dictates it twice or more."""
    hits = [m for m in DICTATED.finditer(n.text) if not n.is_protected(m.start(), m.end())]
    if len(hits) < 2:
        return
    _apply(n, [(m.start(), m.end(), SPOKEN[re.sub(r"\s+", " ", m.group(1).lower())])
               for m in hits])
    n.adjustments.append(Adjustment("brief", "period / comma", ". / ,", "read as dictated "
                                    "text: spoken punctuation taken as punctuation"))


def _signature(n: Normalised) -> None:
    """Set aside an e-mail signature: names, titles, addresses after a sign-off line.

    Only when it looks like one — at most six short lines and no link — so a brief that goes
    on after "Thanks," is read in full. Its words ("Marketing Lead") must not read as a goal.
    """
    for m in SIGNATURE_LINE.finditer(n.text):
        if not re.search(r"https?://|www\.", m.group(0)):
            n.set_aside.append(m.group(0).strip())
            _apply(n, [(m.start(), m.end(), "")])
            break
    for m in SIGN_OFF.finditer(n.text):
        tail = n.text[m.start():]  # the sign-off line itself, and what follows it
        lines = [ln for ln in tail.splitlines() if ln.strip()]
        if len(lines) <= 7 and all(len(ln) < 100 for ln in lines) and \
                not NOT_A_SIGNATURE.search(tail):
            n.set_aside.append(" / ".join(ln.strip() for ln in lines))
            _apply(n, [(m.start(), len(n.text), "")])
            return


# -- all together ---------------------------------------------------------------------------


def normalise(brief: str, defaults: PlanDefaults | None = None) -> Normalised:
    """Return the brief as the parsers read it (see the module docstring)."""
    n = _identity(brief)
    n.protected = protected_spans(brief)
    free = "".join(ch if not any(s <= i < e for s, e in n.protected) else " "
                   for i, ch in enumerate(brief))
    n.language, _ = detect_language(free)
    if n.language not in lx.SUPPORTED:
        name = lx.NAMES.get(n.language, n.language)
        n.flags.append(Question(
            "brief", f"This brief reads as {name}. The offline planner reads English, Spanish, "
            "French, German and Portuguese, so it cannot be sure who the ads should reach, what "
            "to spend or what to optimise for. Set ADPILOT_MODEL=provider:model (e.g. "
            "openai:gpt-4.1-mini) to plan it with a language model, or write the brief in one "
            "of those languages.", kind="not_understood", phrase=brief.strip()[:60], affects=WHO))
        return n
    _dictation(n)
    _signature(n)
    _numbers(n)
    _vocabulary(n)
    _goal_homographs(n)
    _misspellings(n)
    _exclusion_idioms(n)
    return n


def _exclusion_idioms(n: Normalised) -> None:
    """"cut out anyone under 25", "keep teens out of it" → "exclude …" (people/excluding.py)."""
    from agents.orchestrator.planning.people.excluding import idiom_edits

    _apply(n, [(s, e, r) for s, e, r in idiom_edits(n.text) if not n.is_protected(s, max(e, s + 1))])
