"""A question takes three answers; the one asked before the last says so, and says it once.

Found by a review: a third answer that still left a question open ended the thread ("still open
after 3 answers … Thread is finished", exit 2) with no warning before it; `answer_refused` in
`--json` repeated the same sentence once per open question; and a question, unlike an approval
card, did not name the ADPILOT_HOME its thread lives in.
"""

from __future__ import annotations

import json

from state.hitl import LAST_ANSWER_NOTE
from tests.launchkit import brief_for


def _json(result):
    return json.loads(result.stdout)


def test_the_question_before_the_last_answer_warns_and_reasons_are_said_once(cli, sample_images, home):
    _server, run = cli
    # No budget and no landing page: two questions, one answer that gives neither.
    brief = brief_for(sample_images).replace(" Budget $60/day", "")
    brief = " ".join(w for w in brief.split() if not w.startswith("http"))
    asked = run("run", brief, "--thread", "x-ask", "--json")
    first = _json(asked)
    assert first["waiting_for"] == "clarify" and len(first["interrupt"]["questions"]) >= 2, asked.output
    assert first["interrupt"]["answers_left"] == 3
    assert LAST_ANSWER_NOTE not in first["interrupt"]["description"]

    second = _json(run("resume", "x-ask", "--answer", "not sure yet", "--json"))
    assert second["interrupt"]["answers_left"] == 2
    refused = second["answer_refused"]
    assert refused == "the last answer, “not sure yet”, did not give this"  # once, not per question

    last = run("resume", "x-ask", "--answer", "still not sure", "--json")
    card = _json(last)["interrupt"]
    assert card["answers_left"] == 1 and LAST_ANSWER_NOTE in card["description"]

    shown = run("status", "x-ask")
    text = " ".join(shown.output.split())
    assert LAST_ANSWER_NOTE in text
    assert f"state: {home.resolve()}" in text  # the same footer an approval card has

    ended = run("resume", "x-ask", "--answer", "no idea", "--json")
    assert ended.exit_code == 2 and _json(ended)["phase"] == "unplannable"
