"""Budget requests in plain words, e.g. "raise the budget of Spring Sale to $80 a day".

`parse_budget_request(text, currency)` reads the target name, the new amount (or a relative
change) and the period; `check_budget_request(req, evidence, policy)` resolves the target
(campaign or ad set, CBO aware) and checks Meta's minimum, the account's spend cap and the
learning phase; `propose_budget_requests` turns requests into the same actions the optimise
card shows. A person's request is not capped at the loop's 20 % step (they asked for it), but
the guardrails still refuse what breaks a hard cap when it is applied.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from agents.optimize.decide.rules import in_learning
from agents.optimize.observed import shared_name
from state.provenance import display_name
from state.rules import currency_offset, format_money

_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
_AMOUNT = re.compile(
    r"(?P<sym>[$€£¥])?\s*(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<code>[A-Za-z]{3})?\b(?P<pct>\s*%|\s*percent)?"
)
_TARGET = re.compile(
    r"(?:budget\s+(?:of|for)\s+|(?:raise|increase|lower|reduce|cut|decrease|set|change)\s+)"
    r"(?:the\s+)?[\"“']?(?P<name>.+?)[\"”']?(?:'s)?\s+(?:budget\s+)?(?:to|by)\s+",
    re.IGNORECASE,
)


class BudgetRequestError(ValueError):
    """A request that cannot be understood or allowed; says which part and how to fix it."""


def parse_budget_request(text: str, currency: str) -> dict[str, Any]:
    """Parse one request into {"target", "amount_minor" | "change_pct", "period"}."""
    clean = " ".join(text.strip().split())
    low = clean.lower()
    m = _TARGET.search(clean)
    if not m:
        raise BudgetRequestError(
            f"budget request {text!r}: name what to change, e.g. "
            "'raise the budget of Spring Sale to $80 a day'"
        )
    target = re.sub(
        r"^(?:the\s+)?budget\s+(?:of|for)\s+", "", m.group("name").strip(), flags=re.IGNORECASE
    )
    target = target.strip().strip("\"“”'")
    tail = clean[m.end() - 3 :]
    amount = _AMOUNT.search(tail)
    if not amount:
        raise BudgetRequestError(
            f"budget request {text!r}: give an amount, e.g. '$80 a day' or '20%'"
        )
    value = float(amount.group("num").replace(",", ""))
    period = "lifetime" if re.search(r"\b(total|lifetime|overall)\b", low) else "daily"
    out: dict[str, Any] = {"target": target, "period": period, "text": clean}
    if amount.group("pct"):
        sign = -1 if re.search(r"\b(lower|reduce|cut|decrease)\b", low) else 1
        out["change_pct"] = sign * value / 100
        return out
    code = (amount.group("code") or "").upper() or _SYMBOLS.get(amount.group("sym") or "", currency)
    if code not in (currency.upper(), ""):
        raise BudgetRequestError(
            f"budget request {text!r}: the amount is in {code} but the account bills in "
            f"{currency}; restate it in {currency} (adpilot never guesses exchange rates)"
        )
    out["amount_minor"] = round(value * currency_offset(currency))
    return out


def _resolve(name: str, evidence: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    campaign = evidence.get("campaign") or {}
    options = {campaign.get("name", ""): ("campaign", campaign)}
    options.update({a.get("name", ""): ("adset", a) for a in evidence.get("ad_sets", [])})
    bare = {display_name(k).lower(): k for k in options if k}
    hit = difflib.get_close_matches(name.lower(), list(bare), n=1, cutoff=0.6)
    if not hit:
        hit = [k for k in bare if name.lower() in k][:1]
    if not hit:
        raise BudgetRequestError(
            f"budget request: no campaign or ad set is called {name!r}; known: "
            + ", ".join(sorted(bare))
        )
    chosen = bare[hit[0]]
    twins = [k for k in options if k and k != chosen and shared_name(k) == shared_name(chosen)]
    if twins and "(id …" not in name:
        raise BudgetRequestError(
            f"budget request: {display_name(shared_name(chosen))!r} names {len(twins) + 1} ad sets "
            f"({', '.join(sorted([chosen, *twins]))}): say which, with the end of its id as "
            "shown")
    return options[chosen]


def check_budget_request(
    req: dict[str, Any], evidence: dict[str, Any], policy: Any = None
) -> dict[str, Any]:
    """Resolve and check a parsed request; return the action (raises on a blocking problem)."""
    from agents.optimize.decide.decisions import DecisionPolicy

    level, entity = _resolve(req["target"], evidence)
    cbo = evidence.get("budget_level") == "campaign"
    if level == "adset" and cbo:
        raise BudgetRequestError(
            f"{entity.get('name')} shares its campaign's budget (campaign budget optimisation): "
            "change the campaign's budget instead"
        )
    if level == "campaign" and not cbo:
        raise BudgetRequestError(
            f"{entity.get('name')} has no campaign budget (each ad set has its own): name an ad set"
        )
    if req["period"] != "daily":
        raise BudgetRequestError("only daily budgets can be changed by request; say 'a day'")
    old = int(entity.get("daily_budget_minor") or 0)
    new = int(req.get("amount_minor") or round(old * (1 + req.get("change_pct", 0))))
    currency = str(evidence.get("currency") or "USD")

    def money(minor: int) -> str:  # a person reads the account currency, not minor units
        return format_money(int(minor), currency)

    minimum = int(evidence.get("min_daily_budget_minor") or 0)
    if new < minimum:
        raise BudgetRequestError(f"{money(new)} a day is below Meta's minimum of {money(minimum)}")
    room = evidence.get("spend_cap_remaining_minor")
    if room is not None and new - old > 0:
        days = evidence.get("days_left") or 1
        total = sum(int(a.get("daily_budget_minor") or 0) for a in evidence.get("ad_sets", []))
        if (total + new - old) * days > room:
            raise BudgetRequestError(
                f"raising to {money(new)} a day would spend past the account's spend cap "
                f"({money(room)} left); lower the amount or raise the cap in Ads Manager"
            )
    if level == "adset" and in_learning(entity) and old:
        pol = DecisionPolicy.from_policy(policy or {})
        if abs(new - old) / old > pol.significant_budget_change:
            raise BudgetRequestError(
                f"{entity.get('name')} is still learning: a change from {money(old)} to {money(new)} "
                f"({abs(new - old) / old:.0%}) is significant and would restart learning; "
                f"ask for at most {pol.significant_budget_change:.0%} now, or wait until it exits learning"
            )
    id_key = "adset_id" if level == "adset" else "campaign_id"
    return {
        "name": f"set_{level}_budget",
        "args": {id_key: entity["id"], "daily_budget": new},
        "target": {
            "id": entity["id"],
            "name": entity.get("name", ""),
            "level": level,
            "parent_id": evidence["campaign"]["id"],
        },
        "verdict": "OPTIMIZE",
        "reasons": [f"requested: “{req['text']}”"],
        "evidence": {"before_minor": old, "after_minor": new},
        "expected_effect": {
            "metric": "value_per_spend",
            "direction": "up",
            "text": f"daily budget {money(old)} → {money(new)} as requested",
        },
        "risk": "high" if new > old else "low",
        "requires_review": True,
    }


def propose_budget_requests(
    texts: list[str], evidence: dict[str, Any], policy: Any = None
) -> tuple[list[dict[str, Any]], list[str]]:
    """Parse and check each request; return (actions, problems in plain words)."""
    actions, problems = [], []
    for text in texts:
        try:
            req = parse_budget_request(text, evidence.get("currency", "USD"))
            actions.append(check_budget_request(req, evidence, policy))
        except BudgetRequestError as exc:
            problems.append(str(exc))
    return actions, problems
