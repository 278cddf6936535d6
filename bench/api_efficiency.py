"""API efficiency: a naive sequential SDK launch vs adpilot's batched launch, same run.

    python -m bench.api_efficiency [--json] [--latency-ms 100]

For a plan of 1 campaign × 3 ad sets × 3 ads with 3 images, and 1 × 5 × 8 with 8 images,
both launches run against one embedded sandbox with `latency_ms` injected on every HTTP
request (Meta is ~100 ms away; the sandbox is not). Each ad has its own creative.

* naive — what the SDK's docs show: one SDK call per object (`create_ad_image`,
  `create_campaign`, `create_ad_set`, `create_ad_creative`, `create_ad`), in order.
* batched — `tools.launch.launch_tree`: images, campaign, ad sets, creatives and ads in Graph
  batch requests of ≤ 50 operations and ≤ 10 ad creations each (the fewest Meta's guidance
  allows: 1 request for 1×3×3, 4 for 1×5×8).

Round trips and Graph calls come from the sandbox's `/__sandbox__/stats` (cross-checked with
the client's counters). `--json` prints one object:
`{"plans": [{"name", "objects", "naive": {"round_trips", "graph_calls", "wall_s"},
"batched": {...}, "speedup"}]}`. Exit status 1 if a batched launch is not ≥ 5× faster.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.api import FacebookAdsApi
from facebook_business.session import FacebookSession
from PIL import Image

from sandbox.server import SandboxServer
from state.ledger import Ledger
from tools.launch import launch_tree
from tools.meta_client import MetaClient

TOKEN = "sandbox-token"
PLANS = (("1x3x3", 3, 3, 3), ("1x5x8", 5, 8, 8))  # name, ad sets, ads per set, images
FLOOR = 5.0


def make_images(n: int, seed: int = 0) -> list[bytes]:
    """`n` distinct 1080×1080 JPEGs."""
    out = []
    for i in range(n):
        buf = io.BytesIO()
        colour = ((37 * (i + seed)) % 256, (91 * (i + 1)) % 256, (53 * (i + 2)) % 256)
        Image.new("RGB", (1080, 1080), colour).save(buf, "JPEG", quality=80)
        out.append(buf.getvalue())
    return out


def discover(url: str) -> tuple[str, str]:
    """The sandbox's ad account and page ids."""
    acc = requests.get(f"{url}/me/adaccounts", params={"access_token": TOKEN}, timeout=10)
    page = requests.get(f"{url}/me/accounts", params={"access_token": TOKEN}, timeout=10)
    return acc.json()["data"][0]["id"], page.json()["data"][0]["id"]


def specs(run: str, n_sets: int, n_ads: int, n_images: int, page_id: str) -> dict[str, Any]:
    """Meta create params for one plan; each creative names the image index it uses."""
    campaign = {
        "name": f"Bench {run}",
        "objective": "OUTCOME_TRAFFIC",
        "special_ad_categories": [],
        "is_adset_budget_sharing_enabled": False,
    }
    sets, creatives, ads = [], [], []
    for s in range(n_sets):
        sets.append(
            {
                "name": f"{run} set {s}",
                "daily_budget": 2000,
                "billing_event": "IMPRESSIONS",
                "optimization_goal": "LINK_CLICKS",
                "bid_strategy": "LOWEST_COST_WITHOUT_CAP",
                "targeting": {"geo_locations": {"countries": ["US"]}, "age_min": 18, "age_max": 65},
            }
        )
        for a in range(n_ads):
            i = (s * n_ads + a) % n_images
            link = f"https://example.com/p/{s}-{a}"
            creatives.append(
                (
                    s,
                    i,
                    {
                        "name": f"{run} creative {s}.{a}",
                        "object_story_spec": {
                            "page_id": page_id,
                            "link_data": {
                                "link": link,
                                "message": f"Offer {s}.{a}",
                                "name": "Shop now",
                                "call_to_action": {"type": "SHOP_NOW", "value": {"link": link}},
                            },
                        },
                    },
                )
            )
            ads.append((s, len(creatives) - 1, {"name": f"{run} ad {s}.{a}"}))
    return {"campaign": campaign, "sets": sets, "creatives": creatives, "ads": ads}


def with_image(params: dict[str, Any], image_hash: str) -> dict[str, Any]:
    """A copy of creative params with `image_hash` set in its link data."""
    out = json.loads(json.dumps(params))
    out["object_story_spec"]["link_data"]["image_hash"] = image_hash
    return out


def naive(
    url: str, account: str, spec: dict[str, Any], images: list[bytes], tmp: Path
) -> dict[str, Any]:
    """One SDK call per object, sequentially, as the SDK's documentation shows."""
    session = FacebookSession(access_token=TOKEN, timeout=30)
    session.GRAPH = url
    api = FacebookAdsApi(session)
    acct = AdAccount(account, api=api)
    hashes = []
    for i, data in enumerate(images):
        path = tmp / f"naive-{i}.jpg"
        path.write_bytes(data)
        hashes.append(acct.create_ad_image(params={"filename": str(path)})["hash"])
    camp = acct.create_campaign(params={**spec["campaign"], "status": "PAUSED"})
    set_ids = [
        acct.create_ad_set(params={**p, "campaign_id": camp["id"], "status": "PAUSED"})["id"]
        for p in spec["sets"]
    ]
    cr_ids = []
    for _, i, params in spec["creatives"]:
        cr_ids.append(acct.create_ad_creative(params=with_image(params, hashes[i]))["id"])
    for s, c, params in spec["ads"]:
        acct.create_ad(
            params={
                **params,
                "adset_id": set_ids[s],
                "status": "PAUSED",
                "creative": {"creative_id": cr_ids[c]},
            }
        )
    return {"round_trips_client": api.get_num_requests_attempted()}


def batched(
    url: str, account: str, spec: dict[str, Any], images: list[bytes], tmp: Path
) -> dict[str, Any]:
    """adpilot's launch: `launch_tree` with images in the same batch requests."""
    run = tmp.name
    tree = {
        "images": [
            {"key": f"{run}img{i}", "bytes": d, "name": f"img{i}.jpg"} for i, d in enumerate(images)
        ],
        "campaign": {"key": f"{run}c", "params": spec["campaign"]},
        "ad_sets": [{"key": f"{run}s{s}", "params": p} for s, p in enumerate(spec["sets"])],
        "creatives": [
            {
                "key": f"{run}k{c}",
                "ad_set_key": f"{run}s{s}",
                "params": with_image(p, f"{{image:{run}img{i}}}"),
            }
            for c, (s, i, p) in enumerate(spec["creatives"])
        ],
        "ads": [
            {
                "key": f"{run}a{n}",
                "ad_set_key": f"{run}s{s}",
                "creative_key": f"{run}k{c}",
                "params": p,
            }
            for n, (s, c, p) in enumerate(spec["ads"])
        ],
    }
    settings = {"graph_url": url, "account_id": account}
    client = MetaClient(
        settings, token=TOKEN, ledger=Ledger(tmp / "ledger.db"), thread_id=f"bench-{run}"
    )
    result = launch_tree(client, tree, thread_id=f"bench-{run}")
    if not result.ok:
        raise SystemExit(f"batched launch failed: {json.dumps(result.failed)[:2000]}")
    return {
        "round_trips_client": client.stats["round_trips"],
        "graph_calls_client": client.stats["graph_calls"],
    }


def measure(sb: SandboxServer, fn: Any, *args: Any) -> dict[str, Any]:
    """Run `fn` and read the sandbox's counters for exactly that run."""
    sb.admin("POST", "/__sandbox__/stats/reset")
    start = time.perf_counter()
    extra = fn(*args)
    wall = time.perf_counter() - start
    stats = sb.admin("GET", "/__sandbox__/stats")
    # The stats read may count itself: measure that and take it out.
    own = sb.admin("GET", "/__sandbox__/stats")["http_requests"] - stats["http_requests"]
    stats["http_requests"] -= own
    return {
        "round_trips": stats["http_requests"],
        "graph_calls": stats["graph_calls"],
        "wall_s": round(wall, 3),
        **extra,
    }


def run(latency_ms: float = 100.0) -> dict[str, Any]:
    """Measure both launches for both plans; returns the JSON report."""
    plans = []
    with (
        tempfile.TemporaryDirectory() as tmpdir,
        SandboxServer(Path(tmpdir) / "sandbox.db", seed=1, faults={"latency_ms": latency_ms}) as sb,
    ):
        url = sb.url
        account, page = discover(url)
        for name, n_sets, n_ads, n_images in PLANS:
            spec = specs(name, n_sets, n_ads, n_images, page)
            images = make_images(n_images)
            objects = 1 + n_sets + 2 * n_sets * n_ads + n_images
            tmp_n = Path(tmpdir) / f"naive{name.replace('x', '')}"
            tmp_b = Path(tmpdir) / f"b{name.replace('x', '')}"
            tmp_n.mkdir()
            tmp_b.mkdir()
            slow = measure(sb, naive, url, account, spec, images, tmp_n)
            fast = measure(sb, batched, url, account, spec, images, tmp_b)
            plans.append(
                {
                    "name": name,
                    "objects": objects,
                    "naive": {k: slow[k] for k in ("round_trips", "graph_calls", "wall_s")},
                    "batched": {k: fast[k] for k in ("round_trips", "graph_calls", "wall_s")},
                    "speedup": round(slow["wall_s"] / max(fast["wall_s"], 1e-9), 1),
                    "client_round_trips": fast["round_trips_client"],
                }
            )
    return {"plans": plans, "latency_ms": latency_ms}


def main(argv: list[str] | None = None) -> int:
    """CLI entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--latency-ms", type=float, default=100.0)
    args = parser.parse_args(argv)
    report = run(args.latency_ms)
    if args.json:
        out = {
            "plans": [
                {k: p[k] for k in ("name", "objects", "naive", "batched", "speedup")}
                for p in report["plans"]
            ]
        }
        print(json.dumps(out))
    else:
        print(f"API efficiency (latency {args.latency_ms:.0f} ms per HTTP request)")
        print(
            f"{'plan':8} {'objects':>7} | {'naive rt':>8} {'calls':>6} {'wall s':>7} | "
            f"{'batch rt':>8} {'calls':>6} {'wall s':>7} | {'speedup':>7}"
        )
        for p in report["plans"]:
            n, b = p["naive"], p["batched"]
            print(
                f"{p['name']:8} {p['objects']:>7} | {n['round_trips']:>8} "
                f"{n['graph_calls']:>6} {n['wall_s']:>7.2f} | {b['round_trips']:>8} "
                f"{b['graph_calls']:>6} {b['wall_s']:>7.2f} | {p['speedup']:>6.1f}x"
            )
    for p in report["plans"]:  # the client's own counters must agree with the sandbox's
        if p["client_round_trips"] != p["batched"]["round_trips"]:
            print(
                f"warning: {p['name']}: client counted {p['client_round_trips']} round "
                f"trips, sandbox {p['batched']['round_trips']}",
                file=sys.stderr,
            )
    slow = [p["name"] for p in report["plans"] if p["speedup"] < FLOOR]
    if slow:
        print(f"FLOOR MISSED: batched launch < {FLOOR:.0f}x faster for {slow}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
