"""Detailed targeting beyond interests, and Advantage+ audience on or off.

Names resolve offline against `sandbox/data/targeting_categories.json` (the file the
sandbox's targeting search serves, so ids agree). Conservative, like the interest reader:

- a category name of two words or more counts anywhere ("frequent international travelers",
  "engaged shoppers", "newly engaged", "parents with toddlers", "recently moved");
- one-word job titles, industries, education and relationship statuses count only after
  their cue ("job titles: nurse, teacher", "works in healthcare", "college grads",
  "relationship status: married"); income after "income" ("top 10% household income");
- a negation before ("exclude students", "not parents") puts it in `exclusions`.

Advantage+ audience: "advantage+ audience on", "let Meta find the people", "just a
suggestion", its name said alone, "let Meta expand the audience", "let the algorithm find
people", "turn on audience expansion" → 1; "advantage+ audience off", "strictly", "no
expansion", a negation before the words that turn it on ("don't let Meta expand …") → 0;
otherwise unset (the card states Meta's default). A bare "advantage plus" names no feature:
asked.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from agents.orchestrator.planning import WHO, Adjustment, Question
from agents.orchestrator.planning.catalog import DATA, norm
from agents.orchestrator.planning.cues import negated_before
from agents.orchestrator.planning.people.interests import PERSONAS

INT_TYPES = ("education_statuses", "relationship_statuses")
CUED_TYPES = ("work_positions", "industries", "education_statuses", "relationship_statuses", "income")
JOB_CUE = re.compile(r"\b(?:job\s+titles?|titles?|work(?:s|ing)?\s+as(?:\s+an?)?|employed\s+as(?:\s+an?)?|"
                     r"jobs?|profession|occupation|whose\s+job(?:\s+title)?\s+is|who\s+are\s+(?:an?\s+)?)"
                     r"\s*(?:[:=-]\s*|is\s+|are\s+|like\s+)?", re.I)
# A cue that can only introduce a job title: an unknown title after it is asked, never dropped.
STRONG_JOB_CUE = re.compile(r"\b(?:job\s+titles?|(?:work(?:s|ing)?|employed)\s+as|profession|"
                            r"occupation|whose\s+job(?:\s+title)?\s+is)\b", re.I)
# "the job title 'Software Engineer'": the quote is a title to target, not ad copy.
QUOTED_TITLE = re.compile(r"\b(?:job\s+titles?|(?:work(?:s|ing)?|employed)\s+as(?:\s+an?)?|"
                          r"profession|occupation|whose\s+job(?:\s+title)?\s+is)\s*(?:[:=-]\s*|is\s+|"
                          r"are\s+|of\s+|like\s+)?(?P<q>[\"“‘'][^\"”’'\n]{2,40}[\"”’'])", re.I)
# "software engineers (job title)": the title before its label
TITLE_LABEL = re.compile(r"\(\s*(?:as\s+)?(?:their\s+|a\s+)?(?:job\s+titles?|job|titles?|profession|"
                         r"occupation|work\s+positions?)\s*\)", re.I)
INDUSTRY_CUE = re.compile(r"\b(?:industr(?:y|ies)|work(?:s|ing)?\s+in(?:\s+the)?|sector)\s*(?:[:=-]\s*)?", re.I)
EDUCATION = {"college grads": "College grad", "college graduates": "College grad",
             "university graduates": "College grad", "high school grads": "High school grad",
             "high school graduates": "High school grad", "undergrads": "Undergrad",
             "undergraduates": "Undergrad",
             "phds": "Doctorate degree", "phd holders": "Doctorate degree",
             "master's degree": "Master's degree", "masters degree": "Master's degree",
             "doctorate": "Doctorate degree"}
RELATIONSHIP = re.compile(r"\b(?:relationship\s+status\s*[:=-]?\s*(?P<s>[a-z' ]{4,25}?)(?=[,.;)]|$|\s+(?:and|or)\b)|"
                          r"(?:who\s+are|people\s+who\s+are)\s+(?P<w>married|single|engaged|divorced|"
                          r"widowed)|(?P<p>married|single|divorced)\s+(?:people|couples|women|men|adults|"
                          r"parents)|(?P<n>singles|newlyweds?\b(?=\s+only)))", re.I)
INCOME = re.compile(r"\btop\s+(?P<a>\d+)\s*(?:-\s*(?P<b>\d+)\s*)?%\s*(?:of\s+)?(?:(?:household|hh|zip\s+"
                    r"code)\s+)?income|\b(?:household\s+)?income\s*(?:[:=-]|in\s+the)?\s*top\s+(?P<c>\d+)"
                    r"\s*(?:-\s*(?P<d>\d+)\s*)?%", re.I)
_PLEASE = r"(?:(?:please|pls|bitte|por\s+favor|s'il\s+vous\s+pla[iî]t)\s+)?"
ADV_ON = re.compile(r"\badvantage\s*(?:\+|plus)\s*(?:audience|zielgruppe|p[uú]blico)\s*[:=-]?\s*" + _PLEASE + r"(?:on\b|enabled|"
                    r"turned\s+on|an\b|activ[ée]e?\b|activad[oa]\b|ativad[oa]\b|ligad[oa]\b)|\bturn\s+(?:on\s+)?"
                    r"advantage\s*(?:\+|plus)\s*audience(?:\s+on)?\b|\blet\s+meta\s+find\b(?!\s+(?:the\s+)?(?:best\s+|right\s+)?placements?\b)|\bjust\s+a\s+"
                    r"suggestion\b|\b(?:audience\s+)?expansion\s+on\b|\b(?:keep|use|with)\s+advantage\s*"
                    r"(?:\+|plus)\s*audience(?:\s+on)?\b", re.I)
ADV_OFF = re.compile(r"\badvantage\s*(?:\+|plus)\s*(?:audience|zielgruppe|p[uú]blico)\s*[:=-]?\s*" + _PLEASE + r"(?:off|disabled|"
                     r"turned\s+off|aus|d[ée]sactiv[ée]e?|desactivad[oa]|desativad[oa]|desligad[oa]|"
                     r"apagad[oa])\b|\bturn\s+"
                     r"(?:off\s+)?advantage\s*(?:\+|plus)\s*audience\s+off\b|\b(?:no|without|turn\s+off|"
                     r"disable)\s+(?:audience\s+)?expansion\b|\bno\s+advantage\s*(?:\+|plus)\s*audience\b|"
                     r"\bstrictly\s+(?:these\s+|those\s+|only\s+)?(?:\d|ages?|women|men|this\s+age)|\bhard\s+(?:limits?|"
                     r"age\s+limits?|cut-?off)\b|\bexactly\s+these\s+ages\b|\bnever\s+(?:show\s+(?:it\s+|ads\s+|them\s+)?)?to\s+"
                     r"anyone\s+(?:over|under|older|younger)\b", re.I)
# Advantage+ audience in other words: its name said alone, "let Meta expand the audience", "let
# the algorithm find people", "turn on audience expansion" (a negation before it turns it off)
_WHO_DECIDES = (r"(?:meta|facebook|fb|instagram|the\s+(?:algorithm|algo|system|ai)|meta'?s\s+(?:algorithm|"
                r"algo|ai|system|machine\s+learning))")
_PEOPLE = r"(?:the\s+|our\s+)?(?:right\s+|best\s+|new\s+|more\s+)?(?:people|audiences?|buyers|customers|users|folks|who)"
ADV_MORE = re.compile(r"\badvantage\s*(?:\+|plus)?\s*(?:audiences?|zielgruppe|p[uú]blico)(?:\s+(?:please|"
                      r"pls|bitte|por\s+favor))?\s*(?=[.,;:!)\n]|$)|\blet\s+" + _WHO_DECIDES +
                      r"\s+(?:(?:expand|broaden|widen)(?:\s+(?:the|our|my))?\s+(?:audience|targeting|"
                      r"reach)|go\s+(?:wider|broad(?:er)?)|(?:find|decide|pick|choose)\s+" + _PEOPLE +
                      r"|reach\s+(?:beyond|further|wider)|do\s+the\s+targeting)\b|\b(?:turn\s+on|enable|"
                      r"allow|switch\s+on|use)\s+(?:audience|targeting)\s+expansion\b", re.I)
ADV_NEGATED = re.compile(r"\b(?:no|not|without|never|don'?t|do\s+not|disable|turn\s+off|switch\s+off|"
                         r"avoid)(?:\s+(?:use|want|let|turn\s+on|enable|any|the))*\s*$", re.I)
ADV_BARE = re.compile(r"\badvantage\s*(?:\+|plus)(?!\s*(?:audience|placements?|shopping|campaign\s+budget|"
                      r"budget|catalog|creative|app|sales))\b(?:\s+campaign)?", re.I)


@dataclass
class DetailedRead:
    """Detailed targeting to include and exclude, Advantage+ audience, spans and questions."""

    include: dict[str, list[Any]] = field(default_factory=dict)
    exclude: dict[str, list[Any]] = field(default_factory=dict)
    advantage: int | None = None
    phrases: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    flags: list[Question] = field(default_factory=list)
    adjustments: list[Adjustment] = field(default_factory=list)


@cache
def categories() -> list[dict[str, Any]]:
    """Load the detailed-targeting catalogue (`sandbox/data/targeting_categories.json`) once."""
    return list(json.loads((DATA / "targeting_categories.json").read_text(encoding="utf-8")))


def _bare(name: str) -> str:
    """"Newly engaged (6 months)" → "newly engaged"; British spelling to the catalogue's."""
    return norm(re.sub(r"\s*\([^)]*\)", "", name)).replace("travellers", "travelers")


@cache
def _anywhere() -> list[tuple[re.Pattern[str], dict[str, Any]]]:
    rows = [r for r in categories() if r["type"] not in CUED_TYPES]
    personas = set(PERSONAS)
    out, seen = [], set()
    for r in sorted(rows, key=lambda r: -len(_bare(r["name"]))):
        bare = _bare(r["name"])
        if len(bare.split()) < 2 or bare in personas or bare in seen:
            continue  # one word ("Commuters") or an interest persona ("new parents")
        seen.add(bare)
        # "parents of teenagers" is the catalogue's "Parents with teenagers (13-17 years)"
        words = r"\s+".join("(?:with|of)" if w == "with" else re.escape(w) for w in bare.split())
        out.append((re.compile(rf"\b{words}\b(?:\s*\((?:[^)]{{0,20}})\))?", re.I), r))
    return out


def _entry(row: dict[str, Any]) -> Any:
    return int(row["id"]) if row["type"] in INT_TYPES else {"id": str(row["id"]), "name": row["name"]}


def _by_name(kind: str, name: str) -> dict[str, Any] | None:
    want = _bare(name).rstrip("s") if len(name) > 3 else _bare(name)
    for r in categories():
        if r["type"] == kind and _bare(r["name"]) in (want, _bare(name), want + "s"):
            return r
    return None


class _Reader:
    def __init__(self, text: str) -> None:
        self.text, self.r = text, DetailedRead()

    def add(self, row: dict[str, Any], start: int, end: int) -> None:
        neg = negated_before(self.text, start)
        exclude = neg is not None or bool(re.search(r"\bexclud\w*\b[^.;\n]{0,40}$",
                                                    self.text[max(0, start - 50):start], re.I))
        side = self.r.exclude if exclude else self.r.include
        entry = _entry(row)
        if entry not in side.setdefault(row["type"], []):
            side[row["type"]].append(entry)
        self.r.spans.append((neg if neg is not None else start, end))
        self.r.phrases.append(self.text[start:end])

    def variant(self, row: dict[str, Any], said: str) -> None:
        """Say which one was taken when the catalogue has several ("newly engaged": 6 months)."""
        others = [r["name"] for r in categories() if r is not row and r["type"] == row["type"]
                  and _bare(r["name"]) == _bare(row["name"])]
        if others and "(" not in said:
            self.r.adjustments.append(Adjustment(
                "ad_sets[0].targeting.flexible_spec", said.strip(), row["name"],
                f"Meta also has {', '.join(others)}; say which one to change it"))

    def unknown_title(self, said: str, start: int, end: int) -> None:
        """Ask about a job title the catalogue lacks (it changes who sees the ads; never dropped)."""
        titles = sorted(r["name"] for r in categories() if r["type"] == "work_positions")
        self.r.spans.append((start, end))
        self.r.flags.append(Question(
            "ad_sets[0].targeting.flexible_spec", f"‘{said}’: adpilot cannot find that job title "
            f"in Meta's targeting (known here: {', '.join(titles[:8])}, …). Name a listed title, "
            "or target without it?", "not_understood", said, WHO))

    def labelled(self) -> None:
        """Read "nurses and software engineers (job titles)": catalogue titles before the label."""
        for m in TITLE_LABEL.finditer(self.text):
            base = max(0, m.start() - 80, max(self.text.rfind(c, 0, m.start()) for c in ".;:\n(") + 1)
            parts = [p for p in re.finditer(r"[^,/&]+?(?=\s*(?:,|/|&|\band\b|\bor\b|$))",
                                            self.text[base:m.start()]) if re.search(r"[A-Za-z]", p.group(0))]
            end, first = m.end(), True
            for part in reversed(parts):
                words = list(re.finditer(r"[A-Za-z][A-Za-z'-]*", part.group(0)))
                words = [w for w in words if w.group(0).lower() not in ("and", "or")]
                found = None
                for n in range(min(4, len(words)), 0, -1):
                    s = base + part.start() + words[-n].start()
                    said = self.text[s:base + part.start() + words[-1].end()]
                    if (row := _by_name("work_positions", said)) is not None:
                        found = (row, s)
                        break
                if found:
                    self.add(found[0], found[1], end)
                elif first and words:
                    s = base + part.start() + words[-min(2, len(words))].start()
                    self.unknown_title(self.text[s:m.start()].strip(), s, end)
                else:
                    break
                end, first = found[1] if found else end, False

    def listed(self, cue: re.Pattern[str], kind: str) -> None:
        for m in cue.finditer(self.text):
            at = m.end()
            strong = kind == "work_positions" and STRONG_JOB_CUE.match(self.text, m.start())
            while True:
                item = re.match(r"\s*(?:an?\s+)?[\"“‘']?(?P<i>[A-Za-z][A-Za-z' -]{1,40}?)[\"”’']?\s*(?=,|/|;|"
                                r"\.|\+|&|$|\n|\band\b|\bor\b|\)|\(|\b(?:in|from|at|across|near|who|"
                                r"aged?)\b)", self.text[at:])
                if not item:
                    break
                row = _by_name(kind, item.group("i"))
                if row is None:
                    first = item.group("i").split()[0].lower()
                    if strong and first not in ("and", "or", "of", "is", "to", "for", "field",
                                                "fields", "question", "not", "any", "all"):
                        self.unknown_title(item.group("i").strip(), m.start(), at + item.end())
                    break
                self.add(row, m.start() if at == m.end() else at + item.start("i"),
                         at + item.end("i"))
                sep = re.match(r"\s*(?:,|/|\+|&|\band\b|\bor\b)\s*", self.text[at + item.end():])
                if not sep:
                    break
                at += item.end() + sep.end()

    def read(self) -> DetailedRead:
        t = self.text
        taken: list[tuple[int, int]] = []
        for pat, row in _anywhere():
            for m in pat.finditer(t):
                if any(s < m.end() and m.start() < e for s, e in taken):
                    continue
                taken.append(m.span())
                self.add(row, *m.span())
                self.variant(row, m.group(0))
        self.listed(JOB_CUE, "work_positions")
        self.labelled()
        self.listed(INDUSTRY_CUE, "industries")
        for phrase, name in EDUCATION.items():
            for m in re.finditer(rf"\b{re.escape(phrase)}\b", t, re.I):
                if (edu := _by_name("education_statuses", name)) is not None:
                    self.add(edu, *m.span())
        for m in RELATIONSHIP.finditer(t):
            said = (m.group("s") or m.group("w") or m.group("p") or m.group("n") or "").strip()
            said = {"singles": "single", "newlywed": "married", "newlyweds": "married"}.get(
                said.lower(), said)
            if (rel := _by_name("relationship_statuses", said)) is not None:
                self.add(rel, *m.span())
        for m in INCOME.finditer(t):
            a, b = m.group("a") or m.group("c"), m.group("b") or m.group("d")
            name = f"Top {a}-{b}%" if b else f"Top {a}%"
            income = next((r for r in categories() if r["type"] == "income"
                           and r["name"].lower().startswith(name.lower() + " ")), None)
            if income is not None:
                self.add(income, *m.span())
        self.advantage()
        return self.r

    def advantage(self) -> None:
        t, r = self.text, self.r
        on, off = ADV_ON.search(t), ADV_OFF.search(t)
        if not off and (more := on or ADV_MORE.search(t)):
            begin = max(t.rfind(c, 0, more.start()) for c in ".;\n!?,") + 1
            if neg := ADV_NEGATED.search(t, begin, more.start()):
                r.advantage = 0  # "don't let Meta expand the audience", "without Advantage+ audience"
                r.spans.append((neg.start(), more.end()))
                return
            on = more
        if on and off and re.search(r"advantage", off.group(0), re.I) is None:
            # "advantage+ audience on … never to anyone over 45, hard limit": Meta treats ages
            # as a suggestion with Advantage+ audience on, so the limit would not hold.
            r.advantage = 1
            r.spans += [on.span(), off.span()]
            lo = max(t.rfind(c, 0, off.start()) for c in ".;\n") + 1
            clause = t[lo:off.end() + 30].strip()
            r.flags.append(Question(
                "advantage_audience", f"‘{on.group(0)}’ and ‘{clause}’: with Advantage+ "
                "audience on, Meta treats ages as a suggestion and may show ads outside them, so "
                "a hard limit cannot hold. Turn Advantage+ audience off (the limit holds), or drop "
                "the limit?", "conflict", clause, WHO))
        elif off:
            r.advantage = 0
            r.spans.append(off.span())
        elif on:
            r.advantage = 1
            r.spans.append(on.span())
        elif bare := ADV_BARE.search(t):
            r.spans.append(bare.span())
            r.flags.append(Question(
                "advantage_audience", f"‘{bare.group(0)}’: which Advantage+ do you mean — "
                "Advantage+ audience (Meta may reach beyond your ages and interests), Advantage+ "
                "placements (every placement, adpilot's default) or an Advantage+ shopping "
                "campaign (not supported)? Say e.g. 'advantage+ audience on'.", "ambiguous",
                bare.group(0), WHO))


def quoted_titles(text: str) -> list[tuple[int, int]]:
    """Return the spans of quoted job titles ("job title 'Nurse'"): no ad copy."""
    return [m.span("q") for m in QUOTED_TITLE.finditer(text)]


def read_detailed(text: str) -> DetailedRead:
    """Return detailed targeting and Advantage+ audience (see the module docstring)."""
    return _Reader(text).read()


def flexible(found: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Return the found entries keyed by Meta's flexible_spec keys (one object: any of them)."""
    return {k: list(v) for k, v in found.items() if v}
