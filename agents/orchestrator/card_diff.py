"""What a person's edit changed, in plain words, for the card shown again after it.

`approve --edit FILE` (or an edit from LangGraph Studio / Agent Inbox) hands back a whole
plan; the card that follows must say what is now different, so the person approves the edit
they meant and not a stray change. `edit_changes(before, after)` compares the two plans node
by node in plan order and says each difference in the card's words and the plan's money
("daily budget USD 60.00 → USD 80.00", "ad set “US 25-45” → “US 30-50”: ages 25–45 → 30–50").
Whatever it has no words for is still listed, by its path: nothing changes unsaid. Each side's
money is written in its own currency, and a currency change is said in words. Plan keys and what
pinning records about an asset's file (digest, size, cached copy) are bookkeeping, not the
person's changes — but which bytes launch is: once the edited plan is pinned, `asset_lines`
says of each asset whose file changed on disk since the card whether the card's copy still
launches (an edit that leaves the asset alone keeps it) or the new file does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from agents.orchestrator.card_audiences import genders_text
from state.rules import format_money
from tools.asset_cache import label as file_name
from tools.asset_cache import local_refs

KEYS = frozenset({"key", "key_salt"})  # recomputed from content: never the person's change
ASSET_BOOKKEEPING = frozenset({"sha256", "size", "cache", "probe", "name"})  # set by pinning
Say = Callable[[Any], str]
Inner = Callable[[dict[str, Any], dict[str, Any], str], list[str]]


def edit_changes(before: dict[str, Any], after: dict[str, Any],
                 renames: list[dict[str, str]] | None = None) -> list[str]:
    """Return each change from `before` to `after` as one line (empty: the edit changed nothing).

    `renames` are the names made again from the edited content (`planning/names/rederive.py`):
    the card says those were not typed by the person.
    """
    was = str(before.get("currency") or after.get("currency") or "USD")
    cur = str(after.get("currency") or was)
    diff = _Diff(was, cur, {r["path"] for r in renames or []})
    lines = [diff.renamed("campaign", before, after, "name")] \
        if before.get("name") != after.get("name") else []
    diff.said.add("name")
    lines += diff.parts(before, after, "", {
        "objective": ("objective", str), "currency": ("currency", str),
        "start_time": ("start", _when),
        "end_time": ("end", _when), "landing_url": ("landing page", str),
        "go_live": ("go live on approval", _yes_no),
        "special_ad_categories": ("special ad categories", _listed),
        "targets": ("targets", lambda t: _targets(t, diff.at)), "bid_strategy": ("bid strategy", str),
        "dsa_payor": ("paid for by", str), "dsa_beneficiary": ("on behalf of", str)})
    lines += diff.budget(before, after, "")
    if _without_names(before.get("experiment")) == _without_names(after.get("experiment")):
        diff.said.add("experiment")  # at most its arms follow renamed ad sets or ads
    lines += diff.children(before, after, "", "ad_sets", "ad set", diff.ad_set)
    rest = sorted(p for p in _leaf_diffs(before, after, "") if not diff.covers(p))
    if rest:
        lines.append("also changed: " + ", ".join(rest))
    return lines


class _Diff:
    """One comparison: each side's currency, the remade names, and the paths said in words.

    `at` is the currency of the side being written: the before side's money in its own.
    """

    def __init__(self, was: str, currency: str, remade: set[str]) -> None:
        self.was, self.cur, self.at = was, currency, currency
        self.remade = remade
        self.said: set[str] = set()

    def both(self, old: Any, new: Any, say: Say) -> str:
        """"old → new", each said in its own side's currency ("none" for an empty value)."""
        self.at = self.was
        before = "none" if _empty(old) else say(old)
        self.at = self.cur
        return f"{before} → {'none' if _empty(new) else say(new)}"

    def covers(self, path: str) -> bool:
        """Tell whether a changed path lies under one already said in words."""
        return any(path == s or path.startswith((f"{s}.", f"{s}[")) for s in self.said)

    def parts(self, before: dict[str, Any], after: dict[str, Any], path: str,
              words: dict[str, tuple[str, Say]]) -> list[str]:
        out = []
        for key, (label, say) in words.items():
            old, new = before.get(key), after.get(key)
            if old != new and not (_empty(old) and _empty(new)):
                out.append(f"{label} {self.both(old, new, say)}")
            self.said.add(_join(path, key))
        return out

    def budget(self, before: dict[str, Any], after: dict[str, Any], path: str) -> list[str]:
        """"daily budget USD 60.00 → USD 80.00" (or what else changed about it)."""
        self.said.add(_join(path, "budget"))
        old, new = before.get("budget"), after.get("budget")
        if old == new and (old is None or self.was == self.cur):
            return []
        if isinstance(old, dict) and isinstance(new, dict) and \
                (old.get("kind"), old.get("level")) == (new.get("kind"), new.get("level")):
            return [f"{old.get('kind')} budget {self.both(old, new, self.money)}"]
        return [f"budget {self.both(old, new, lambda b: _budget(b, self))}"]

    def money(self, budget: dict[str, Any]) -> str:
        return format_money(int(budget.get("amount_minor") or 0), self.at)

    def renamed(self, noun: str, old: dict[str, Any], new: dict[str, Any], path: str) -> str:
        return (f"{noun} “{old.get('name', '?')}” → “{new.get('name', '?')}”"
                + (" (renamed for the edited content)" if path in self.remade else ""))

    def children(self, before: dict[str, Any], after: dict[str, Any], path: str, key: str,
                 noun: str, inner: Inner) -> list[str]:
        """Compare a list of ad sets or ads by position: each one changed, added or removed."""
        olds = [x for x in before.get(key) or [] if isinstance(x, dict)]
        news = [x for x in after.get(key) or [] if isinstance(x, dict)]
        lines = []
        for i, (old, new) in enumerate(zip(olds, news, strict=False)):
            here = f"{_join(path, key)}[{i}]"
            self.said.add(f"{here}.name")
            parts = inner(old, new, here)
            if old.get("name") != new.get("name"):
                lines.append(self.renamed(noun, old, new, f"{here}.name")
                             + (": " + "; ".join(parts) if parts else ""))
            elif parts:
                lines.append(f"{noun} “{new.get('name', '?')}”: " + "; ".join(parts))
        lines += [f"{noun} “{x.get('name', '?')}” added" for x in news[len(olds):]]
        lines += [f"{noun} “{x.get('name', '?')}” removed" for x in olds[len(news):]]
        if len(olds) != len(news):
            self.said.add(_join(path, key))
        return lines

    def ad_set(self, before: dict[str, Any], after: dict[str, Any], path: str) -> list[str]:
        bt, at = before.get("targeting") or {}, after.get("targeting") or {}
        t = _join(path, "targeting")
        parts = []
        if (bt.get("age_min"), bt.get("age_max")) != (at.get("age_min"), at.get("age_max")):
            parts.append(f"ages {_ages(bt)} → {_ages(at)}")
        if _genders(bt) != _genders(at):
            parts.append(f"people {_genders(bt)} → {_genders(at)}")
        self.said |= {f"{t}.age_min", f"{t}.age_max", f"{t}.genders"}
        parts += self.parts(bt, at, t, {
            "geo_locations": ("places", _places),
            "excluded_geo_locations": ("places left out", _places),
            "flexible_spec": ("interests", _interests), "locales": ("languages", _listed),
            "publisher_platforms": ("platforms", _listed)})
        parts += self.budget(before, after, path)
        parts += self.parts(before, after, path, {
            "optimization_goal": ("optimises for", str), "billing_event": ("billed on", str),
            "bid_strategy": ("bid strategy", str),
            "bid_amount": ("bid", lambda v: format_money(int(v), self.at)),
            "destination_type": ("destination", str), "variant": ("A/B arm", str)})
        return parts + self.children(before, after, path, "ads", "ad", self.ad)

    def ad(self, before: dict[str, Any], after: dict[str, Any], path: str) -> list[str]:
        bc, ac = before.get("creative") or {}, after.get("creative") or {}
        c = _join(path, "creative")
        parts = self.parts(bc, ac, c, {
            "format": ("format", str), "headline": ("headline", _quoted),
            "primary_text": ("text", _quoted), "description": ("description", _quoted),
            "call_to_action": ("call to action", str), "link": ("link", str)})
        if _media(bc) != _media(ac):
            parts.append(f"images and videos {_media(bc) or 'none'} → {_media(ac) or 'none'}")
            self.said.add(f"{c}.assets")
        return parts


def asset_lines(before: dict[str, Any], after: dict[str, Any],
                changed: list[dict[str, Any]]) -> list[str]:
    """Say which file launches for each asset that changed on disk since the card.

    `before` is the card's plan, `after` the edited plan once pinned, `changed` its
    `tools.asset_cache.asset_changes` (originals that no longer match their pin). An asset
    whose file the edit swapped is said with the ad's images and videos, not here.
    """
    card = {where: ref for where, ref, _kind in local_refs(before)}
    on_disk = {c["field"]: c for c in changed if c.get("now")}
    lines = []
    for where, ref, kind in local_refs(after):
        old = card.get(where)
        if not old or not old.get("sha256") or file_name(old) != file_name(ref):
            continue
        what = f"ad “{_ad_name(after, where)}”: {kind} {file_name(ref)} changed on disk since the card"
        if ref.get("sha256") and ref["sha256"] != old["sha256"]:
            lines.append(f"{what}: the new file (sha256 {str(ref['sha256'])[:12]}) will launch, "
                         f"not the card's copy (sha256 {str(old['sha256'])[:12]})")
        elif where in on_disk:
            lines.append(f"{what} (now sha256 {str(on_disk[where]['now'])[:12]}); the card's "
                         f"copy (sha256 {str(old['sha256'])[:12]}) still launches — to launch the "
                         "new file, remove its \"sha256\" from the plan and edit again")
    return lines


def _ad_name(plan: dict[str, Any], where: str) -> str:
    """Return the name of the ad an asset's field path (`ad_sets[0].ads[1]…`) lies in."""
    found = re.match(r"ad_sets\[(\d+)\]\.ads\[(\d+)\]", where)
    sets = plan.get("ad_sets") or []
    if found is None or int(found[1]) >= len(sets):
        return "?"
    ads, j = sets[int(found[1])].get("ads") or [], int(found[2])
    return str(ads[j].get("name") or "?") if j < len(ads) else "?"


def _leaf_diffs(before: Any, after: Any, path: str) -> list[str]:
    """Every path whose value differs (a list of another length is one path)."""
    if isinstance(before, dict) and isinstance(after, dict):
        skip = KEYS | (ASSET_BOOKKEEPING if ".assets[" in f".{path}" else frozenset())
        return [p for k in sorted(set(before) | set(after)) if k not in skip
                for p in _leaf_diffs(before.get(k), after.get(k), _join(path, k))]
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        return [p for i, (b, a) in enumerate(zip(before, after, strict=True))
                for p in _leaf_diffs(b, a, f"{path}[{i}]")]
    return [] if before == after or (_empty(before) and _empty(after)) else [path]


def _without_names(exp: Any) -> Any:
    if not isinstance(exp, dict):
        return exp
    arms = [{k: v for k, v in a.items() if k not in ("ad_set", "ad")}
            for a in exp.get("variants") or [] if isinstance(a, dict)]
    return {**exp, "variants": arms}


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _empty(v: Any) -> bool:
    return v in (None, "", [], {})


def _budget(b: Any, diff: _Diff) -> str:
    if not isinstance(b, dict):
        return "none"
    where = {"campaign": "on the campaign", "ad_set": "across the ad sets"}.get(
        str(b.get("level")), "")
    return f"{b.get('kind', '?')} {diff.money(b)}" + (f" {where}" if where else "")


def _targets(t: Any, cur: str) -> str:
    t = t if isinstance(t, dict) else {}
    parts = ([f"CPA ≤ {format_money(int(t['cpa_minor']), cur)}"] if t.get("cpa_minor") else []) + \
        ([f"ROAS ≥ {float(t['roas']):g}x"] if t.get("roas") else [])
    return " · ".join(parts) or "none"


def _when(value: Any) -> str:
    try:
        at = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    return f"{at:%a} {at.day} {at:%b %Y %H:%M}"


def _ages(t: dict[str, Any]) -> str:
    return f"{t.get('age_min', 18)}–{t.get('age_max', 65)}"


def _genders(t: dict[str, Any]) -> str:
    return genders_text(t)


def _places(geo: Any) -> str:
    geo = geo if isinstance(geo, dict) else {}
    return ", ".join([*(geo.get("countries") or []),
                      *[str(c.get("name") or c.get("key")) for c in geo.get("cities") or []],
                      *[str(r.get("name") or r.get("key")) for r in geo.get("regions") or []]]
                     ) or "none"


def _interests(specs: Any) -> str:
    groups = [", ".join(str(i.get("name") or i.get("id")) for i in spec.get("interests") or [])
              for spec in specs or [] if isinstance(spec, dict)]
    return " and ".join(g for g in groups if g) or "none"


def _media(creative: dict[str, Any]) -> str:
    return ", ".join(str(a.get("path") or a.get("url") or "?").rsplit("/", 1)[-1]
                     for a in creative.get("assets") or [] if isinstance(a, dict))


def _listed(v: Any) -> str:
    return ", ".join(str(x) for x in v) if isinstance(v, list) else str(v)


def _quoted(v: Any) -> str:
    return f"“{v}”"


def _yes_no(v: Any) -> str:
    return "not said" if v is None else "yes" if v else "no"
