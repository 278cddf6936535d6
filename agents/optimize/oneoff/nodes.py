"""Graph nodes of the request workflows (W2, W4, W5, status) and of adoption (`watch`).

    propose_change(state, runtime) -> a card's proposal (phase `decided`), or a question
    adopt_campaign(state, runtime) -> the campaign's tree as the loop's `created` (phase `adopted`)

`propose_change` turns a routed intent (`state["intent"]`: pause underperformers, a budget
change, a status change, an A/B test) into actions of the optimise loop's shape and hands them
to the loop's own card and writer: `review_actions` ⏸ → `apply_actions` (receipt checked,
every write through the money gate, ledgered, read back). A one-off request ends after its
card is applied (`optimize.done`); an A/B test goes on into the loop, which judges it by its
stopping rule. When the request cannot be served as asked (no threshold and no target, an
absolute budget for a campaign whose budgets are on its ad sets, ...) the person is asked, and
the request is read again with the answer. Nothing to change ("already paused") ends the
thread saying so.

`adopt_campaign` reads an existing campaign's tree from Meta (not a plan), checks the adoption
against the money gate's caps (`state.guardrails.adoption_refusals`: the campaign counted as
running) and enters the loop at `wait_for_data` with the same cards, ledger and reports. The
loop reads `plan` for the campaign's name, objective, dates and conversion event, so the
adopted campaign is described there in the same keys, marked `adopted`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from langgraph.runtime import Runtime

from agents.common import ask_until_valid, client_of, home_of, yields_on_throttle
from state.context import Context
from state.hitl import receipt
from state.intent import Intent
from state.schema import AdpilotState
from tools.account import account_info, account_now

VARIANT_ACTION = "create_ab_variant"


def _ask(state: AdpilotState, question: str, field: str = "request") -> dict[str, Any]:
    """Ask what the request leaves open; the router reads the request again with the answer."""
    from agents.orchestrator.requests import question_payload, read_answer

    request = str(state.get("request") or "")
    payload = question_payload(request, question, field=field, lead="adpilot will not guess")
    answer = ask_until_valid(payload, lambda a: read_answer(a, []))
    # The router reads the request again with the answer added ("… over $40"); an answer
    # this node reads itself (the A/B split) leaves the request as it was.
    again = request if field != "request" else f"{request} {answer}"
    return {"request": again, "phase": "clarified",
            "clarifications": [*(state.get("clarifications") or []),
                               {"questions": [question], "answer": answer, "field": field}]}


def answered_split(state: AdpilotState, currency: str) -> int | None:
    """Return the daily amount a person gave A and B each, answering the A/B split question.

    None (the question is asked again) when the answer names no money in the account's currency.
    """
    from agents.orchestrator.routing.amounts import money_minor

    last = (state.get("clarifications") or [{}])[-1]
    if last.get("field") != "split_daily":
        return None
    found = money_minor(str(last.get("answer") or ""), currency)
    return found[0] if found and found[1] == currency.upper() else None


@yields_on_throttle
def propose_change(state: AdpilotState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Propose the routed request's actions for one approval card (no writes)."""
    intent = Intent.model_validate(state.get("intent") or {})
    client = client_of(runtime)
    account = account_info(client)  # currency, time zone, Meta's minimum daily budget
    now = account_now(client, runtime.context)
    if intent.route == "ab_test":
        from agents.ads.variants import propose_variant

        proposal = propose_variant(client, intent, account=account, now=now,
                                   home=str(home_of(runtime.context)),
                                   policy=runtime.context.policy,
                                   # the operator's asset folder on a server; the CLI's cwd
                                   workdir=next(iter(runtime.context.assets.roots or ()), None),
                                   split_minor=answered_split(state, account["currency"]))
    elif intent.route in ("pause_underperformers", "budget", "status"):
        from agents.optimize.oneoff import propose_request

        proposal = propose_request(client, intent, account=account,
                                   policy=runtime.context.policy, now=now)
    else:
        raise RuntimeError(f"propose_change: route {intent.route!r} proposes no card")
    if proposal.get("clarify"):
        return _ask(state, str(proposal["clarify"]), str(proposal.get("clarify_field") or "request"))
    actions = list(proposal.get("actions") or [])
    for a in actions:
        a.setdefault("description", a.get("name"))
        if any(e.match == "fuzzy" for e in intent.entities):
            a["requires_review"] = True  # a write on a name adpilot resolved is always seen
    from agents.optimize.oneoff.chain import go_on
    from state.later_asks import is_move_destination, later_note

    later = [later_note(a) for a in intent.also if not is_move_destination(a)]
    proposal["flags"] = list(proposal.get("flags") or []) + later
    if not actions:
        why = proposal.get("nothing_to_do") or "nothing to change"
        return go_on(state, {"phase": "nothing_to_do", "status": str(why), "proposed_actions": [],
                             "optimize": {**dict(state.get("optimize") or {}),
                                          "proposal": proposal, "done": True}})
    requests = [{"name": a["name"], "args": a["args"], "description": a.get("description", "")}
                for a in actions]
    opt = dict(state.get("optimize") or {})
    # A request's card is its thread's last step, unless an A/B test's variant gets created
    # (then the loop runs the test: `finish_request_card`).
    opt.update(proposal=proposal, receipt=receipt(requests), review=None, done=True,
               today=now.date().isoformat())
    if proposal.get("experiment"):
        opt["experiment"] = proposal["experiment"]
    campaign = _campaign_of(actions, intent)
    update: dict[str, Any] = {"optimize": opt, "proposed_actions": requests, "phase": "decided",
                              "status": f"{len(actions)} action(s) proposed for approval"}
    if campaign:
        update["optimize"]["campaign"] = campaign
    return update


def _campaign_of(actions: list[dict[str, Any]], intent: Intent) -> str | None:
    for a in actions:
        cid = (a.get("target") or {}).get("campaign_id")
        if cid:
            return str(cid)
    for e in intent.entities:
        if e.type == "campaign":
            return e.id
    return None


def adopted_plan(campaign: Mapping[str, Any], adsets: list[dict[str, Any]],
                 targets: Mapping[str, Any]) -> dict[str, Any]:
    """Describe an adopted campaign in the plan keys the loop reads (name, dates, event)."""
    return {
        "adopted": True,
        "name": campaign.get("name"),
        "objective": campaign.get("objective"),
        "start_time": campaign.get("start_time"),
        "end_time": campaign.get("stop_time"),
        "ad_sets": [{"id": s.get("id"), "name": s.get("name"),
                     "optimization_goal": s.get("optimization_goal"),
                     "promoted_object": s.get("promoted_object") or {}} for s in adsets],
        "targets": {"cpa_minor": targets.get("target_cpa_minor"),
                    "roas": targets.get("target_roas")},
    }


@yields_on_throttle
def adopt_campaign(state: AdpilotState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Read the campaign to watch from Meta, check the caps, and hand it to the loop."""
    from state.guardrails import adoption_refusals
    from tools.money import account_state

    intent = Intent.model_validate(state.get("intent") or {})
    entity = intent.entities[0]
    client = client_of(runtime)
    cid = entity.id
    from tools.errors import PermanentError

    try:
        campaign = client.get(cid, {"fields": "id,name,objective,status,effective_status,"
                                              "daily_budget,lifetime_budget,start_time,stop_time,"
                                              "account_id"})
    except PermanentError as exc:
        message = f"{cid} is not a campaign adpilot can read ({exc})"
        try:  # an ad set or an ad: name the campaign to watch instead
            other = client.get(cid, {"fields": "name,campaign_id"})
            message = (f"{cid} (“{other.get('name')}”) is not a campaign: `watch` adopts a whole "
                       f"campaign; watch its campaign, `adpilot watch {other.get('campaign_id')}`")
        except PermanentError:
            pass
        return {"phase": "unsupported", "status": message,
                "errors": [{"node": "adopt_campaign", "message": message,
                            "fix": "give a campaign id (Ads Manager, or `adpilot ask` by name)"}]}
    owner = f"act_{campaign['account_id']}" if campaign.get("account_id") else None
    account = str(state.get("account") or client._account())
    if owner and owner != account:
        message = (f"campaign {cid} is in ad account {owner}, not {account}: run `adpilot watch "
                   f"{cid} --account {owner}`")
        return {"phase": "unsupported", "status": message,
                "errors": [{"node": "adopt_campaign", "message": message,
                            "fix": f"add --account {owner}"}]}
    adsets = client.get_all(f"{cid}/adsets", {"fields": "id,name,status,promoted_object,"
                                                        "optimization_goal"}, limit=200)
    ads = client.get_all(f"{cid}/ads", {"fields": "id,name,status"}, limit=500)
    now = account_now(client, runtime.context)
    refusals = adoption_refusals(cid, runtime.context.policy, account_state(client, now=now),
                                 name=str(campaign.get("name") or cid))
    if refusals:
        return {"phase": "refused", "refusals": [r.as_dict() for r in refusals],
                "status": "adoption REFUSED by the money gate (nothing changes on Meta):\n"
                          + "\n".join(f"- {r.message}" for r in refusals)}
    targets = {k: v for k, v in intent.params.items()
               if k in ("target_cpa_minor", "target_roas") and v is not None}
    opt = {**dict(state.get("optimize") or {}), "targets": targets}
    limit = runtime.context.max_cycles  # a person's limit holds for every later run (tick)
    return {
        **({"max_cycles": int(limit)} if limit is not None else {}),
        "cycle_days": int(runtime.context.cycle_days),  # the cadence later wakes keep
        "plan": adopted_plan(campaign, adsets, targets),
        "adopted": {"campaign": dict(campaign), "ad_sets": len(adsets), "ads": len(ads),
                    "at": now.isoformat()},
        "created": {"campaign": cid, "ad_sets": {s["id"]: s["id"] for s in adsets},
                    "ads": {a["id"]: a["id"] for a in ads}},
        "optimize": opt,
        "phase": "adopted",
        "status": f"watching “{campaign.get('name')}” ({cid}): {len(adsets)} ad set(s), "
                  f"{len(ads)} ad(s); the first optimise cycle waits for "
                  f"{runtime.context.cycle_days} day(s) of data",
    }


def apply_variants(client: Any, actions: list[dict[str, Any]], decisions: list[dict[str, Any]],
                   *, policy: Any, receipt_: str | None, now: Any) -> tuple[list[dict[str, Any]],
                                                                        list[dict[str, Any]],
                                                                        dict[str, Any] | None]:
    """Apply the approved A/B variants of a card; return (applied, refusals, experiment)."""
    from agents.ads.variant_apply import apply_variant

    applied, refusals, experiment = [], [], None
    for action, decision in zip(actions, decisions, strict=True):
        if action.get("name") != VARIANT_ACTION or decision.get("type") not in ("approve", "edit"):
            continue
        args = action["args"] if decision.get("type") == "approve" else (
            decision.get("edited_action") or {}).get("args") or action["args"]
        result = apply_variant(client, args, policy=policy, receipt=receipt_, now=now)
        if result.get("status") == "refused":
            refusals += list(result.get("refusals") or [])
            continue
        experiment = result.get("experiment") or experiment
        applied.append({"name": action["name"], "args": args, "target": action.get("target"),
                        "reasons": action.get("reasons"), "status": result.get("status"),
                        "before": None, "after": result.get("created"),
                        "applied_at": now.isoformat(), "approved_by": decision.get("by", "human"),
                        "receipt": receipt_, "judgement": None})
    return applied, refusals, experiment


def finish_request_card(state: Mapping[str, Any], update: dict[str, Any],
                        decisions: list[dict[str, Any]], now: Any,
                        cycle_days: int) -> dict[str, Any]:
    """Settle a request card's apply: rejected, refused, applied — or an A/B test that runs on.

    Every decision a reject (and nothing refused) is phase `rejected`: nothing was written.
    An A/B test whose variant was created goes on into the optimise loop on its campaign
    (`created`), its first cycle `cycle_days` from now; one whose variant was refused or
    rejected ends with the request.
    """
    opt = dict(update["optimize"])
    if decisions and all(d.get("type") == "reject" for d in decisions) and not update["refusals"]:
        update = {**update, "phase": "rejected", "status": "rejected: nothing was written"}
    experiment = opt.get("experiment") or {}
    variant_ids = list(experiment.get("variant_ids") or []) + list(
        experiment.get("variant_adset_ids") or [])
    if (state.get("intent") or {}).get("route") == "ab_test" and variant_ids \
            and update["phase"] == "applied":
        from datetime import timedelta

        campaign = str(experiment.get("campaign_id") or opt.get("campaign") or "")
        opt.update(done=False, wait_until=(now + timedelta(days=cycle_days)).isoformat())
        update = {**update, "created": {"campaign": campaign},
                  "status": f"{update['status']}\nthe A/B test runs: the optimise loop judges it "
                            f"every {cycle_days} day(s) by its stopping rule"}
    else:
        opt["done"] = True
        from agents.optimize.oneoff.chain import go_on

        return go_on(state, {**update, "optimize": opt})
    later = "".join(f"\n- not done: a later ask ({a.route}) — the A/B test runs on in this "
                    f"thread; run `adpilot ask \"{a.text}\"` for it" if a.text else
                    f"\n- not done: a later ask ({a.route}) — ask it on its own"
                    for a in Intent.model_validate(state.get("intent") or {}).also)
    return {**update, "optimize": opt, "status": update["status"] + later}
