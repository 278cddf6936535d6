"""Draft → plan for the issue-15 capabilities: audiences, bids, destinations, lead forms, dynamic creative.

Called by `draft_plan.draft_to_plan`. Code, not the model, does every conversion Meta's fields
need: a bid in the brief's money → minor units of the account currency (`rules.to_minor`), a
minimum ROAS ratio → `roas_average_floor` (× 10 000), a lookalike percent → `ratio`, the
destination → `destination_type` and the goal Meta allows with it, dynamic-creative assets →
`asset_feed_spec`. Values are kept as the brief states them — a 15 % lookalike, a two-year
window — so the plan checks can refuse them by name; they are never clamped.

What a capability needs but the draft lacks becomes a question naming the field
(`CAPABILITY_QUESTIONS`: the seed or window of an audience, a customer list's file, a cap's
amount, a ROAS floor, a form's privacy policy, the pixel a website audience needs), and an
ad set that points at an audience the draft does not define is a problem.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Protocol

from agents.orchestrator.planning import GOAL, SPEND, WHO, Question
from agents.orchestrator.planning.llm.capability_draft import DraftAudience, DraftAudienceRef
from state import rules

if TYPE_CHECKING:
    from agents.orchestrator.planning.llm.draft import DraftPlan


class Converted(Protocol):
    """What `draft_plan.Converted` offers (kept apart so the modules form no cycle)."""

    problems: list[dict[str, str]]
    flags: list[Question]
    no_repair: list[str]

    def invalid(self, fld: str, phrase: str, question: str) -> None:
        """Add an invalid-value question for `fld`."""

BID_STRATEGIES = {"cost_cap": "COST_CAP", "bid_cap": "LOWEST_COST_WITH_BID_CAP",
                  "min_roas": "LOWEST_COST_WITH_MIN_ROAS", "lowest_cost": "LOWEST_COST_WITHOUT_CAP"}
DESTINATIONS = {"website": "WEBSITE", "instant_form": "ON_AD", "whatsapp": "WHATSAPP",
                "messenger": "MESSENGER", "instagram_direct": "INSTAGRAM_DIRECT",
                "messenger_and_instagram": "MESSAGING_INSTAGRAM_DIRECT_MESSENGER"}
MESSAGING = frozenset(DESTINATIONS[d] for d in ("whatsapp", "messenger", "instagram_direct",
                                                 "messenger_and_instagram"))
# Question field (as CAPABILITIES.md and the card name it) -> the question asked.
CAPABILITY_QUESTIONS = {
    "audiences": "Which audience do you mean — its source (pixel event, page, video, list), how "
                 "many days back, and for a lookalike its seed and size (1-10 %)?",
    "customer_list": "Which file holds the customer list (a CSV of emails or phone numbers)?",
    "pixel_id": "A website audience needs the Meta pixel that tracks the site. Which pixel?",
    "bid_amount": "What amount should the cap be, in the account's currency?",
    "bid_constraints": "What minimum ROAS should the bidding hold (e.g. 2.5 for 250 %)?",
    "lead_form.privacy_policy": "Meta requires a privacy-policy link on every instant form. "
                                "What is its URL?",
    "destination_type": "Where should people message you: WhatsApp, Messenger or Instagram Direct?",
    "advantage_audience": "Which Advantage+ do you mean: Advantage+ audience (Meta may reach "
                          "beyond your targeting) on, Advantage+ placements, or both?",
    "languages": "Which language exactly (e.g. Chinese simplified or traditional)?",
}
_AFFECTS = {"audiences": WHO, "customer_list": WHO, "pixel_id": WHO, "bid_amount": SPEND,
            "bid_constraints": SPEND, "lead_form.privacy_policy": GOAL, "destination_type": GOAL,
            "advantage_audience": WHO, "languages": WHO}


def ask(fld: str, phrase: str = "") -> Question:
    """Return a missing-fact question about a capability field."""
    return Question(fld, CAPABILITY_QUESTIONS[fld], kind="missing", phrase=phrase,
                    affects=_AFFECTS.get(fld))


def destination(draft: DraftPlan) -> str | None:
    """Return the draft's destination; a lead form with none named is an instant form."""
    if draft.destination is None and draft.lead_form is not None:
        return "instant_form"
    return draft.destination


def capability_setup(draft: DraftPlan, setup: dict[str, str | None]) -> dict[str, str | None]:
    """Return the objective's default setup with the draft's destination applied."""
    out = dict(setup)
    dest = DESTINATIONS.get(destination(draft) or "")
    if dest and dest != "WEBSITE":
        allowed = rules.allowed_goals(draft.objective, dest)
        wanted = "LEAD_GENERATION" if dest == "ON_AD" else "CONVERSATIONS"
        goal = wanted if wanted in allowed or not allowed else \
            (out["optimization_goal"] if out["optimization_goal"] in allowed else allowed[0])
        # A goal Meta refuses for this pair is left for the plan checks to name.
        out.update(destination_type=dest, optimization_goal=goal, custom_event_type=None,
                   billing_event="IMPRESSIONS")
    return out


def roas_setup(draft: DraftPlan, setup: dict[str, str | None], out: Converted
               ) -> dict[str, str | None]:
    """Minimum-ROAS bidding optimises for purchase value (Meta requires VALUE).

    Applied after the brief's own optimisation; an objective that cannot optimise for value
    is a problem naming the bid strategy, not a silently different goal.
    """
    if draft.bid_strategy != "min_roas" or setup.get("optimization_goal") == "VALUE":
        return setup
    if "VALUE" not in rules.allowed_goals(draft.objective, setup.get("destination_type")):
        out.problems.append({"path": "ad_sets[0].bid_strategy", "message": "minimum-ROAS bidding "
                             f"(LOWEST_COST_WITH_MIN_ROAS) needs VALUE optimisation, which "
                             f"{draft.objective} does not allow", "fix": "use a sales campaign "
                             "optimised for purchase value, or another bid strategy",
                             "rule": "bid"})
        # the brief asked for it: the person decides (the checks' words on the goal the
        # strategy needs say the same thing, so neither goes back to the model)
        out.no_repair += ["bid_strategy", "optimization_goal"]
        return setup
    return {**setup, "optimization_goal": "VALUE", "custom_event_type": "PURCHASE"}


def _handle(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", key.strip())[:64] or "audience"


def _ref(r: DraftAudienceRef, keys: dict[str, str]) -> dict[str, str] | None:
    if r.key:
        return {"key": keys.get(r.key, _handle(r.key))}
    if r.id:
        return {"id": r.id, **({"name": r.name} if r.name else {})}
    return {"name": r.name} if r.name else None


def _audience(a: DraftAudience, keys: dict[str, str], countries: list[str], pixel_id: str | None,
              out: Converted) -> dict[str, Any]:
    d: dict[str, Any] = {"key": keys[a.key], "kind": a.kind,
                         "name": f"{a.kind.replace('_', ' ')} {a.key}".strip()}
    if a.kind in ("website", "engagement"):
        if a.retention_days is None:
            out.flags.append(ask("audiences", a.key))
        d["retention_days"] = a.retention_days
    if a.kind == "website":
        d.update(event=a.event, url_contains=a.url_contains, pixel_id=pixel_id)
        if not pixel_id:
            out.flags.append(ask("pixel_id", a.key))
    elif a.kind == "customer_list":
        d["file"] = a.file
        if not a.file:
            out.flags.append(ask("customer_list", a.key))
    elif a.kind == "engagement":
        d.update(source=a.source, source_ids=list(a.source_ids) or None)
        if a.source is None or (a.source == "video" and not a.source_ids):
            out.flags.append(ask("audiences", a.key))
    else:  # lookalike
        seed = _ref(a.seed, keys) if a.seed else None
        pct = a.lookalike_percent
        d.update(seed=seed, country=[c.upper() for c in a.countries] or countries,
                 ratio=None if pct is None else round(pct / 100, 4))
        if seed is None or pct is None:
            out.flags.append(ask("audiences", a.key))
    return {k: v for k, v in d.items() if v is not None}


def _placements(s: Any, t: dict[str, Any]) -> None:
    if s.excluded_platforms:
        base = t.get("publisher_platforms") or ["facebook", "instagram", "audience_network",
                                                "messenger"]
        t["publisher_platforms"] = [p for p in base if p not in s.excluded_platforms]
    if s.excluded_facebook_positions:
        if "publisher_platforms" not in t:
            t["publisher_platforms"] = ["facebook", "instagram", "audience_network", "messenger"]
        if "facebook" not in t["publisher_platforms"]:
            t["publisher_platforms"].append("facebook")
        base = t.get("facebook_positions") or list(rules.FACEBOOK_POSITIONS)
        t["facebook_positions"] = [p for p in base if p not in s.excluded_facebook_positions]


def _targeting(s: Any, t: dict[str, Any], keys: dict[str, str], i: int, out: Converted) -> None:
    for fld in ("custom_audiences", "excluded_custom_audiences"):
        refs = [r for r in (_ref(x, keys) for x in getattr(s, fld)) if r]
        for r in refs:
            if "key" in r and r["key"] not in keys.values():
                out.problems.append({"path": f"ad_sets[{i}].targeting.{fld}", "message":
                                     f"the audience key {r['key']!r} is not one of the plan's "
                                     "audiences", "fix": "add the audience to audiences or "
                                     "name an existing audience by id or name"})
        if refs:
            t[fld] = refs
    if s.detailed_targeting:
        group = (t.get("flexible_spec") or [{}])[0]
        for d in s.detailed_targeting:
            group.setdefault(d.type, []).append({"name": d.name})
        t["flexible_spec"] = [group, *(t.get("flexible_spec") or [])[1:]]
    if s.excluded_detailed_targeting:
        ex = t.setdefault("exclusions", {})
        for d in s.excluded_detailed_targeting:
            ex.setdefault(d.type, []).append({"name": d.name})
    if s.advantage_audience is not None:
        t["targeting_automation"] = {"advantage_audience": int(s.advantage_audience)}
    _placements(s, t)


def _bids(draft: DraftPlan, account_currency: str, out: Converted) -> dict[str, Any]:
    """Return the ad sets' bid fields (every ad set bids the same way)."""
    if draft.bid_strategy is None:
        return {}
    bid: dict[str, Any] = {"bid_strategy": BID_STRATEGIES[draft.bid_strategy]}
    if draft.bid_strategy in ("cost_cap", "bid_cap"):
        if draft.bid_amount is None:
            out.flags.append(ask("bid_amount", draft.bid_strategy.replace("_", " ")))
            return bid
        currency = (draft.bid_currency or account_currency).upper()
        if account_currency and currency != account_currency.upper():
            out.invalid("currency", f"{draft.bid_amount:g} {currency}", f"The cap is in "
                        f"{currency} but the ad account bills in {account_currency.upper()}; "
                        f"adpilot never converts currencies. What is the cap in "
                        f"{account_currency.upper()}?")
        bid["bid_amount"] = rules.to_minor(draft.bid_amount, currency)
    elif draft.bid_strategy == "min_roas":
        if draft.min_roas is None:
            out.flags.append(ask("bid_constraints", "min roas"))
            return bid
        bid["bid_constraints"] = {"roas_average_floor": round(draft.min_roas * 10000)}
    return bid


def _dynamic(draft: DraftPlan, ad_set: dict[str, Any], asset: Any) -> None:
    feed = draft.dynamic_creative
    if feed is None:
        return
    refs = list(feed.assets) or [a for s in draft.ad_sets for ad in s.ads for a in ad.creative.assets]
    media = [asset(r) for r in dict.fromkeys(refs)]
    spec: dict[str, Any] = {
        "images": [m for m in media if m["kind"] == "image"],
        "videos": [m for m in media if m["kind"] == "video"],
        "titles": [{"text": t} for t in feed.headlines],
        "bodies": [{"text": t} for t in feed.primary_texts],
        "descriptions": [{"text": t} for t in feed.descriptions],
        "call_to_action_types": [c.upper() for c in feed.call_to_actions]
        or [rules.DEFAULT_CTA[draft.objective]],
        "ad_formats": ["SINGLE_VIDEO" if media and all(m["kind"] == "video" for m in media)
                       else "SINGLE_IMAGE"],
    }
    if draft.landing_url:
        spec["link_urls"] = [{"website_url": draft.landing_url}]
    ad_set["is_dynamic_creative"] = True
    ad_set["ads"] = [{"name": "Dynamic creative", "creative": {
        "format": "dynamic", "link": draft.landing_url,
        "call_to_action": spec["call_to_action_types"][0], "asset_feed_spec": spec}}]


def _lead_form(draft: DraftPlan, out: Converted) -> dict[str, Any] | None:
    form = draft.lead_form
    if destination(draft) != "instant_form":
        return None
    questions: list[dict[str, Any]] = [{"type": q} for q in (form.questions if form else [])]
    questions += [{"type": "CUSTOM", "key": f"question_{n}", "label": text}
                  for n, text in enumerate(form.custom_questions if form else [], 1)]
    url = form.privacy_policy_url if form else None
    if not url:
        out.flags.append(ask("lead_form.privacy_policy", "instant form"))
    d: dict[str, Any] = {"name": f"{draft.name} form"[:100],
                         "questions": questions or [{"type": "FULL_NAME"}, {"type": "EMAIL"}]}
    if url:
        d["privacy_policy"] = {"url": url}
    return d


def apply_capabilities(draft: DraftPlan, plan: dict[str, Any], *, account_currency: str,
                       pixel_id: str | None, asset: Any, out: Converted) -> None:
    """Add the draft's audiences, bids, lead form and dynamic creative to `plan` (in place).

    `asset` turns a path / URL into an asset reference (`draft_plan._asset`).
    """
    keys: dict[str, str] = {}
    for n, a in enumerate(draft.audiences):
        handle = _handle(a.key)
        keys[a.key] = handle if handle not in keys.values() else f"{handle[:60]}_{n}"
    countries = next((s.countries for s in draft.ad_sets if s.countries), [])
    audiences = [_audience(a, keys, [c.upper() for c in countries], pixel_id, out)
                 for a in draft.audiences]
    for n, made in enumerate(audiences):
        seed = made.get("seed") or {}
        if "key" in seed and seed["key"] not in keys.values():
            out.problems.append({"path": f"audiences[{n}].seed", "message": f"the lookalike's seed "
                                 f"{seed['key']!r} is not one of the plan's audiences", "fix":
                                 "add the seed audience to audiences or name an existing one"})
    if audiences:
        plan["audiences"] = audiences
    bid = _bids(draft, account_currency, out)
    for i, (s, ad_set) in enumerate(zip(draft.ad_sets, plan.get("ad_sets", []), strict=False)):
        _targeting(s, ad_set["targeting"], keys, i, out)
        ad_set.update(bid)
        _dynamic(draft, ad_set, asset)
    _messaging_buttons(draft, plan)
    form = _lead_form(draft, out)
    if form:
        plan["lead_form"] = form


def _messaging_buttons(draft: DraftPlan, plan: dict[str, Any]) -> None:
    """Give messaging ads the button that opens the conversation (WHATSAPP_MESSAGE, ...).

    Only the objective's default button is replaced; a button the draft chose stays, and the
    plan checks name it when the destination cannot take it.
    """
    default = rules.DEFAULT_CTA.get(draft.objective)
    for ad_set in plan.get("ad_sets", []):
        ctas = rules.messaging_ctas(ad_set.get("destination_type"))
        if not ctas:
            continue
        button = "WHATSAPP_MESSAGE" if "WHATSAPP_MESSAGE" in ctas else sorted(ctas)[0]
        for ad in ad_set.get("ads", []):
            creative = ad.get("creative", {})
            if creative.get("call_to_action") in (None, default):
                creative["call_to_action"] = button


__all__ = ["BID_STRATEGIES", "CAPABILITY_QUESTIONS", "DESTINATIONS", "MESSAGING",
           "apply_capabilities", "ask", "capability_setup", "destination", "roas_setup"]
