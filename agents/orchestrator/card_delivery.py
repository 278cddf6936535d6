"""The card's "how and where" lines: bidding, placements, destination, dynamic creative, estimate.

The assets column names a pinned file by its name, what FFmpeg read in a video, and its sha256.
Pure rendering from plan dicts and the `estimates` state key; money is the account's currency
(`state.rules.format_money`). Wording follows Meta's own descriptions of each bid strategy
(docs/facts-bidding-placements-destinations.md §1, §2, §3, §4, §6).
"""

from __future__ import annotations

from typing import Any

from state.rules import format_money
from tools.asset_cache import label

# What one result is, per optimisation goal (the custom event refines OFFSITE_CONVERSIONS).
RESULTS = {
    "LEAD_GENERATION": "lead", "QUALITY_LEAD": "lead", "CONVERSATIONS": "conversation",
    "LINK_CLICKS": "link click", "LANDING_PAGE_VIEWS": "landing page view",
    "IMPRESSIONS": "1,000 impressions", "REACH": "1,000 people reached",
    "THRUPLAY": "ThruPlay", "APP_INSTALLS": "app install", "POST_ENGAGEMENT": "engagement",
    "PAGE_LIKES": "page like", "VALUE": "purchase", "OFFSITE_CONVERSIONS": "conversion",
}
EVENTS = {"PURCHASE": "purchase", "LEAD": "lead", "COMPLETE_REGISTRATION": "registration",
          "ADD_TO_CART": "add to cart", "INITIATED_CHECKOUT": "checkout",
          "CONTACT": "contact", "SUBSCRIBE": "subscription", "START_TRIAL": "trial"}
PLATFORMS = {"facebook": "Facebook", "instagram": "Instagram", "audience_network": "Audience Network",
             "messenger": "Messenger", "threads": "Threads", "whatsapp": "WhatsApp"}
POSITION_KEYS = ("facebook_positions", "instagram_positions", "audience_network_positions",
                 "messenger_positions", "threads_positions", "whatsapp_positions")
CONVERSATIONS = {"WHATSAPP": "WhatsApp", "MESSENGER": "Messenger",
                 "INSTAGRAM_DIRECT": "Instagram Direct",
                 "MESSAGING_MESSENGER_WHATSAPP": "Messenger or WhatsApp",
                 "MESSAGING_INSTAGRAM_DIRECT_MESSENGER": "Instagram Direct or Messenger",
                 "MESSAGING_INSTAGRAM_DIRECT_WHATSAPP": "Instagram Direct or WhatsApp",
                 "MESSAGING_INSTAGRAM_DIRECT_MESSENGER_WHATSAPP":
                     "Instagram Direct, Messenger or WhatsApp"}


def result_name(ad_set: dict[str, Any]) -> str:
    """One result of this ad set in words ("purchase", "lead", "conversation")."""
    event = str((ad_set.get("promoted_object") or {}).get("custom_event_type") or "")
    goal = str(ad_set.get("optimization_goal") or "")
    if goal in ("OFFSITE_CONVERSIONS", "VALUE") and event:
        return EVENTS.get(event, event.lower().replace("_", " "))
    return RESULTS.get(goal, "result")


def plural(result: str) -> str:
    """Return a result name in the plural ("purchases"; "results" for per-1,000 goals)."""
    return "results" if result[0].isdigit() else f"{result}s"


def bid_text(ad_set: dict[str, Any], plan: dict[str, Any]) -> str:
    """Render the ad set's bid strategy in plain words and the account's money."""
    currency = str(plan.get("currency") or "USD")
    strategy = ad_set.get("bid_strategy") or plan.get("bid_strategy") or "LOWEST_COST_WITHOUT_CAP"
    per = result_name(ad_set)
    amount = ad_set.get("bid_amount")
    cash = format_money(int(amount), currency) if amount is not None else "(no amount set)"
    if strategy == "COST_CAP":
        return (f"Cost cap {cash} per {per}: Meta aims to keep the average cost at or under "
                f"this; spend may fall short of the budget")
    if strategy == "LOWEST_COST_WITH_BID_CAP":
        return (f"Bid cap {cash}: Meta never bids more than this in an auction; costs per "
                f"{per} vary and spend may fall short of the budget")
    if strategy == "LOWEST_COST_WITH_MIN_ROAS":
        floor = (ad_set.get("bid_constraints") or {}).get("roas_average_floor")
        roas = f"at least {int(floor) / 10000:.1f}x" if floor is not None else "(no floor set)"
        return (f"Minimum ROAS {roas}: Meta aims to return {roas.removeprefix('at least ')} in "
                f"purchase value for what it spends; spend may fall short of the budget")
    if ad_set.get("optimization_goal") == "VALUE":
        return "Highest value: Meta spends the whole budget on the most purchase value"
    return f"Highest volume: Meta spends the whole budget on the most {plural(per)} (no cost control)"


def placements_text(targeting: dict[str, Any]) -> str:
    """Advantage+ placements (no placement keys) or the manual list and what it leaves out."""
    platforms = targeting.get("publisher_platforms") or []
    positions = {k.removesuffix("_positions"): targeting[k] for k in POSITION_KEYS
                 if targeting.get(k)}
    devices = targeting.get("device_platforms") or []
    device_text = f"; devices: {', '.join(devices)}" if devices else ""
    if not platforms and not positions:
        return ("Advantage+ placements — Meta places the ads across Facebook, Instagram, "
                "Audience Network, Messenger, Threads and WhatsApp where it expects the best "
                "results" + device_text)
    chosen = platforms or [p for p in PLATFORMS if p in positions]
    shown = [PLATFORMS.get(p, p) + (f" ({', '.join(positions[p])})" if p in positions
                                    else " (all positions)") for p in chosen]
    left_out = [name for key, name in PLATFORMS.items() if key not in chosen]
    return ("Manual placements: " + ", ".join(shown)
            + (f"; not on {', '.join(left_out)}" if left_out else "") + device_text)


def destination_text(ad_set: dict[str, Any], plan: dict[str, Any]) -> str:
    """Where a click goes: the website, an instant form (with its questions) or a conversation."""
    dest = str(ad_set.get("destination_type") or "")
    if dest == "ON_AD":
        form = plan.get("lead_form") or {}
        if form.get("form_id"):
            return f"Instant form {form['form_id']} (the page's existing form)"
        questions = ", ".join(q.get("label") or str(q.get("type", "?")).replace("_", " ").lower()
                              for q in form.get("questions") or []) or "no questions"
        privacy = (form.get("privacy_policy") or {}).get("url") or "**no privacy policy URL**"
        thanks = (form.get("thank_you_page") or {}).get("title")
        return (f"Instant form “{form.get('name', '?')}” on Facebook/Instagram (created by this "
                f"launch): asks {questions}; privacy policy {privacy}"
                + (f"; thank-you screen “{thanks}”" if thanks else ""))
    if dest in CONVERSATIONS:
        return (f"Conversations in {CONVERSATIONS[dest]} with the page"
                + (" (Meta picks the app each person is most likely to answer in)"
                   if dest.startswith("MESSAGING_") else ""))
    link = plan.get("landing_url")
    return f"website {link}" if link else (dest.lower() or "website")


def dynamic_text(ad_set: dict[str, Any]) -> str:
    """Dynamic creative: how many of each asset Meta combines (empty for other ad sets)."""
    if not ad_set.get("is_dynamic_creative"):
        return ""
    feeds = [((ad.get("creative") or {}).get("asset_feed_spec") or {}) for ad in ad_set.get("ads") or []]
    counts = []
    for key, word in (("images", "image"), ("videos", "video"), ("titles", "headline"),
                      ("bodies", "text"), ("descriptions", "description"),
                      ("call_to_action_types", "call to action")):
        n = sum(len(f.get(key) or []) for f in feeds)
        if n:
            counts.append(f"{n} {word}{'s' if n != 1 else ''}")
    return (", ".join(counts) or "no assets yet") + (
        " — Meta combines them and shifts delivery to the combinations that work best")


def asset_text(ref: dict[str, Any]) -> str:
    """One asset as the card names it: a pinned file by name, probe and hash (what uploads)."""
    if not ref.get("sha256"):
        return str(ref.get("path") or ref.get("url") or ref.get("hash") or "?")
    name = label(ref)
    probe = ref.get("probe") or {}
    seen = (f"{str(probe.get('container', '?')).upper()} {probe.get('codec', '?')}, "
            f"{float(probe.get('duration_s') or 0):.1f} s, {probe.get('width')}×{probe.get('height')}; "
            if probe else "")
    return f"{name} ({seen}sha256 {str(ref['sha256'])[:12]})"


def creative_assets(creative: dict[str, Any]) -> str:
    """Render the assets column of the ad table (an asset feed lists its media)."""
    feed = creative.get("asset_feed_spec") or {}
    if feed:
        media = [asset_text(a) for a in (feed.get("images") or []) + (feed.get("videos") or [])]
        return ", ".join(media) or "none"
    refs = creative.get("assets") or []
    return ", ".join(asset_text(a) for a in refs) or "none"


def estimate_text(est: dict[str, Any] | None, currency: str) -> str:
    """One ad set's delivery estimate, always labelled as an estimate (or why there is none)."""
    if not est:
        return "not asked of Meta for this card"
    status = est.get("status")
    if status == "after_launch":
        return f"available after launch — {est.get('reason')}"
    if status == "unavailable":
        return f"estimate unavailable ({est.get('reason')}); the launch does not depend on it"
    if status == "no_estimate":
        return "no estimate yet (Meta has too little data for this audience)"
    if status != "ok":
        return str(est.get("reason") or status)
    parts = []
    if est.get("mau_lower") is not None:
        parts.append(f"audience about {int(est['mau_lower']):,}–{int(est['mau_upper']):,} "
                     f"people a month")
    daily = est.get("daily")
    if daily:
        budget = format_money(int(est["daily_budget_minor"]), currency)
        results = _range(daily.get("actions"))
        reach = _range(daily.get("reach"))
        basis = est.get("budget_basis")
        share = f" ({basis})" if basis and basis != "the daily budget" else ""
        parts.append(f"at {budget} a day{share}: {results} {est.get('result', 'results')} and "
                     f"{reach} people reached a day")
    return "Meta's estimate: " + "; ".join(parts) if parts else "no estimate yet"


def _num(value: Any) -> str:
    number = float(value)
    return f"{number:,.0f}" if number >= 10 or number == int(number) else f"{number:.1f}"


def _range(pair: Any) -> str:
    low, high = (pair or [0, 0])
    return _num(low) if _num(low) == _num(high) else f"{_num(low)}–{_num(high)}"


def delivery_lines(ad_set: dict[str, Any], plan: dict[str, Any],
                   estimate: dict[str, Any] | None) -> list[str]:
    """Every "how and where" line of one ad set on the card."""
    targeting = ad_set.get("targeting") or {}
    out = [f"- Bidding: {bid_text(ad_set, plan)}",
           f"- Placements: {placements_text(targeting)}",
           f"- Destination: {destination_text(ad_set, plan)}"]
    if dyn := dynamic_text(ad_set):
        out.append(f"- Dynamic creative: {dyn}")
    out.append(f"- Delivery estimate: {estimate_text(estimate, str(plan.get('currency') or 'USD'))}")
    out += [f"  - ⚠️ {w}" for w in (estimate or {}).get("warnings") or []]
    return out


def go_live_said(asked: bool | None, live: bool) -> str:
    """Say whether this run does what the plan asks about going live (nothing if it is silent).

    `asked` is the plan's `go_live` (the brief's or an edit's ask); `live` what this run does.
    """
    if asked is None:
        return ""
    if asked == live:
        return " — as the plan asks"
    if asked:
        return (" — **the plan asks to go live**; this run creates it paused (its go-live "
                "setting says so): activate it after the launch, or run again with --live")
    return (" — **the plan asks to keep it paused**; this run goes live (--live, or the "
            "policy's go_live): reject and run again without --live to keep it paused, or edit "
            "the plan's go_live")
