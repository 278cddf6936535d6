"""Random regimes (`bench/regime_gen.py`): valid, seeded, varied, and runnable by the bench."""

from __future__ import annotations

import json
import tempfile

from bench.campaign_tree import build_tree, launch
from bench.optimizer import _client, main, raise_budget
from bench.regime_gen import MIN_RESULTS, draw, generate
from sandbox.enums import usd_to_minor
from sandbox.scenario import load_scenario
from sandbox.server import SandboxServer
from state.policy import MAX_POLICY_MONEY_MINOR


def test_generated_regimes_load_are_seeded_and_cover_the_dimensions(tmp_path):
    paths = generate(60, 7, tmp_path / "a")
    again = generate(60, 7, tmp_path / "b")
    other = generate(60, 8, tmp_path / "c")
    assert [p.read_text() for p in paths] == [p.read_text() for p in again]
    assert [p.read_text() for p in paths] != [p.read_text() for p in other]
    scenarios = [load_scenario(str(p)) for p in paths]
    assert len({s.account.id for s in scenarios}) == 60
    assert {s.kpi for s in scenarios} == {
        "conversions", "conversion_value", "link_clicks", "estimated_ad_recallers"}
    assert {s.campaign.budget for s in scenarios} == {"daily", "lifetime", "cbo"}
    assert {s.currency for s in scenarios} >= {"KRW", "JPY", "USD", "EUR", "INR"}
    assert min(s.days for s in scenarios) <= 10 and max(s.days for s in scenarios) >= 45
    assert max(s.campaign.adsets for s in scenarios) >= 8
    assert max(s.campaign.ads for s in scenarios) >= 5
    for s in scenarios:
        per_adset = s.targets.daily_budget_minor // s.campaign.adsets
        assert per_adset >= s.account.min_daily_budget, s.name
        if s.kpi == "conversion_value":
            assert s.targets.roas
        if s.kpi == "estimated_ad_recallers":
            assert s.targets.cpa_minor is None


def test_a_draw_that_would_buy_almost_nothing_is_drawn_again():
    import random

    rng = random.Random(3)
    for i in range(200):
        doc = draw(rng, i)
        if doc["kpi"] not in ("conversions", "conversion_value"):
            continue
        t = doc["truth"]  # what an average ad set's purchase or lead costs
        per_result = t["cpm_minor"]["median"] / 1000 / (t["ctr"]["mean"] * 0.75) / t["cvr"]["mean"]
        money = doc["targets"]["daily_budget_minor"] * doc["days"]
        assert money / per_result >= MIN_RESULTS * 0.97, doc["name"]


def _tiny_mxn(tmp_path, budget="daily", currency="MXN", daily=1130):
    """A 7-day MXN plan whose lifetime money (≈ MXN 79) is under Meta's ~$100 spend-cap floor."""
    import random

    doc = draw(random.Random(1), 999)
    doc.update(currency=currency, timezone="America/Mexico_City", countries=["MX"], days=7,
               kpi="conversions", objective="OUTCOME_SALES", conversion_event="purchase")
    doc["account"]["min_daily_budget"] = 850 if currency == "MXN" else 100
    doc["campaign"] = {"adsets": 1, "ads": 1, "budget": budget}
    doc["targets"] = {"daily_budget_minor": daily, "cpa_minor": 50, "roas": None}
    path = tmp_path / f"tiny_{currency}.json"
    path.write_text(json.dumps(doc))
    return path


def test_a_spend_cap_under_metas_minimum_is_raised_to_it_and_the_campaign_launches(tmp_path):
    path = _tiny_mxn(tmp_path)
    sc = load_scenario(str(path))
    cap = build_tree(sc, spend_cap=True)["campaign"]["params"]["spend_cap"]
    assert cap == usd_to_minor(100, "MXN") > 1130 * 7
    assert main(["--scenario", str(path), "--seeds", "1", "--json", "--procs", "1"]) == 0


def test_the_rules_baseline_goes_on_when_meta_refuses_a_raise(tmp_path):
    path = _tiny_mxn(tmp_path, "lifetime", "USD", daily=9_000_000)  # $630,000 for the week
    sc = load_scenario(str(path))
    with tempfile.TemporaryDirectory() as tmp, SandboxServer(
        db_path=f"{tmp}/s.db", scenario=str(path), seed=1, port=0
    ) as sb:
        client = _client(sb, sc)
        created = launch(client, sc)
        [adset] = created["ad_sets"].values()
        # Over Meta's maximum lifetime budget ($1M), within what the gate lets a rule tool do
        # in one step: Meta refuses it, and the rule tool goes on.
        too_much = usd_to_minor(1_000_000, "USD") + 100
        assert too_much < MAX_POLICY_MONEY_MINOR
        raise_budget(client, adset, too_much, "lifetime_budget")
        assert int(client.get(adset, {"fields": "lifetime_budget"})["lifetime_budget"]) == 9_000_000 * 7
