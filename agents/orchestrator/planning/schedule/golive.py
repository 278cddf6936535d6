"""Go live: whether the brief asks to start delivering once approved, or to stay paused.

"go live right away", "launch it live today", "turn it on immediately", "start delivering
now", "activate on approval", "publish immediately", "make it active" → True; "keep it
paused", "don't turn it on yet", "just draft it", "I'll turn it on myself", "send me the plan
to approve first" → False. The plan's `go_live` carries the ask; the approval still decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agents.orchestrator.planning import SPEND, Question
from agents.orchestrator.planning.cues import correction_span

# The brief asks to start delivering once approved ("go live right away", "launch it
# live today", "turn it on immediately", "start delivering now", "activate on approval",
# "publish immediately"), or to stay paused ("keep it paused", "don't turn it on yet").
_NOW = (r"(?:right\s+away|straight\s+away|immediately|at\s+once|asap|a\.s\.a\.p\.?|now|today|"
        r"tonight|this\s+morning|as\s+soon\s+as\s+(?:possible|(?:it'?s\s+|it\s+is\s+)?"
        r"(?:approved|ready|possible))|once\s+(?:it'?s\s+|it\s+is\s+)?approved|"
        r"(?:up)?on\s+approval|after\s+approval|when\s+approved|the\s+moment\s+(?:it'?s\s+)?"
        r"approved|first\s+thing)")
_IT = r"(?:\s+(?:it|this|them|these|that|the\s+(?:campaign|ads?|ad\s+sets?)|everything|"\
      r"the\s+whole\s+thing))?"
GO_LIVE_RE = re.compile(
    rf"\b(?:go(?:es|ing)?|push|put|set|launch|make|take|switch|flip|turn|get|run|bring)"
    rf"{_IT}\s+(?:to\s+)?(?:live|active)\b(?:\s+{_NOW})?"
    rf"|\b(?:turn|switch|flip|put|set)(?:\s+it|\s+them|\s+this|\s+the\s+ads?)?\s+on\s+{_NOW}"
    rf"|\b(?:start|begin)\s+(?:delivering|delivery|running|spending|serving)(?:\s+(?:it|them|"
    rf"the\s+ads?))?\s+{_NOW}"
    rf"|\b(?:activate|enable|publish|launch|ship)\b{_IT}\s+{_NOW}"
    rf"|\blive\s+(?:on|upon|after)\s+approval\b|\bno\s+need\s+(?:for\s+(?:me|us)\s+)?to\s+"
    rf"(?:review|approve|check)(?:\s+it)?\b", re.I)
PAUSED_RE = re.compile(
    # The longest forms first: the first alternative that matches at a place wins.
    r"\b(?:don'?t|do\s+not)\s+(?:go\s+live|launch|activate)\s+(?:until|till|before)"
    r"\s+(?:i|we)\s+(?:say\s+so|confirm|approve|sign\s+off)\b|"
    r"\b(?:keep|leave|create|set\s+(?:it\s+)?up|launch|start|build|save)(?:\s+(?:it|them|this|"
    r"the\s+(?:campaign|ads?)|everything))?\s+(?:as\s+)?(?:paused|in\s+draft|as\s+(?:a\s+)?draft|"
    r"off|inactive)\b"
    r"|\b(?:do\s+not|don'?t|dont|DON'T|never)\s+(?:launch|go\s+live|turn\s+(?:it|them)\s+on|"
    r"activate|publish|start|make\s+it\s+live|push\s+(?:it\s+)?live|switch\s+(?:it\s+)?on)"
    r"(?:\s+(?:it|them|yet|just\s+yet))*\b"
    r"|\b(?:not|no)\s+live\s+yet\b|\bjust\s+draft\b|\bdraft\s+(?:it|only|mode)\b"
    r"|\bhold\s+off\s+(?:on\s+)?(?:launching|going\s+live|activating|turning\s+it\s+on|"
    r"publishing)\b"
    r"|\bi['’]?ll\s+(?:turn\s+(?:it|them)\s+on|activate\s+(?:it|them)|launch\s+(?:it|them)|"
    r"switch\s+(?:it|them)\s+on|go\s+live)(?:\s+myself)?\b"
    r"|\b(?:send|show)\s+me\s+(?:the\s+plan|it|the\s+draft)?\s*(?:to\s+(?:approve|review)|for\s+"
    r"(?:approval|review|sign[- ]off))?\s*first\b"
    r"|\b(?:wait\s+for\s+(?:my|our)\s+(?:approval|review|sign[- ]off|ok|go[- ]ahead))\b"
    r"|\b(?:legal|compliance|my\s+boss|the\s+client|we)\s+(?:needs?|wants?|has|have)\s+to\s+"
    r"(?:see|review|approve|check|sign\s+off\s+on)\s+it(?:\s+first)?\b", re.I)


NEGATED_BEFORE = re.compile(r"\b(?:no\s+need\s+to|don'?t\s+(?:need\s+to|have\s+to)|no\s+reason"
                            r"\s+to|not|never)\s*$", re.I)


@dataclass
class GoLive:
    """Whether the brief asks to go live (True), to stay paused (False) or says nothing."""

    value: bool | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)
    flags: list[Question] = field(default_factory=list)


# A bare "go live" is an ask only as an instruction ("go live", "pls go live"), not a
# statement about something else ("our site goes live next week", "we go live in May").
ASKING = re.compile(r"(?:^|[.,;:!?()\-—–]\s*|\b(?:please|pls|plz|just|let'?s|then|and|so|ok|"
                    r"okay|can\s+you|could\s+you|want\s+(?:it|them)\s+to|should)\s+)$", re.I)
NOW_RE = re.compile(_NOW, re.I)


def _asks(text: str, m: re.Match[str]) -> bool:
    words = m.group(0).lower()
    if words.startswith("no "):
        return False
    if NOW_RE.search(words) or re.search(r"\b(?:it|this|them|these|that|the|everything)\b", words):
        return True
    return bool(ASKING.search(text[max(0, m.start() - 25):m.start()]))


def find_go_live(text: str) -> GoLive:
    """Return the brief's go-live ask; both asks without a correction are a conflict."""
    g = GoLive()
    said_live = list(GO_LIVE_RE.finditer(text))
    live = [m for m in said_live if _asks(text, m)]
    waived = [m for m in said_live if m.group(0).lower().startswith("no ")]
    # "no need to leave it paused" asks to go live; it is no ask to stay paused.
    unpaused: list[re.Match[str]] = []
    paused: list[re.Match[str]] = []
    for m in PAUSED_RE.finditer(text):
        negated = NEGATED_BEFORE.search(text[max(0, m.start() - 30):m.start()])
        (unpaused if negated else paused).append(m)
    waived += unpaused
    if not live and not paused:
        waived = []  # "no need for me to review" alone asks for nothing: left to the net
    g.spans = [m.span() for m in (*live, *waived, *paused)]
    if live and paused:
        first, later = sorted((live[-1], paused[-1]), key=lambda m: m.start())
        if cue := correction_span(text, first.end(), later.start(), later.end()):
            g.spans.append(cue)
            g.value = later in live
        else:
            g.flags.append(Question("go_live", f"The brief says '{live[-1].group(0)}' and also "
                                    f"'{paused[-1].group(0)}'. Should the campaign go live on "
                                    "approval, or be created paused?", "conflict",
                                    live[-1].group(0), SPEND))
    elif live:
        g.value = True
    elif paused:
        g.value = False
    return g
