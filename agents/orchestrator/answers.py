"""Clarify answers: how a person's answer to the planner's questions joins the brief.

Used by `agents/orchestrator/nodes.py::plan_campaign`. An answer is plain text, `{"answers":
{field: value}}`, or a waiver ("waive", `{"waive": true | [phrases]}`) of not-understood
phrases. Plain text is read for what was asked (`merge_answer`), and a question asked again
says why the last answer did not fit (`reasked`).
"""

from __future__ import annotations

import re
from typing import Any

from agents.orchestrator.planning import WAIVABLE
from agents.orchestrator.planning.cues import ANSWER_PREFIX
from state import bounds
from state.hitl import answer_text

# How a clarification answer is phrased when merged into the brief, so any planner reads it.
ANSWER_PHRASES = {
    "landing_url": "Landing page: {}",
    "budget": "Budget: {}",
    "country": "Target country: {}",
    "countries": "Target countries: {}",
    "page_id": "Facebook page: {}",
    "pixel_id": "Pixel: {}",
    "start_date": "start date: {}",
    "end_date": "end date: {}",
    "age": "ages {}",
    "dsa_payor": "Paid for by {}",
}
# Questions whose plain-text answer says nothing about what it answers (a bare company name):
# when one of them is the only question open, the answer is read as its field.
BARE_ANSWER_FIELDS = frozenset({"dsa_payor"})


WAIVE_RE = re.compile(r"^\s*(?:waive(?:\s+(?:it|them|all|these|those))?|ignore\s+(?:it|them|that|"
                      r"those)|launch\s+without\s+(?:it|them|that|those))\s*[.!]?\s*$", re.I)


def waived_by(answer: Any, questions: list[dict[str, Any]]) -> list[str] | None:
    """Phrases an answer waives ("waive", or {"waive": true | [phrases]}); None if it waives none.

    Only not-understood and unsupported asks can be waived; a missing fact, an ambiguous
    place, a conflict or an impossible value needs an answer.
    """
    waivable = [str(q.get("phrase")) for q in questions
                if q.get("kind") in WAIVABLE and q.get("phrase")]
    if isinstance(answer, str) and WAIVE_RE.match(answer):
        if not waivable:
            raise ValueError("nothing here can be waived: answer the question(s) instead")
        return waivable
    if isinstance(answer, dict) and "waive" in answer:
        chosen = answer["waive"]
        if chosen is True:
            return waivable
        if not isinstance(chosen, list) or not all(isinstance(c, str) for c in chosen):
            raise ValueError('clarify answer: "waive" takes true or a list of the phrases asked about')
        unknown = [c for c in chosen if c.strip().lower() not in {w.lower() for w in waivable}]
        if unknown:
            raise ValueError(f"clarify answer: {bounds.shorten(repr(unknown), 200)} are not "
                             f"phrases asked about here; waivable: {waivable}")
        return chosen
    return None


def merge_answer(brief: str, answer: Any, questions: list[dict[str, Any]] | None = None) -> str:
    """Merge a clarify answer (text, or {"answers": {field: value}}) into the brief.

    Plain text is read for what was asked: when the only open question is one whose answer
    names nothing by itself (`BARE_ANSWER_FIELDS`, e.g. who pays), "Steuerkanzlei Beispiel
    GmbH" becomes "Paid for by Steuerkanzlei Beispiel GmbH".

    An answer longer than `bounds.MAX_ANSWER_CHARS` characters in all is refused: it becomes
    part of the brief, and answers are facts (a URL, a budget, a country), not documents.
    """
    if isinstance(answer, dict):
        answers = answer.get("answers", answer)
        if not isinstance(answers, dict):
            raise ValueError('clarify answer: expected {"answers": {"field": "value"}} or plain text')
        lines = [ANSWER_PHRASES.get(k, "{}").format(v)
                 for k, v in answers.items() if str(v).strip()]
    else:
        lines = [str(answer).strip()] if str(answer or "").strip() else []
        fields = {str(q.get("field")) for q in questions or []}
        if lines and len(fields) == 1 and (only := fields.pop()) in BARE_ANSWER_FIELDS:
            lines = [ANSWER_PHRASES[only].format(lines[0])]
    if not lines:
        raise ValueError("clarify answer is empty: answer the questions, e.g. "
                         '{"answers": {"landing_url": "https://shop.example/sale"}}')
    bounds.check_text("\n".join(lines), "clarify answer",
                      fix="answer each question in a few words, e.g. a URL, a budget, a country")
    # "Answer:" is a correction cue (agents.orchestrator.planning.cues): what a person answers replaces
    # what the brief said before, instead of being asked about again as a conflict.
    return brief.rstrip() + "".join(f"\n{ANSWER_PREFIX}{line}" for line in lines)


def reasked(questions: list[dict[str, Any]], rounds: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Questions asked again after an answer, each saying why that answer did not fit."""
    if not rounds:
        return questions
    last = rounds[-1]
    before = {str(q.get("field")) for q in last.get("questions") or []}
    said = bounds.shorten(str(answer_text(last.get("answer")) or "").strip(), 80)
    out = []
    for q in questions:
        if str(q.get("field")) in before and said:
            q = {**q, "reason": f"the last answer, “{said}”, did not give this"}
            q["question"] = f"{q.get('question', '')} ({q['reason']}: answer this one alone)"
        out.append(q)
    return out
