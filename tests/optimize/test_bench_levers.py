"""The gated clairvoyant with one lever (`bench/ceiling.py --levers`), on the sandbox: each uses
its own lever and never the other, as the sandbox's stored objects show."""

from __future__ import annotations

from bench.optimizer import run_one

SHORT = "sandbox/scenarios/regimes/short_7d_eur.json"


def test_the_ads_lever_pauses_ads_only_and_the_budgets_lever_never_an_ad():
    ads = run_one(SHORT, 1, "clairvoyant_ads")
    assert set(ads["changes_by_type"]) == {"ad_pause"} and ads["changes_by_type"]["ad_pause"] >= 1
    budgets = run_one(SHORT, 1, "clairvoyant_budgets")
    changed = set(budgets["changes_by_type"])
    assert "ad_pause" not in changed and changed & {"adset_budget_up", "adset_budget_down"}
    # Both levers together (the gated clairvoyant) do better than either alone here.
    both = run_one(SHORT, 1, "clairvoyant_gated")["fraction"]
    assert both > max(ads["fraction"], budgets["fraction"])
