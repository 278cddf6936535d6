"""The insights agent's node for a question (workflow W3): answer at once, read-only.

    answer_request(state, runtime) -> {"answer", "phase": "answered", "status"}

Reads `state["intent"]` (route `question`, `state.intent.Intent`) and answers it from Meta's
insights (`agents/insights/answer.py`): a sentence with the number, a table, and the
comparison when asked. No card, no approval and no write: a question never proposes one. A
combined request's later ask ("… then raise X by 10%") comes after the answer, on its own
card (`agents/optimize/oneoff/chain.py`).
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agents.common import client_of, yields_on_throttle
from state.context import Context
from state.intent import Intent
from state.schema import AdpilotState


@yields_on_throttle
def answer_request(state: AdpilotState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Answer the thread's question from Meta's insights (no writes)."""
    from agents.insights.answer import answer_question
    from agents.orchestrator.nodes import account_today
    from tools.catalog import read_catalog

    intent = Intent.model_validate(state.get("intent") or {})
    if intent.route != "question":
        raise RuntimeError(f"answer_request: the intent's route is {intent.route!r}, not question")
    client = client_of(runtime)
    # The account's catalog entry, as `answer_question` takes it: its campaigns say what a result
    # is in each (objective, ad sets' events); without them every answer counted purchases.
    [account] = read_catalog(client, [str(client.account_id)])
    answer = answer_question(client, intent, account=account,
                             today=account_today(runtime.context, client))
    from agents.optimize.oneoff.chain import go_on

    return go_on(state, {"answer": answer.model_dump(mode="json"), "phase": "answered",
                         "status": answer.sentence})
