"""The request router (`adpilot ask`): a request about existing campaigns → one typed `Intent`.

- `read_request(request, catalog, account=..., today=..., model=None)` — the rules router
  offline (`rules.py`), the LLM router (`llm.py`) with a LangChain chat model;
- `resolve.py` — names and ids → catalog objects (`resolve_entities`, `resolve_name`), the one
  resolver both routers use: the LLM names things, this code finds them;
- `checks.py` — what must be asked before an ask can be done (both routers);
- `cues.py`, `lexicon.py`, `amounts.py`, `dates.py`, `params.py`, `abtest.py` — the rules' words, numbers,
  dates and params; `draft.py` — the flat schema the LLM fills;
- `guards/` — `kinds.py` (a kind of ad as a filter or exception), `conditions.py` (a pause
  waiting on a metric, a target with no change), `negation.py` (what not to do, what is taken
  back), `children.py` (a child or object named by words that name nothing): what the rules
  read before or after routing so that nothing asked is dropped or inverted in silence.

Imports `agents.orchestrator.planning.money` (amounts are read one way), `prompts`, `state`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from agents.orchestrator.routing.resolve import Mention, resolve_entities, resolve_name
from state.intent import Intent


def read_request(request: str, catalog: list[dict[str, Any]], *, account: str | None,
                 today: date, model: Any = None) -> Intent:
    """Route `request` about the campaigns in `catalog` (a list of accounts) into an `Intent`.

    With `model=None` the offline rules read it; with a LangChain chat model the LLM router
    does, resolving every name with the same resolver and falling back to `clarify` — except
    a budget move ("move $10 a day from A to B") and the delicate requests of
    `rules.careful_reading` (an exception, an amount for each object, a later time, a change
    for a while, a condition, two pause rules, all the ads of a campaign), which the rules
    always read: an easier reading of those is a different write, made silently.
    """
    from agents.orchestrator.routing.moves import says_move
    from agents.orchestrator.routing.rules import careful_reading

    # A budget move is read by the rules, whose reading links its two sides on one card: a
    # model's reading of it is two asks, a cut now and a raise on a later card.
    if model is None or says_move(request):
        return careful_reading(request, catalog, account=account, today=today)[0]
    intent, careful = careful_reading(request, catalog, account=account, today=today)
    if careful:
        note = (f"Read by adpilot's rules, not the model: the request holds {'; '.join(careful)}, "
                "which the rules read exactly (a looser reading would change something else).")
        return intent.model_copy(update={"notes": [*intent.notes, note]})
    from agents.orchestrator.routing.llm import read_llm

    return read_llm(request, catalog, account=account, today=today, model=model)


__all__ = ["Mention", "read_request", "resolve_entities", "resolve_name"]
