"""Targeting search: `GET /search` and `GET /act_<id>/targetingsearch` (Meta's targeting-search reference).

Served types (Meta's `type=` values, case-insensitive):

- `adinterest&q=` (`sandbox/catalog.py`); `adgeolocation`, `adgeolocationmeta` and the older
  `adcountry|adregion|adcity|adzipcode` (`sandbox/geo_search.py`);
- `adTargetingCategory&class=<c>` (`sandbox/targeting_browse.py`): every option of a class,
  `q` ignored as Meta ignores it;
- `adworkposition&q=` (job titles), `adworkemployer&q=`, `adeducationschool&q=`,
  `adeducationmajor&q=` (`sandbox/data/employers.json`, `education.json`): rows carry Meta's
  `coverage` (the audience size) and `type`, the `flexible_spec` key they go under;
- `adlocale&q=`: language keys for `targeting.locales` (`sandbox/data/locales.json`);
- `adinterestsuggestion&interest_list=["Running"]`: interests of the same parent category, then
  of the same topic, largest first;
- `adinterestvalid&interest_list=[...]` or `interest_fbid_list=[...]`: each with `valid` (and
  its id and audience size when valid);
- `targetingoptionstatus&targeting_option_list=[ids]`: `NORMAL` for options the catalogue
  holds, `UNKNOWN` otherwise.

Pages hold 8 rows unless `limit` says otherwise (Meta's default for `/search`).

`/act_<id>/targetingsearch?q=` searches interests, behaviours, demographics, employers, schools
and majors at once; `limit_type=<flexible_spec key>` keeps one type. Other types answer code 100
naming the ones served.
"""

from __future__ import annotations

from typing import Any

from facebook_business.adobjects.adaccounttargetingunified import AdAccountTargetingUnified

from sandbox import geo_search
from sandbox.catalog import interest_row, interest_rows, interests, ranked
from sandbox.context import RequestContext
from sandbox.enums import values
from sandbox.errors import invalid, required
from sandbox.paging import paginate
from sandbox.params import get_list
from sandbox.targeting_browse import (
    DEMOGRAPHIC_CLASSES,
    categories,
    category_rows,
    class_rows,
    education,
    employers,
    locales,
)

SERVED = ("adinterest", "adgeolocation", "adgeolocationmeta", "adTargetingCategory",
          "adworkposition", "adworkemployer", "adeducationschool", "adeducationmajor",
          "adlocale", "adinterestsuggestion", "adinterestvalid", "targetingoptionstatus",
          *geo_search.LEGACY)
DEFAULT_LIMIT = 8  # Meta's targeting-search reference: "limit ... defaults 8"
LIMIT_TYPES = values(AdAccountTargetingUnified.LimitType)  # Meta's; the catalogue holds some

__all__ = ["DEMOGRAPHIC_CLASSES", "SERVED", "account_search", "categories", "employers",
           "locales", "search"]


def _coverage(rows: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    """Rows with Meta's `coverage` (the audience size) and their flexible_spec `type`."""
    return [{**r, "coverage": r.get("coverage") or r.get("audience_size_upper_bound"),
             "type": kind} for r in rows]


def _typed(low: str, q: str) -> list[dict[str, Any]]:
    if low == "adworkposition":
        return _coverage(category_rows(["work_positions"], q), "work_positions")
    if low == "adworkemployer":
        return _coverage(ranked(q, employers()), "work_employers")
    if low == "adeducationschool":
        return _coverage(ranked(q, education()["schools"]), "education_schools")
    return _coverage(ranked(q, education()["majors"]), "education_majors")


def search(ctx: RequestContext, params: dict[str, Any], files: Any = None) -> dict[str, Any]:
    """`GET /search?type=...`."""
    kind = str(params.get("type") or "")
    if not kind:
        raise required("type", f"use one of {', '.join(SERVED)}")
    low = kind.lower()
    q = str(params.get("q", "")).strip().lower()
    if not params.get("limit"):
        params = {**params, "limit": DEFAULT_LIMIT}
    if low == "adgeolocation" or low in geo_search.LEGACY:
        return geo_search.search(ctx, params, low)
    if low == "adgeolocationmeta":
        return geo_search.meta(ctx, params)
    if low == "adinterest":
        rows = interest_rows(q)
    elif low == "adtargetingcategory":
        rows = class_rows(params)
    elif low in ("adworkposition", "adworkemployer", "adeducationschool", "adeducationmajor"):
        rows = _typed(low, q)
    elif low == "adlocale":
        rows = [{"key": loc["key"], "name": loc["name"]} for loc in ranked(q, locales())]
    elif low == "adinterestsuggestion":
        rows = _suggestions(params)
    elif low == "adinterestvalid":
        rows = _valid(params)
    elif low == "targetingoptionstatus":
        rows = _status(params)
    else:
        raise invalid(f"Unsupported search type {kind!r}; this sandbox serves "
                      f"{', '.join(SERVED)}.", fields=["type"])
    return paginate(ctx, rows, params)


def _names(params: dict[str, Any], name: str) -> list[str]:
    return [str(n).strip() for n in get_list(params, name) or [] if str(n).strip()]


def _suggestions(params: dict[str, Any]) -> list[dict[str, Any]]:
    names = {n.lower() for n in _names(params, "interest_list")}
    if not names:
        raise required("interest_list", 'give interest names, e.g. interest_list=["Running"]')
    known = list(interests().values())
    given = [i for i in known if i["name"].lower() in names]
    topics = {i.get("topic") for i in given}
    parents = {tuple(i.get("path", [])[:-1]) for i in given}
    picked = [
        i for i in known
        if i["name"].lower() not in names
        and (tuple(i.get("path", [])[:-1]) in parents or i.get("topic") in topics)
    ]
    picked.sort(key=lambda i: (tuple(i.get("path", [])[:-1]) not in parents,
                               -int(i.get("audience_size_upper_bound") or 0)))
    return [interest_row(i) for i in picked]


def _valid(params: dict[str, Any]) -> list[dict[str, Any]]:
    names, ids = _names(params, "interest_list"), _names(params, "interest_fbid_list")
    if not names and not ids:
        raise required("interest_list",
                       'give interest names, e.g. interest_list=["Running"], or ids in '
                       "interest_fbid_list")
    by_name = {i["name"].lower(): i for i in interests().values()}
    asked = [(n, by_name.get(n.lower())) for n in names]
    asked += [(i, interests().get(i)) for i in ids]
    rows = []
    for given, item in asked:
        row: dict[str, Any] = {"name": given, "valid": item is not None}
        if item is not None:
            row.update(id=item["id"], name=item["name"],
                       audience_size_lower_bound=item.get("audience_size_lower_bound"),
                       audience_size_upper_bound=item.get("audience_size_upper_bound"))
        elif given in ids:
            row = {"id": given, "valid": False}
        rows.append(row)
    return rows


def _status(params: dict[str, Any]) -> list[dict[str, Any]]:
    ids = _names(params, "targeting_option_list")
    if not ids:
        raise required("targeting_option_list", "give the option ids to check, e.g. "
                       '["6003107902433"]')
    known = set(interests()) | {str(c["id"]) for c in categories()}
    known |= {str(e["id"]) for e in employers()}
    known |= {str(r["id"]) for part in education().values() for r in part}
    return [{"id": i, "current_status": "NORMAL" if i in known else "UNKNOWN"} for i in ids]


def _unified() -> list[dict[str, Any]]:
    """Every detailed-targeting option, as `/targetingsearch` returns them."""
    rows = interest_rows("", "interests")
    rows += category_rows([c["type"] for c in categories()], "")
    rows += [{"id": e["id"], "name": e["name"], "type": "work_employers", "path": [],
              "description": None, "audience_size_lower_bound": e.get("audience_size_lower_bound"),
              "audience_size_upper_bound": e.get("audience_size_upper_bound")}
             for e in employers()]
    for part, kind in (("schools", "education_schools"), ("majors", "education_majors")):
        rows += [{"id": r["id"], "name": r["name"], "type": kind, "path": [],
                  "description": r.get("subtext"), "audience_size_lower_bound": r["coverage"],
                  "audience_size_upper_bound": r["coverage"]} for r in education()[part]]
    return rows


def account_search(
    ctx: RequestContext, params: dict[str, Any], files: Any = None
) -> dict[str, Any]:
    """`GET /act_<id>/targetingsearch?q=`: every detailed-targeting type at once."""
    q = str(params.get("q", "")).strip().lower()
    if not q:
        raise required("q", "give the text to search for, e.g. q=parents")
    rows = _unified()
    only = str(params.get("limit_type") or "").strip()
    if only:
        if only not in LIMIT_TYPES:
            raise invalid(f"limit_type {only!r} is not valid; use one of "
                          f"{', '.join(sorted(LIMIT_TYPES))}.", fields=["limit_type"])
        rows = [r for r in rows if r["type"] == only]
    return paginate(ctx, ranked(q, rows), params)
