"""Campaign agent: create the campaign and its ad sets (PAUSED), and activate the tree.

Both steps pass the money gate (`state/guardrails.py`) after the approval and before the
first request, on the account's live state: `create_campaigns` judges the new campaign and
ad sets with their budgets (counted live when the approval says go live) and refuses before
creating anything (`agents/orchestrator/launch_gate.py::check_launch`); `activate` judges every activation.
A refusal ends the thread in phase `refused` with the caps and numbers in `refusals`.

`create_campaigns` hands the campaign and ad-set part of the Meta tree (`state.meta_tree.to_meta_tree`)
to the launcher (`tools.launch.launch_tree`: batched, ledgered, idempotent — a re-run after a
crash reuses what the ledger says exists and reconciles unknown outcomes by provenance tag).
The plan's audiences (customer lists read from files this run may read, and uploaded) and
its lead form are created first, in the same node; `created` gains `audiences` and
`lead_forms` ({provenance key: id}) and the log says, in counts only, what each customer
list uploaded.
`activate` flips ads and ad sets, then the campaign, to ACTIVE in one batch request
(`tools.launch.activate_tree`: the campaign item depends on all others, so a failed child keeps
the whole tree off) — when the launch approval said to go live, or when a person approved the
activation card a paused launch waits at (`agents/campaigns/activation.py`); otherwise the tree
stays PAUSED.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from langgraph.runtime import Runtime

from agents.assets.nodes import asset_tables, local_asset
from agents.common import LaunchError, client_of, thread_id_of, yields_on_throttle
from agents.common.tracing import annotate, meta_call_group
from agents.orchestrator.launch_gate import clear_launch, go_live_of, refused_update
from state import plan as plans
from state.context import Context
from state.meta_tree import to_meta_tree
from state.schema import AdpilotState
from tools.account import account_now
from tools.customer_list import CustomerListError
from tools.errors import ThrottledError, TransientError, UnknownOutcomeError
from tools.launch import LaunchResult, activate_tree, create_actions, launch_tree
from tools.launch_prereqs import LaunchRefused, page_instagram_id
from tools.money import GateRefused


def meta_tree(state: Mapping[str, Any], ctx: Any, client: Any = None) -> dict[str, Any]:
    """Return the Meta create params of the approved plan, with uploaded asset references filled in.

    With a `client`, a plan with dynamic creative or an Instagram engagement audience also
    names the page's Instagram account.
    """
    images, videos = asset_tables(state.get("assets") or {})
    dynamic = any((ad.get("creative") or {}).get("format") == "dynamic"
                  for s in (state["plan"].get("ad_sets") or []) for ad in s.get("ads") or [])
    insta_audience = any(a.get("source") == "instagram" and not a.get("source_ids")
                         for a in state["plan"].get("audiences") or [])
    instagram = page_instagram_id(client, ctx.page_id) if client is not None and \
        (dynamic or insta_audience) and ctx.page_id else None
    return to_meta_tree(state["plan"], account_id=ctx.account_id, page_id=ctx.page_id,
                        image_hashes=images, video_ids=videos, pixel_id=ctx.pixel_id,
                        instagram_user_id=instagram)


class LaunchIncomplete(LaunchError):
    """Some objects of the tree could not be created; the message lists each and why."""


def launch_result(state: Mapping[str, Any], runtime: Runtime[Context], tree: dict[str, Any],
                  passes: dict[str, Any] | None = None) -> LaunchResult:
    """Create (or find again) every object of `tree`, audiences and lead form first.

    Raises `LaunchIncomplete` when an object could not be created, or when the tree refers to
    an audience, form or customer file it cannot use (nothing is created then).
    """
    receipt = (state.get("approval") or {}).get("receipt")
    ctx = runtime.context
    try:
        with meta_call_group("launch_tree", kind="create", receipt=receipt, thread_id=thread_id_of(runtime)):
            result = launch_tree(client_of(runtime), tree, thread_id=thread_id_of(runtime), receipt=receipt,
                                 passes=passes if passes is not None else {}, policy=ctx.policy,
                                 open_file=lambda name: local_asset(name, ctx.assets))
            annotate(created=len(result.created), reused=len(result.reused), adopted=len(result.adopted))
    except (LaunchRefused, CustomerListError) as exc:
        raise LaunchIncomplete(f"{exc} Fix the plan or the file and run `adpilot resume`.") from None
    if result.failed:
        details = "; ".join(f"{result.types.get(k, '?')} {k[:8]}: {v.get('message')}"
                            for k, v in result.failed.items())
        seed = any(v.get("kind") == "SeedTooSmall" for v in result.failed.values())
        # a seed list that matched too few people is on the account and resuming stops the same
        # way: the message says what to do instead of "resume"
        tail = ("" if seed else
                " Nothing else was changed; fix the cause and run `adpilot resume`.")
        raise LaunchIncomplete(f"{len(result.failed)} object(s) not created — {details}.{tail}")
    return result


def launch(state: Mapping[str, Any], runtime: Runtime[Context], tree: dict[str, Any],
           passes: dict[str, Any] | None = None) -> dict[str, str]:
    """Create (or find again) every object of `tree`; return Meta ids by plan key."""
    return dict(launch_result(state, runtime, tree, passes).ids)


def _uploaded(result: LaunchResult) -> list[str]:
    """One line per customer list: counts only (its rows never leave the launcher)."""
    return [f"customer list {u['file']} (sha256 {u['file_sha256'][:12]}): {u['rows_valid']} "
            f"row(s) uploaded in {u['batches']} batch(es) ({u['batches_skipped']} already "
            f"done), {u['rows_dropped']} dropped as invalid"
            + (f"; {u['phones_without_country_code']} phone number(s) had no country code and the "
               "plan sets no phone_country: Meta may not match them"
               if u.get("phones_without_country_code") else "")
            for u in result.uploads]


@yields_on_throttle
def create_campaigns(state: AdpilotState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Create the campaign and its ad sets, PAUSED, once the money gate passed them."""
    tree = meta_tree(state, runtime.context, client_of(runtime))  # audiences may need the page's IG
    actions = create_actions(tree, client_of(runtime)._account(),
                             live=go_live_of(state, runtime.context))
    verdict = clear_launch(state, runtime, actions)
    if not verdict.ok:
        return refused_update(verdict, "create_campaigns")
    result = launch_result(state, runtime, {**tree, "creatives": [], "ads": []},
                           verdict.passes_by_key())
    ids = result.ids
    created = {"campaign": ids[tree["campaign"]["key"]],
               "ad_sets": {a["key"]: ids[a["key"]] for a in tree["ad_sets"]}}
    if tree.get("audiences"):
        created["audiences"] = {a["key"]: ids[a["key"]] for a in tree["audiences"]}
    if tree.get("lead_form"):
        created["lead_forms"] = {tree["lead_form"]["key"]: ids[tree["lead_form"]["key"]]}
    extra = (f", {len(created['audiences'])} audience(s)" if "audiences" in created else "") + \
        (", a lead form" if "lead_forms" in created else "")
    update = {"created": created, "phase": "campaigns_created", "gate": verdict.summary(),
              "status": f"campaign and {len(created['ad_sets'])} ad set(s) created (PAUSED){extra}"}
    lines = _uploaded(result)
    return {**update, "log": [f"{thread_id_of(runtime)}: {line}" for line in lines]} if lines else update


@yields_on_throttle
def activate(state: AdpilotState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Set the created tree ACTIVE if the launch approval said to go live, or the activation card.

    Otherwise leave it PAUSED (phase `launched_paused`): the thread then asks for activation
    on a card of its own (`agents/campaigns/activation.py`). The write runs under the receipt
    of the approval that asked for it, after the money gate passed every activation.
    """
    activation = state.get("activation") or {}
    if activation.get("decision") == "approve":
        approval = activation  # the activation card's approval and receipt
    elif go_live_of(state, runtime.context):
        approval = state.get("approval") or {}
    else:
        # The real thread id: `status --json` readers copy the command, a placeholder fails.
        return limit_recorded({"phase": "launched_paused",
                               "status": "launched PAUSED: the thread waits for its activation "
                                         f"card (`adpilot approve {thread_id_of(runtime)}` "
                                         "switches it on)"},
                              runtime.context)
    created = state["created"]
    keys = {str(v): k for kind in ("ads", "ad_sets") for k, v in (created.get(kind) or {}).items()}
    campaign_key = plans.load_plan(cast(dict[str, Any], state["plan"])).key or "campaign"
    client = client_of(runtime)
    try:
        with meta_call_group("activate_tree", kind="update", campaign_ids=[created["campaign"]]):
            outcomes = activate_tree(client, created, policy=runtime.context.policy,
                                     receipt=approval.get("receipt"), campaign_key=campaign_key,
                                     plan_keys=keys, currency=runtime.context.currency)
    except GateRefused as refused:
        return refused_update(refused.result, "activate")
    failed = [(item, res) for item, res in outcomes if not res.ok]
    for _item, res in failed:
        if isinstance(res.error, TransientError | ThrottledError | UnknownOutcomeError):
            raise res.error  # retried (or waited out) by the graph; setting ACTIVE again is harmless
    if failed:
        details = "; ".join(f"{item.object_type} {item.relative_url}: {res.error}" for item, res in failed)
        raise LaunchIncomplete(f"activation incomplete — {details}. The tree stays PAUSED where it failed; "
                               "fix the cause and run `adpilot resume`.")
    # The first optimise cycle counts from here (agents/optimize/schedule.py::first_until).
    done = {**activation, "receipt": approval.get("receipt"),
            "activated_at": account_now(client, runtime.context).isoformat()}
    return limit_recorded({"phase": "live", "activation": done,
                           "status": f"live: {len(outcomes)} object(s) set ACTIVE"}, runtime.context)


def limit_recorded(update: dict[str, Any], ctx: Any) -> dict[str, Any]:
    """Record on the thread its optimise cadence (`cycle_days`) and the cycle limit it was given.

    The loop's later runs (`adpilot tick`, a server cron) may not carry it in their context.
    """
    limit = getattr(ctx, "max_cycles", None)
    update = {**update, "cycle_days": int(getattr(ctx, "cycle_days", 3))}  # the loop's cadence
    return update if limit is None else {**update, "max_cycles": int(limit)}
