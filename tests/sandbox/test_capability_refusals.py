"""Issue 15's invalid combinations, each refused by the sandbox over HTTP with Meta's code.

Every row of `COMBOS` is one invalid combination stated twice: as a change to a valid plan
(tests/state/test_capability_checks.py checks `validate_plan` catches it with a problem naming
the field and the fix) and as the Meta request the launch would send (checked here through the
real facebook-business SDK against the sandbox, with the expected code / subcode, a user
message, and nothing written). `VALID` rows are the same capabilities used correctly, accepted
by both. Stored objects the refusals depend on (custom audiences, a lead form, a page without
WhatsApp, dynamic-creative ad sets) are set up once per module in `World`.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from facebook_business.exceptions import FacebookRequestError

from sandbox.errors import CHOSEN_SUBCODES as SUB
from sandbox.server import SandboxServer
from sandbox.testing import make_api
from tests.sandbox.conftest import Tree, adset_params, campaign_params, form, link_creative_params

Plan = dict[str, Any]
BEHAVIOR = {"id": "6810275454778", "name": "Frequent Travelers"}
INCOME = {"id": "6054191648505", "name": "Top 5% of ZIP codes (US)"}
INTEREST = {"id": "6003107902433", "name": "Running"}
ADULTS = {"geo_locations": {"countries": ["US"]}, "age_min": 18, "age_max": 65}


# -- plans (the local side) ----------------------------------------------------------------------
def S(p: Plan) -> dict[str, Any]:
    return p["ad_sets"][0]


def T(p: Plan) -> dict[str, Any]:
    return p["ad_sets"][0]["targeting"]


def C(p: Plan) -> dict[str, Any]:
    return p["ad_sets"][0]["ads"][0]["creative"]


def sets(**over: Any) -> Callable[[Plan], Plan]:
    """A mutation: `targeting__x=` edits the targeting, `set__x=` the ad set, `ad__x=` the creative."""
    def mutate(p: Plan) -> Plan:
        for k, v in over.items():
            where, _, key = k.partition("__")
            node = {"targeting": T(p), "set": S(p), "ad": C(p), "plan": p}[where]
            node[key] = copy.deepcopy(v)
        return p
    return mutate


def then(*fns: Callable[[Plan], Plan]) -> Callable[[Plan], Plan]:
    def mutate(p: Plan) -> Plan:
        for f in fns:
            p = f(p)
        return p
    return mutate


def own_budget(p: Plan) -> Plan:
    p["budget"]["level"] = "ad_set"
    return p


def category(cat: str) -> Callable[[Plan], Plan]:
    return then(sets(plan__special_ad_categories=[cat], targeting__age_min=18,
                     targeting__age_max=65))


def leads(p: Plan) -> Plan:
    p["objective"] = "OUTCOME_LEADS"
    s = S(p)
    s.update(destination_type="ON_AD", optimization_goal="LEAD_GENERATION",
             promoted_object={"page_id": "p1"})
    C(p)["call_to_action"] = "SIGN_UP"
    p["lead_form"] = {"name": "Quote request", "questions": [{"type": "FULL_NAME"},
                      {"type": "EMAIL"}], "privacy_policy": {"url": "https://shop.example.com/p"}}
    return p


def messaging(dest: str, cta: str = "MESSAGE_PAGE") -> Callable[[Plan], Plan]:
    def mutate(p: Plan) -> Plan:
        p["objective"] = "OUTCOME_ENGAGEMENT"
        S(p).update(destination_type=dest, optimization_goal="CONVERSATIONS",
                    promoted_object={"page_id": "p1"})
        C(p)["call_to_action"] = cta
        return p
    return mutate


def feed(**over: Any) -> dict[str, Any]:
    f: dict[str, Any] = {
        "images": [{"kind": "image", "path": f"img{i}.jpg"} for i in range(3)],
        "titles": [{"text": "Run lighter"}, {"text": "Trail ready"}],
        "bodies": [{"text": "Spring shoes are here."}],
        "link_urls": [{"website_url": "https://shop.example.com/sale"}],
        "call_to_action_types": ["SHOP_NOW"], "ad_formats": ["SINGLE_IMAGE"]}
    f.update(over)
    return f


def dynamic(**over: Any) -> Callable[[Plan], Plan]:
    def mutate(p: Plan) -> Plan:
        S(p)["is_dynamic_creative"] = True
        C(p).update(format="dynamic", assets=[], asset_feed_spec=feed(**over))
        return p
    return mutate


def second_ad(p: Plan) -> Plan:
    S(p)["ads"].append({**copy.deepcopy(S(p)["ads"][0]), "name": "B"})
    return p


def audiences(*auds: dict[str, Any]) -> Callable[[Plan], Plan]:
    return sets(plan__audiences=list(auds))


BUYERS = {"key": "buyers", "kind": "customer_list", "name": "Buyers", "file": "buyers.csv"}
LAL = {"key": "lal", "kind": "lookalike", "name": "LAL 1%", "seed": {"key": "buyers"},
       "country": ["US"], "ratio": 0.01}
VISITORS = {"key": "v30", "kind": "website", "name": "Visitors 30d", "retention_days": 30}


# -- the sandbox side ----------------------------------------------------------------------------
class World(Tree):
    """The module's sandbox tree plus the stored objects the refusals depend on."""

    def __init__(self, sandbox: SandboxServer, tmp: Any) -> None:
        super().__init__(sandbox, make_api(sandbox.url), tmp)
        store = sandbox.store
        assert store is not None
        digits = self.account.get_id().removeprefix("act_")
        store.update_object(self.page_id, {"whatsapp_number": "+15550100",
                                           "instagram_business_account": {"id": "17841"}})
        self.bare_page = store.insert_object("page", {"name": "No links"}, account_id=digits)["id"]

        def audience(subtype: str) -> str:
            return str(store.insert_object("customaudience", {
                "name": subtype, "subtype": subtype, "approximate_count_lower_bound": 5000,
                "approximate_count_upper_bound": 6000,
                "delivery_status": {"code": 200, "description": "ready"}}, account_id=digits)["id"])
        self.ca, self.ca2, self.lal = audience("CUSTOM"), audience("WEBSITE"), audience("LOOKALIKE")
        self.form_id = str(store.insert_object("leadgen_form", {
            "name": "Quote", "status": "ACTIVE"}, parent_id=self.page_id)["id"])
        kinds: dict[str, dict[str, Any]] = {
            "HOUSING": {"special_ad_categories": ["HOUSING"]},
            "EMPLOYMENT": {"special_ad_categories": ["EMPLOYMENT"]},
            "FINANCIAL_PRODUCTS_SERVICES": {"special_ad_categories":
                                            ["FINANCIAL_PRODUCTS_SERVICES"]},
            "CREDIT": {"special_ad_categories": ["CREDIT"]},
            "cbo": {"daily_budget": 5000},
            "leads": {"objective": "OUTCOME_LEADS"},
            "engagement": {"objective": "OUTCOME_ENGAGEMENT"},
        }
        self.campaigns = {k: self.post("campaigns", campaign_params(**v)) for k, v in kinds.items()}
        self.dc_set = self.post("adsets", self.aset(is_dynamic_creative=True))
        self.dc_full = self.post("adsets", self.aset(is_dynamic_creative=True, name="DC full"))
        self.dc_creative = self.post("adcreatives", self.dc(name="DC"))
        self.post("ads", self.ad(self.dc_full, self.dc_creative))
        self.wa_set = self.post("adsets", self.msg_set("WHATSAPP"))
        self.wa_dc_set = self.post("adsets", self.msg_set("WHATSAPP", is_dynamic_creative=True))
        self.msgr_set = self.post("adsets", self.msg_set("MESSENGER"))
        self.on_ad_set = self.post("adsets", self.lead_set())

    def post(self, edge: str, params: dict[str, Any]) -> str:
        return str(self.api.call("POST", (self.account.get_id(), edge), params).json()["id"])

    def aset(self, campaign: str | None = None, **over: Any) -> dict[str, Any]:
        cid = self.campaigns[campaign] if campaign else self.campaign_id
        p = adset_params(cid, self.pixel_id, **over)
        if campaign in ("HOUSING", "EMPLOYMENT", "FINANCIAL_PRODUCTS_SERVICES", "CREDIT"):
            p["targeting"] = {**ADULTS, **over.get("targeting", {})}
        if campaign == "cbo":
            p.pop("daily_budget")
        return p

    def targeting(self, campaign: str | None = None, **t: Any) -> dict[str, Any]:
        base = ADULTS if campaign else adset_params("", "")["targeting"]
        return self.aset(campaign, targeting={**base, **t})

    def msg_set(self, dest: str, page: str | None = None, **over: Any) -> dict[str, Any]:
        return adset_params(self.campaigns["engagement"], self.pixel_id, destination_type=dest,
                            optimization_goal="CONVERSATIONS", name=f"{dest} {over}",
                            promoted_object={"page_id": page or self.page_id}, **over)

    def lead_set(self, campaign: str = "leads") -> dict[str, Any]:
        return adset_params(self.campaigns[campaign], self.pixel_id, destination_type="ON_AD",
                            optimization_goal="LEAD_GENERATION",
                            promoted_object={"page_id": self.page_id})

    def creative(self, **link: Any) -> dict[str, Any]:
        p = link_creative_params(self.page_id, self.image_hash, name=f"c {sorted(link)}")
        p["object_story_spec"]["link_data"].update(link)
        return p

    def dc(self, **over: Any) -> dict[str, Any]:
        f: dict[str, Any] = {
            "images": [{"hash": self.image_hash}],
            "titles": [{"text": "Run lighter"}, {"text": "Trail ready"}],
            "bodies": [{"text": "Spring shoes are here."}],
            "link_urls": [{"website_url": "https://example.com/shoes"}],
            "call_to_action_types": ["SHOP_NOW"], "ad_formats": ["SINGLE_IMAGE"]}
        name = over.pop("name", f"dc {sorted(over)}")
        f.update(over)
        return {"name": name, "object_story_spec": {"page_id": self.page_id},
                "asset_feed_spec": f}

    def ad(self, adset: str, creative: str | dict[str, Any]) -> dict[str, Any]:
        body = {"creative_id": creative} if isinstance(creative, str) else creative
        return {"name": "ad", "adset_id": adset, "creative": body, "status": "PAUSED"}


Req = Callable[[World], tuple[str, dict[str, Any]]]


@dataclass(frozen=True)
class Combo:
    """One invalid combination: the plan change, the problem expected, the request, Meta's answer."""

    id: str
    plan: Callable[[Plan], Plan]
    rule: str
    path: str  # the end of the problem's field path
    request: Req
    code: int
    subcode: int | None
    new: bool = True  # False: answered by a check outside this work (before issue 15, or
    # sandbox/targeting.py's detailed-targeting and locale shapes)
    account: dict[str, Any] | None = None  # AccountInfo overrides for the local check
    # False: Meta refuses the request, but adpilot's launch never sends it, so the plan is
    # legal (a lead ad with no link gets Meta's placeholder link, state/meta_tree_creatives)
    local: bool = True


def _n(n: int, f: Callable[[int], Any]) -> list[Any]:
    return [f(i) for i in range(n)]


COMBOS: list[Combo] = [
    # audiences
    Combo("audience-not-in-account", sets(targeting__custom_audiences=[{"key": "ghost"}]),
          "audience_ref", "custom_audiences[0].key",
          lambda w: ("adsets", w.targeting(custom_audiences=[{"id": "987654321"}])),
          100, SUB["audience_not_found"]),
    Combo("lookalike-in-housing", then(category("HOUSING"), audiences(BUYERS, LAL),
                                       sets(targeting__custom_audiences=[{"key": "lal"}])),
          "special_category", "custom_audiences[0]",
          lambda w: ("adsets", w.targeting("HOUSING", custom_audiences=[{"id": w.lal}])),
          100, SUB["sac_lookalike"]),
    Combo("audience-exclusion-in-housing", then(category("HOUSING"), sets(
        targeting__excluded_custom_audiences=[{"id": "123"}])),
          "special_category", "excluded_custom_audiences",
          lambda w: ("adsets", w.targeting("HOUSING", excluded_custom_audiences=[{"id": w.ca}])),
          100, SUB["sac_audience_exclusion"]),
    Combo("detailed-exclusion-in-employment", then(category("EMPLOYMENT"), sets(
        targeting__exclusions={"interests": [INTEREST]})),
          "special_category", "exclusions",
          lambda w: ("adsets", w.targeting("EMPLOYMENT", exclusions={"interests": [INTEREST]})),
          100, SUB["sac_detailed_exclusion"]),
    Combo("place-exclusion-in-financial", then(category("FINANCIAL_PRODUCTS_SERVICES"), sets(
        targeting__excluded_geo_locations={"regions": [{"key": "3843", "country": "US"}]})),
          "special_category", "excluded_geo_locations",
          lambda w: ("adsets", w.targeting("FINANCIAL_PRODUCTS_SERVICES",
                                           excluded_geo_locations={"regions": [{"key": "3843"}]})),
          100, SUB["sac_place_exclusion"]),
    Combo("behaviours-in-housing", then(category("HOUSING"), sets(
        targeting__flexible_spec=[{"behaviors": [BEHAVIOR]}])),
          "special_category", "flexible_spec[0].behaviors",
          lambda w: ("adsets", w.targeting("HOUSING", flexible_spec=[{"behaviors": [BEHAVIOR]}])),
          100, SUB["sac_detailed"]),
    Combo("income-in-credit", then(category("CREDIT"), sets(
        targeting__flexible_spec=[{"income": [INCOME]}])),
          "special_category", "flexible_spec[0].income",
          lambda w: ("adsets", w.targeting("CREDIT", flexible_spec=[{"income": [INCOME]}])),
          100, SUB["sac_detailed"]),
    Combo("education-status-not-integer", sets(
        targeting__flexible_spec=[{"education_statuses": [{"id": "2", "name": "College"}]}]),
          "detailed_targeting", "flexible_spec[0].education_statuses[0]",
          lambda w: ("adsets", w.targeting(flexible_spec=[
              {"education_statuses": [{"id": "2", "name": "College"}]}])),
          100, None, new=False),
    Combo("unknown-detailed-type", sets(targeting__flexible_spec=[{"hobbies": [BEHAVIOR]}]),
          "detailed_targeting", "flexible_spec[0].hobbies",
          lambda w: ("adsets", w.targeting(flexible_spec=[{"hobbies": [BEHAVIOR]}])),
          100, None, new=False),
    Combo("locale-not-integer", sets(targeting__locales=["en_US"]), "schema", "locales[0]",
          lambda w: ("adsets", w.targeting(locales=["en_US"])), 100, None, new=False),
    # placements
    Combo("instagram-positions-without-instagram", sets(
        targeting__publisher_platforms=["facebook"], targeting__instagram_positions=["stream"]),
          "placements", "instagram_positions",
          lambda w: ("adsets", w.targeting(publisher_platforms=["facebook"],
                                           instagram_positions=["stream"])),
          100, SUB["position_platform"]),
    Combo("whatsapp-status-without-whatsapp", sets(
        targeting__publisher_platforms=["facebook"], targeting__whatsapp_positions=["status"]),
          "placements", "whatsapp_positions",
          lambda w: ("adsets", w.targeting(publisher_platforms=["facebook"],
                                           whatsapp_positions=["status"])),
          100, SUB["position_platform"]),
    Combo("unknown-facebook-position", sets(
        targeting__publisher_platforms=["facebook"], targeting__facebook_positions=["reels"]),
          "placements", "facebook_positions",
          lambda w: ("adsets", w.targeting(publisher_platforms=["facebook"],
                                           facebook_positions=["reels"])),
          100, SUB["position_unknown"]),
    Combo("unknown-threads-position", sets(
        targeting__publisher_platforms=["threads"], targeting__threads_positions=["feed"]),
          "placements", "threads_positions",
          lambda w: ("adsets", w.targeting(publisher_platforms=["threads"],
                                           threads_positions=["feed"])),
          100, SUB["position_unknown"]),
    Combo("no-platform-left", sets(targeting__publisher_platforms=[]), "placements",
          "publisher_platforms",
          lambda w: ("adsets", w.targeting(publisher_platforms=[])), 100, SUB["no_platform"]),
    Combo("advantage-audience-with-age-max", sets(
        targeting__targeting_automation={"advantage_audience": 1}),
          "advantage_audience", "age_max",
          lambda w: ("adsets", w.targeting(targeting_automation={"advantage_audience": 1})),
          100, SUB["advantage_age"]),
    # bidding
    Combo("cost-cap-without-bid", then(own_budget, sets(set__bid_strategy="COST_CAP")),
          "bid", "bid_amount",
          lambda w: ("adsets", w.aset(bid_strategy="COST_CAP")), 100, None, new=False),
    Combo("min-roas-with-bid-amount", then(own_budget, sets(
        set__bid_strategy="LOWEST_COST_WITH_MIN_ROAS", set__optimization_goal="VALUE",
        set__bid_amount=500, set__bid_constraints={"roas_average_floor": 25000})),
          "bid", "bid_amount",
          lambda w: ("adsets", w.aset(bid_strategy="LOWEST_COST_WITH_MIN_ROAS", bid_amount=500,
                                      optimization_goal="VALUE",
                                      bid_constraints={"roas_average_floor": 25000})),
          100, None, new=False),
    Combo("min-roas-without-floor", then(own_budget, sets(
        set__bid_strategy="LOWEST_COST_WITH_MIN_ROAS", set__optimization_goal="VALUE")),
          "bid", "bid_constraints.roas_average_floor",
          lambda w: ("adsets", w.aset(bid_strategy="LOWEST_COST_WITH_MIN_ROAS",
                                      optimization_goal="VALUE")), 100, None, new=False),
    Combo("min-roas-floor-out-of-range", then(own_budget, sets(
        set__bid_strategy="LOWEST_COST_WITH_MIN_ROAS", set__optimization_goal="VALUE",
        set__bid_constraints={"roas_average_floor": 25})),
          "bid", "bid_constraints.roas_average_floor",
          lambda w: ("adsets", w.aset(bid_strategy="LOWEST_COST_WITH_MIN_ROAS",
                                      optimization_goal="VALUE",
                                      bid_constraints={"roas_average_floor": 25})),
          100, None, new=False),
    Combo("min-roas-without-value-goal", then(own_budget, sets(
        set__bid_strategy="LOWEST_COST_WITH_MIN_ROAS",
        set__bid_constraints={"roas_average_floor": 25000})),
          "bid", "optimization_goal",
          lambda w: ("adsets", w.aset(bid_strategy="LOWEST_COST_WITH_MIN_ROAS",
                                      bid_constraints={"roas_average_floor": 25000})),
          100, SUB["min_roas_goal"]),
    Combo("bid-amount-without-cap", then(own_budget, sets(
        set__bid_strategy="LOWEST_COST_WITHOUT_CAP", set__bid_amount=500)), "bid", "bid_amount",
          lambda w: ("adsets", w.aset(bid_strategy="LOWEST_COST_WITHOUT_CAP", bid_amount=500)),
          100, SUB["bid_amount_unused"]),
    Combo("bid-constraints-with-cost-cap", then(own_budget, sets(
        set__bid_strategy="COST_CAP", set__bid_amount=500,
        set__bid_constraints={"roas_average_floor": 25000})), "bid", "bid_constraints",
          lambda w: ("adsets", w.aset(bid_strategy="COST_CAP", bid_amount=500,
                                      bid_constraints={"roas_average_floor": 25000})),
          100, SUB["bid_constraints_unused"]),
    Combo("value-goal-without-purchase", sets(set__optimization_goal="VALUE", set__promoted_object={
        "pixel_id": "px1", "custom_event_type": "ADD_TO_CART"}),
          "value_goal", "promoted_object.custom_event_type",
          lambda w: ("adsets", w.aset(optimization_goal="VALUE", promoted_object={
              "pixel_id": w.pixel_id, "custom_event_type": "ADD_TO_CART"})),
          100, SUB["value_event"]),
    Combo("cbo-bid-amount-under-lowest-cost", sets(set__bid_amount=500), "bid", "bid_amount",
          lambda w: ("adsets", w.aset("cbo", bid_amount=500)), 100, SUB["bid_amount_unused"]),
    # locally: an ad set that disagrees with the campaign's own strategy (an ad set alone
    # naming a strategy under CBO states the campaign's, `campaign_bid_strategy`)
    Combo("cbo-ad-set-strategy", sets(plan__bid_strategy="LOWEST_COST_WITH_BID_CAP",
                                      set__bid_strategy="COST_CAP", set__bid_amount=500),
          "bid_cbo", "bid_strategy",
          lambda w: ("adsets", w.aset("cbo", bid_strategy="COST_CAP", bid_amount=500)),
          100, SUB["cbo_strategy"]),
    Combo("bid-cap-above-budget", then(own_budget, sets(
        set__bid_strategy="LOWEST_COST_WITH_BID_CAP", set__bid_amount=9000)),
          "budget_bid", "budget.amount_minor",
          lambda w: ("adsets", w.aset(bid_strategy="LOWEST_COST_WITH_BID_CAP", bid_amount=9000,
                                      daily_budget=6000)), 100, 1885272, new=False),
    # lead forms
    Combo("on-ad-in-engagement", then(leads, sets(plan__objective="OUTCOME_ENGAGEMENT")),
          "lead_destination", "destination_type",
          lambda w: ("adsets", w.lead_set("engagement")), 100, 1815715),
    Combo("on-ad-in-sales", then(leads, sets(plan__objective="OUTCOME_SALES")),
          "lead_destination", "destination_type",
          lambda w: ("adsets", adset_params(w.campaign_id, w.pixel_id, destination_type="ON_AD",
                                            optimization_goal="LEAD_GENERATION",
                                            promoted_object={"page_id": w.page_id})),
          100, 1815715),
    Combo("on-ad-without-form", then(leads, sets(plan__lead_form=None)),
          "lead_destination", "lead_form",
          lambda w: ("ads", w.ad(w.on_ad_set, w.creative_id)), 100, SUB["lead_form_missing"]),
    Combo("lead-creative-without-link", then(leads, sets(plan__landing_url=None)),
          "landing_missing", "creative.link",
          lambda w: ("adcreatives", w.creative(link=None, call_to_action={
              "type": "SIGN_UP", "value": {"lead_gen_form_id": w.form_id}})), 100, 2061015,
          local=False),
    # messaging
    Combo("whatsapp-page-without-number", messaging("WHATSAPP", "WHATSAPP_MESSAGE"),
          "messaging", "destination_type",
          lambda w: ("adsets", w.msg_set("WHATSAPP", page=w.bare_page)),
          100, SUB["whatsapp_unlinked"], account={"page_whatsapp": False}),
    Combo("instagram-direct-page-without-account", messaging("INSTAGRAM_DIRECT"),
          "messaging", "destination_type",
          lambda w: ("adsets", w.msg_set("INSTAGRAM_DIRECT", page=w.bare_page)),
          100, SUB["instagram_unlinked"], account={"page_instagram": False}),
    Combo("messenger-ad-with-shop-now", messaging("MESSENGER", "SHOP_NOW"),
          "messaging", "call_to_action",
          lambda w: ("ads", w.ad(w.msgr_set, w.creative_id)), 100, SUB["messaging_cta"]),
    Combo("whatsapp-cta-with-link", then(messaging("WHATSAPP", "WHATSAPP_MESSAGE"), sets(
        ad__link="https://wa.me/15550100")), "messaging", "creative.link",
          lambda w: ("adcreatives", w.creative(call_to_action={
              "type": "WHATSAPP_MESSAGE", "value": {"link": "https://wa.me/15550100"}})),
          105, 1815630),
    Combo("whatsapp-dynamic-creative", then(messaging("WHATSAPP", "WHATSAPP_MESSAGE"), dynamic(
        call_to_action_types=["WHATSAPP_MESSAGE"])), "messaging", "is_dynamic_creative",
          lambda w: ("ads", w.ad(w.wa_dc_set, w.dc_creative)), 100, 1885392),
    Combo("multi-messaging-in-leads", then(messaging("MESSAGING_MESSENGER_WHATSAPP"), sets(
        plan__objective="OUTCOME_LEADS")), "goal", "optimization_goal",
          lambda w: ("adsets", adset_params(
              w.campaigns["leads"], w.pixel_id, destination_type="MESSAGING_MESSENGER_WHATSAPP",
              optimization_goal="CONVERSATIONS", promoted_object={"page_id": w.page_id})),
          100, None, new=False),
    # dynamic creative
    Combo("dynamic-creative-in-plain-ad-set", then(dynamic(), sets(set__is_dynamic_creative=False)),
          "dynamic", "is_dynamic_creative",
          lambda w: ("ads", w.ad(w.adset_id, w.dc_creative)), 100, 1885998),
    Combo("second-ad-in-dynamic-ad-set", then(dynamic(), second_ad),
          "dynamic", "ads",
          lambda w: ("ads", w.ad(w.dc_full, w.dc_creative)), 100, SUB["dc_one_ad"]),
    Combo("plain-creative-in-dynamic-ad-set", sets(set__is_dynamic_creative=True),
          "dynamic", "creative.format",
          lambda w: ("ads", w.ad(w.dc_set, w.creative_id)), 100, SUB["dc_needs_feed"]),
    Combo("eleven-images", dynamic(images=_n(11, lambda i: {"kind": "image", "path": f"{i}.jpg"})),
          "dynamic", "asset_feed_spec.images",
          lambda w: ("adcreatives", w.dc(images=[{"hash": w.image_hash}] * 11)),
          100, SUB["dc_counts"]),
    Combo("six-titles", dynamic(titles=_n(6, lambda i: {"text": f"Title {i}"})),
          "dynamic", "asset_feed_spec.titles",
          lambda w: ("adcreatives", w.dc(titles=_n(6, lambda i: {"text": f"Title {i}"}))),
          100, SUB["dc_counts"]),
    Combo("thirty-one-assets", dynamic(
        images=_n(10, lambda i: {"kind": "image", "path": f"{i}.jpg"}),
        videos=_n(10, lambda i: {"kind": "video", "path": f"{i}.mp4"}),
        titles=_n(5, lambda i: {"text": f"T{i}"}), bodies=_n(5, lambda i: {"text": f"B{i}"}),
        descriptions=[{"text": "D"}], ad_formats=["AUTOMATIC_FORMAT"]),
          "dynamic", "asset_feed_spec",
          lambda w: ("adcreatives", w.dc(
              images=[{"hash": w.image_hash}] * 10, videos=_n(10, lambda i: {"video_id": str(i)}),
              titles=_n(5, lambda i: {"text": f"T{i}"}), bodies=_n(5, lambda i: {"text": f"B{i}"}),
              descriptions=[{"text": "D"}], ad_formats=["AUTOMATIC_FORMAT"])),
          100, SUB["dc_counts"]),
    Combo("two-link-urls", dynamic(link_urls=[{"website_url": "https://shop.example.com/a"},
                                              {"website_url": "https://shop.example.com/b"}]),
          "dynamic", "asset_feed_spec.link_urls",
          lambda w: ("adcreatives", w.dc(link_urls=[{"website_url": "https://example.com/a"},
                                                    {"website_url": "https://example.com/b"}])),
          100, SUB["dc_link_urls"]),
    Combo("title-over-255", dynamic(titles=[{"text": "x" * 256}]),
          "dynamic", "asset_feed_spec.titles[0].text",
          lambda w: ("adcreatives", w.dc(titles=[{"text": "x" * 256}])),
          100, SUB["dc_text_length"]),
    Combo("carousel-feed-one-image", dynamic(images=[{"kind": "image", "path": "a.jpg"}],
                                             ad_formats=["CAROUSEL_IMAGE"]),
          "dynamic", "asset_feed_spec.images",
          lambda w: ("adcreatives", w.dc(ad_formats=["CAROUSEL_IMAGE"])),
          100, SUB["dc_carousel"]),
    Combo("two-ad-formats", dynamic(ad_formats=["SINGLE_IMAGE", "CAROUSEL_IMAGE"]),
          "dynamic", "asset_feed_spec.ad_formats",
          lambda w: ("adcreatives", w.dc(ad_formats=["SINGLE_IMAGE", "CAROUSEL_IMAGE"])),
          100, SUB["dc_ad_formats"]),
]


@dataclass(frozen=True)
class Valid:
    """A capability used correctly: a plan `validate_plan` passes and requests the sandbox accepts."""

    id: str
    plan: Callable[[Plan], Plan]
    requests: Callable[[World], list[tuple[str, dict[str, Any]]]]
    account: dict[str, Any] | None = None


VALID: list[Valid] = [
    Valid("retarget-visitors-exclude-buyers", then(audiences(VISITORS, BUYERS), sets(
        targeting__custom_audiences=[{"key": "v30"}],
        targeting__excluded_custom_audiences=[{"key": "buyers"}])),
          lambda w: [("adsets", w.targeting(custom_audiences=[{"id": w.ca2}],
                                            excluded_custom_audiences=[{"id": w.ca}]))]),
    Valid("lookalike-outside-special-categories", then(audiences(BUYERS, LAL), sets(
        targeting__custom_audiences=[{"key": "lal"}])),
          lambda w: [("adsets", w.targeting(custom_audiences=[{"id": w.lal}]))]),
    Valid("housing-with-a-custom-audience", then(category("HOUSING"), audiences(VISITORS), sets(
        targeting__custom_audiences=[{"key": "v30"}])),
          lambda w: [("adsets", w.targeting("HOUSING", custom_audiences=[{"id": w.ca2}]))]),
    Valid("behaviours-education-locales", sets(targeting__flexible_spec=[
        {"behaviors": [BEHAVIOR], "education_statuses": [2]}], targeting__locales=[6, 24]),
          lambda w: [("adsets", w.targeting(flexible_spec=[
              {"behaviors": [BEHAVIOR], "education_statuses": [2]}], locales=[6, 24]))]),
    Valid("manual-placements-no-audience-network", sets(
        targeting__publisher_platforms=["facebook", "instagram", "threads"],
        targeting__facebook_positions=["feed", "story"], targeting__instagram_positions=["stream"],
        targeting__threads_positions=["threads_stream"]),
          lambda w: [("adsets", w.targeting(
              publisher_platforms=["facebook", "instagram", "threads"],
              facebook_positions=["feed", "story"], instagram_positions=["stream"],
              threads_positions=["threads_stream"]))]),
    Valid("advantage-audience-on", sets(targeting__targeting_automation={"advantage_audience": 1},
                                        targeting__age_max=65),
          lambda w: [("adsets", w.targeting(targeting_automation={"advantage_audience": 1},
                                            age_max=65))]),
    Valid("bid-strategies", then(own_budget, sets(set__bid_strategy="COST_CAP",
                                                  set__bid_amount=2500)),
          lambda w: [("adsets", w.aset(bid_strategy="COST_CAP", bid_amount=2500)),
                     ("adsets", w.aset(bid_strategy="LOWEST_COST_WITH_BID_CAP", bid_amount=300)),
                     ("adsets", w.aset(bid_strategy="LOWEST_COST_WITH_MIN_ROAS",
                                       optimization_goal="VALUE",
                                       bid_constraints={"roas_average_floor": 25000})),
                     ("adsets", w.aset("cbo"))]),
    Valid("minimum-roas", then(own_budget, sets(
        set__bid_strategy="LOWEST_COST_WITH_MIN_ROAS", set__optimization_goal="VALUE",
        set__bid_constraints={"roas_average_floor": 25000})), lambda w: []),
    Valid("lead-form", leads,
          lambda w: [("adsets", w.lead_set()),
                     ("ads", w.ad(w.on_ad_set, w.creative(call_to_action={
                         "type": "SIGN_UP", "value": {"lead_gen_form_id": w.form_id}})))]),
    Valid("whatsapp-conversations", messaging("WHATSAPP", "WHATSAPP_MESSAGE"),
          lambda w: [("adsets", w.msg_set("WHATSAPP")),
                     ("ads", w.ad(w.wa_set, w.creative(call_to_action={
                         "type": "WHATSAPP_MESSAGE",
                         "value": {"app_destination": "WHATSAPP"}})))],
          account={"page_whatsapp": True}),
    Valid("messenger-and-instagram-direct", messaging("MESSAGING_INSTAGRAM_DIRECT_MESSENGER"),
          lambda w: [("adsets", w.msg_set("MESSAGING_INSTAGRAM_DIRECT_MESSENGER")),
                     ("ads", w.ad(w.msgr_set, w.creative(call_to_action={
                         "type": "MESSAGE_PAGE", "value": {"app_destination": "MESSENGER"}})))]),
    Valid("dynamic-creative", dynamic(),
          lambda w: [("ads", w.ad(w.dc_set, w.dc_creative))]),
]


# -- the tests -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def world(sandbox_module: SandboxServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield World(sandbox_module, tmp_path_factory.mktemp("img"))


def _writes(w: World) -> int:
    return int(w.sandbox.admin("GET", "/__sandbox__/stats")["writes"])


@pytest.mark.parametrize("combo", COMBOS, ids=[c.id for c in COMBOS])
def test_the_sandbox_refuses_with_metas_code(world: World, combo: Combo) -> None:
    edge, params = combo.request(world)
    before = _writes(world)
    with pytest.raises(FacebookRequestError) as err:
        world.api.call("POST", (world.account.get_id(), edge), copy.deepcopy(params))
    e = err.value
    assert (e.api_error_code(), e.api_error_subcode()) == (combo.code, combo.subcode), e.body()
    assert e.body()["error"].get("error_user_msg"), combo.id
    assert _writes(world) == before  # nothing written


def test_validate_only_and_batches_refuse_the_same(world: World) -> None:
    act = world.account.get_id()
    samples = [c for c in COMBOS if c.id in ("lookalike-in-housing", "on-ad-in-engagement",
                                             "dynamic-creative-in-plain-ad-set")]
    for combo in samples:
        edge, params = combo.request(world)
        with pytest.raises(FacebookRequestError) as err:
            world.api.call("POST", (act, edge),
                           {**params, "execution_options": ["validate_only"]})
        assert err.value.api_error_subcode() == combo.subcode
    items = [{"method": "POST", "relative_url": f"{act}/{edge}", "body": form(params)}
             for edge, params in (c.request(world) for c in samples)]
    out = world.api.call("POST", (), {"batch": json.dumps(items)}).json()
    got = [json.loads(r["body"])["error"]["error_subcode"] for r in out]
    assert got == [c.subcode for c in samples]


@pytest.mark.parametrize("valid", VALID, ids=[v.id for v in VALID])
def test_the_sandbox_accepts_valid_uses(world: World, valid: Valid) -> None:
    for edge, params in valid.requests(world):
        got = world.api.call("POST", (world.account.get_id(), edge), params).json()
        assert got.get("id"), (edge, got)
        if edge == "ads":  # one ad per dynamic-creative ad set: free it for the next test
            world.api.call("DELETE", (got["id"],), {})


def test_at_least_twenty_five_new_refusals_with_distinct_answers() -> None:
    new = [c for c in COMBOS if c.new]
    assert len({c.id for c in COMBOS}) == len(COMBOS)
    assert len(new) >= 25
    assert len({(c.code, c.subcode) for c in new}) >= 25
