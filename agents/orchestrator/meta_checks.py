"""Meta's own check of a plan before approval: `execution_options=["validate_only"]` in one batch.

Every object of the tree is sent as a dry run (nothing is persisted, so nothing is ledgered).
Meta can only check an object whose parents exist: an ad set names its campaign and a creative
its uploaded image hash, and neither exists before approval. So ad sets are checked with their
campaign's params validated alongside, and a refusal that only blames the missing parent
(`campaign_id`, `image_hash`) counts as "checked at launch" (`deferred`) instead of a problem.
Image creatives are sent with an image URL (`picture`) in place of the hash; video creatives
are deferred (Meta needs the processed video).

Audiences and the lead form the launch creates (issue 15): website, engagement and
customer-list audiences and the lead form are dry-run too (their refusals — terms not
accepted, an invalid rule, a form without a privacy policy — show before approval); a
lookalike of an audience the launch creates cannot be checked before its seed exists, so it
is deferred. Ad sets are checked without the audiences that do not exist yet (only the
`custom_audiences` / `excluded_custom_audiences` entries with a real id are sent), and lead
ads without the form id; dynamic creatives with the feed's images as URLs (feeds with
videos are deferred).
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from tools.batching import BatchItem
from tools.errors import ThrottledError, TransientError

PARENT_FIELDS = {"campaign_id", "adset_id", "image_hash", "creative", "video_id"}
PLACEHOLDER_PICTURE = "https://example.com/adpilot-validate-only.png"


def _placeholder_assets(params: dict[str, Any]) -> dict[str, Any]:
    """Swap uploaded-asset references for an image URL so a creative can be dry-run."""
    params = copy.deepcopy(params)
    story = params.get("object_story_spec") or {}
    link = story.get("link_data")
    if link:
        if "image_hash" in link:
            link.pop("image_hash")
            link["picture"] = PLACEHOLDER_PICTURE
        for card in link.get("child_attachments") or []:
            if "image_hash" in card:
                card.pop("image_hash")
                card["picture"] = PLACEHOLDER_PICTURE
    return params


def _not_created(value: Any) -> bool:
    """Tell whether a tree value stands for an object the launch has not created yet."""
    return isinstance(value, str) and value.startswith(("{audience:", "{lead_form:"))


def _existing_audiences(params: dict[str, Any]) -> dict[str, Any]:
    """Ad set params with only the audience references that exist (ids) before launch."""
    targeting = dict(params.get("targeting") or {})
    for key in ("custom_audiences", "excluded_custom_audiences"):
        if key in targeting:
            kept = [r for r in targeting[key] if isinstance(r, dict) and r.get("id")
                    and not _not_created(r["id"])]
            if kept:
                targeting[key] = kept
            else:
                targeting.pop(key)
    return {**params, "targeting": targeting} if "targeting" in params else params


def _without_form(params: dict[str, Any]) -> dict[str, Any]:
    """Creative params without a lead form id that does not exist yet."""
    params = copy.deepcopy(params)
    story = params.get("object_story_spec") or {}
    for data in (story.get("link_data"), story.get("video_data")):
        value = ((data or {}).get("call_to_action") or {}).get("value") or {}
        if _not_created(value.get("lead_gen_form_id")):
            value.pop("lead_gen_form_id")
    feed = params.get("asset_feed_spec")
    if isinstance(feed, dict) and feed.get("images"):
        feed["images"] = [{"url": PLACEHOLDER_PICTURE} for _ in feed["images"]]
    return params


def dry_run_items(tree: dict[str, Any], account_id: str) -> list[tuple[str, BatchItem]]:
    """(kind, item) for every object of the tree Meta can check now, each a validate_only create."""
    opts = {"execution_options": ["validate_only"]}
    items = []
    for i, a in enumerate(tree.get("audiences") or []):
        if a.get("problem") or _not_created(a["params"].get("origin_audience_id")):
            continue  # a local check names the problem; a lookalike's seed does not exist yet
        items.append(("audience", BatchItem(name=f"audience{i}", method="POST",
                                            relative_url=f"{account_id}/customaudiences",
                                            params={**a["params"], **opts}, op="validate")))
    form = tree.get("lead_form") or {}
    if form.get("params"):
        items.append(("lead form", BatchItem(name="lead_form", method="POST",
                                             relative_url=f"{form['page_id']}/leadgen_forms",
                                             params={**form["params"], **opts}, op="validate")))
    items.append(("campaign", BatchItem(name="campaign", method="POST", relative_url=f"{account_id}/campaigns",
                                        params={**tree["campaign"]["params"], **opts}, op="validate")))
    for i, s in enumerate(tree["ad_sets"]):
        items.append(("ad set", BatchItem(name=f"adset{i}", method="POST", relative_url=f"{account_id}/adsets",
                                          params={**_existing_audiences(s["params"]), **opts}, op="validate")))
    for i, c in enumerate(tree["creatives"]):
        if "video_data" in (c["params"].get("object_story_spec") or {}) or \
                (c["params"].get("asset_feed_spec") or {}).get("videos"):
            continue  # a video must be uploaded and processed before Meta can check the creative
        items.append(("creative", BatchItem(name=f"creative{i}", method="POST",
                                            relative_url=f"{account_id}/adcreatives",
                                            params={**_placeholder_assets(_without_form(c["params"])), **opts},
                                            op="validate")))
    return items


def _blames_only_parent(error: Any) -> bool:
    fields = {str(f) for spec in (getattr(error, "blame_fields", None) or []) for f in
              (spec if isinstance(spec, list | tuple) else [spec])}
    return bool(fields) and fields <= PARENT_FIELDS


def validate_with_meta(client: Any, plan: dict[str, Any], ctx: Any) -> dict[str, Any]:
    """Dry-run every object; return {ok, checked, deferred, errors, problems}."""
    from state.meta_tree import to_meta_tree

    # Placeholders stand in for assets not uploaded yet; `_placeholder_assets` removes them again.
    images = asset_placeholders(plan)
    tree = to_meta_tree(plan, account_id=ctx.account_id, page_id=ctx.page_id,
                        image_hashes=images["image"], video_ids=images["video"],
                        pixel_id=getattr(ctx, "pixel_id", None))
    items = dry_run_items(tree, client._account())
    objects = (sum(1 for a in tree.get("audiences") or [] if not a.get("problem"))
               + bool((tree.get("lead_form") or {}).get("params")) + 1 + len(tree["ad_sets"])
               + len(tree["creatives"]))
    skipped = objects - len(items)  # deferred: videos, lookalikes of audiences not created yet
    client.ledger = None  # dry runs persist nothing, so they are not writes to record
    results = client.batch([item for _, item in items])
    errors, problems, deferred = [], [], 0
    for (kind, item), res in zip(items, results, strict=True):
        if res.ok:
            continue
        # A throttle or a transient failure says nothing about the plan:
        # raise it so the node retries or waits, instead of reporting a plan problem.
        if isinstance(res.error, TransientError | ThrottledError):
            raise res.error
        if _blames_only_parent(res.error):
            deferred += 1
            continue
        message = getattr(res.error, "user_msg", None) or str(res.error)
        errors.append(f"{kind} {item.name}: {message}")
        blame = ",".join(str(f) for spec in (getattr(res.error, "blame_fields", None) or [])
                         for f in (spec if isinstance(spec, list | tuple) else [spec]))
        problems.append({"path": f"{kind}{'.' + blame if blame else ''}", "message": f"Meta refused: {message}",
                         "fix": "change the plan so Meta accepts it (see the message)", "rule": "meta"})
    return {"ok": not errors, "checked": len(items), "deferred": deferred + skipped, "errors": errors,
            "problems": problems}


def asset_placeholders(plan: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Return stand-in image hashes and video ids for the plan's assets, before any upload."""
    from tools.asset_checks import asset_kind, iter_assets

    out: dict[str, dict[str, str]] = {"image": {}, "video": {}}
    for _field, ref, _ad_set in iter_assets(plan):
        source = str(ref.get("path") or ref.get("url") or "")
        kind = asset_kind(ref)
        out[kind][source] = "0" * 32 if kind == "image" else "0"
        if kind == "video":
            out["image"][f"{source}#thumbnail"] = "0" * 32
    return out


CAPPED = frozenset({"COST_CAP", "LOWEST_COST_WITH_BID_CAP"})


def capped_bids(plan: dict[str, Any]) -> dict[int, list[int]]:
    """Return {bid_amount: [ad-set indexes]} for ad sets with a cost or bid cap."""
    out: dict[int, list[int]] = {}
    for i, s in enumerate(plan.get("ad_sets") or []):
        strategy = s.get("bid_strategy") or plan.get("bid_strategy")
        if strategy in CAPPED and isinstance(s.get("bid_amount"), int) and s["bid_amount"] > 0:
            out.setdefault(int(s["bid_amount"]), []).append(i)
    return out


def bid_minimums(client: Any, plan: dict[str, Any],
                 now: datetime | None = None) -> tuple[dict[str, Any] | None, list[dict[str, str]]]:
    """Meta's minimum budgets given each capped ad set's bid (`minimum_budgets?bid_amount=`).

    Returns (row for `AccountInfo.min_budget_row`, problems). When every ad set is capped at
    one bid, that bid's row is the account's row for the local checks. Otherwise the local
    checks keep the standard row and each capped ad set's own budget is compared here with
    the row Meta gives for its bid. Only reads; nothing is called for a plan without caps.
    """
    from state.plan import budget_for_ad_set, load_plan, uses_cbo
    from state.rules import format_money, frequency_class
    from tools.estimates import minimum_budget_row

    caps = capped_bids(plan)
    if not caps:
        return None, []
    currency = str(plan.get("currency") or "USD")
    rows = {bid: minimum_budget_row(client, currency, bid) for bid in caps}
    sets = plan.get("ad_sets") or []
    if len(caps) == 1 and len(next(iter(caps.values()))) == len(sets):
        return next(iter(rows.values())), []
    model = load_plan(plan)
    if uses_cbo(model):
        return None, []  # mixed bids under one campaign budget: Meta's own check at validate_only
    days = model.schedule_days(now) or 1  # `now`: a plan without a start launches then
    problems = []
    for bid, indexes in caps.items():
        row = rows[bid] or {}
        for i in indexes:
            s, budget = model.ad_sets[i], budget_for_ad_set(model, i)
            need = row.get(f"min_daily_budget_{frequency_class(s.billing_event, s.optimization_goal)}")
            if budget is None or need is None:
                continue
            need = int(need) * (days if budget.kind == "lifetime" else 1)
            if budget.amount_minor < need:
                problems.append({
                    "path": f"ad_sets[{i}].budget.amount_minor" if s.budget else "budget.amount_minor",
                    "rule": "budget_minimum_bid",
                    "message": f"{format_money(budget.amount_minor, currency)} is below Meta's minimum "
                               f"of {format_money(need, currency)} for a bid of {format_money(bid, currency)}",
                    "fix": f"raise the budget to at least {format_money(need, currency)} or lower the bid"})
    return None, problems
