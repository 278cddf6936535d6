"""Whose numbers judge an applied action, and the card saying whose they are.

A person approved a budget cut on one ad set and rejected the paired raise; the next card read
"set_adset_budget on 'US, CA 25-34': regressed; cost per result USD 27.72 before → USD 224.92
after" — the whole campaign's figures, moved by another ad set. A lone ad-set budget action is
judged on that ad set's own numbers; a reallocation whose paired moves were applied still on
the ad sets it moved (`test_judge_reallocation.py`).
"""

from __future__ import annotations

from agents.optimize.judging import judge_applied
from prompts.optimize import card_markdown
from state.insights_store import InsightsStore, parse_row

DAYS = ["2026-03-05", "2026-03-06", "2026-03-07", "2026-03-08", "2026-03-09", "2026-03-10"]


def _row(level: str, day: str, spend: float, purchases: int, adset: str = "") -> dict:
    raw = {"date_start": day, "date_stop": day, "campaign_id": "c1", "campaign_name": "Sale",
           "adset_id": adset, "adset_name": {"s1": "US, CA 25-34", "s2": "US, CA 45-54"}.get(adset, ""),
           "spend": f"{spend:.2f}", "clicks": "400", "impressions": "20000", "reach": "10000",
           "inline_link_clicks": "300", "attribution_setting": "7d_click_1d_view",
           "actions": [{"action_type": "purchase", "value": str(purchases)}]}
    return parse_row(raw, level=level, currency="USD")


def _store(tmp_path) -> InsightsStore:
    """s1 (cut on 03-08) gets cheaper per result; s2 (left alone) collapses, so the campaign does."""
    store = InsightsStore(tmp_path)
    sets, campaign = [], []
    for d in DAYS:
        late = d >= "2026-03-08"
        s1 = (40.0, 1) if late else (55.90, 1)  # its own cost per result: 55.90 → 40.00
        s2 = (200.0, 0) if late else (50.0, 4)
        sets += [_row("adset", d, *s1, adset="s1"), _row("adset", d, *s2, adset="s2")]
        campaign.append(_row("campaign", d, s1[0] + s2[0], s1[1] + s2[1]))
    store.replace_window("c1", "adset", DAYS[0], DAYS[-1], sets)
    store.replace_window("c1", "campaign", DAYS[0], DAYS[-1], campaign)
    return store


def _cut() -> dict:
    return {"name": "set_adset_budget", "status": "applied", "advice": False,
            "group": "reallocation", "applied_date": "2026-03-08",
            "args": {"adset_id": "s1", "daily_budget": 4000},
            "target": {"id": "s1", "name": "US, CA 25-34", "level": "adset", "parent_id": "c1"},
            "evidence": {"before_minor": 5590, "after_minor": 4000},
            "expected_effect": {"direction": "up"}, "judgement": None}


EVIDENCE = {"campaign": {"id": "c1", "name": "Sale"}, "today": "2026-03-11", "kpi": "conversions",
            "ad_sets": [{"id": "s1", "name": "US, CA 25-34"}, {"id": "s2", "name": "US, CA 45-54"}]}


def test_a_lone_budget_cut_is_judged_on_its_own_ad_set_and_the_card_says_so(tmp_path):
    applied = [_cut()]  # its paired raise on s2 was rejected: a one-sided reallocation
    out = judge_applied(applied, EVIDENCE, store=_store(tmp_path))
    j = out["0"]
    assert j["judgement"] != "regressed", j  # the campaign got dearer; this ad set did not
    assert j["scope"] == {"level": "adset", "id": "s1", "name": "US, CA 25-34"}, j["scope"]
    assert j["before"]["cpa_minor"] == 5590 and j["after"]["cpa_minor"] == 4000
    applied[0]["judgement"] = j
    card = card_markdown({"cycle": 3, "applied_actions": applied}, {"currency": "USD"}, [])
    assert ("cost per result USD 55.90 before → USD 40.00 after (the ad set's own numbers)"
            in card), card


def test_an_ad_pause_is_judged_on_its_ad_set_named_on_the_card(tmp_path):
    pause = {"name": "pause_ad", "status": "applied", "advice": False, "group": None,
             "applied_date": "2026-03-08", "args": {"ad_id": "a1", "status": "PAUSED"},
             "target": {"id": "a1", "name": "Ad 1", "level": "ad", "parent_id": "s2"},
             "expected_effect": {"direction": "up"}, "judgement": None}
    out = judge_applied([pause], EVIDENCE, store=_store(tmp_path))
    assert out["0"]["scope"] == {"level": "adset", "id": "s2", "name": "US, CA 45-54"}
    pause["judgement"] = out["0"]
    card = card_markdown({"cycle": 3, "applied_actions": [pause]}, {"currency": "USD"}, [])
    assert "(the numbers of its ad set “US, CA 45-54”)" in card, card
