"""`adpilot ask` on campaigns made directly with the SDK (not by adpilot), over HTTP.

Questions are answered at once and checked against the sandbox's own insights; pause, budget,
test and status requests reach one card each and apply only on approval; a misspelt name is
shown resolved on the card, an ambiguous one is asked about; the money gate refuses an
over-cap budget.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from facebook_business.adobjects.campaign import Campaign

from sandbox.testing import make_api
from tests.launchkit import admin, objects, said, writes
from tests.requests.world import sdk_world


def status_of(server, kind: str, oid: str) -> str:  # type: ignore[no-untyped-def]
    return next(o for o in objects(server.url, kind) if o["id"] == oid)["status"]


def test_a_question_is_answered_from_the_sandboxs_own_insights_and_writes_nothing(cli, tmp_path):
    server, run = cli
    ids = sdk_world(server, tmp_path)
    admin(server.url, "POST", "/__sandbox__/clock/advance", {"days": 9})
    before = writes(server)
    out = run("ask", "How much did Spring Sale spend in the last 7 days?", "--json")
    assert out.exit_code == 0, out.output
    body = json.loads(out.stdout)
    assert body["intent"]["route"] == "question"
    answer = body["answer"]
    since, until = answer["date_range"]["since"], answer["date_range"]["until"]
    truth = Campaign(ids["campaign"], api=make_api(server.url)).get_insights(
        fields=["spend"], params={"time_range": {"since": since, "until": until}})
    spend = Decimal(str(truth[0]["spend"]))
    assert f"${spend:,.2f}" in answer["sentence"], answer["sentence"]
    assert writes(server) == before
    rows = json.loads(run("status", "--json").stdout)
    assert rows[0]["kind"] == "ask" and rows[0]["phase"] == "answered"
    chart = tmp_path / "by_day.png"
    drawn = run("ask", "Spring Sale spend by day, last 7 days", "--chart", str(chart))
    assert drawn.exit_code == 0 and f"Chart: {chart}" in said(drawn), drawn.output
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _insights(server, object_id: str, since: str, until: str, **params):  # type: ignore[no-untyped-def]
    from facebook_business.adobjects.ad import Ad
    from facebook_business.adobjects.adset import AdSet

    api = make_api(server.url)
    node = {"campaign": Campaign, "adset": AdSet, "ad": Ad}[params.pop("kind")](object_id, api=api)
    return [dict(r) for r in node.get_insights(
        fields=["spend", "actions"], params={"time_range": {"since": since, "until": until},
                                            "limit": 100, **params})]


def _purchases(row) -> int:  # type: ignore[no-untyped-def]
    return sum(int(float(a["value"])) for a in row.get("actions") or []
               if a["action_type"] == "omni_purchase")


@pytest.mark.parametrize(("kind", "name", "key"), [
    ("campaign", "Spring Sale", None), ("adset", "Women 25-34", "adsets"),
    ("ad", "Carousel A", "ads")])
def test_spend_results_cpa_a_breakdown_and_a_comparison_for_each_level(cli, tmp_path, kind, name,
                                                                      key):
    server, run = cli
    ids = sdk_world(server, tmp_path)
    oid = ids["campaign"] if key is None else ids[key][name]
    admin(server.url, "POST", "/__sandbox__/clock/advance", {"days": 16})

    body = json.loads(run("ask", f"spend, results and CPA for {name} in the last 7 days",
                          "--json").stdout)
    assert body["intent"]["entities"][0]["id"] == oid
    answer = body["answer"]
    rng = answer["date_range"]
    (row,) = _insights(server, oid, rng["since"], rng["until"], kind=kind)
    spend, results = Decimal(str(row["spend"])), _purchases(row)
    total = answer["totals"]
    assert Decimal(total["spend"]) / 100 == spend and int(total["results"]) == results  # minor
    assert f"${spend:,.2f}" in answer["sentence"] and f"{results} purchases" in answer["sentence"]
    assert abs(Decimal(total["cpa"]) / 100 - spend / results) < Decimal("0.01")

    body = json.loads(run("ask", f"{name} by age, last 7 days", "--json").stdout)
    by_age = {r["age"]: r for r in body["answer"]["rows"]}
    truth = {r["age"]: r for r in _insights(server, oid, rng["since"], rng["until"], kind=kind,
                                           breakdowns=["age"])}
    assert set(by_age) == set(truth)
    for age, r in truth.items():
        assert Decimal(by_age[age]["spend"]) / 100 == Decimal(str(r["spend"]))

    body = json.loads(run("ask", f"how did {name} do in the last 7 days vs the previous 7 days?",
                          "--json").stdout)
    comparison = body["answer"]["comparison"]
    assert body["intent"]["params"]["compare_previous"] is True
    (before,) = _insights(server, oid, comparison["since"], comparison["until"], kind=kind)
    assert Decimal(comparison["values"]["spend"]) / 100 == Decimal(str(before["spend"]))
    assert comparison["until"] < rng["since"]  # the period just before


def _adset_budget(server, oid: str) -> int:  # type: ignore[no-untyped-def]
    return int(next(o for o in objects(server.url, "adset") if o["id"] == oid)["daily_budget"])


def test_a_status_request_reaches_one_card_and_applies_only_on_approval(cli, tmp_path):
    server, run = cli
    ids = sdk_world(server, tmp_path)
    ad = ids["ads"]["Carousel A"]
    before = writes(server)
    card = run("ask", "please pause Carousel A", "--thread", "s1")
    assert card.exit_code == 0 and "approval needed" in card.output, card.output
    assert writes(server) == before and status_of(server, "ad", ad) == "ACTIVE"
    done = run("approve", "s1")
    assert done.exit_code == 0, done.output
    assert status_of(server, "ad", ad) == "PAUSED"
    assert json.loads(run("status", "s1", "--json").stdout)[0]["waiting"] is None

    # a rejected card changes nothing
    run("ask", "resume Carousel A", "--thread", "s2")
    assert run("approve", "s2", "--reject", "not now").exit_code == 0
    assert status_of(server, "ad", ad) == "PAUSED"
    # pausing what is already paused: nothing to change, said, no card
    same = run("ask", "pause Carousel A", "--thread", "s3")
    assert same.exit_code == 0 and "already paused" in said(same).lower(), same.output


def test_a_budget_request_reaches_one_card_and_applies_only_on_approval(cli, tmp_path):
    server, run = cli
    ids = sdk_world(server, tmp_path)
    adset = ids["adsets"]["Site Visitors 30d"]
    card = run("ask", "raise Retargeting's budget by 15%", "--thread", "b1")
    assert card.exit_code == 0 and "USD 40.00 → USD 46.00" in said(card), card.output
    assert _adset_budget(server, adset) == 4000
    assert run("approve", "b1").exit_code == 0
    assert _adset_budget(server, adset) == 4600


def test_the_money_gate_refuses_an_over_cap_budget_request(cli, tmp_path, home):
    server, run = cli
    ids = sdk_world(server, tmp_path)
    home.mkdir(parents=True, exist_ok=True)
    (home / "policy.json").write_text(json.dumps({"max_campaign_daily_budget_minor": 16000}))
    card = run("ask", "raise the budget of Spring Sale by 20%", "--thread", "g1")
    assert card.exit_code == 0 and "approval needed" in card.output, card.output
    assert "money gate would refuse" in said(card)  # said on the card before anyone approves
    before = writes(server)
    refused = run("approve", "g1")
    assert refused.exit_code == 2, refused.output
    assert "max_campaign_daily_budget_minor" in said(refused)
    camp = next(o for o in objects(server.url, "campaign") if o["id"] == ids["campaign"])
    assert int(camp["daily_budget"]) == 15000 and writes(server) == before


def test_a_pause_underperformers_request_pauses_only_on_approval(cli, tmp_path):
    server, run = cli
    ids = sdk_world(server, tmp_path)
    admin(server.url, "POST", "/__sandbox__/clock/advance", {"days": 9})
    card = run("ask", "pause the ads in Spring Sale with a CPA over $5 once they've spent $10",
               "--thread", "u1")
    assert card.exit_code == 0 and "approval needed" in card.output, card.output
    pending = json.loads(run("status", "u1", "--json").stdout)[0]
    assert pending["waiting"] == "approval"
    assert {status_of(server, "ad", a) for a in ids["ads"].values()} == {"ACTIVE"}
    assert "last active ad of its ad set" in said(card)  # never the last ad
    assert run("approve", "u1").exit_code == 0
    paused = [n for n, a in ids["ads"].items() if status_of(server, "ad", a) == "PAUSED"]
    assert paused and len(paused) < 3 and "Static - Summit" not in paused


def test_an_ab_test_request_creates_the_variant_only_on_approval(cli, tmp_path, home):
    server, run = cli
    ids = sdk_world(server, tmp_path)
    home.mkdir(parents=True, exist_ok=True)
    (home / "policy.json").write_text(json.dumps({"max_budget_change_pct": 0.5}))
    adsets = len(objects(server.url, "adset"))
    card = run("ask", "test the headline 'Run further' against Dynamic Retarget",
               "--thread", "ab1")
    assert card.exit_code == 0 and "approval needed" in card.output, card.output
    assert len(objects(server.url, "adset")) == adsets
    assert run("approve", "ab1").exit_code == 0
    sets = [o for o in objects(server.url, "adset") if o["campaign_id"] == ids["retargeting"]]
    assert len(sets) == 2 and {int(o["daily_budget"]) for o in sets} == {2000}
    # the loop then runs the test: the thread waits for data
    assert json.loads(run("status", "ab1", "--json").stdout)[0]["waiting"] == "wait"


def test_a_misspelt_name_is_shown_resolved_and_an_ambiguous_one_is_asked(cli, tmp_path):
    server, run = cli
    ids = sdk_world(server, tmp_path, twin=True)
    typo = run("ask", "pause Retargetting", "--thread", "n1")
    assert typo.exit_code == 0 and "approval needed" in typo.output, typo.output
    assert "close match" in said(typo) and "Retargeting" in said(typo)

    twin = run("ask", "pause Carousel A", "--thread", "n2")
    assert "the request needs an answer" in twin.output, twin.output
    text = said(twin)
    assert ids["ads"]["Carousel A"] in text and ids["ads"]["Carousel A (Retargeting)"] in text
    before = writes(server)
    second = ids["ads"]["Carousel A (Retargeting)"]
    import re

    n = next(m.group(1) for m in re.finditer(r"(\d)\s+ad “Carousel A” \(in (\w+)", twin.output)
             if m.group(2) == "Retargeting")
    answered = run("resume", "n2", "--answer", n)
    assert "approval needed" in answered.output, answered.output
    assert writes(server) == before
    assert run("approve", "n2").exit_code == 0
    assert status_of(server, "ad", second) == "PAUSED"
    assert status_of(server, "ad", ids["ads"]["Carousel A"]) == "ACTIVE"


def test_what_adpilot_cannot_do_is_refused_saying_why(cli, tmp_path):
    server, run = cli
    sdk_world(server, tmp_path)
    out = run("ask", "delete Spring Sale")
    assert out.exit_code == 2 and "cannot do this" in said(out)


def test_a_new_campaign_brief_goes_to_the_launch_path(cli, tmp_path, sample_images):
    from tests.launchkit import brief_for

    server, run = cli
    sdk_world(server, tmp_path)
    out = run("ask", "Launch a new campaign: " + brief_for(sample_images), "--thread", "nc1")
    assert out.exit_code == 0 and "approval needed" in out.output, out.output
    assert "Launch “" in out.output  # the launch card, not a request's card
    row = json.loads(run("status", "nc1", "--json").stdout)[0]
    assert row["waiting"] == "approval" and row["phase"] == "validated"


def test_the_budget_cooldown_counts_another_threads_edit(cli, tmp_path):
    server, run = cli
    ids = sdk_world(server, tmp_path)
    adset = ids["adsets"]["Site Visitors 30d"]
    run("ask", "raise Retargeting's budget by 15%", "--thread", "c1")
    assert run("approve", "c1").exit_code == 0 and _adset_budget(server, adset) == 4600
    card = run("ask", "raise Retargeting's budget by 10%", "--thread", "c2")
    assert "money gate would refuse" in said(card), card.output
    again = run("approve", "c2")
    assert again.exit_code == 2 and "budget_cooldown_hours" in said(again), again.output
    assert _adset_budget(server, adset) == 4600


def test_a_card_whose_budget_changed_since_is_refused_as_stale(cli, tmp_path, home):
    server, run = cli
    ids = sdk_world(server, tmp_path)
    home.mkdir(parents=True, exist_ok=True)
    (home / "policy.json").write_text(json.dumps({"budget_cooldown_hours": 0}))
    first = run("ask", "lower Spring Sale's budget by $5", "--thread", "st1")
    assert "USD 150.00 → USD 145.00" in said(first), first.output
    run("ask", "cut Spring Sale's budget to $130 a day", "--thread", "st2")
    assert run("approve", "st2").exit_code == 0
    stale = run("approve", "st1")  # 145 would now be a raise from 130
    assert stale.exit_code == 2, stale.output
    assert "changed after the card was shown" in said(stale)
    camp = next(o for o in objects(server.url, "campaign") if o["id"] == ids["campaign"])
    assert int(camp["daily_budget"]) == 13000


def test_a_refused_or_rejected_request_ends_and_creates_nothing(cli, tmp_path):
    server, run = cli
    ids = sdk_world(server, tmp_path)
    adsets = len(objects(server.url, "adset"))
    run("ask", "test the headline 'Run further' against Dynamic Retarget", "--thread", "r1")
    refused = run("approve", "r1")  # halving A's budget breaks the default ±20 % step
    assert refused.exit_code == 2 and "max_budget_change_pct" in said(refused), refused.output
    assert "created on Meta" not in refused.output
    row = json.loads(run("status", "r1", "--json").stdout)[0]
    assert row["phase"] == "refused" and row["waiting"] is None and row["next"] == []
    assert len(objects(server.url, "adset")) == adsets

    run("ask", "pause Carousel A", "--thread", "r2")
    assert run("approve", "r2", "--reject", "not now").exit_code == 0
    row = json.loads(run("status", "r2", "--json").stdout)[0]
    assert row["phase"] == "rejected" and "nothing was written" in row["status"]
    assert status_of(server, "ad", ids["ads"]["Carousel A"]) == "ACTIVE"


def test_answers_to_a_vague_ask_and_to_the_ab_split_are_read(cli, tmp_path):
    server, run = cli
    ids = sdk_world(server, tmp_path)
    vague = run("ask", "do something about Retargeting", "--thread", "v1")
    assert "the request needs an answer" in vague.output, vague.output
    card = run("resume", "v1", "--answer", "pause it")
    assert "approval needed" in card.output, card.output
    assert run("approve", "v1").exit_code == 0
    assert status_of(server, "campaign", ids["retargeting"]) == "PAUSED"

    split = run("ask", "test the headline 'Run further' against Video - Trail", "--thread", "v2")
    assert "how much a day should A and B each get" in said(split), split.output
    card = run("resume", "v2", "--answer", "$20 a day each")
    assert "approval needed" in card.output, card.output
    assert "USD 20.00" in said(card)


def test_an_exception_is_left_running_on_approval(cli, tmp_path):
    # "pause Spring Sale but keep Carousel A running" paused the whole campaign, Carousel A too
    server, run = cli
    ids = sdk_world(server, tmp_path)
    card = run("ask", "pause Spring Sale but keep Carousel A running", "--thread", "x1")
    assert card.exit_code == 0 and "approval needed" in card.output, card.output
    assert run("approve", "x1").exit_code == 0
    assert status_of(server, "ad", ids["ads"]["Carousel A"]) == "ACTIVE"
    assert status_of(server, "campaign", ids["campaign"]) == "ACTIVE"
    assert {status_of(server, "ad", ids["ads"][n]) for n in ("Video - Trail", "Static - Summit")} \
        == {"PAUSED"}


def test_a_pause_until_a_day_says_it_will_not_resume_by_itself(cli, tmp_path):
    server, run = cli
    sdk_world(server, tmp_path)
    card = run("ask", "pause Spring Sale until Monday", "--thread", "u1")
    assert card.exit_code == 0 and "approval needed" in card.output, card.output
    assert "will not undo it by itself" in said(card), said(card)


def test_pausing_all_the_ads_of_a_campaign_pauses_each_ad_on_approval(cli, tmp_path):
    # "pause all the ads in Spring Sale" took the default CPA rule: most ads kept running
    server, run = cli
    ids = sdk_world(server, tmp_path)
    card = run("ask", "pause all the ads in Spring Sale", "--thread", "p1")
    assert card.exit_code == 0 and "approval needed" in card.output, card.output
    assert "Carousel A" in said(card) and "CPA" not in said(card), said(card)
    assert run("approve", "p1").exit_code == 0
    assert {status_of(server, "ad", ids["ads"][n]) for n in ("Video - Trail", "Carousel A",
                                                             "Static - Summit")} == {"PAUSED"}
    assert status_of(server, "ad", ids["ads"]["Dynamic Retarget"]) == "ACTIVE"  # another campaign
    assert status_of(server, "campaign", ids["campaign"]) == "ACTIVE"


def test_a_refusal_after_a_name_question_is_said_and_exits_2(cli, tmp_path):
    # "switch off X this weekend" with X ambiguous asked which X first; the answer then ended the
    # thread printing only "route request → unsupported", with exit 0 and no reason
    import re

    server, run = cli
    sdk_world(server, tmp_path, twin=True)
    before = writes(server)
    twin = run("ask", "pause Carousel A over the weekend", "--thread", "w2")
    assert "the request needs an answer" in twin.output, twin.output
    n = re.search(r"(\d)\s+ad “Carousel A”", twin.output).group(1)
    answered = run("resume", "w2", "--answer", n)
    assert answered.exit_code == 2, answered.output
    assert "weekend" in said(answered) and "schedule" in said(answered)
    assert writes(server) == before


def test_a_question_about_a_traffic_campaign_counts_its_link_clicks(cli, tmp_path):
    # the graph's question node passed the account without its campaigns, so every answer
    # counted purchases: "7 purchases at $24.49 each" for a campaign buying link clicks
    server, run = cli
    sdk_world(server, tmp_path, traffic=True)
    admin(server.url, "POST", "/__sandbox__/clock/advance", {"days": 4})
    out = run("ask", "how many results did Blog Traffic get in the last 3 days?", "--json")
    assert out.exit_code == 0, out.output
    answer = json.loads(out.stdout)["answer"]
    assert answer["result"] == "LINK_CLICK", answer
    assert "link click" in answer["sentence"] and "purchase" not in answer["sentence"]
