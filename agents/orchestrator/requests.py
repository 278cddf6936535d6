"""The orchestrator's router node: the first node of every thread (docs/design.md §1).

    route_request(state, runtime) -> {"account", "intent", "phase", ...}

A thread starts from a brief (`adpilot run`), a request about what already exists
(`adpilot ask`) or a campaign to adopt (`adpilot watch`). This node records the thread's ad
account, then:

- a brief (no `request`, no `watch`) → phase `brief`: the launch path plans it;
- `watch` → an `adopt` intent built from the command (no reading needed) → phase `routed`;
- a request → read the account's catalog from Meta (campaigns → ad sets → ads, by name and
  id), read the request with the rules router or the LLM (`agents.orchestrator.routing`), and
  route: `new_campaign` → phase `brief` (the request is the brief); `unsupported` → phase
  `unsupported` (the status says why and what adpilot can do instead); `clarify` → ask the
  person (an interrupt) and read the request again with the answer; anything else → phase
  `routed`, for the insights agent (a question) or the request workflows (a card).

Writes are refused here when the object is in another ad account than the thread's: the money
gate judges the thread's account, so the person is asked to run it with that `--account`.
Nothing is written to Meta by this node; it only reads, before its interrupt.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from langgraph.runtime import Runtime

from agents.common import ask_until_valid, client_of
from state import bounds
from state.context import Context, act_id
from state.hitl import CLARIFY_SCHEMA, ResumeError, answer_text
from state.intent import EntityRef, Intent
from state.schema import AdpilotState

# With more accounts than this, only the thread's own account's catalog is read (ids and names
# resolve there); an object in another account is asked about, never guessed.
MAX_CATALOG_ACCOUNTS = 5
_NUMBER = re.compile(r"^\s*#?(\d{1,2})\s*[.)]?\s*$")


def _account(state: AdpilotState, ctx: Any, client: Any | None) -> str:
    recorded = state.get("account")
    if recorded:
        return str(recorded)
    if ctx.account_id:
        return act_id(ctx.account_id)
    return str(client._account()) if client is not None else ""


def watch_intent(watch: dict[str, Any], account: str) -> Intent:
    """Build the `adopt` intent of `adpilot watch CAMPAIGN_ID` (no reading needed)."""
    cid = str(watch.get("campaign_id") or "").strip()
    if not cid.isdigit():
        raise ValueError(f"watch: campaign_id must be a Meta campaign id (digits), got {cid!r}")
    params = {k: watch.get(k) for k in ("target_cpa_minor", "target_roas") if watch.get(k)}
    return Intent(route="adopt", source="command", account=account, request=f"watch {cid}",
                  entities=[EntityRef(type="campaign", id=cid, name=str(watch.get("name") or cid),
                                      match="id", account=account)],
                  params=params)


def read_catalog_for(client: Any, account: str) -> list[dict[str, Any]]:
    """Read the catalog the router resolves names in: this account first, then up to a few more."""
    from tools.catalog import list_accounts, read_catalog

    ids = [account]
    try:
        others = [str(a["id"]) for a in list_accounts(client) if str(a.get("id")) != account]
    except Exception:  # noqa: BLE001 - listing is a convenience; the thread's account suffices
        others = []
    if len(others) + 1 <= MAX_CATALOG_ACCOUNTS:
        ids += others
    return read_catalog(client, ids)


def cross_account(intent: Intent, account: str) -> str | None:
    """Why a write cannot run in this thread (an object in another account), or None."""
    if not intent.writes or intent.route == "new_campaign":
        return None
    away = [e for e in intent.entities if e.account and e.account != account]
    if not away:
        return None
    e = away[0]
    return (f"{e.name} ({e.id}) is in ad account {e.account}, not {account}, which this request "
            f"was asked in: run it again with `--account {e.account}` (the money gate judges one "
            "account at a time)")


def labels(catalog: list[dict[str, Any]]) -> dict[str, str]:
    """Return id → "name (campaign › ad set, account)" for every object of the catalog."""
    out: dict[str, str] = {}
    for acct in catalog:
        for c in acct.get("campaigns") or []:
            out[str(c["id"])] = f"campaign “{c['name']}” ({acct['id']})"
            for s in c.get("adsets") or []:
                out[str(s["id"])] = f"ad set “{s['name']}” (in {c['name']}, {acct['id']})"
                for a in s.get("ads") or []:
                    out[str(a["id"])] = (f"ad “{a['name']}” (in {c['name']} › {s['name']}, "
                                         f"{acct['id']})")
    return out


def question_payload(request: str, why: str, *, field: str = "request",
                     candidates: list[str] | None = None, named: dict[str, str] | None = None,
                     lead: str = "adpilot will not guess what this request means") -> dict[str, Any]:
    """Build the interrupt that asks what a request leaves open (numbered candidates).

    The router's questions and the request workflows' (`agents/optimize/oneoff/nodes.py`) are
    one kind of interrupt: the CLI shows it as "the request needs an answer", and
    `read_answer` reads the reply. `field` names what the answer is for.
    """
    candidates = list(candidates or [])
    lines = [f"{lead}: {why}"]
    if candidates:
        lines += ["", "Candidates (answer with a number or an id):", ""]
        lines += [f"{i + 1}. {(named or {}).get(c, c)} — id {c}" for i, c in enumerate(candidates)]
    lines += ["", "Answer in a few words (`adpilot resume THREAD --answer \"...\"`), or start "
              "again with a clearer request."]
    return {"schema": CLARIFY_SCHEMA, "kind": "clarify", "request": request,
            "questions": [{"field": field, "question": why, "kind": "missing",
                           **({"candidates": candidates} if candidates else {})}],
            "description": "\n".join(lines)}



def read_answer(answer: Any, candidates: list[str]) -> str:
    """Read a clarification answer: text, or a candidate's number (→ its id); refuse others."""
    try:
        bounds.check_resume_value(answer, "clarify answer")
    except bounds.BoundsError as exc:
        raise ResumeError(str(exc)) from exc
    answer = answer_text(answer)  # Agent Inbox / agent-chat-ui "respond"
    if isinstance(answer, dict) and isinstance(answer.get("answer"), str):
        answer = answer["answer"]
    if not isinstance(answer, str) or not answer.strip():
        raise ResumeError("answer the question in words (a name, an id, an amount), e.g. "
                          "\"the one in Spring Sale\"")
    m = _NUMBER.match(answer)
    if m and candidates:
        n = int(m.group(1))
        if not 1 <= n <= len(candidates):
            raise ResumeError(f"there are {len(candidates)} candidates: answer 1–{len(candidates)} "
                              "or an id")
        return candidates[n - 1]
    return answer.strip()


_PRONOUN = re.compile(r"\b(?:it|them|this|that|those|these)\b", re.I)


def with_answer(request: str, phrase: str | None, answer: str,
                names: list[str] | None = None) -> str:
    """Return the request to read again after `answer` to a clarification.

    An answer naming the object (an id, a candidate's number, a name) takes the place of the
    words the question was about (`phrase`). When the question was what to do with objects
    the request did name (`names`: "do something about X" → "pause it"), the answer is the
    request, with "it" (or nothing) standing for those objects. A longer answer that says the
    whole thing again replaces the request; anything else is added to it, for the router.
    """
    words = answer.split()
    if phrase and len(words) <= 6 and re.search(re.escape(phrase), request, re.I):
        return re.sub(re.escape(phrase), lambda _: answer, request, count=1, flags=re.I)
    if names and not phrase:
        if any(n.casefold() in answer.casefold() for n in names):
            return answer
        joined = " and ".join(names)
        if _PRONOUN.search(answer):
            return _PRONOUN.sub(lambda _: joined, answer, count=1)
        return f"{answer} {joined}"
    if len(words) > 3:
        return answer
    return f"{request} {answer}"


def route_request(state: AdpilotState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Record the thread's account and route what it was started with (see the module doc)."""
    ctx = runtime.context
    watch, request = state.get("watch"), str(state.get("request") or "")
    if not watch and not request:
        account = _account(state, ctx, None)
        return {**({"account": account} if account else {}), "phase": "brief"}
    client = client_of(runtime)
    account = _account(state, ctx, client)
    if watch:
        try:
            intent = watch_intent(dict(watch), account)
        except ValueError as exc:
            return {"account": account, "phase": "unsupported", "status": str(exc),
                    "errors": [{"node": "route_request", "message": str(exc),
                                "fix": "give the campaign's numeric id: adpilot watch 1203..."}]}
        return {"account": account, "intent": intent.model_dump(), "phase": "routed",
                "status": f"adopting campaign {intent.entities[0].id}"}
    intent, catalog = read(request, client, account, ctx)
    why = (intent.params.get("why") if intent.route == "clarify" else None) or cross_account(
        intent, account)
    if why:
        asked = intent.params if intent.route == "clarify" else {}  # else: another account
        candidates = list(asked.get("candidates") or [])
        payload = question_payload(intent.request, str(why), candidates=candidates,
                                   named=labels(catalog))
        answer = ask_until_valid(payload, lambda a: read_answer(a, candidates))
        phrase = asked.get("phrase")
        names = [e.name for e in intent.entities] if asked else []
        return {"account": account, "request": with_answer(request, phrase, answer, names),
                "clarifications": [*(state.get("clarifications") or []),
                                   {"questions": [why], "answer": answer, "request": request}],
                "intent": intent.model_dump(), "phase": "clarified"}
    update: dict[str, Any] = {"account": account, "intent": intent.model_dump()}
    later = "".join(f"\n- not done: a later ask ({a.route}) — ask it on its own"
                    for a in intent.also)
    if intent.route == "unsupported":
        return {**update, "phase": "unsupported",
                "status": f"adpilot cannot do this: {intent.params.get('why')}{later}"}
    if intent.route == "new_campaign":
        return {**update, "brief": request, "phase": "brief"}
    return {**update, "phase": "routed", "status": f"routed to {intent.route}{later}"}


def read(request: str, client: Any, account: str, ctx: Any,
         today: date | None = None) -> tuple[Intent, list[dict[str, Any]]]:
    """Read `request` against the account's catalog with the context's router.

    `today` defaults to the run context's account day; the MCP tools pass the chosen
    account's own.
    """
    from agents.orchestrator.nodes import account_today
    from agents.orchestrator.routing import read_request

    catalog = read_catalog_for(client, account)
    model = None
    if ctx.model != "rules":
        from agents.orchestrator.planning.llm import chat_model

        model = chat_model(ctx.model)
    today = today or account_today(ctx, client)
    return read_request(request, catalog, account=account, today=today, model=model), catalog
