"""Plans with excluded places and interests, and regions, are accepted by the sandbox."""

from datetime import date

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief
from state.meta_tree import to_meta_tree
from state.plan import load_plan

BRIEFS = [
    "Sell our wool hats everywhere in the US except California and Texas, $40/day, "
    "https://hats.example.com, hat.jpg",
    "Canada but not Quebec or Toronto, sales, $50/day, https://mitts.example.com, mitts.jpg",
    "the lower 48, leads for solar quotes, $90/day, https://sun.example.com/quote, panel.jpg",
    "Portland, ME and Boston, 15 mile radius, sales, $30/day, https://lobster.example.com, roll.jpg",
    "Runners and hikers but not hunters, US, sales, $30/day, https://soles.example.com, sole.jpg",
    "LA and SF but not Oakland, sales, $30/day, https://bay.example.com, bay.jpg",
]


def test_excluded_places_launch_in_the_sandbox(sandbox, launch_kit):
    account, page, pixel = launch_kit.account, launch_kit.page, launch_kit.pixel
    image_hash = launch_kit.image_hash
    for brief in BRIEFS:
        result = plan_brief(brief, PlanDefaults(currency="USD", page_id=page, pixel_id=pixel,
                                                today=date.today()))
        assert not result.questions and not result.problems, (brief, result.questions,
                                                               result.problems)
        plan = load_plan(result.plan)
        assets = [a for s in plan.ad_sets for ad in s.ads for a in ad.creative.assets]
        tree = to_meta_tree(plan, account_id=sandbox.account_id, page_id=page,
                            image_hashes={a.ref: image_hash for a in assets}, video_ids={})
        camp = account.create_campaign(params=tree["campaign"]["params"])
        for s in tree["ad_sets"]:
            account.create_ad_set(params={**s["params"], "campaign_id": camp["id"]})
