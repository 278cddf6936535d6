"""Resolve a plan's references to what the ad account has, before the card is shown.

- Custom-audience references (`targeting.custom_audiences` / `excluded_custom_audiences` and a
  lookalike's `seed`) given by `{name}` are looked up among the account's audiences: an exact
  name first, then the same name ignoring case. No match, or several, is a problem naming the
  field, the name and the closest names the account has — never a guess. A resolved reference
  becomes `{id, name}` (the account's spelling, kept for display). `{id}` references are checked
  to exist. `{key}` references point at audiences the launch creates and are left alone.
- Detailed-targeting entries without an id (behaviours, life events, job titles, industries,
  ...) in `flexible_spec` and `exclusions` are looked up through Meta's targeting search
  (`tools.targeting.search_detail`) with the same exact-then-case-insensitive rule. Interests
  the planner named already got ids in `plan_campaign`; one still without an id (an edited
  plan, an excluded interest) follows the same rule here.

`resolve` also returns what the account says about each existing audience it references
(`{id: {name, subtype, lower, upper, delivery_status}}`), which the card shows as sizes.
Only reads; nothing is called when the plan has nothing to resolve.
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Callable, Iterator
from typing import Any

from tools.audiences import list_audiences
from tools.errors import PermanentError
from tools.targeting import DETAIL_SEARCH, search_detail

MAX_AUDIENCES = 5000  # Meta's per-account limit is in the hundreds (docs/facts-audiences.md §12)
REF_FIELDS = ("custom_audiences", "excluded_custom_audiences")


def audience_fact(row: dict[str, Any]) -> dict[str, Any]:
    """Return the JSON-like facts the card shows about an existing audience (no ids of people)."""
    return {"name": row.get("name"), "subtype": row.get("subtype"),
            "lower": row.get("approximate_count_lower_bound"),
            "upper": row.get("approximate_count_upper_bound"),
            "delivery_status": row.get("delivery_status")}


def match_name(name: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows whose name is `name` exactly, else the same ignoring case (several = ambiguous)."""
    exact = [r for r in rows if r.get("name") == name]
    if exact:
        return exact
    folded = name.strip().casefold()
    return [r for r in rows if str(r.get("name", "")).strip().casefold() == folded]


def closest(name: str, rows: list[dict[str, Any]], n: int = 3) -> list[str]:
    """Up to `n` names the account has that look most like `name`."""
    names = sorted({str(r.get("name")) for r in rows if r.get("name")})
    by_fold = {x.casefold(): x for x in names}
    near = difflib.get_close_matches(name.casefold(), list(by_fold), n=n, cutoff=0.4)
    near += [k for k in by_fold if name.casefold() in k and k not in near]
    return [by_fold[k] for k in near[:n]]


def _quoted(names: list[str]) -> str:
    return ", ".join(f"“{n}”" for n in names)


def audience_refs(plan: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (path, reference) for every custom-audience reference in a plan dict."""
    for i, ad_set in enumerate(plan.get("ad_sets") or []):
        targeting = ad_set.get("targeting") or {}
        for field in REF_FIELDS:
            for j, ref in enumerate(targeting.get(field) or []):
                if isinstance(ref, dict):
                    yield f"ad_sets[{i}].targeting.{field}[{j}]", ref
    for i, aud in enumerate(plan.get("audiences") or []):
        if isinstance(aud.get("seed"), dict):
            yield f"audiences[{i}].seed", aud["seed"]


def _needs_account(plan: dict[str, Any]) -> bool:
    return any(ref.get("id") or (ref.get("name") and not ref.get("key"))
               for _, ref in audience_refs(plan))


def _resolve_audiences(plan: dict[str, Any], rows: list[dict[str, Any]],
                       problems: list[dict[str, str]]) -> dict[str, dict[str, Any]]:
    by_id = {str(r.get("id")): r for r in rows}
    used: dict[str, dict[str, Any]] = {}
    for path, ref in audience_refs(plan):
        if ref.get("key"):
            continue
        if ref.get("id"):
            row = by_id.get(str(ref["id"]))
            if row is None:
                problems.append({
                    "path": f"{path}.id", "rule": "audience_id",
                    "message": f"the ad account has no custom audience with id {ref['id']}",
                    "fix": "use an id from the account's audiences, or name the audience"
                           + (f" (the account has {_quoted(closest(str(ref.get('name')), rows))})"
                              if ref.get("name") and closest(str(ref["name"]), rows) else "")})
                continue
            ref.setdefault("name", row.get("name"))
            used[str(row["id"])] = audience_fact(row)
            continue
        name = str(ref.get("name"))
        hits = match_name(name, rows)
        if len(hits) == 1:
            ref.update(id=str(hits[0]["id"]), name=hits[0].get("name"))
            used[str(hits[0]["id"])] = audience_fact(hits[0])
        elif hits:
            problems.append({
                "path": f"{path}.name", "rule": "audience_ambiguous",
                "message": f"{len(hits)} audiences in the ad account are named “{name}” "
                           f"(ids {', '.join(str(h['id']) for h in hits)}); adpilot does not guess",
                "fix": "give the audience's id instead of its name, e.g. {\"id\": \""
                       f"{hits[0]['id']}\"}}, or rename one of them in Ads Manager"})
        else:
            near = closest(name, rows)
            problems.append({
                "path": f"{path}.name", "rule": "audience_name",
                "message": f"the ad account has no custom audience named “{name}”"
                           + (f"; closest: {_quoted(near)}" if near else
                              " (it has none with a similar name)"),
                "fix": "use the audience's exact name or id, or let the launch create it "
                       "(add it to the plan's audiences)"})
    return used


def _detail_entries(plan: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield (path, flexible_spec key, entry) for detailed-targeting entries without an id."""
    for i, ad_set in enumerate(plan.get("ad_sets") or []):
        targeting = ad_set.get("targeting") or {}
        groups = [(f"flexible_spec[{g}]", spec) for g, spec in
                  enumerate(targeting.get("flexible_spec") or [])]
        if isinstance(targeting.get("exclusions"), dict):
            groups.append(("exclusions", targeting["exclusions"]))
        for where, spec in groups:
            for key, entries in spec.items():
                if not isinstance(entries, list):
                    continue
                for j, entry in enumerate(entries):
                    if isinstance(entry, dict) and entry.get("name") and not entry.get("id"):
                        yield f"ad_sets[{i}].targeting.{where}.{key}[{j}]", key, entry


def _resolve_details(plan: dict[str, Any], search: Callable[[str, str], list[dict[str, Any]]],
                     problems: list[dict[str, str]]) -> None:
    for path, key, entry in _detail_entries(plan):
        name = str(entry["name"])
        rows = search(key, name)
        hits = match_name(name, rows)
        if len(hits) == 1:
            entry.update(id=str(hits[0]["id"]), name=hits[0].get("name"))
            continue
        near = closest(name, rows)
        what = key.replace("_", " ")
        problems.append({
            "path": f"{path}.name", "rule": "detail_name",
            "message": (f"Meta's targeting search has {len(hits)} {what} entries named “{name}”"
                        if hits else f"Meta's targeting search has no {what} entry named “{name}”"
                        + (f"; closest: {_quoted(near)}" if near else "")),
            "fix": "use one of Meta's names exactly, or give its id"})


def resolve(plan: dict[str, Any], client: Any,
            search: Callable[[str, str], list[dict[str, Any]]] | None = None,
            ) -> tuple[dict[str, Any], list[dict[str, str]], dict[str, dict[str, Any]]]:
    """Return (plan with references resolved, problems, facts of the existing audiences used).

    The plan given is not changed. `search(key, name)` finds detailed-targeting rows (default:
    Meta's targeting search through `client`, each class browsed once).
    """
    out = copy.deepcopy(plan)
    problems: list[dict[str, str]] = []
    facts: dict[str, dict[str, Any]] = {}
    if _needs_account(out):
        try:
            rows = list_audiences(client, max_items=MAX_AUDIENCES)
        except PermanentError as exc:
            problems.append({"path": "ad_sets", "rule": "audience_list",
                             "message": "the ad account's custom audiences could not be read: "
                                        f"{getattr(exc, 'user_msg', None) or exc}",
                             "fix": "check the token's ads_management permission on the account"})
            return out, problems, facts
        facts = _resolve_audiences(out, rows, problems)
    if any(True for _ in _detail_entries(out)):
        _resolve_details(out, search or cached_search(client), problems)
    return out, problems, facts


CODED = ("education_statuses", "relationship_statuses")  # Meta's integer codes, not {id, name}


def coded_names(plan: dict[str, Any], search: Callable[[str, str], list[dict[str, Any]]]
                ) -> dict[str, dict[str, str]]:
    """Return Meta's names of the coded entries the plan uses: `{key: {code: name}}`."""
    used = {key for ad_set in plan.get("ad_sets") or []
            for spec in [*((ad_set.get("targeting") or {}).get("flexible_spec") or []),
                         (ad_set.get("targeting") or {}).get("exclusions") or {}]
            for key in CODED if isinstance(spec, dict) and spec.get(key)}
    return {key: {str(r["id"]): str(r.get("name")) for r in search(key, "") if "id" in r}
            for key in sorted(used)}


SEED_MIN = 100  # "Origin audiences must have at least 100 members" (docs/facts-audiences.md §5)


def audience_checks(plan: dict[str, Any], facts: dict[str, dict[str, Any]]
                    ) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Return (problems, warnings) from what the account says about the audiences used.

    A lookalike seed under Meta's 100 people is a problem; an audience Meta says is not ready
    to deliver (`delivery_status` other than 200) is a warning naming Meta's reason.
    """
    problems, warnings = [], []
    for path, ref in audience_refs(plan):
        fact = facts.get(str(ref.get("id"))) if ref.get("id") else None
        if not fact:
            continue
        name = fact.get("name") or ref["id"]
        upper = fact.get("upper")
        if path.endswith(".seed") and upper is not None and 0 <= int(upper) < SEED_MIN:
            problems.append({"path": path, "rule": "lookalike_seed_size",
                             "message": f"the seed “{name}” has about {int(upper):,} people; Meta "
                                        f"needs at least {SEED_MIN} to build a lookalike",
                             "fix": "choose a larger seed audience, or wait until it has grown"})
            continue
        status = fact.get("delivery_status") or {}
        if status.get("code") is not None and int(status["code"]) != 200 \
                and "excluded_custom_audiences" not in path:
            warnings.append({"path": path, "rule": "audience_not_ready",
                             "message": f"Meta says “{name}” is not ready to deliver: "
                                        f"{status.get('description') or status['code']}",
                             "fix": "use another audience, or wait until Meta says it is ready"})
    return problems, warnings


def cached_search(client: Any) -> Callable[[str, str], list[dict[str, Any]]]:
    """Return a `search(key, name)` over Meta's targeting search that asks each class or name once."""
    memo: dict[tuple[str, str], list[dict[str, Any]]] = {}

    def search(key: str, name: str) -> list[dict[str, Any]]:
        # A browsed class answers every name of its key at once: ask it once.
        slot = (key, "" if DETAIL_SEARCH.get(key, ("class", ""))[0] == "class" else name)
        if slot not in memo:
            try:
                memo[slot] = search_detail(client, key, name)
            except PermanentError:
                memo[slot] = []  # a search type Meta refuses: reported as "no entry"
        return memo[slot]

    return search


__all__ = ["audience_checks", "coded_names", "audience_refs", "closest", "match_name", "resolve"]
