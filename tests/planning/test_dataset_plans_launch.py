"""Every launchable plan the rules planner makes from the eval briefs is accepted by the sandbox.

For each USD brief without questions or problems: plan it with the sandbox's page and pixel,
build the Meta tree, and create the whole tree (PAUSED) through the real SDK over HTTP.
"""

from datetime import date

from facebook_business.exceptions import FacebookRequestError

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief
from evals.run import load
from state.meta_tree import to_meta_tree
from state.plan import load_plan


def test_planned_trees_from_the_dataset_launch(sandbox, launch_kit):
    account, page, pixel = launch_kit.account, launch_kit.page, launch_kit.pixel
    image_hash = launch_kit.image_hash
    launched, failures = 0, []
    for row in load():
        d = row.get("defaults") or {}
        if d.get("currency") != "USD":
            continue
        defaults = PlanDefaults(currency="USD", page_id=page, pixel_id=pixel,
                                today=date.today())
        result = plan_brief(row["brief"], defaults)
        if result.questions or result.problems:
            continue
        plan = load_plan(result.plan)
        assets = [a for s in plan.ad_sets for ad in s.ads
                  for a in [*ad.creative.assets, *(c.asset for c in ad.creative.cards)]]
        if any(a.kind == "video" for a in assets):
            continue  # video upload is the asset agent's; its tests cover video creatives
        tree = to_meta_tree(plan, account_id=sandbox.account_id, page_id=page,
                            image_hashes={a.ref: image_hash for a in assets}, video_ids={})
        try:
            camp = account.create_campaign(params=tree["campaign"]["params"])
            sets = {s["key"]: account.create_ad_set(params={**s["params"],
                                                            "campaign_id": camp["id"]})["id"]
                    for s in tree["ad_sets"]}
            for c, a in zip(tree["creatives"], tree["ads"], strict=True):
                creative = account.create_ad_creative(params=c["params"])["id"]
                account.create_ad(params={**a["params"], "adset_id": sets[a["ad_set_key"]],
                                          "creative": {"creative_id": creative}})
            launched += 1
        except FacebookRequestError as exc:
            failures.append((row["id"], exc.api_error_message()))
    print(f"launched {launched} planned trees")
    assert failures == []
    assert launched >= 30, launched
