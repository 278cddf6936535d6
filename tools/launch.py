"""Launch a campaign tree: everything PAUSED, in the fewest batch requests, exactly once.

Longer than 300 lines because the launch's batches, their dependency order and the reconcile
after a lost response are one exactly-once protocol.

`launch_tree(client, tree, thread_id=..., receipt=...)` takes a plain dict

    {"campaign": {"key", "params"},
     "ad_sets":   [{"key", "params"}],
     "creatives": [{"key", "params", "ad_set_key"}],
     "ads":       [{"key", "params", "ad_set_key", "creative_key"}],
     "images":    [{"key", "name", "path" | "bytes"}]}            # optional

with Meta create params (parents' ids are filled in here) and returns the Meta id per plan key
(for images: the image hash). Creative params may say `"{image:KEY}"` wherever an image hash
goes; images not uploaded yet are then uploaded in the same batch requests and referenced with
`{result=...:$.images.*.hash}`. Image names always carry the tag (an image takes no ad label;
and Meta addresses images by content hash, so even a re-sent upload cannot duplicate anything).

* **Audiences and the lead form first** (`tools/launch_prereqs.py`): the tree's `audiences`
  (seeds before their lookalikes, customer lists uploaded right after their audience) and
  `lead_form` are created one by one, each exactly once (`tools.ledgered.create_once`), then
  their ids replace the `{audience:KEY}` / `{lead_form:KEY}` placeholders in the ad set and
  creative params. A tree that refers to something it cannot have (an audience known only
  by name, a missing customer file, a lookalike seeded from a list of under 100 valid rows,
  no approval receipt) raises `LaunchRefused` before any write; one Meta refuses — or a
  lookalike whose seed list matched under 100 people (`SeedTooSmall`, not sent) — stops the
  launch with the rest reported `NotSent`.
* **PAUSED.** Campaign, ad sets and ads are created with `status=PAUSED`; activation is a
  separate, approved step.
* **Provenance.** The campaign, ad sets, creatives and ads carry the ad label `label_for(key)`
  (`"ap-xxxxxxxx"`); their names get `tag_for(key)` (`" [ap:xxxxxxxx]"`) only with
  `ADPILOT_NAME_TAGS=on` (`state/provenance.py`: `visible_name`), so by default Ads Manager
  shows the names the plan gave.
* **Fewest round trips.** One `MetaClient.batch()`: items in tree order with each ad right after
  its creative, chunked by Meta's batching guidance — ≤ 50 operations per request and ≤ 10 ad
  creations per request (`tools/batching.py` explains the greedy fill). A tree of C campaigns,
  S ad sets, K creatives and A ads takes `max(ceil((1+S+K+A)/50), ceil(A/10))` requests:
  1 × 3 × 3 → 1 request, 1 × 5 × 8 → 4. Parents in an earlier chunk are substituted
  client-side; in the same chunk Meta resolves `{result=name:$.id}`.
* **Idempotent.** Before creating an item the ledger is consulted: a `done` create is reused;
  an `unknown` (or a `sent` left by a crash) is reconciled by looking its label (or, for an
  image or an object from an earlier version, its name tag) up under its parent
  (`state.provenance.carries`; one listing per parent edge) — found means adopted, not found means
  created again. Without a ledger, the same happens within one call. After a lost response
  the launch reconciles and retries by itself (up to `max_passes` passes).
* **Through the money gate.** The campaign and ad set creates carry budgets, so each needs a
  gate pass (`state/guardrails.py`): `launch_tree(..., passes=...)` takes the passes of a gate
  run the caller already made (the launch node, after approval); without them it runs the
  gate itself on the account's live state (`tools.money.require`; the tree is created PAUSED)
  and raises `GateRefused` before anything is sent. `activate_tree` turns a
  created tree on the same way (one batch; the campaign last, only if every child is on).
* Permanent failures stop the dependent items (nothing is orphaned silently); they are listed
  in `LaunchResult.failed`. A throttle longer than the governor may sleep raises
  `ThrottledError` after recording progress, so a re-run resumes where it stopped.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from state.guardrails import GatePass, MoneyAction
from state.provenance import carries, read_fields
from tools.batching import BatchItem, BatchResult
from tools.common import activation
from tools.errors import ThrottledError, TransientError, UnknownOutcomeError
from tools.launch_prereqs import fill_tree, launch_prerequisites
from tools.meta_client import MetaClient, visible_name, with_label, with_tag
from tools.money import require

NAME_MAX = {"campaign": 400, "adset": 400, "creative": 100, "ad": 400, "image": 100}
_IMAGE_REF = re.compile(r"\{image:([^}]+)\}")
EDGE = {"campaign": "campaigns", "adset": "adsets", "creative": "adcreatives", "ad": "ads",
        "image": "adimages"}


@dataclass
class LaunchResult:
    """What a launch did: Meta ids per plan key, and what was created, reused or adopted."""

    ids: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    adopted: list[str] = field(default_factory=list)
    failed: dict[str, dict[str, Any]] = field(default_factory=dict)
    passes: int = 0
    uploads: list[dict[str, Any]] = field(default_factory=list)  # customer lists: counts only

    @property
    def ok(self) -> bool:
        """True when every item of the tree exists at Meta."""
        return not self.failed and len(self.ids) == len(self.types)

    def to_dict(self) -> dict[str, Any]:
        """JSON-like summary for graph state."""
        return {"ok": self.ok, "ids": dict(self.ids), "types": dict(self.types),
                "created": list(self.created), "reused": list(self.reused),
                "adopted": list(self.adopted), "failed": dict(self.failed),
                "passes": self.passes, "uploads": list(self.uploads)}


@dataclass
class _Node:
    key: str
    type: str
    params: dict[str, Any]
    parent: str | None = None  # ad set → campaign key; ad → ad set key
    creative: str | None = None  # ad → creative key
    images: list[str] = field(default_factory=list)  # creative → image keys it uses

    @property
    def needs(self) -> list[str]:
        """Keys that must exist before this node can be created."""
        return [k for k in (self.parent, self.creative, *self.images) if k]

    @property
    def op(self) -> str:
        """Ledger operation of this node's write."""
        return "upload" if self.type == "image" else "create"


def _nodes(tree: dict[str, Any]) -> list[_Node]:
    """Validate the tree and return its nodes in launch order (each ad after its creative)."""
    if not isinstance(tree, dict) or not isinstance(tree.get("campaign"), dict):
        raise ValueError("tree.campaign is required: {'key': ..., 'params': {...}}")

    def need(item: Any, where: str, *fields: str) -> None:
        for f in fields:
            if not isinstance(item, dict) or not item.get(f):
                raise ValueError(f"{where}.{f} is required")
        if not isinstance(item.get("params") or {}, dict):
            raise ValueError(f"{where}.params must be a dict of Meta create params")

    camp = tree["campaign"]
    need(camp, "tree.campaign", "key")
    adsets, creatives, ads = (tree.get(k) or [] for k in ("ad_sets", "creatives", "ads"))
    images = tree.get("images") or []
    for i, im in enumerate(images):
        need(im, f"tree.images[{i}]", "key")
        if not im.get("path") and not im.get("bytes"):
            raise ValueError(f"tree.images[{i}] needs 'path' or 'bytes'")
    keys = [camp["key"], *(im["key"] for im in images)]
    for i, s in enumerate(adsets):
        need(s, f"tree.ad_sets[{i}]", "key")
    for i, c in enumerate(creatives):
        need(c, f"tree.creatives[{i}]", "key")
    for i, a in enumerate(ads):
        need(a, f"tree.ads[{i}]", "key", "ad_set_key", "creative_key")
    keys += [x["key"] for x in (*adsets, *creatives, *ads)]
    if len(set(keys)) != len(keys):
        raise ValueError("plan keys in the tree must be unique")
    set_keys = {s["key"] for s in adsets}
    cr_keys = {c["key"] for c in creatives}
    for i, a in enumerate(ads):
        if a["ad_set_key"] not in set_keys:
            raise ValueError(f"tree.ads[{i}].ad_set_key {a['ad_set_key']!r} is not an ad set key")
        if a["creative_key"] not in cr_keys:
            raise ValueError(f"tree.ads[{i}].creative_key {a['creative_key']!r} is not a "
                             "creative key")
    image_keys = {im["key"] for im in images}

    def creative_node(c: dict[str, Any]) -> _Node:
        params = dict(c.get("params") or {})
        used = list(dict.fromkeys(_IMAGE_REF.findall(json.dumps(params))))
        unknown = [k for k in used if k not in image_keys]
        if unknown:
            raise ValueError(f"creative {c['key']!r} uses {{image:{unknown[0]}}} but "
                             "tree.images has no such key")
        return _Node(c["key"], "creative", params, images=used)

    out = [_image_node(im) for im in images]
    out.append(_Node(camp["key"], "campaign", dict(camp.get("params") or {})))
    creative_by_key = {c["key"]: c for c in creatives}
    emitted: set[str] = set()
    for s in adsets:
        out.append(_Node(s["key"], "adset", dict(s.get("params") or {}), parent=camp["key"]))
        for a in (a for a in ads if a["ad_set_key"] == s["key"]):
            ck = a["creative_key"]
            if ck not in emitted:
                out.append(creative_node(creative_by_key[ck]))
                emitted.add(ck)
            out.append(_Node(a["key"], "ad", dict(a.get("params") or {}), parent=s["key"],
                             creative=ck))
    out += [creative_node(c) for c in creatives if c["key"] not in emitted]
    return out


def _image_node(im: dict[str, Any]) -> _Node:
    data = im["bytes"] if im.get("bytes") else Path(im["path"]).read_bytes()
    name = im.get("name") or (Path(im["path"]).name if im.get("path") else f"{im['key']}.png")
    return _Node(im["key"], "image", {"bytes": base64.b64encode(data).decode(),
                                      "name": with_tag(name, im["key"], NAME_MAX["image"])})


class _Reconciler:
    """Looks plan keys up (label or name tag) under parent edges, listing each edge once per pass."""

    def __init__(self, client: MetaClient) -> None:
        self.client = client
        self._cache: dict[str, list[dict[str, Any]]] = {}

    def find(self, edge: str, plan_key: str) -> dict[str, Any] | None:
        if edge not in self._cache:
            fields = read_fields(edge, "hash,name" if edge.endswith("/adimages") else "id,name")
            self._cache[edge] = self.client.get_all(edge, {"fields": fields}, limit=200)
        return next((o for o in self._cache[edge] if carries(o, plan_key)), None)


def _edge(client: MetaClient, node: _Node, ids: dict[str, str]) -> str | None:
    if node.type in ("campaign", "creative", "image"):
        return f"{client._account()}/{EDGE[node.type]}"
    if node.type in ("campaign", "creative"):
        return f"{client._account()}/{EDGE[node.type]}"
    parent_id = ids.get(node.parent or "")
    return f"{parent_id}/{EDGE[node.type]}" if parent_id else None


def create_actions(tree: dict[str, Any], account_id: str, *, live: bool = False,
                   existing: dict[str, str] | None = None) -> list[MoneyAction]:
    """Return the money actions of a tree's campaign and ad set creates (gate input).

    `existing` maps plan keys to the Meta ids of objects already created (a re-run): they
    are not created again, and ad sets under an existing campaign name its id.
    """
    done = existing or {}
    camp = tree["campaign"]
    out = []
    if camp["key"] not in done:
        out.append(MoneyAction.create("campaign", camp["key"],
                                      {"status": "PAUSED", **camp.get("params", {})},
                                      account_id=account_id, live=live))
    parent = done.get(camp["key"], camp["key"])
    out += [MoneyAction.create("adset", s["key"], {"status": "PAUSED", **s.get("params", {})},
                               account_id=account_id, parent_id=parent, live=live)
            for s in tree.get("ad_sets") or [] if s["key"] not in done]
    return out


def _item(client: MetaClient, node: _Node, ids: dict[str, str], names: dict[str, str],
          receipt: str | None, passes: dict[str, GatePass]) -> BatchItem:
    def ref(key: str) -> str:
        return ids.get(key) or f"{{result={names[key]}:$.id}}"

    if node.type == "image":
        return BatchItem(name=names[node.key], method="POST",
                         relative_url=f"{client._account()}/adimages", params=node.params,
                         plan_key=node.key, object_type="image", op="upload")
    params = dict(node.params)
    if node.images:
        text = _IMAGE_REF.sub(lambda m: ids.get(m.group(1)) or
                              f"{{result={names[m.group(1)]}:$.images.*.hash}}",
                              json.dumps(params))
        params = json.loads(text)
    params = with_label(params, node.key)
    params["name"] = visible_name(params.get("name") or node.type, node.key, NAME_MAX[node.type])
    if node.type != "creative":
        params["status"] = "PAUSED"
    if node.type == "adset":
        params["campaign_id"] = ref(node.parent or "")
    if node.type == "ad":
        params["adset_id"] = ref(node.parent or "")
        params["creative"] = {"creative_id": ref(node.creative or "")}
    return BatchItem(name=names[node.key], method="POST",
                     relative_url=f"{client._account()}/{EDGE[node.type]}", params=params,
                     plan_key=node.key, object_type=node.type, op="create", receipt=receipt,
                     gate_pass=passes.get(node.key))


def launch_tree(client: MetaClient, tree: dict[str, Any], *, thread_id: str | None = None,
                receipt: str | None = None, max_passes: int = 3,
                passes: dict[str, GatePass] | None = None, policy: Any = None,
                open_file: Callable[[str], Path] | None = None) -> LaunchResult:
    """Create the tree (see the module docstring); returns ids per plan key.

    Without `passes`, the creates go through the money gate here (`policy`, default the
    built-in `Policy()`); a refusal raises `tools.money.GateRefused` with nothing sent.
    The tree's audiences and lead form come first (`tools.launch_prereqs`; `open_file` maps
    a customer-file name to the file this run may read); a tree that refers to one it cannot
    have raises `LaunchRefused` with nothing created.
    """
    nodes = _nodes(tree)
    if thread_id is not None:
        client.thread_id = thread_id

    result = LaunchResult(types={n.key: n.type for n in nodes})
    names = {n.key: f"n{i}" for i, n in enumerate(nodes)}
    # key -> write_id of a write whose outcome is unknown (from the ledger or this call)
    unknown: dict[str, str | None] = {}
    ledger = client.ledger
    if ledger is not None:
        for n in nodes:
            rec = ledger.find(n.key, n.op, client.thread_id)
            if rec and rec["status"] == "done" and rec["meta_id"]:
                result.ids[n.key] = rec["meta_id"]
                result.reused.append(n.key)
            elif rec and rec["status"] in ("unknown", "intent", "sent"):
                unknown[n.key] = rec["write_id"]
    if passes is None:
        # Gate the creates this run may send (a re-run reuses what the ledger says exists).
        creates = create_actions(tree, client._account(), existing=result.ids)
        passes = (require(client, creates, policy, receipt=receipt)
                  .passes_by_key() if creates else {})
    if not _prerequisites(client, tree, nodes, result, receipt, open_file):
        return result
    throttled: ThrottledError | None = None
    last_error: dict[str, dict[str, Any]] = {}
    for _ in range(max_passes):
        result.passes += 1
        recon = _Reconciler(client)
        todo: list[_Node] = []
        for n in nodes:
            if n.key in result.ids or n.key in result.failed:
                continue
            if n.key in unknown:
                edge = _edge(client, n, result.ids)
                found = recon.find(edge, n.key) if edge else None
                wid = unknown.pop(n.key)
                if found:
                    found_id = str(found.get("hash") if n.type == "image" else found["id"])
                    result.ids[n.key] = found_id
                    result.adopted.append(n.key)
                    if ledger is not None and wid:
                        ledger.mark(wid, "done", meta_id=found_id,
                                    after={"id": found_id, "reconciled": True})
                    continue
                if ledger is not None and wid:
                    ledger.mark(wid, "failed", error="reconciled: not found under its parent")
            blocked = [d for d in n.needs if d in result.failed]
            if blocked:
                result.failed[n.key] = {"kind": "NotSent", "message":
                                        f"not created: {blocked[0]} failed"}
                continue
            todo.append(n)
        if not todo:
            break
        items = [_item(client, n, result.ids, names, receipt, passes) for n in todo]
        retry = False
        outcomes = list(zip(todo, client.batch(items), strict=True))
        for n, res in outcomes:
            if res.ok and res.id:
                result.ids[n.key] = res.id
                result.created.append(n.key)
        for n, res in outcomes:
            if res.ok and res.id:
                continue
            if res.error is not None:
                last_error[n.key] = res.error.to_dict()
            if isinstance(res.error, UnknownOutcomeError):
                unknown[n.key] = res.write_id
                retry = True
            elif isinstance(res.error, TransientError | ThrottledError) or any(
                    d not in result.ids for d in n.needs):
                # Not committed (transient), or only failed because a parent did: the
                # parent's own outcome decides next pass (created, adopted or failed).
                if isinstance(res.error, ThrottledError) and res.error.retry_after_s > 2.0:
                    throttled = res.error
                retry = True
            else:
                result.failed[n.key] = (res.error.to_dict() if res.error else
                                        {"kind": "Error", "message": "no id in response"})
        if throttled is not None:
            # Progress is in the ledger; the partial result rides along for callers without one.
            throttled.partial = result.to_dict()  # type: ignore[attr-defined]
            raise throttled
        if not retry:
            break
    for n in nodes:  # anything still unresolved after the last pass is reported, never hidden
        if n.key not in result.ids and n.key not in result.failed:
            result.failed[n.key] = {
                **last_error.get(n.key, {}), "kind": "Unresolved",
                "message": "not confirmed after retries ("
                           + str(last_error.get(n.key, {}).get("message", "no answer"))[:200]
                           + "); re-run to reconcile and finish"}
    return result


def _prerequisites(client: MetaClient, tree: dict[str, Any], nodes: list[_Node],
                   result: LaunchResult, receipt: str | None,
                   open_file: Callable[[str], Path] | None) -> bool:
    """Create the audiences and lead form first, then put their ids into the nodes' params.

    Returns False when Meta refused one of them: then nothing of the tree is sent and every
    node is reported failed (`NotSent`) after the refused object.
    """
    pre = launch_prerequisites(client, tree, receipt=receipt, open_file=open_file)
    result.ids.update(pre.ids)
    result.types.update(pre.types)
    result.uploads += pre.uploads
    for key, how in pre.how.items():
        getattr(result, how).append(key)
    if pre.failed:
        result.failed.update(pre.failed)
        first = next(iter(pre.failed.values()))["what"]
        for key in result.types:
            if key not in result.ids and key not in result.failed:
                result.failed[key] = {"kind": "NotSent", "message": f"not created: {first} "
                                      "was refused"}
        return False
    filled = fill_tree({"ad_sets": [{"key": n.key, "params": n.params} for n in nodes
                                    if n.type == "adset"],
                        "creatives": [{"key": n.key, "params": n.params} for n in nodes
                                      if n.type == "creative"]}, pre.ids)
    params = {x["key"]: x["params"] for part in ("ad_sets", "creatives") for x in filled[part]}
    for n in nodes:
        n.params = params.get(n.key, n.params)
    return True


def activation_actions(created: dict[str, Any]) -> list[MoneyAction]:
    """ACTIVE for every ad, then ad set, then the campaign of a created tree."""
    out = [activation("ad", i) for i in (created.get("ads") or {}).values()]
    out += [activation("adset", i) for i in (created.get("ad_sets") or {}).values()]
    return [*out, activation("campaign", created["campaign"])]


def activate_tree(client: MetaClient, created: dict[str, Any], *, policy: Any,
                  receipt: str | None = None, campaign_key: str = "campaign",
                  plan_keys: dict[str, str] | None = None, currency: str | None = None
                  ) -> list[tuple[BatchItem, BatchResult]]:
    """Set a created tree ACTIVE in one batch, after the money gate passed every activation.

    The campaign item depends on all the others, so a failed child keeps the whole tree off.
    Raises `tools.money.GateRefused` (nothing sent) when the gate refuses any activation.
    """
    actions = activation_actions(created)
    verdict = require(client, actions, policy, receipt=receipt, currency=currency)
    keys = plan_keys or {}
    items = [BatchItem(name=f"on{i}", method="POST", relative_url=str(a.object_id),
                       params=a.params(), plan_key=f"{keys.get(str(a.object_id), a.object_id)}:activate",
                       object_type=a.object_type, op="update", receipt=receipt,
                       before={"status": "PAUSED"}, gate_pass=p)
             for i, (a, p) in enumerate(zip(actions[:-1], verdict.passes[:-1], strict=True))]
    items.append(BatchItem(name="on_campaign", method="POST", relative_url=created["campaign"],
                           params=actions[-1].params(), depends_on=[it.name for it in items],
                           plan_key=f"{campaign_key}:activate", object_type="campaign",
                           op="update", receipt=receipt, before={"status": "PAUSED"},
                           gate_pass=verdict.passes[-1]))
    return list(zip(items, client.batch(items), strict=True))
