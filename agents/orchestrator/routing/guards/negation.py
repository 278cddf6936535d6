"""What a request says not to do, and what it takes back: never done, always said.

"don't pause Spring Sale, just cut it by 20%" paused Spring Sale (the verb was read, the "don't"
was not); "dont touch Brand Awareness but halve Trail Shoes" halved both; "pause Spring Sale.
actually no, pause Spring Sale - Retargeting" paused both. Here, on the request's text with
names as placeholders:

- `negated(text)` cuts out "don't / do not / never / no need to <verb> X" (X one or more
  names): X is not changed by the rest of the request, but stays what "it" points to ("…, just
  cut it by 20%" cuts Spring Sale). Each cut phrase is returned to be said on the card.
- `taken_back(text)` keeps only what follows the last "actually no", "scratch that", "sorry, I
  meant", "wait, no", … and returns what it dropped.

A question ("why don't we pause X?") is left as it is.
"""

from __future__ import annotations

import re

from agents.orchestrator.routing.cues import E

_APOS = r"(?:'|’)?"
_VERB = (r"(?:pause|paus|stop|kill|turn\s+off|switch\s+off|shut\s+off|touch|change|cut|raise|lower|"
         r"increase|decrease|reduce|bump|boost|scale|trim|slash|double|halve|mess\s+with|adjust|"
         r"resume|restart|unpause|turn\s+on|move|shift)")
NEGATED = re.compile(
    rf"\b(?:don{_APOS}t|dont|do\s+not|never|no\s+need\s+to|please\s+don{_APOS}t|let{_APOS}s\s+not|"
    rf"we\s+shouldn{_APOS}t|shouldn{_APOS}t)\s+(?:(?:ever|yet|just|really)\s+)?{_VERB}\b\s*"
    rf"(?:(?:the|its|their)\s+)?(?:budget\s+(?:of|on|for)\s+)?(?:(?:campaign|ad\s*set|adset|ad)\s+)?"
    rf"(?P<names>{E}(?:\s*(?:,|and|or|&|nor)\s*(?:the\s+)?{E})*)(?:\s*['’]s\s+budget)?"
    r"(?:\s+(?:yet|for\s+now|please|at\s+all))*\s*[,;.]?", re.I)
TAKE_BACK = re.compile(
    r"(?:^|[.!;,—–-]\s*|\s)(?:actually[, ]+no\b|actually[, ]+(?:scratch|forget|ignore)\s+that\b|"
    r"no[, ]+wait\b|wait[, ]+no\b|scratch\s+that\b|forget\s+that\b|ignore\s+that\b|"
    r"sorry[, ]+i\s+meant\b|i\s+meant\b|correction\b|on\s+second\s+thought\b|"
    r"nah[, ]+(?:actually|instead)\b)[:,.!—–-]*\s*", re.I)
QUESTION = re.compile(r"\bwhy\b|\?\s*$|^\W*(?:should|shouldn't|would|could|can)\s", re.I)


def negated(text: str) -> tuple[str, list[str], list[str]]:
    """Return (text without what it says not to do, the names' placeholders, the phrases cut)."""
    if QUESTION.search(text):
        return text, [], []
    keys: list[str] = []
    said: list[str] = []

    def _cut(m: re.Match[str]) -> str:
        keys.extend(re.findall(E, m.group("names")))
        said.append(m.group(0).strip(" ,;."))
        return " "

    return NEGATED.sub(_cut, text), keys, said


def taken_back(text: str) -> tuple[str, str | None]:
    """Return (what follows the last take-back, what came before it) or (text, None)."""
    found = list(TAKE_BACK.finditer(text))
    if not found:
        return text, None
    last = found[-1]
    rest, before = text[last.end():], text[:last.start()].strip(" ,.;")
    if not rest.strip() or not before:
        return text, None  # "actually no" alone, or at the start: nothing taken back
    return rest, before


__all__ = ["negated", "taken_back"]
