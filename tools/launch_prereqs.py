"""The launch's first step: the audiences and the lead form the campaign tree refers to.

`launch_prerequisites(client, tree, receipt=...)` runs before the campaign is created (from
`tools.launch.launch_tree`, after the money gate passed the tree):

1. **Refuse before writing anything** (`LaunchRefused`, naming the field and the fix) when an
   audience node carries a problem (`state/meta_tree_audiences.py`), an ad set still refers
   to an audience by name only or by a key the plan does not define, there is no approval
   receipt (audiences and forms are created only by an approved launch), or a customer file
   cannot be used (`tools.customer_list.CustomerListError`: every file is read — once — and
   hashed before the first write), or a lookalike's seed is a customer list of this launch
   with fewer than 100 valid rows (Meta needs 100 people in a seed: it would refuse the
   lookalike only after the list was created and uploaded).
2. Create the audiences in tree order (seeds before the lookalikes built on them; a
   lookalike's `{audience:<key>}` origin is filled with the seed's id), each exactly once
   (`tools.audiences.create_audience`: ledgered, reconciled by tag after a lost response),
   and upload each customer list right after its audience is created
   (`upload_customer_list`: batches of ≤ 10,000, resumable). A list whose last batch the
   ledger has `done` is not read again. Before a lookalike on such a list is sent, the list's
   matched size is read back: below 100 (`approximate_count_lower_bound`, or
   `delivery_status` 300) the lookalike is not sent and the step stops (`SeedTooSmall`),
   naming the list audience that stays on the account and how to remove it.
3. Create the lead form on the page (or check the one the plan reuses).

An object Meta refuses stops the step (`Prerequisites.failed`): what depends on it — the
campaign tree — is not sent, and a re-run reuses what was created.

It returns the Meta ids per provenance key, and how each was obtained; `fill(tree, ids)`
replaces every `{audience:<key>}` / `{lead_form:<key>}` placeholder in the ad set and creative
params with the id.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tools.audiences import audience_size, create_audience, upload_customer_list
from tools.customer_list import CustomerList, CustomerListError, read_customer_list
from tools.errors import PermanentError
from tools.lead_forms import create_lead_form, read_lead_form

if TYPE_CHECKING:
    from tools.graph_client import GraphClient

PLACEHOLDER = re.compile(r"\{(audience|lead_form):([^}]+)\}")
SEED_MINIMUM = 100  # "Origin audiences must have at least 100 members" (facts-audiences §5)


class LaunchRefused(ValueError):
    """The tree cannot be launched as it is; nothing was written. The message says the fix."""


@dataclass
class Prerequisites:
    """What the first step did: ids per provenance key, and per key how it was obtained."""

    ids: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    how: dict[str, str] = field(default_factory=dict)  # created / reused / adopted
    failed: dict[str, dict[str, Any]] = field(default_factory=dict)  # Meta refused it
    uploads: list[dict[str, Any]] = field(default_factory=list)  # counts only


def _refs_problems(tree: dict[str, Any]) -> list[str]:
    out = []
    for i, s in enumerate(tree.get("ad_sets") or []):
        targeting = (s.get("params") or {}).get("targeting") or {}
        for fld in ("custom_audiences", "excluded_custom_audiences"):
            for ref in targeting.get(fld) or []:
                if not isinstance(ref, dict) or ref.get("id"):
                    continue
                if ref.get("name"):
                    out.append(f"ad_sets[{i}].targeting.{fld}: the audience named "
                               f"{ref['name']!r} was not resolved to an id before approval; "
                               "re-validate the plan (it looks names up) or give its id")
                else:
                    out.append(f"ad_sets[{i}].targeting.{fld}: audience key "
                               f"{ref.get('key')!r} is not in the plan's audiences; add it "
                               "there or refer to an existing audience by id")
    return out


def _upload_complete(client: GraphClient, key: str) -> bool:
    if client.ledger is None:
        return False
    prefix = f"{key}:users:"
    return any(r["status"] == "done" and str(r["plan_key"] or "").startswith(prefix)
               and ((r.get("after") or {}).get("session") or {}).get("last_batch_flag")
               for r in client.ledger.rows(client.thread_id))


def _done_id(client: GraphClient, key: str) -> str | None:
    rec = client.ledger.find(key, "create", client.thread_id) if client.ledger else None
    return str(rec["meta_id"]) if rec and rec["status"] == "done" and rec["meta_id"] else None


def launch_prerequisites(client: GraphClient, tree: dict[str, Any], *, receipt: str | None,
                         open_file: Callable[[str], Path] | None = None) -> Prerequisites:
    """Create the tree's audiences and lead form (module docstring); return their ids.

    `open_file` maps a plan's customer-file string to the file this run may read (the agent
    passes its asset-access check); default: the path as given.
    """
    audiences = list(tree.get("audiences") or [])
    form = tree.get("lead_form")
    problems = [str(n["problem"]) for n in audiences if n.get("problem")]
    problems += _refs_problems(tree)
    out = Prerequisites()
    if not audiences and not form:
        if problems:
            raise LaunchRefused("; ".join(problems) + ". Nothing was created.")
        return out
    todo = [n for n in audiences if not (_done_id(client, n["key"]) and (
        n["kind"] != "customer_list" or _upload_complete(client, n["key"])))]
    if todo or (form and not form.get("form_id") and not _done_id(client, form["key"])):
        if not receipt:
            problems.append("audiences and lead forms are created only by an approved launch: "
                            "pass the approval's receipt")
    if problems:
        raise LaunchRefused("; ".join(problems) + ". Nothing was created.")
    lists: dict[str, CustomerList] = {}
    for n in todo:  # read every file once, before the first write
        if n["kind"] == "customer_list":
            spec = n.get("customer_list") or {}
            path = open_file(str(spec["file"])) if open_file else Path(str(spec["file"]))
            lists[n["key"]] = read_customer_list(path, spec.get("phone_country"))
    small = _small_seeds(audiences, todo, lists)
    if small:
        raise LaunchRefused("; ".join(small) + ". Nothing was created.")
    for n in audiences:
        out.types[n["key"]] = "audience"
    if form:
        out.types[form["key"]] = "lead_form"
    for n in audiences:
        params = fill(dict(n["params"]), out.ids)
        if PLACEHOLDER.search(json.dumps(params)):
            raise LaunchRefused(f"audience {n['handle']!r}: its seed was not created first; "
                                "list the seed audience before the lookalike")
        try:
            too_small = _seed_too_small(client, n, audiences, out.ids)
            if too_small:  # Meta would refuse the lookalike (#2654): do not send it
                out.failed[n["key"]] = {"kind": "SeedTooSmall", "message": too_small,
                                        "what": f"audience {n['handle']!r}"}
                return out
            meta_id, how = create_audience(client, params, plan_key=n["key"], receipt=receipt)
            out.ids[n["key"]], out.how[n["key"]] = meta_id, how
            if n["key"] in lists:
                out.uploads.append(upload_customer_list(client, meta_id, lists.pop(n["key"]),
                                                        audience_key=n["key"], receipt=receipt))
        except PermanentError as exc:  # Meta refused: stop here, the rest depends on it
            out.failed[n["key"]] = {**exc.to_dict(), "what": f"audience {n['handle']!r}"}
            return out
    if form:
        try:
            if form.get("form_id"):
                read_lead_form(client, form["form_id"])
                out.ids[form["key"]], out.how[form["key"]] = str(form["form_id"]), "reused"
            else:
                out.ids[form["key"]], out.how[form["key"]] = create_lead_form(
                    client, form["page_id"], form["params"], plan_key=form["key"],
                    receipt=receipt)
        except PermanentError as exc:
            out.failed[form["key"]] = {**exc.to_dict(), "what": "lead form"}
    return out


def _small_seeds(audiences: list[dict[str, Any]], todo: list[dict[str, Any]],
                 lists: dict[str, CustomerList]) -> list[str]:
    """Lookalikes to create whose seed list (read from its file) has < SEED_MINIMUM valid rows."""
    handles = {n["key"]: n["handle"] for n in audiences}
    out = []
    for n in todo:
        seed = lists.get(n.get("seed_key") or "") if n["kind"] == "lookalike" else None
        if seed is None or len(seed.rows) >= SEED_MINIMUM:
            continue
        out.append(f"audience {n['handle']!r}: its seed, the customer list "
                   f"{handles[n['seed_key']]!r} ({Path(seed.path).name}), has {len(seed.rows)} "
                   f"valid row(s) (an email or phone); Meta needs at least {SEED_MINIMUM} "
                   "people in a lookalike's seed and matches only part of a list, so it would "
                   "refuse the lookalike after the list was created. Add customers to the file "
                   f"(well over {SEED_MINIMUM} valid rows), or drop the lookalike from the plan")
    return out


def _seed_too_small(client: GraphClient, node: dict[str, Any], audiences: list[dict[str, Any]],
                    ids: dict[str, str]) -> str | None:
    """Why a lookalike on a customer list of this launch cannot be created, or None.

    Read back after the upload: fewer than SEED_MINIMUM matched people (the lower bound Meta
    reports) or an audience too small to use. An unknown size (-1: still matching) goes on.
    """
    seed_key = node.get("seed_key")
    seed = next((a for a in audiences if a["key"] == seed_key), None)
    if node["kind"] != "lookalike" or seed is None or seed["kind"] != "customer_list" \
            or seed_key not in ids or _done_id(client, node["key"]):
        return None
    size = audience_size(client, ids[seed_key])
    lower, upper = size["lower"], size["upper"]
    code = (size["delivery_status"] or {}).get("code")
    if not ((lower is not None and 0 <= lower < SEED_MINIMUM) or code == 300):
        return None
    matched = (f"about {lower}–{upper} people" if lower is not None and upper is not None
               and upper >= 0 else "too few people")
    return (f"the customer list {seed['handle']!r} was created and uploaded (custom audience "
            f"{ids[seed_key]}), but Meta matched {matched} in it; a lookalike needs at least "
            f"{SEED_MINIMUM} in its seed, so the lookalike {node['handle']!r} and everything "
            "after it (the campaign, ad sets and ads) were not created. Re-running will not "
            "help: the list is uploaded. Delete the list audience "
            f"{ids[seed_key]} in Ads Manager → Audiences (`adpilot stop THREAD --delete` "
            "removes campaigns, ad sets and ads, not audiences), then plan again with a larger "
            "list or without the lookalike")


def fill(params: Any, ids: dict[str, str]) -> Any:
    """Replace `{audience:<key>}` / `{lead_form:<key>}` placeholders whose object exists."""
    text = json.dumps(params)
    filled = PLACEHOLDER.sub(lambda m: ids.get(m.group(2), m.group(0)), text)
    return json.loads(filled) if filled != text else params


def fill_tree(tree: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    """Return the tree with the ad set and creative params' placeholders filled (`fill`)."""
    out = dict(tree)
    for part in ("ad_sets", "creatives"):
        out[part] = [{**n, "params": fill(n.get("params") or {}, ids)}
                     for n in tree.get(part) or []]
    for part in ("ad_sets", "creatives"):
        for n in out[part]:
            m = PLACEHOLDER.search(json.dumps(n["params"]))
            if m:
                raise LaunchRefused(f"{part[:-1].replace('_', ' ')} {n['key'][:8]} refers to "
                                    f"{m.group(1)} {m.group(2)[:8]}, which this launch did not "
                                    "create; add it to the plan (audiences / lead_form)")
    return out




def page_instagram_id(client: GraphClient, page_id: str) -> str | None:
    """Return the id of the Instagram account linked to the page, or None when it has none.

    Dynamic creatives name it as `object_story_spec.instagram_user_id`. A page Meta (or the
    sandbox) answers without the field has no Instagram account to use.
    """
    from tools.errors import PermanentError

    try:
        row = client.get(str(page_id), {"fields": "instagram_business_account"})
    except PermanentError:
        return None
    account = row.get("instagram_business_account")
    return str(account["id"]) if isinstance(account, dict) and account.get("id") else None


__all__ = ["CustomerListError", "LaunchRefused", "Prerequisites", "fill", "fill_tree",
           "launch_prerequisites", "page_instagram_id"]
