"""What in a message is not an ask: quoted earlier messages, list markers, tickets, sign-offs.

A marketer's message often carries more than its asks: a reply quotes the earlier message
("> is it still spending?"), a list numbers its asks ("1) …", "• …"), a ticket has a tag and
a priority ("[OPS-12] … Priority: high"), an e-mail has a greeting and a signature. `blank`
turns every such span into spaces of the same length, so the names found in the rest keep
their positions and nothing in the blanked spans is read as an ask, a name or a number.
Each list item starts on its own line, so it is an ask of its own.
"""

from __future__ import annotations

import re

QUOTED_LINE = re.compile(r"^[ \t]*>[^\n]*$", re.M)  # "> an earlier message"
LIST_MARKER = re.compile(r"^[ \t]*(?:[-*•·▪◦‣–]|\(?\d{1,2}[.)]|\(?[a-h]\))[ \t]+", re.M | re.I)
TICKET_TAG = re.compile(r"\[[A-Z][A-Z0-9]*-\d+\]|^[ \t]*[A-Z]{2,}-\d{2,}:", re.M)  # "[TICKET-482]", "OPS-12:"
FIELD_LINE = re.compile(r"(?:^|(?<=[.!?]\s)|(?<=[.!?]))[ \t]*(?:priority|prio|severity|"
                        r"owner|assignee|labels?|tags?|cc)\s*:\s*[\w -]{0,20}[.!]?[ \t]*$",
                        re.I | re.M)
GREETING = re.compile(r"^[ \t]*(?:hi|hey|hello|dear|morning|good\s+morning|hallo|bonjour|hola|"
                      r"ciao|hej|cześć|hoi)(?:[ \t]+[\w'-]+){0,2}[ \t]*[,!:][ \t]*$", re.I | re.M)
SIGN_OFF = re.compile(r"^[ \t]*(?:thanks|thank\s+you|thx|cheers|best|regards|best\s+regards|"
                      r"kind\s+regards|danke|merci|gracias|grazie|dzięki|tack|bedankt)(?:[ \t]+(?:so\s+much|a\s+lot|"
                      r"again|all|team))?[ \t]*[,!.]?[ \t]*"
                      r"(?:\n[ \t]*(?-i:[A-Z])[\w.-]*(?:[ \t]+(?-i:[A-Z])[\w.-]*)?[ \t]*)?\s*\Z", re.I | re.M)


def _spaces(m: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", m.group(0))


def blank(request: str) -> str:
    """Return `request` with its non-asks as spaces (same length, same line breaks)."""
    text = request
    for pat in (QUOTED_LINE, TICKET_TAG, FIELD_LINE, GREETING, SIGN_OFF, LIST_MARKER):
        blanked = pat.sub(_spaces, text)
        if blanked.strip():  # a message that is only a quote (or a list marker) stays itself
            text = blanked
    return text


__all__ = ["blank"]
