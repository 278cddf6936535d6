"""Genders in a brief: who is named, who is excluded, and which statement wins.

Each gender word is a statement: plain ("moms", "men 25-34"), exclusive ("women only", "just
for men"), negated ("NOT men", "no women pls", "exclude guys", "not for men" — the other
gender is meant), or everyone ("men and women", "all genders"; a bare "everyone" is weak: it
only counts as a correction, "men — sorry, everyone"). Statements are read in order:

- the same gender twice, or plain words for both ("moms and dads") → as said (both = all);
- a correction cue between two different ones ("men… actually women") → the later wins, with
  an `Adjustment` naming both;
- an exclusive or negated one against a different one, no correction → a `conflict` question;
- a hedged one ("mostly guys", "skews female", "women mostly") → asked: Meta cannot target a
  share, and cutting the other gender is not what "mostly" says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agents.orchestrator.planning import WHO, Adjustment, Question
from agents.orchestrator.planning.cues import correction_span
from agents.orchestrator.planning.people.ages import NEGATION

WOMEN = re.compile(r"\b(?:women|woman|female|females|ladies|moms|mums|mothers|girls|"
                   r"gals|wives|brides)\b(?!['’])", re.I)
MEN = re.compile(r"\b(?:men|man|male|males|guys|dads|fathers|boys|husbands|grooms|gents)\b"
                 r"(?!['’])", re.I)
ALL_GENDERS = re.compile(r"\b(?:all\s+genders|(?:men|males?)\s*(?:and|&|\+|/|or)\s*(?:women|"
                         r"females?)|(?:women|females?)\s*(?:and|&|\+|/|or)\s*(?:men|males?)|"
                         r"both\s+genders|any\s+gender|every\s+gender|all\s+adults|"
                         r"everyone|everybody)\b", re.I)
WEAK_ALL = re.compile(r"(?i)every(?:one|body)")
# Between a correction cue and the bare "everyone" it corrects to: a few words of one clause.
WEAK_CUE_GAP = re.compile(r"[^.;!?\n]{0,25}")
# "hey guys", "thanks guys", "you guys": a greeting, not an audience.
GREETING = re.compile(r"\b(?:hey|hi|hello|thanks|thank\s+you|thx|ty|you|morning|ok|okay)\s*,?\s*$",
                      re.I)
ONLY_BEFORE = re.compile(r"\b(?:only|just|exclusively|solely|strictly)\s+(?:(?:for|to|the|at|"
                         r"target(?:ing)?|show\s+(?:it\s+)?to)\s+)*$", re.I)
NOT_ONLY_BEFORE = re.compile(r"\bnot\s+(?:just|only|solely|exclusively)\s+(?:(?:for|to|the)\s+)*$",
                             re.I)
ONLY_AFTER = re.compile(r"^(?:[- ]only\b|\s+only\b|\s+exclusively\b)", re.I)
LABEL = {1: "men", 2: "women", None: "all genders"}
# "60% women": a share of the customers, not who to target (left for the net to ask about).
SHARE_BEFORE = re.compile(r"\b\d{1,3}(?:[.,]\d+)?\s*(?:%|percent\b|per\s*cent\b)\s*(?:(?:of\s+)?"
                          r"(?:our|the|them|its|buyers|customers|clients|users|audience|are)\s+)*$",
                          re.I)
# "not women over 50": an age-bound part of a gender, which no one ad set can leave out.
AGE_AFTER = re.compile(r"^\s*(?:(?:who\s+are|aged?|ages|that\s+are)\s+)?(?:(?:over|under|above|"
                       r"below|older\s+than|younger\s+than|in\s+their)\s+)?\d{2}(?:\s*\+|s\b|"
                       r"\s*(?:-|–|to)\s*\d{2}\b)?", re.I)
# "mostly guys", "skews female", "women mostly": the larger part, not a restriction (asked).
HEDGE_BEFORE = re.compile(r"\b(?:mostly|mainly|primarily|predominantly|largely|majority|"
                          r"skew(?:s|ed|ing)?(?:\s+(?:towards?|to))?|lean(?:s|ing)?\s+(?:towards?|"
                          r"to))\s+$", re.I)
HEDGE_AFTER = re.compile(r"^\s*,?\s*(?:mostly|mainly|primarily|predominantly|largely|for\s+the\s+"
                         r"most\s+part)\b", re.I)
# Words that name a whole gender; excluding one of them means the other. Excluding a role
# ("no moms", "not husbands") cannot be said with genders and is asked.
CORE = {"women", "woman", "female", "females", "ladies", "gals", "girls", "men", "man", "male",
        "males", "guys", "boys", "gents"}


@dataclass
class GenderStatement:
    """One phrase about genders: the genders it leaves (None = all) and how strongly."""

    value: int | None
    start: int
    end: int
    phrase: str
    kind: str  # plain, only, negated, all, weak, hole (an excluded role: "no moms"), greeting,
    # hedged ("mostly guys": asked)


@dataclass
class GenderResult:
    """Genders to target (None = all), the spans read, and what to ask or show."""

    genders: list[int] | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)
    flags: list[Question] = field(default_factory=list)
    adjustments: list[Adjustment] = field(default_factory=list)
    only: str = ""  # an exclusive ask with the ages after it ("only show to men 25-35")


def gender_statements(text: str) -> list[GenderStatement]:
    """Return every statement about genders in `text`, in order."""
    out: list[GenderStatement] = []
    taken: list[tuple[int, int]] = []
    for m in ALL_GENDERS.finditer(text):
        kind = "weak" if WEAK_ALL.fullmatch(m.group(0)) else "all"
        out.append(GenderStatement(None, *m.span(), m.group(0), kind))
        taken.append(m.span())
    for pat, value, other in ((WOMEN, 2, 1), (MEN, 1, 2)):
        for m in pat.finditer(text):
            if any(s <= m.start() < e for s, e in taken):
                continue
            before = text[max(0, m.start() - 45):m.start()]
            if m.group(0).lower() == "guys" and GREETING.search(before):
                # "hey guys": read, and no audience
                out.append(GenderStatement(None, *m.span(), m.group(0), "greeting"))
                continue
            if SHARE_BEFORE.search(before):
                continue  # "60% women": left for the not-understood net to ask about
            hedge_b, hedge_a = HEDGE_BEFORE.search(before), HEDGE_AFTER.match(text[m.end():])
            if hedge_b or hedge_a:  # "mostly guys": asked, never a hard restriction
                start = m.start() - len(before) + hedge_b.start() if hedge_b else m.start()
                end = m.end() + hedge_a.end() if hedge_a else m.end()
                out.append(GenderStatement(None, start, end, text[start:end].strip(), "hedged"))
                continue
            start, end, kind = m.start(), m.end(), "plain"
            v: int | None = value
            if wider := NOT_ONLY_BEFORE.search(before):
                # "not just women like last time": women and the others, i.e. everyone
                start = m.start() - len(before) + wider.start()
                out.append(GenderStatement(None, start, end, text[start:end].strip(), "all"))
                continue
            if neg := NEGATION.search(before):
                start, kind, v = m.start() - len(before) + neg.start(), "negated", other
                if m.group(0).lower() not in CORE:  # "no moms" is not "men only"
                    kind, v = "hole", None
                elif part := AGE_AFTER.match(text[end:]):  # "not women over 50"
                    kind, v, end = "hole", None, end + len(part.group(0).rstrip())
            elif only := ONLY_BEFORE.search(before):
                start, kind = m.start() - len(before) + only.start(), "only"
            if only_after := ONLY_AFTER.match(text[end:end + 14]):
                end, kind = end + only_after.end(), "only" if kind == "plain" else kind
            out.append(GenderStatement(v, start, end, text[start:end].strip(), kind))
    return sorted(out, key=lambda s: s.start)


def find_gender_result(text: str) -> GenderResult:
    """Settle the gender statements of `text` into genders, questions and adjustments."""
    r = GenderResult()
    cur: GenderStatement | None = None
    for s in gender_statements(text):
        r.spans.append((s.start, s.end))
        if s.kind == "greeting":
            continue
        if s.kind == "hedged":
            r.flags.append(Question("genders", f"'{s.phrase}': Meta targets women, men or "
                                    "everyone, not a share. Should the ads reach only "
                                    f"{'women' if WOMEN.search(s.phrase) else 'men'}, or everyone "
                                    "(Meta finds who responds)?", "ambiguous", s.phrase, WHO))
            continue
        if s.kind == "hole":
            r.flags.append(Question("genders", f"'{s.phrase}': adpilot can target women, men "
                                    "or everyone, and one age range per ad set, but cannot leave "
                                    "out a group such as this. Who should see the ads?",
                                    "not_understood", s.phrase, WHO))
            continue
        if cur is None:
            if s.kind != "weak":
                cur = s
            continue
        if s.value == cur.value:
            if cue := correction_span(text, cur.end, s.start, s.end):  # "Answer: just men"
                r.spans.append(cue)
                r.flags = [q for q in r.flags if q.kind != "conflict"]
            if s.kind in ("only", "negated"):
                cur = s
            continue
        cue = correction_span(text, cur.end, s.start, s.end)
        if cue and s.kind == "weak" and not WEAK_CUE_GAP.fullmatch(text, cue[1], s.start) and \
                cue[0] < s.start:
            cue = None  # "I'd rather they chat on WhatsApp, that's where I book everyone": the
            # cue corrects something else; a bare "everyone" corrects only right after one
        if cue:
            r.spans.append(cue)
            # a correction settles what came before it: earlier conflicts are no longer asked
            r.flags = [q for q in r.flags if q.kind != "conflict"]
            r.adjustments.append(Adjustment(
                "ad_sets[0].targeting.genders", LABEL[cur.value], LABEL[s.value],
                f"the later '{s.phrase}' corrects the earlier '{cur.phrase}'"))
            cur = s
        elif s.kind == "weak":
            continue  # "everyone" in passing ("everyone loves coffee") changes nothing
        elif cur.kind in ("plain", "all", "weak") and s.kind in ("plain", "all"):
            cur = GenderStatement(None, cur.start, s.end, f"{cur.phrase} … {s.phrase}", "all")
        else:
            r.flags.append(Question(
                "genders", f"The brief says '{cur.phrase}' and also '{s.phrase}'. Who should "
                "see the ads: women, men or everyone?", "conflict", s.phrase, WHO))
            cur = s
    r.genders = [cur.value] if cur is not None and cur.value is not None else None
    if cur is not None and cur.value is not None and cur.kind == "only":
        ages = AGE_AFTER.match(text[cur.end:])
        r.only = text[cur.start:cur.end + (len(ages.group(0)) if ages else 0)].strip()
    return r


def find_genders(text: str) -> list[int] | None:
    """Return [1] (men), [2] (women) or None (all) from the brief."""
    return find_gender_result(text).genders
