"""Contact data kept out of threads: e-mail addresses and phone numbers masked where text enters.

A brief, a request or a clarification answer may hold someone's e-mail address or phone number
("email the leads to jane@acme.com or call me at 415-555-0101"). adpilot uses neither (lead
forms deliver to Meta, call ads are not supported), and none may reach state, checkpoints, the
ledger, logs or traces; so `mask_contacts` replaces each with a placeholder the card shows
("[e-mail address]", "[phone number]") before the text is stored — said, never dropped.

What counts as a phone number: 7–15 digits written the way only phone numbers are (a leading
"+", an area code in parentheses, 3-3-4 digits split by dashes or dots), or digits right after
a word such as "call", "phone" or "WhatsApp". Not: dates (2026-03-20), age ranges (25-45),
lists of numbers (5500 4400 3300), Meta ids, amounts with thousands separators.
"""

from __future__ import annotations

import re

EMAIL = "[e-mail address]"
PHONE = "[phone number]"

# An e-mail address, the one pattern (the planner never reads one as a landing page either).
# `email_spans` finds exactly its matches in linear time: the regex engine retries each start
# inside a long run of word characters, quadratic (a 200 KB answer of "xxx…" took a minute).
EMAIL_RE = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")
_LOCAL_RUN = re.compile(r"[\w.%+-]+")
_DOMAIN = re.compile(r"[\w-]+(?:\.[\w-]+)+")
_PHONE_SHAPED = re.compile(
    r"(?<![\w/.:@#=-])(?:"
    r"\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,6}"  # +44 20 7946 0958, +1 (415) 555-0101
    r"|\(\d{2,4}\)\s?\d{3,4}[\s.-]\d{3,4}"  # (415) 555-0101, (020) 7946 0958
    r"|\d{3}[\s.-]\d{3}[.-]\d{4}"  # 415-555-0101, 415.555.0101, 415 555-0101
    r")(?![\w/%-])")
_CUED = re.compile(
    r"(?i)\b(?:call|phone|tel|telephone|mobile|cell|whats\s?app|text|sms|fax)\b"
    r"(?:\s+(?:me|us|them))?(?:\s+(?:at|on))?[:\s]+([+(]?\d[\d\s().-]{5,18}\d)(?![\w/%-])")


def email_spans(text: str) -> list[tuple[int, int]]:
    """Return the spans of `EMAIL_RE.finditer(text)`, found in linear time.

    A match's local part is a whole run of local-part characters (from where the search
    resumed) ending at an "@" that a domain follows; no start inside the run can match when
    its start cannot.
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    while (run := _LOCAL_RUN.search(text, pos)) is not None:
        end = run.end()
        domain = _DOMAIN.match(text, end + 1) if text.startswith("@", end) else None
        if domain is not None:
            spans.append((run.start(), domain.end()))
        pos = domain.end() if domain is not None else end
    return spans


def _is_phone(text: str) -> bool:
    return 7 <= sum(c.isdigit() for c in text) <= 15


def mask_contacts(text: str) -> tuple[str, list[str]]:
    """Return `text` with e-mail addresses and phone numbers masked, and what was masked.

    The second value names each kind masked once ("an e-mail address", "2 phone numbers"), for
    the line that says so.
    """
    pieces, last = [], 0
    for start, end in email_spans(text):
        pieces += [text[last:start], EMAIL]
        last = end
    emails = len(pieces) // 2
    out = "".join(pieces) + text[last:]
    phones = 0

    def phone(m: re.Match[str]) -> str:
        nonlocal phones
        if not _is_phone(m.group(0)):
            return m.group(0)
        phones += 1
        return PHONE

    out = _PHONE_SHAPED.sub(phone, out)

    def cued(m: re.Match[str]) -> str:
        nonlocal phones
        if not _is_phone(m.group(1)):
            return m.group(0)
        phones += 1
        return m.group(0)[: m.start(1) - m.start(0)] + PHONE

    out = _CUED.sub(cued, out)
    said = [f"{n} {word}{'es' if n > 1 and word.endswith('ss') else 's' if n > 1 else ''}"
            .replace("1 e-mail", "an e-mail").replace("1 phone", "a phone")
            for n, word in ((emails, "e-mail address"), (phones, "phone number")) if n]
    return out, said


def masked_note(said: list[str], where: str = "the brief") -> str:
    """Say what `mask_contacts` masked: "an e-mail address in the brief was not kept: …"."""
    what = " and ".join(said)
    return (f"{what} in {where} {'were' if len(said) > 1 or said[0][0].isdigit() else 'was'} "
            "not kept: adpilot stores no contact data, and uses none to plan (lead forms "
            "deliver to Meta; call ads are not supported)")
