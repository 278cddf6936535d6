"""Who sees the ads: ages, genders and languages in a brief (placements: `parse_placements`).

`find_ages(text, today)` settles the age statements of `parse_ages` into the
`Audience`:

- several full ranges in a list ("18-24 and 35-44", "25-34, 35-44 and 45-54", "students and
  retirees"), or any with "one ad set per…" / "vs" / "test" wording → one ad set each
  (`age_variants`); an experiment only when the brief compares them (`split_only` otherwise);
- otherwise statements are read in order: bounds combine ("no one older than 40, no one
  younger than 25" → 25–40), a correction replaces ("25-45… actually make it 30-50", shown as
  an `Adjustment`), two different statements without a correction are a `conflict` question;
- an inverted range ("aged 70-12") is an `invalid` question naming the phrase — never swapped
  or widened; ages Meta refuses (under 13, under 18 in the EU/EEA or Switzerland) are planned
  as stated so plan validation names them as problems;
- an age above 65 becomes 65 (Meta's oldest, meaning 65+), and words read as ages
  (millennials → 30–45, students → 18–24) are shown as adjustments;
- an exclusion that cannot be said as one range ("not 35-44", "except students") is asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from agents.orchestrator.planning import WHO, Adjustment, Question
from agents.orchestrator.planning.cues import correction_span, listed
from agents.orchestrator.planning.people.ages import GENERATIONS, AgeStatement, age_statements
from agents.orchestrator.planning.people.genders import (
    ALL_GENDERS,
    MEN,
    WOMEN,
    find_gender_result,
    find_genders,
)
from agents.orchestrator.planning.people.languages import LOCALES, find_locales
from agents.orchestrator.planning.people.placements import find_placements
from state import rules

SPLIT_RE = re.compile(r"\b(?:(?:two|three|four|2|3|4)\s+audiences\s*,?\s*(?:(?:in\s+)?separate\s+"
                      r"ad\s*sets?)?|separate\s+ad\s*sets?(?=\s+(?:please|pls|for|with)\b)|"
                      r"(?:(?:two|three|four|2|3|4)\s+)?separate\s+ad\s*sets?\s+(?:by|per|for)\s+"
                      r"(?:age|gender|country|city|audience)(?:\s+(?:group|band|bracket|range)s?)?|"
                      r"(?:one|an|a\s+separate)\s+ad\s*set\s+(?:per|for\s+each|each)|"
                      r"separate\s+ad\s*sets?|ad\s*sets?\s+per|one\s+ad\s*set\s+each|split\s+"
                      r"(?:by|into)\s+age|(?:two|three|four|2|3|4)\s+ad\s*sets)\b(?:\s+(?:(?:per|for)"
                      r"(?:\s+each)?\s+)?(?:age\s+)?(?:group|band|bracket|range|audience)s?\b)?", re.I)
TEST_RE = re.compile(r"\bvs\.?(?!\w)|\bversus\b|\bagainst\b|a/b|\bsplit[- ]test|\btest(?:ing)?\b|"
                     r"\bcompare\b|\bwhich\s+(?:one\s+)?(?:converts|performs|works|does)\s+better",
                     re.I)
ONLY_AFTER = re.compile(r"^\s*(?:only|olds?\s+only)\b", re.I)
PATH = "ad_sets[0].targeting"


@dataclass
class Audience:
    """Demographics found in the brief, what it reads, asks and shows."""

    age_min: int | None = None
    age_max: int | None = None
    genders: list[int] | None = None
    locales: list[int] = field(default_factory=list)
    age_variants: list[tuple[int, int]] = field(default_factory=list)  # one ad set each
    gender_only: str = ""  # "only show to men 25-35": the exclusive gender ask, as written
    variant_genders: list[list[int] | None] = field(default_factory=list)  # "women 18-24 and men 45+"
    split_only: bool = False  # separate ad sets, no A/B test
    spans: list[tuple[int, int]] = field(default_factory=list)
    flags: list[Question] = field(default_factory=list)
    adjustments: list[Adjustment] = field(default_factory=list)


def _ages(lo: int | None, hi: int | None) -> str:
    return f"{lo}+" if hi in (None, 65) and lo is not None and lo >= 65 else \
        f"{lo if lo is not None else 18}-{hi if hi is not None else 65}"


def _check(a: Audience, st: AgeStatement) -> bool:
    """Ask about an inverted age phrase; return whether it may be planned.

    Ages Meta refuses (under 13; under 18 in the EU/EEA or Switzerland) are planned as
    stated: plan validation reports them as problems with a fix, so nothing is changed
    silently and the plan cannot launch as it is.
    """
    if st.inverted:
        a.flags.append(Question("age", f"'{st.phrase}' is not an age range: the first age is "
                                "older than the second. Which ages should the ads reach? "
                                "(e.g. 25-45)", "invalid", st.phrase, WHO))
        return False
    return True


def _clamp(a: Audience, lo: int | None, hi: int | None, phrase: str, path: str = PATH
           ) -> tuple[int | None, int | None]:
    """Cap ages at Meta's 65 (meaning 65 and older), saying so."""
    why = f"Meta's oldest age is 65, meaning 65 and older ('{phrase}')"
    if hi is not None and hi > rules.AGE_MAX_CEIL:
        a.adjustments.append(Adjustment(f"{path}.age_max", hi, rules.AGE_MAX_CEIL, why))
        hi = rules.AGE_MAX_CEIL
    if lo is not None and lo > rules.AGE_MAX_CEIL:
        a.adjustments.append(Adjustment(f"{path}.age_min", lo, rules.AGE_MAX_CEIL, why))
        lo = rules.AGE_MAX_CEIL
    return lo, hi


def _word_note(a: Audience, st: AgeStatement, today: date) -> None:
    """Show how a word became ages ("millennials" → 30-45)."""
    if st.kind == "generation":
        born = GENERATIONS[st.phrase.lower()]
        why = (f"'{st.phrase}' (born {born[0]}–{born[1]}) read as ages {_ages(st.lo, st.hi)} "
               f"in {today.year}, within Meta's 18–65")
    elif st.kind == "word":
        why = f"'{st.phrase}' read as ages {_ages(st.lo, st.hi)}"
    else:
        return
    a.adjustments.append(Adjustment(PATH, st.phrase, f"ages {_ages(st.lo, st.hi)}", why))


def _variants(a: Audience, text: str, full: list[AgeStatement], bounds: list[AgeStatement],
              today: date) -> None:
    """One ad set per full range (checked and capped each); bounds said apart narrow them all.

    "18-24 and 35-44, nobody under 21" → 21-24 and 35-44 (shown).
    """
    floor = max((b.lo for b in bounds if b.lo is not None), default=None)
    ceiling = min((b.hi for b in bounds if b.hi is not None), default=None)
    for st in full:
        if not _check(a, st):
            continue
        _word_note(a, st, today)
        path = f"ad_sets[{len(a.age_variants)}].targeting"
        lo, hi = _clamp(a, st.lo, st.hi, st.phrase, path)
        assert lo is not None and hi is not None
        for bound, side, key in ((floor, "lo", "age_min"), (ceiling, "hi", "age_max")):
            narrower = bound is not None and (bound > lo if side == "lo" else bound < hi)
            if narrower and bound is not None:
                said = next(b.phrase for b in bounds if (b.lo if side == "lo" else b.hi) == bound)
                a.adjustments.append(Adjustment(f"{path}.{key}", lo if side == "lo" else hi,
                                                bound, f"'{st.phrase}' narrowed by '{said}'"))
                lo, hi = (bound, hi) if side == "lo" else (lo, bound)
        if hi < lo:
            a.flags.append(Question("age", f"'{st.phrase}' and the other ages of the brief leave"
                                    " nobody. Which ages should the ads reach?", "conflict",
                                    st.phrase, WHO))
            continue
        a.age_variants.append((lo, hi))
        a.variant_genders.append([st.gender] if st.gender else None)
    if a.age_variants:
        a.age_min = min(lo for lo, _ in a.age_variants)
        a.age_max = max(hi for _, hi in a.age_variants)
    a.split_only = not TEST_RE.search(text)


def _fold(a: Audience, text: str, used: list[AgeStatement], today: date) -> None:
    """Read statements in order: bounds combine, corrections replace, differences are asked."""
    setter: dict[str, AgeStatement] = {}
    value: dict[str, int] = {}
    for st in used:
        if not _check(a, st):
            continue
        sides = {k: v for k, v in (("lo", st.lo), ("hi", st.hi)) if v is not None}
        clash = [setter[k] for k, v in sides.items() if k in setter and value[k] != v]
        if clash:
            prev = clash[0]
            if cue := correction_span(text, prev.end, st.start, st.end):
                a.spans.append(cue)
                # a correction (or a person's answer) settles the ages asked about before it
                a.flags = [q for q in a.flags if not (q.field == "age" and q.kind == "conflict")]
                a.adjustments.append(Adjustment(PATH, prev.phrase, st.phrase, f"the later "
                                                f"'{st.phrase}' corrects the earlier "
                                                f"'{prev.phrase}'"))
                for k in [k for k, s in setter.items() if s is prev]:
                    del setter[k], value[k]
            else:
                a.flags.append(Question("age", f"The brief gives two different ages, "
                                        f"'{prev.phrase}' and '{st.phrase}'. Which should the "
                                        "ads reach? (or say 'one ad set each')", "conflict",
                                        st.phrase, WHO))
        for k, v in sides.items():
            setter[k], value[k] = st, v
    for st in {id(s): s for s in setter.values()}.values():
        _word_note(a, st, today)
    lo, hi = value.get("lo"), value.get("hi")
    if lo is not None and hi is None:
        hi = rules.AGE_MAX_CEIL
    phrase = (setter.get("hi") or setter.get("lo") or AgeStatement(0, 0, 0, 0, "", "")).phrase
    lo, hi = _clamp(a, lo, hi, phrase)
    if lo is not None and hi is not None and hi < lo and not a.flags:
        a.flags.append(Question("age", f"The ages '{setter['lo'].phrase}' and "
                                f"'{setter['hi'].phrase}' leave nobody. Which ages should the "
                                "ads reach?", "conflict", setter["hi"].phrase, WHO))
        hi = None
    a.age_min, a.age_max = lo, hi


def _disjoint_bounds(text: str, used: list[AgeStatement]) -> list[AgeStatement]:
    """"under-30s and over-50s": listed bounds that leave nobody together are two audiences.

    Bounds that overlap ("over 25 and under 40") are one range, read by `_fold`.
    """
    bounds = [s for s in used if not s.negated and (s.lo is None) != (s.hi is None)]
    if len(bounds) != 2 or len(used) != 2 or not listed(text, bounds[0].end, bounds[1].start):
        return []
    lo = max(s.lo for s in bounds if s.lo is not None) if any(s.lo for s in bounds) else None
    hi = min(s.hi for s in bounds if s.hi is not None) if any(s.hi for s in bounds) else None
    if lo is None or hi is None or lo <= hi:
        return []
    return [AgeStatement(s.lo if s.lo is not None else rules.AGE_DEFAULT_MIN,
                         s.hi if s.hi is not None else rules.AGE_MAX_CEIL, s.start, s.end,
                         s.phrase, "range", gender=s.gender) for s in bounds]


def find_ages(text: str, today: date) -> Audience:
    """Return ages (and one-ad-set-each variants), genders, and what to ask or show."""
    a = Audience()
    statements, holes = age_statements(text, today)
    for st in [*statements, *holes]:
        only = ONLY_AFTER.match(text[st.end:st.end + 12])
        a.spans.append((st.start, st.end + (only.end() if only else 0)))
    for h in holes:
        what = "a group such as this cannot be excluded by age" if h.lifestyle else \
            "Meta targets one age range per ad set, so a range in the middle cannot be left out"
        a.flags.append(Question("age", f"'{h.phrase}': {what}. Which ages should the ads reach?"
                                " (e.g. 25-65, or two ad sets)", "not_understood", h.phrase, WHO))
    numeric = [s for s in statements if s.kind not in ("word", "generation")]
    used = numeric if any(not s.negated for s in numeric) else statements
    full = [s for s in used if s.full] or _disjoint_bounds(text, used)
    split = SPLIT_RE.search(text)
    if split:
        a.spans.append(split.span())
    joined = len(full) >= 2 and all(listed(text, p.end, s.start) for p, s in zip(full, full[1:],
                                                                               strict=False))
    if len(full) >= 2 and (joined or split or TEST_RE.search(text)):
        taken = {(s.start, s.end) for s in full}
        _variants(a, text, full, [s for s in used if (s.start, s.end) not in taken], today)
    elif used:
        _fold(a, text, used, today)
    g = find_gender_result(text)
    a.genders = g.genders
    a.gender_only = g.only
    a.spans += g.spans
    a.flags += g.flags
    a.adjustments += g.adjustments
    if a.variant_genders and len({tuple(v or ()) for v in a.variant_genders}) == 1:
        a.genders = a.genders or a.variant_genders[0]
        a.variant_genders = []
    return a


__all__ = ["ALL_GENDERS", "LOCALES", "MEN", "WOMEN", "Audience", "find_ages", "find_genders",
           "find_locales", "find_placements"]
