"""The EU Digital Services Act names a brief gives: who paid for the ads and on whose behalf.

"Advertiser and payer: Padaria Lisboa Lda." sets both; "payer: A … beneficiary: B" each its
own. A name is capitalised words (lower-case particles between them), ending at the
sentence's end; legal forms written with a dot ("Lda.", "S.A.") keep it.
"""

from __future__ import annotations

import re

_PAYER = r"paid\s+for\s+by|(?:dsa\s+)?payor|payer|who\s+pays"
_BENEFICIARY = r"(?:dsa\s+)?beneficiary|on\s+behalf\s+of|who\s+benefits"
_BOTH = r"advertiser(?:'s)?(?:\s+(?:legal\s+)?name)?"
_DSA_LABEL = rf"(?:{_PAYER}|{_BENEFICIARY}|{_BOTH})"
# A legal name: capitalised words (lower-case particles between them: "Padaria do Porto"),
# a dotted form ("S.A.", "Lda."); it ends at the sentence's end ("Ink Studio GmbH. Image …").
_NAME_WORD = r"(?-i:[A-ZÀ-ÖØ-Þ0-9][\w&'-]*(?:\.[\w&'-]+)*)"
DSA_RE = re.compile(rf"\b(?P<labels>{_DSA_LABEL}(?:\s*(?:and|&|/|\+)\s*{_DSA_LABEL})*)\s*(?:[:=]|is\b)?\s*"
                    rf"(?P<v>{_NAME_WORD}(?:(?<!\.)\s+(?:(?-i:de|da|do|dos|das|del|des|la|le|les|el|van|von|der|den|die|dem|di|am|an|im|zum|zur|und|of|the|"
                    rf"du|y|e|&)\s+)?{_NAME_WORD}){{0,5}}\.?)", re.I)
# Legal forms written with a final dot: the dot is part of the name, not the sentence's end.
_DOTTED = re.compile(r"(?:Lda|Ltda|Ltd|Inc|Co|Corp|Bros|Pty|S\.A|S\.L|B\.V|N\.V|e\.V|S\.p\.A|S\.r\.l|"
                     r"S\.A\.S|Cía|Cia)\.$")


def find_dsa(text: str) -> tuple[str | None, str | None]:
    """Return the DSA payor and beneficiary the brief names ("Advertiser and payer: X" → both X)."""
    payor = beneficiary = None
    for m in DSA_RE.finditer(text):
        name = m.group("v").strip().rstrip(",")
        if name.endswith(".") and not _DOTTED.search(name):
            name = name[:-1]
        labels = m.group("labels").lower()
        both = re.search(_BOTH, labels, re.I)
        if (both or re.search(_PAYER, labels, re.I)) and payor is None:
            payor = name
        if (both or re.search(_BENEFICIARY, labels, re.I)) and beneficiary is None:
            beneficiary = name
    return payor, beneficiary


def find_advertiser(text: str) -> str | None:
    """Return the advertiser's legal name for the EU DSA payor/beneficiary, if stated."""
    payor, beneficiary = find_dsa(text)
    return payor or beneficiary


__all__ = ["DSA_RE", "find_advertiser", "find_dsa"]
