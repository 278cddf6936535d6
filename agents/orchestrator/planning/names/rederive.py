"""Names made again after a person edits a pending plan (`approve --edit FILE`).

An ad set named "US 25-45" whose ages were edited to 30-50 would otherwise launch under the
old audience's name. The rule, node by node in plan order: a name the edit left as it was and
that is what `derive.py` makes of the *old* content is made again from the *new* content; a
name the person changed in the file, or one the planner did not make (an LLM plan's, a name
typed in a brief), is kept as written. The experiment's arms follow their ad sets and ads.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

from agents.orchestrator.planning.names.derive import (
    ad_set_name,
    age_words,
    asset_label,
    campaign_name,
    gender_words,
    goal_words,
    interest_words,
    media_ad_name,
    month_words,
    place_words,
    start_date,
    variant_ad_name,
)

# (name, the node before the edit, the node after it) → the name made again, or None: keep it.
Derive = Callable[[str, dict[str, Any], dict[str, Any]], str | None]
_CAMPAIGN = re.compile(r"(?P<what>.+) – (?P<goal>[^–]+) – (?P<month>[A-Z][a-z]{2} \d{4})")


def rederive_names(before: dict[str, Any], edited: dict[str, Any]
                   ) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Return `edited` with its derived names made again, and each rename `{path, from, to}`.

    `before` is the plan the card showed; `edited` the person's version (not changed here).
    """
    out = copy.deepcopy(edited)
    renames: list[dict[str, str]] = []

    def rename(path: str, node: dict[str, Any], old: dict[str, Any], derive: Derive) -> None:
        name = node.get("name")
        if not isinstance(name, str) or name != old.get("name"):
            return  # the person wrote this name
        new = derive(name, old, node)
        if new and new != name:
            node["name"] = new
            renames.append({"path": path, "from": name, "to": new})

    rename("name", out, before, _campaign)
    old_sets = [s for s in before.get("ad_sets") or [] if isinstance(s, dict)]
    for i, (old_set, new_set) in enumerate(zip(old_sets, out.get("ad_sets") or [], strict=False)):
        if not isinstance(new_set, dict):
            continue
        rename(f"ad_sets[{i}].name", new_set, old_set, _ad_set)
        old_ads = [a for a in old_set.get("ads") or [] if isinstance(a, dict)]
        for j, (old_ad, new_ad) in enumerate(zip(old_ads, new_set.get("ads") or [], strict=False)):
            if isinstance(new_ad, dict):
                rename(f"ad_sets[{i}].ads[{j}].name", new_ad, old_ad, _ad)
    _follow_experiment(before, out, renames)
    return out, renames


def _campaign(name: str, old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """"TrailBlaze – Sales – Mar 2026": the goal and month follow an edited objective or start."""
    m = _CAMPAIGN.fullmatch(name)
    old_start = start_date(old.get("start_time"))
    if m is None or m["goal"] != goal_words(str(old.get("objective") or "")):
        return None
    if old_start is not None and m["month"] != month_words(old_start):
        return None
    new_start = start_date(new.get("start_time"))
    if new_start is None:  # no start: the month the plan was made stays
        return f"{m['what']} – {goal_words(str(new.get('objective') or ''))} – {m['month']}"
    return campaign_name(m["what"], str(new.get("objective") or ""), new_start)


def _ad_set(name: str, old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """"US 25-45 women": places and ages made again, and the words of the label that name them."""
    before, after = old.get("targeting") or {}, new.get("targeting") or {}
    base = ad_set_name(before)
    if name == base:
        return ad_set_name(after)
    if not name.startswith(base + " "):
        return None
    label = _replace_words(name[len(base) + 1:], [
        (word(before), word(after)) for word in (age_words, gender_words, interest_words,
                                                 place_words)])
    return ad_set_name(after, label or None)


def _replace_words(text: str, pairs: list[tuple[str, str]]) -> str:
    """Replace each whole old word by its new one at once ("" drops it); spaces tidied."""
    swaps = {old: new for old, new in pairs if old and old != new}
    if not swaps:
        return text
    pattern = "|".join(re.escape(w) for w in sorted(swaps, key=len, reverse=True))
    swapped = re.sub(rf"(?<![\w-])(?:{pattern})(?![\w-])", lambda m: swaps[m.group(0)], text)
    return " ".join(swapped.split())


def _ad(name: str, old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """"Variant A: Run far" follows an edited headline; "Image 1: shoe.png" an edited file."""
    oc, nc = old.get("creative") or {}, new.get("creative") or {}
    o_asset, n_asset = asset_label(oc.get("assets") or []), asset_label(nc.get("assets") or [])
    o_variant, n_variant = str(old.get("variant") or ""), str(new.get("variant") or "")
    headline = str(nc.get("headline") or "")
    if o_variant and name == variant_ad_name(o_variant, str(oc.get("headline") or "")):
        return variant_ad_name(n_variant, headline) if n_variant and headline else None
    if o_variant and o_asset and name == variant_ad_name(o_variant, str(oc.get("headline") or ""),
                                                         o_asset):
        return variant_ad_name(n_variant, headline, n_asset) if n_variant and n_asset else None
    kind = str(oc.get("format") or "image")
    m = re.fullmatch(rf"{re.escape(kind.title())} (\d+): {re.escape(o_asset)}", name)
    if m is None or not o_asset or not n_asset:
        return None
    return media_ad_name(str(nc.get("format") or "image"), int(m.group(1)), n_asset)


def _follow_experiment(before: dict[str, Any], out: dict[str, Any],
                       renames: list[dict[str, str]]) -> None:
    """Rename the experiment's arms with their ad sets and ads, unless the person edited them."""
    exp = out.get("experiment")
    if not isinstance(exp, dict) or exp != before.get("experiment"):
        return
    moved = {"ad_set": {r["from"]: r["to"] for r in renames
                        if r["path"] != "name" and ".ads[" not in r["path"]},
             "ad": {r["from"]: r["to"] for r in renames if ".ads[" in r["path"]}}
    arms = [dict(v) for v in exp.get("variants") or [] if isinstance(v, dict)]
    for arm in arms:
        for key, names in moved.items():
            if arm.get(key) in names:
                arm[key] = names[arm[key]]
    out["experiment"] = {**exp, "variants": arms}
