"""A budget reallocation is judged as one decision: the ad sets given more against those cut,
over the same days since the move (time trends that hit the whole campaign cancel out)."""

from __future__ import annotations

from agents.optimize.decide.rules import judge_reallocation
from agents.optimize.judging import judge_applied
from prompts.optimize import MAX_JUDGED_LINES, card_markdown
from state.insights_store import InsightsStore, parse_row
from tests.optimize.optimize_helpers import stats


def test_money_moved_to_the_ad_sets_that_then_did_better_is_improved_else_regressed():
    good, bad = stats(30000, 1500, 30), stats(30000, 1500, 8)
    assert judge_reallocation([(+800, good), (-800, bad)])["judgement"] == "improved"
    assert judge_reallocation([(+800, bad), (-800, good)])["judgement"] == "regressed"
    close = judge_reallocation([(+800, stats(30000, 1500, 12)), (-800, stats(30000, 1500, 11))])
    assert close["judgement"] == "inconclusive"
    out = judge_reallocation([(+800, good), (+100, good), (-900, bad)])
    assert out["given_more"]["ad_sets"] == 2 and out["cut"]["ad_sets"] == 1
    assert out["given_more"]["cpa_minor"] == 1000 and out["cut"]["cpa_minor"] == 3750


def test_one_sided_moves_are_left_to_the_per_action_judgement_and_no_spend_is_pending():
    assert judge_reallocation([(+800, stats(30000, 1500, 30))]) is None
    nothing = {"spend_minor": 0, "conversions": 0, "days": 0}
    assert judge_reallocation([(+800, nothing), (-800, stats(3000, 150, 1))])["judgement"] == "pending"


def _row(day: str, adset: str, spend: str, purchases: str) -> dict:
    raw = {"date_start": day, "date_stop": day, "adset_id": adset, "campaign_id": "c1",
           "adset_name": adset, "spend": spend, "clicks": "400", "impressions": "20000",
           "reach": "10000", "inline_link_clicks": "300", "attribution_setting": "7d_click_1d_view",
           "actions": [{"action_type": "purchase", "value": purchases}]}
    return parse_row(raw, level="adset", currency="USD")


def _move(adset: str, before: int, after: int, day: str = "2026-03-08") -> dict:
    return {"name": "set_adset_budget", "status": "applied", "advice": False,
            "group": "reallocation", "applied_date": day, "args": {"adset_id": adset,
            "daily_budget": after}, "target": {"id": adset, "name": adset, "level": "adset"},
            "evidence": {"before_minor": before, "after_minor": after},
            "expected_effect": {"direction": "up"}, "judgement": None}


def test_the_moves_of_one_reallocation_share_one_verdict_and_one_card_line(tmp_path):
    store = InsightsStore(tmp_path)
    # Since the move the whole campaign got dearer (a before/after view would call it
    # "regressed"), but the ad set given more still did far better than the one cut.
    days = ["2026-03-05", "2026-03-06", "2026-03-07", "2026-03-08", "2026-03-09", "2026-03-10"]
    rows = []
    for d in days:
        late = d >= "2026-03-08"
        rows += [_row(d, "s1", "50.00", "2" if late else "5"),
                 _row(d, "s2", "50.00", "0" if late else "4")]
    store.replace_window("c1", "adset", days[0], days[-1], rows)
    applied = [_move("s1", 5000, 6000), _move("s2", 5000, 4000)]
    evidence = {"campaign": {"id": "c1"}, "today": "2026-03-11", "kpi": "conversions"}
    out = judge_applied(applied, evidence, store=store)
    assert out["0"] is out["1"]
    assert out["0"]["judgement"] == "improved"
    assert out["0"]["scope"]["level"] == "reallocation"
    assert sorted(out["0"]["scope"]["adset_ids"]) == ["s1", "s2"]
    for i, j in out.items():
        applied[int(i)]["judgement"] = j
    card = card_markdown({"cycle": 3, "applied_actions": applied}, {"currency": "USD"}, [])
    assert card.count("budget reallocation over 2 ad sets (2026-03-08): **improved**") == 1
    # s1: 3 days x USD 50 for 6 purchases; s2: USD 150 for none.
    assert "given more: USD 25.00 per result; those cut: USD 150.00 spent with no result" in card


def test_the_card_lists_only_the_newest_judgements():
    entry = {"name": "pause_ad", "applied_date": "2026-03-08", "target": {"name": "Ad"},
             "judgement": {"judgement": "inconclusive", "p_improved": 0.5, "before": {},
                           "after": {}}}
    card = card_markdown({"cycle": 9, "applied_actions": [entry] * (MAX_JUDGED_LINES + 3)},
                         {"currency": "USD"}, [])
    assert card.count("**inconclusive**") == MAX_JUDGED_LINES
    assert "3 earlier judgement(s)" in card
