"""Creative refresh as pure decisions: which ad needs new variants and why, and did it work.

A refresh adds new ads (new copy, the same or a supplied image) *beside* an ad in its ad set;
the ad itself is not paused by it (the loop's pause rules judge it later, against the new
ads). The decision here only says which ad and why, in plain words; the variants are written
by the I/O step (`agents/optimize/refresh_io.py` → `agents/ads/refresh.py`), which fills the
action's args before the card is shown.

- `refresh_action(ad, adset, trigger=, reasons=, evidence=)` — the `refresh_creative` proposal.
- `refreshable(evidence, ad)` — not an experiment's variant, and neither the ad nor its ad set
  refreshed in the last `REFRESH_COOLDOWN_DAYS` (`evidence["refreshes"]`: the loop's applied
  refreshes, `[{"ad_id", "adset_id", "date", "ad_ids"}]`), so a refresh is given time to work
  before another is proposed there.
- `loser_refresh_actions(evidence, actions)` — when this cycle's pauses would leave an ad set
  with a single active ad that is itself short of the plan's target, propose new variants of
  that survivor, so Meta's delivery still has more than one ad to choose from (called at the
  end of `decisions.decide`). A survivor that meets the target runs on alone, and the pause
  says so: it won against its siblings, a new variant is on average no better than the ads it
  beat, and adding an ad restarts the ad set's learning phase (Meta's Help Center; the
  sandbox's `learning.py`). Its fatigue, when it comes, is read week over week
  (`rules.fatigue_actions`). On the 17 tuned scenarios, seeds 1–3, refreshing every survivor
  scored 0.838 of the oracle, refreshing none 0.843, refreshing only those short of the target
  0.842 (`bench/optimizer.py`; the strong-fatigue regime pays for early refreshes: 1.085,
  0.953, 0.962).
- `judge_refresh(before, after)` — the new ads (summed, since the refresh) against the ad's own
  week before it: CTR (what a refresh restores) and results per spend (what it is for).

Imports `state`, `decide/stats.py` and `decide/explain.py` only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np

from agents.optimize.decide.explain import above_target, results_word
from agents.optimize.decide.stats import KPI_FIELDS, kpi_of, num, target_rate
from state.provenance import display_name
from state.rules import format_money

REFRESH_ACTION = "refresh_creative"
DEFAULT_VARIANTS = 2  # new ads per refresh
REFRESH_COOLDOWN_DAYS = 14  # two weekly windows: the next fatigue read sees the new ads' effect
MIN_FATIGUE_DAYS = 14  # two whole weeks of delivery before week-over-week fatigue is read
MIN_AFTER_DAYS = 2  # a refresh is judged once its ads have this many days ...
MIN_AFTER_IMPRESSIONS = 1000  # ... and this many impressions (else "pending")
FRESH_AD_DAYS = 7  # a refresh's new ads are not paused (but in an emergency) for a week


def _f(stats: Mapping[str, Any] | None, key: str) -> float:
    return float((stats or {}).get(key) or 0)


def _name(obj: Mapping[str, Any]) -> str:
    return display_name(str(obj.get("name") or "")) or str(obj.get("id"))


def refreshable(evidence: Mapping[str, Any], ad: Mapping[str, Any]) -> bool:
    """Tell whether `ad` may get a refresh proposal now (see the module docstring)."""
    exp = evidence.get("experiment") or {}
    if str(ad["id"]) in {str(i) for i in exp.get("variant_ids") or []}:
        return False  # a test's variant is ended by its stopping rule, not refreshed mid-test
    if str(ad.get("adset_id")) in {str(i) for i in exp.get("variant_adset_ids") or []}:
        return False
    today = str(evidence.get("today") or "")[:10]
    for past in evidence.get("refreshes") or []:
        same = str(past.get("ad_id")) == str(ad["id"]) or str(past.get("adset_id")) == str(
            ad.get("adset_id")) or str(ad["id"]) in {str(i) for i in past.get("ad_ids") or []}
        if not same:
            continue
        try:
            age = (date.fromisoformat(today) - date.fromisoformat(str(past["date"])[:10])).days
        except (KeyError, ValueError):
            return False
        if age < REFRESH_COOLDOWN_DAYS:
            return False
    return True


def fresh_refresh_ads(evidence: Mapping[str, Any]) -> set[str]:
    """Ids of ads a refresh launched less than `FRESH_AD_DAYS` ago (`evidence["refreshes"]`).

    A new ad starts in Meta's learning phase on a few days' data; pausing it on them judges
    the refresh before it had a chance (`decisions.judge_ads` gives them a week).
    """
    today = str(evidence.get("today") or "")[:10]
    out: set[str] = set()
    for r in evidence.get("refreshes") or []:
        try:
            age = (date.fromisoformat(today) - date.fromisoformat(str(r.get("date"))[:10])).days
        except ValueError:
            continue
        if age < FRESH_AD_DAYS:
            out |= {str(i) for i in r.get("ad_ids") or []}
    return out


def refresh_action(ad: Mapping[str, Any], adset: Mapping[str, Any] | None, *, trigger: str,
                   reasons: list[str], evidence: Mapping[str, Any],
                   n_variants: int = DEFAULT_VARIANTS) -> dict[str, Any]:
    """Build the `refresh_creative` proposal for `ad` (its args are filled by the I/O step)."""
    adset_id = str(ad.get("adset_id") or (adset or {}).get("id") or "")
    where = _name(adset) if adset else adset_id
    return {
        "name": REFRESH_ACTION,
        "args": {"ad_id": str(ad["id"]), "adset_id": adset_id, "n_variants": n_variants},
        "target": {"id": str(ad["id"]), "name": ad.get("name", ""), "level": "ad",
                   "parent_id": adset_id},
        "verdict": "OPTIMIZE",
        "reasons": reasons,
        "evidence": {**dict(evidence), "trigger": trigger},
        "expected_effect": {
            "metric": "ctr",
            "direction": "up",
            "text": f"{n_variants} new ads with fresh copy run beside {_name(ad)} in {where}; "
                    "Meta's delivery moves to whichever does best, so the ad set's CTR and cost "
                    f"per result recover. {_name(ad)} keeps running until the loop's pause rules "
                    "judge it against the new ads",
        },
        "risk": "high",
        "requires_review": True,
        "group": "refresh",
    }


def loser_refresh_actions(evidence: Mapping[str, Any],
                          actions: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Refresh the survivor of an ad set this cycle's pauses would leave with a single ad.

    Returns only the new actions; ad sets paused this cycle, ad sets that already get a
    refresh, and survivors `refreshable` refuses are left alone.
    """
    paused = {str(a["args"].get("ad_id")) for a in actions if a.get("name") == "pause_ad"}
    gone_sets = {str(a["args"].get("adset_id")) for a in actions if a.get("name") == "pause_adset"}
    covered = {str((a.get("target") or {}).get("parent_id")) for a in actions
               if a.get("name") == REFRESH_ACTION}
    adsets = {str(s["id"]): s for s in evidence.get("ad_sets") or []}
    out: list[dict[str, Any]] = []
    for pause in actions:
        if pause.get("name") != "pause_ad":
            continue
        loser_id = str(pause["args"].get("ad_id"))
        loser = next((a for a in evidence.get("ads") or [] if str(a["id"]) == loser_id), None)
        set_id = str((loser or {}).get("adset_id") or (pause.get("target") or {}).get("parent_id"))
        adset = adsets.get(set_id)
        if loser is None or set_id in gone_sets or set_id in covered or \
                (adset is not None and adset.get("status") not in (None, "ACTIVE")):
            continue
        left = [a for a in evidence.get("ads") or [] if str(a.get("adset_id")) == set_id
                and a.get("status") == "ACTIVE" and str(a["id"]) not in paused]
        if len(left) != 1 or not refreshable(evidence, left[0]):
            continue
        survivor = left[0]
        meets = meets_target(survivor, evidence)
        if meets:
            reasons = pause.get("reasons")
            if isinstance(reasons, list):
                reasons.insert(1, f"{_name(survivor)} runs on as the only active ad of "
                               f"{_name(adset) if adset else set_id}: {meets}, and a new ad "
                               "would restart the ad set's learning phase; its fatigue is "
                               "watched week over week")
            continue
        stats = survivor.get("stats") or {}
        why = "; ".join(str(r) for r in (pause.get("reasons") or [])[:1]) or "a clear loser"
        covered.add(set_id)
        out.append(refresh_action(
            survivor, adset, trigger="loser",
            reasons=[f"{_name(loser)} is paused as a clear loser ({why}), which leaves "
                     f"{_name(survivor)} the only active ad of "
                     f"{_name(adset) if adset else set_id}: new variants of it give Meta's "
                     "delivery more than one ad to choose from and keep testing fresh copy"],
            evidence={"paused_ad_id": loser_id, "paused_ad": _name(loser),
                      "ctr": round(100 * _f(stats, "clicks") / _f(stats, "impressions"), 3)
                      if _f(stats, "impressions") else None}))
    return out


def meets_target(ad: Mapping[str, Any], evidence: Mapping[str, Any]) -> str | None:
    """Say how an ad's results over its window meet the plan's target; None if they do not.

    None as well without a target or without spend: then nothing says the ad is good enough
    to run alone.
    """
    rate, kpi = target_rate(evidence), kpi_of(evidence)
    stats = ad.get("stats") or {}
    spend = num(stats, "spend_minor")
    got = num(stats, KPI_FIELDS.get(kpi, "conversions"))
    if rate is None or spend <= 0 or above_target(got / spend, evidence):
        return None
    if kpi == "conversion_value":
        return f"its ROAS, {got / spend:.2f}, meets the {rate:g} target"
    currency = str(evidence.get("currency") or "USD")
    per = 1000 if kpi == "impressions" else 1  # a cost per impression rounds to nothing
    word = "1,000 impressions" if per > 1 else results_word(kpi)
    return (f"its cost per {word}, {format_money(int(round(per * spend / got)), currency)}, "
            f"meets the {format_money(int(round(per / rate)), currency)} target")


def _side(s: Mapping[str, Any], roas: bool) -> dict[str, Any]:
    imps, clicks, spend = _f(s, "impressions"), _f(s, "clicks"), _f(s, "spend_minor")
    conv, value = _f(s, "conversions"), _f(s, "conversion_value_minor")
    out = {"impressions": imps, "clicks": clicks, "spend_minor": spend, "conversions": conv,
           "ctr": round(100 * clicks / imps, 3) if imps else None,
           "cpa_minor": round(spend / conv) if conv else None, "days": s.get("days")}
    if roas:
        out["roas"] = round(value / spend, 2) if spend else None
    return out


def judge_refresh(before: Mapping[str, Any], after: Mapping[str, Any], *,
                  probability: float = 0.8, rng: np.random.Generator | None = None,
                  roas: bool = False, n: int = 4000) -> dict[str, Any]:
    """Judge a refresh: its new ads since (`after`, summed) against the ad's week before.

    CTR posteriors are Beta(1 + clicks, 1 + impressions − clicks); results per unit of spend
    are Gamma(0.5 + results, spend) (value per spend, at the average basket, for ROAS goals).
    "improved" when the new ads probably bring more results per spend (P ≥ `probability`),
    or probably a higher CTR while results per spend are not probably worse; "regressed" the
    mirror image; otherwise "inconclusive". With no result on either side, CTR alone decides.
    "pending" until the new ads have `MIN_AFTER_DAYS` days and `MIN_AFTER_IMPRESSIONS`.
    """
    b, a = _side(before, roas), _side(after, roas)
    if a["spend_minor"] <= 0 or int(after.get("days") or 0) < MIN_AFTER_DAYS or \
            a["impressions"] < MIN_AFTER_IMPRESSIONS:
        return {"judgement": "pending", "p_improved": None, "p_ctr_up": None, "before": b,
                "after": a}
    if b["impressions"] <= 0:
        return {"judgement": "inconclusive", "p_improved": None, "p_ctr_up": None, "before": b,
                "after": a, "why": "the ad had no delivery in the week before the refresh"}
    gen = rng or np.random.default_rng(0)

    def ctr(s: dict[str, Any]) -> np.ndarray:
        return gen.beta(1 + s["clicks"], 1 + max(s["impressions"] - s["clicks"], 0), n)

    p_ctr = float((ctr(a) > ctr(b)).mean())
    key = "conversion_value_minor" if roas else "conversions"
    results = (_f(before, key), _f(after, key))
    p_rate: float | None = None
    if any(results):
        def rate(s: Mapping[str, Any]) -> np.ndarray:
            conv = _f(s, "conversions")
            aov = _f(s, "conversion_value_minor") / conv if roas and conv else 1.0
            return gen.gamma(0.5 + conv, 1.0 / (_f(s, "spend_minor") + 1.0), n) * aov

        p_rate = float((rate(after) > rate(before)).mean())
    lo = 1 - probability
    if p_rate is None:
        verdict = "improved" if p_ctr >= probability else "regressed" if p_ctr <= lo \
            else "inconclusive"
    elif p_rate >= probability or (p_ctr >= probability and p_rate >= 0.5):
        verdict = "improved"
    elif p_rate <= lo or (p_ctr <= lo and p_rate <= 0.5):
        verdict = "regressed"
    else:
        verdict = "inconclusive"
    return {"judgement": verdict, "p_improved": round(p_rate, 3) if p_rate is not None else None,
            "p_ctr_up": round(p_ctr, 3), "before": b, "after": a}
