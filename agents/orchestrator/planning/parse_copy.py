"""Ad copy quoted in a brief: headlines, primary texts and descriptions, kept verbatim.

`find_copy(text)` reads quotes of every kind — "…", “…”, „…“, «…», ‹…›, ‘…’ and '…' (an
apostrophe inside, as in "you'll", never ends a quote) — and gives each the label nearest
before it ("headline: 'X'", 'primary text "Y"', "body copy: “Z”", "description 'W'") or right
after it ('"X" as the headline'). Quotes listed after a label share it ('headlines: "A", "B"
/ "C"', '"A" vs "B"'). A later correction replaces one ('… actually drop the second one, use
"C" instead'), shown as an `Adjustment`. A quote with no label is not copy (it stays for the
other parsers and the not-understood net). A labelled value without quotes ("headline: Summer
Sale, $40/day") is read up to a comma, semicolon, dash, bracket or sentence end.

Read copy from the brief as written (or from a normalised text that leaves quotes alone).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agents.orchestrator.planning import Adjustment
from agents.orchestrator.planning.cues import CORRECTION, INSTEAD_AFTER

PAIRS = {'"': '"', "“": "”", "„": "“”", "«": "»", "‹": "›", "‘": "’", "'": "'", "’": "’",
         "”": "”", "＂": "＂", "「": "」"}
APOSTROPHES = {"'", "’", "‘"}
LABELS = [
    ("description", re.compile(r"\b(?:link\s+)?(?:descriptions?|desc)\b", re.I)),
    ("primary", re.compile(r"\b(?:primary(?:\s+texts?)?|body(?:\s+(?:copy|texts?))?|ad\s+copy|"
                           r"ad\s+texts?|main\s+texts?|post\s+texts?|captions?|"
                           r"(?<!button\s)(?<!cta\s)(?:copy|texts?|texte|textos|message))\b", re.I)),
    ("headline", re.compile(r"\b(?:headlines?|titles?|heading|hed)\b", re.I)),
]
# Between a label and its quote: separators and a few words ("headline should read:",
# "two headlines to test on bag.jpg:"), never a sentence end.
TOPIC = re.compile(r"\b(?:about|around|regarding|mentioning|featuring|on\s+the\s+theme\s+of)\b", re.I)
GAP = re.compile(r"(?:[^.!?\n\"“”„«»‹›]|[.!?](?=\S)){0,45}|"
                 # "Headlines to test (same image for all):\n1. “…”": a list under a label
                 r"(?:[^.!?\n\"“”„«»‹›]|[.!?](?=\S)){0,70}:[ \t]*\n\s*(?:[-*•]|\(?\d{1,2}[.):])\s*")
LIST_JOIN = re.compile(r"\s*(?:,|/|\||;|&|\+|\bvs\.?|\bversus\b|\band\b|\bor\b|\bund\b|\boder\b|"
                       r"\bet\b|\bou\b|\by\b|\be\b|\bo\b|\n)?\s*"
                       r"(?:(?:and|or)\s+)?(?:[-*•]|\(?\d[.):]|\(?[a-e]\)|(?:option|variant|"
                       r"version)\s+(?:\d|[a-e])\s*[:.)-]?)?\s*", re.I)
# "headline: Summer Sale, $40/day": a labelled value without quotes, up to a comma, a
# semicolon, a dash, a bracket or the end of the sentence.
UNQUOTED = re.compile(r"\b(?P<l>headline|primary\s+text|body\s+copy|description)\s*[:=]\s*"
                      r"(?P<v>[^\"“”„«»‹›'‘’,;\n()\s][^\"“”„«»‹›,;\n()]{1,79}?)"
                      r"(?=\s*(?:[,;\n(]|\s[-–—]{1,2}\s|[.!?](?:\s|$)|$))", re.I)
LABEL_AFTER = re.compile(r"^\s*(?:\(\s*|[-–—:]\s*|(?:as|for)\s+(?:the\s+|a\s+|our\s+)?)"
                         r"(?P<l>headline|title|primary\s+text|body(?:\s+copy)?|description)\b",
                         re.I)
NOT_COPY = re.compile(r"^\S+\.(?:jpe?g|png|webp|gif|bmp|tiff?|mp4|mov|m4v|avi|webm)$|"
                      r"^(?:https?://|www\.)\S+$", re.I)
ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3,
            "4th": 3, "last": -1}
REPLACE = re.compile(r"\b(?:drop|replace|swap|change|lose|kill|remove|ditch|scrap)\b[^.\"“]{0,20}?"
                     r"\b(?P<o>" + "|".join(ORDINALS) + r")\b", re.I)


@dataclass
class Quote:
    """A quoted segment: where it is (quote marks included) and what it says."""

    start: int
    end: int
    text: str


@dataclass
class CopyResult:
    """Copy the brief quotes, by field, with the spans read and what was corrected."""

    headlines: list[str] = field(default_factory=list)
    primary: list[str] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    quote_spans: list[tuple[int, int]] = field(default_factory=list)  # the copy itself
    adjustments: list[Adjustment] = field(default_factory=list)

    def by_field(self, name: str) -> list[str]:
        """Return the list for "headline", "primary" or "description"."""
        return {"headline": self.headlines, "primary": self.primary,
                "description": self.descriptions}[name]


def _opens(text: str, i: int) -> bool:
    ch = text[i]
    if ch not in PAIRS:
        return False
    if ch in APOSTROPHES:  # an apostrophe opens only at a word start: don't, it's, rock 'n'
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        return not before.isalnum() and not after.isspace()
    return True


def _closes(text: str, j: int, closers: str) -> bool:
    if text[j] not in closers:
        return False
    if text[j] in APOSTROPHES:  # "you'll": a closing quote is not followed by a letter
        after = text[j + 1] if j + 1 < len(text) else " "
        return not after.isalnum() and not text[j - 1].isspace()
    return True


def quotes(text: str) -> list[Quote]:
    """Every quoted segment of `text` (2–300 characters, one line)."""
    out: list[Quote] = []
    i = 0
    while i < len(text):
        if _opens(text, i):
            closers = PAIRS[text[i]]
            j = i + 1
            while j < len(text) and j - i <= 301 and text[j] != "\n":
                if _closes(text, j, closers):
                    break
                j += 1
            if j < len(text) and text[j] != "\n" and j - i <= 301 and _closes(text, j, closers) \
                    and len(text[i + 1:j].strip()) >= 2:
                out.append(Quote(i, j + 1, text[i + 1:j]))
                i = j + 1
                continue
        i += 1
    return out


def _label_before(text: str, start: int, floor: int) -> tuple[str, int] | None:
    """Return the label nearest before `start` (not before `floor`), and where it begins."""
    window = text[max(floor, start - 90):start]
    base = start - len(window)
    best: tuple[str, int, int] | None = None
    for name, pat in LABELS:
        for m in pat.finditer(window):
            if best is None or m.start() > best[1]:
                best = (name, m.start(), m.end())
    gap = window[best[2]:] if best else ""
    # "a headline about our 'best' deals" names a topic, not the copy itself.
    if best and GAP.fullmatch(gap) and not TOPIC.search(gap):
        return best[0], base + best[1]
    return None


FORM_TEXT_BEFORE = re.compile(r"\b(?:thank[- ]?you(?:\s+(?:screen|page|text|message|note))?|"
                              r"(?:custom\s+)?question|pregunta|pergunta|frage)\s*[:=]?\s*$", re.I)


def find_copy(text: str) -> CopyResult:
    """Return the headlines, primary texts and descriptions `text` quotes. See the module doc."""
    r = CopyResult()
    qs = quotes(text)
    last: tuple[str, int] | None = None  # the field of the previous quote, and its end
    for k, q in enumerate(qs):
        if NOT_COPY.search(q.text) or FORM_TEXT_BEFORE.search(text, max(0, q.start - 40), q.start):
            last = None
            continue  # 'headline image "banner.jpg"': a file or a link, never copy; a lead
            # form's question or thank-you text is the form's (formats/destinations.py)
        floor = qs[k - 1].end if k else 0
        label = _label_before(text, q.start, floor)
        after = LABEL_AFTER.match(text[q.end:q.end + 30])
        name: str | None = None
        start, end = q.start, q.end
        if label:
            name, start = label
        elif after:
            word = after.group("l").lower()
            name = "headline" if word in ("headline", "title") else \
                "description" if word == "description" else "primary"
            end = q.end + after.end()
        elif last and LIST_JOIN.fullmatch(text[last[1]:q.start]):
            name = last[0]
        elif last and (fix := _correction(text, last[1], q, len(r.by_field(last[0])))) is not None:
            name = last[0]
            values = r.by_field(name)
            r.adjustments.append(Adjustment(f"ad_sets[0].ads[{fix}].creative."
                                            f"{'primary_text' if name == 'primary' else name}",
                                            values[fix], q.text, "a later correction in the "
                                            "brief replaces it"))
            values[fix] = q.text
            r.spans.append((last[1], q.end))
            r.quote_spans.append((q.start, q.end))
            continue
        if name is None:
            last = None
            continue
        r.by_field(name).append(q.text)
        r.spans.append((start, end))
        r.quote_spans.append((q.start, q.end))
        last = (name, end)
    for m in UNQUOTED.finditer(text):
        word = m.group("l").lower()
        name = "headline" if word == "headline" else \
            "description" if word == "description" else "primary"
        if r.by_field(name) or any(s <= m.start() < e for s, e in r.spans):
            continue
        r.by_field(name).append(m.group("v").strip())
        r.spans.append(m.span())
        r.quote_spans.append(m.span("v"))
    return r


def _correction(text: str, prev_end: int, q: Quote, count: int) -> int | None:
    """Which earlier quote a correction replaces ("drop the second one, use 'C' instead")."""
    gap = text[prev_end:q.start]
    if not (CORRECTION.search(gap) or INSTEAD_AFTER.match(text[q.end:q.end + 20])):
        return None
    if m := REPLACE.search(gap):
        idx = ORDINALS[m.group("o").lower()]
        idx = count - 1 if idx < 0 else idx
        return idx if idx < count else None
    return 0 if count == 1 else None
