"""Turn a `DraftPlan` into a plan dict (docs/design.md §3 shape), checking what the draft says.

Deterministic code fills in what the draft leaves out on purpose — goals, billing events,
destinations, promoted objects, default CTAs (`state.rules`), Meta locale keys
(`parse_audience.LOCALES`) — and never trusts the model with facts it can check itself:

- places by name get their targeting keys from the same catalogue the rules planner and the
  sandbox use (`agents.orchestrator.planning.catalog`), or from `search_places`; a name it cannot find
  is a question (kind "not_understood", who sees the ads), two places by one name in one
  country a question (kind "ambiguous") — never a silent drop or a guess;
- values that cannot be right — money of zero or less, an age range upside down, a start
  date before today, an end before the start, a radius of zero or less, a budget in a
  currency the account does not bill in — are questions (kind "invalid") naming the field.
  They are kept as stated (or left out), never corrected, and their problems are not sent
  back to the model for repair (`Converted.no_repair`): the person decides.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from agents.orchestrator.planning import WHO, Question
from agents.orchestrator.planning.catalog import geo as catalogue
from agents.orchestrator.planning.catalog import norm
from agents.orchestrator.planning.llm.capability_plan import (
    apply_capabilities,
    capability_setup,
    roas_setup,
)
from agents.orchestrator.planning.llm.draft import DraftAdSet, DraftPlace, DraftPlan
from agents.orchestrator.planning.parse_optimisation import DRAFT_NAMES, Optimisation, settle
from agents.orchestrator.planning.people.audience import LOCALES
from state import rules

# (kind "region" | "city", name, ISO country) -> matching places `{key, name, country}`.
SearchPlaces = Callable[[str, str, str], Sequence[dict[str, Any]]]
_VIDEO_EXT = (".mp4", ".mov", ".m4v", ".avi", ".webm", ".gif")
_GENDERS = {"all": None, "male": [1], "female": [2]}
# Plan paths whose problems an invalid-value question answers (the model must not "repair"
# them: that would be a silent correction). Substrings of problem paths.
NO_REPAIR = {"budget": ("budget",), "currency": ("currency",), "ages": ("targeting.age_",),
             "start_date": ("start_time",), "end_date": ("end_time",), "duration": ("end_time",),
             "radius": (".radius",)}


@dataclass
class Converted:
    """A draft as a plan dict, with what converting it found."""

    plan: dict[str, Any]
    problems: list[dict[str, str]] = field(default_factory=list)
    flags: list[Question] = field(default_factory=list)
    no_repair: list[str] = field(default_factory=list)

    def invalid(self, fld: str, phrase: str, question: str) -> None:
        """Add an invalid-value question for `fld` (see NO_REPAIR)."""
        self.flags.append(Question(fld, question, kind="invalid", phrase=phrase))
        self.no_repair += NO_REPAIR.get(fld, ())


def catalogue_places(kind: str, name: str, country: str) -> list[dict[str, Any]]:
    """Places named `name` in `country` from the offline catalogue (regions or cities)."""
    g = catalogue()
    rows = (g.regions if kind == "region" else g.cities).get(norm(name), [])
    return [{"key": str(r["key"]), "name": r["name"], "country": r["country_code"]}
            for r in rows if r["country_code"] == country.upper()]


def _asset(ref: str, asset_dir: str = ".") -> dict[str, Any]:
    kind = "video" if ref.lower().split("?", 1)[0].endswith(_VIDEO_EXT) else "image"
    if ref.startswith(("http://", "https://")):
        return {"kind": kind, "url": ref}
    # Relative paths are relative to where the brief's assets live (PlanDefaults.asset_dir).
    path = ref if Path(ref).is_absolute() or asset_dir in ("", ".") else str(Path(asset_dir) / ref)
    return {"kind": kind, "path": path}


def _iso_day(day: date) -> str:
    return datetime(day.year, day.month, day.day, tzinfo=UTC).isoformat()


def _schedule(draft: DraftPlan, today: date, out: Converted) -> tuple[str | None, str | None]:
    start = end = None
    try:
        start = date.fromisoformat(draft.start_date) if draft.start_date else None
        end = date.fromisoformat(draft.end_date) if draft.end_date else None
    except ValueError as exc:
        out.problems.append({"path": "start_time", "message": f"a date is not YYYY-MM-DD ({exc})",
                             "fix": "write dates as YYYY-MM-DD"})
    if start is not None and start < today:
        out.invalid("start_date", start.isoformat(), f"The start date {start:%Y-%m-%d} is before "
                    f"today ({today:%Y-%m-%d}). When should the campaign start?")
    if draft.duration_days is not None and draft.duration_days <= 0:
        out.invalid("duration", f"{draft.duration_days} days", f"A flight of "
                    f"{draft.duration_days} days cannot run. How many days should it run?")
    elif end is None and draft.duration_days:
        end = (start or today) + timedelta(days=draft.duration_days)
    if end is not None and (end < today or (start is not None and end <= start)):
        out.invalid("end_date", end.isoformat(), f"The end date {end:%Y-%m-%d} is "
                    f"{'before today' if end < today else 'not after the start date'}. "
                    "When should the campaign end?")
    return (_iso_day(start) if start else None), (_iso_day(end) if end else None)


def _places(kind: str, places: Sequence[DraftPlace], search: SearchPlaces, i: int,
            out: Converted) -> list[dict[str, Any]]:
    """Resolve named places to keys; unknown or doubled names become questions."""
    found: list[dict[str, Any]] = []
    for p in places:
        hits = list(search(kind, p.name, p.country))
        if len(hits) == 1:
            if hits[0]["key"] not in {f["key"] for f in found}:
                found.append(dict(hits[0]))
            continue
        # The place is asked about: a plan left without a location waits for the answer.
        out.no_repair.append("geo_locations")
        if hits:
            names = "; ".join(f"{h['name']} ({h['key']})" for h in hits)
            out.flags.append(Question(
                f"ad_sets[{i}].targeting.geo_locations", f"'{p.name}' matches several places "
                f"in {p.country.upper()}: {names}. Which one?", kind="ambiguous", phrase=p.name,
                affects=WHO))
        else:
            out.flags.append(Question(
                f"ad_sets[{i}].targeting.geo_locations", f"adpilot cannot find the {kind} "
                f"'{p.name}' in {p.country.upper()}. Which place did you mean (a city, region or "
                "country Meta lists)?", kind="not_understood", phrase=p.name, affects=WHO))
    return found


def _geo(s: DraftAdSet, i: int, search: SearchPlaces, out: Converted
         ) -> tuple[dict[str, Any], dict[str, Any]]:
    cities = []
    for c in s.cities:
        if c.radius <= 0:
            out.invalid("radius", f"{c.radius:g} {c.unit}s", f"A radius of {c.radius:g} "
                        f"{c.unit}s around {c.name} cannot be targeted. What radius should it be?")
        for hit in _places("city", [DraftPlace(name=c.name, country=c.country)], search, i, out):
            radius = int(c.radius) if float(c.radius).is_integer() else c.radius
            cities.append({**hit, "radius": radius, "distance_unit": c.unit})
    left_out = [c.upper() for c in s.excluded_countries]
    # A country excluded from a list it is on leaves the list (Meta cannot both include and
    # exclude it); exclusions of countries stay only for a target wider than a list (groups).
    geo: dict[str, Any] = {"countries": [c.upper() for c in s.countries if c.upper() not in left_out],
                           "regions": _places("region", s.regions, search, i, out),
                           "cities": cities, "country_groups": list(s.country_groups)}
    excluded = {"countries": [c for c in left_out if c not in {x.upper() for x in s.countries}]
                if s.country_groups else [],
                "regions": _places("region", s.excluded_regions, search, i, out),
                "cities": _places("city", s.excluded_cities, search, i, out)}
    return ({k: v for k, v in geo.items() if v or k == "countries"},
            {k: v for k, v in excluded.items() if v})


def _targeting(s: DraftAdSet, i: int, search: SearchPlaces, out: Converted) -> dict[str, Any]:
    geo, excluded = _geo(s, i, search, out)
    if s.age_min is not None and s.age_max is not None and s.age_min > s.age_max:
        out.invalid("ages", f"{s.age_min}-{s.age_max}", f"The ages {s.age_min}-{s.age_max} are "
                    "upside down (the youngest is above the oldest). Which ages should the ads reach?")
    t: dict[str, Any] = {
        "geo_locations": geo,
        "age_min": rules.AGE_DEFAULT_MIN if s.age_min is None else s.age_min,
        "age_max": rules.AGE_MAX_CEIL if s.age_max is None else s.age_max,
    }
    if excluded:
        t["excluded_geo_locations"] = excluded
    if _GENDERS[s.genders]:
        t["genders"] = _GENDERS[s.genders]
    if s.languages:
        t["locales"] = list(dict.fromkeys(LOCALES[lang] for lang in s.languages))
    if s.interests:
        t["flexible_spec"] = [{"interests": [{"name": n} for n in s.interests]}]
    if s.excluded_interests:
        t["exclusions"] = {"interests": [{"name": n} for n in s.excluded_interests]}
    platforms: list[str] = list(s.platforms)
    positions = {"facebook": list(s.facebook_positions), "instagram": list(s.instagram_positions)}
    if not platforms:  # positions name their platform: "Instagram stories" is Instagram only
        platforms = [p for p, named in positions.items() if named]
    if platforms:
        t["publisher_platforms"] = platforms
    for platform, named in positions.items():
        if named:
            t[f"{platform}_positions"] = list(dict.fromkeys(named))
    return t


def _ads(draft: DraftPlan, s: DraftAdSet, asset_dir: str) -> list[dict[str, Any]]:
    ads = []
    for ad in s.ads:
        c = ad.creative
        assets = [_asset(a, asset_dir) for a in c.assets]
        creative: dict[str, Any] = {
            "format": c.format, "primary_text": c.primary_text, "headline": c.headline,
            "description": c.description, "link": draft.landing_url,
            "call_to_action": (c.call_to_action or rules.DEFAULT_CTA[draft.objective]).upper(),
            "assets": [] if c.format == "carousel" else assets,
        }
        if c.format == "carousel":
            creative["cards"] = [{"asset": a} for a in assets]
        ads.append({"name": ad.name, "creative": {k: v for k, v in creative.items() if v is not None}})
    return ads


def _budget(draft: DraftPlan, currency: str, account_currency: str, out: Converted
            ) -> dict[str, Any] | None:
    if draft.budget_amount is None:
        return None
    if account_currency and currency != account_currency.upper():
        out.invalid("currency", f"{draft.budget_amount:g} {currency}", f"The budget is in "
                    f"{currency} but the ad account bills in {account_currency.upper()}; adpilot "
                    f"never converts currencies. What is the budget in {account_currency.upper()}?")
    if draft.budget_amount <= 0:
        out.invalid("budget", f"{draft.budget_amount:g} {currency}", f"A budget of "
                    f"{draft.budget_amount:g} {currency} cannot be spent. What should the "
                    "campaign spend, per day or in total?")
        return None
    return {"kind": draft.budget_kind, "level": "campaign",
            "amount_minor": rules.to_minor(draft.budget_amount, currency)}


def targeted_countries(plan: dict[str, Any]) -> set[str]:
    """Countries the plan's ad sets reach: directly, or through a region or city."""
    out: set[str] = set()
    for ad_set in plan.get("ad_sets", []):
        geo = ad_set.get("targeting", {}).get("geo_locations", {})
        out |= set(geo.get("countries", []))
        out |= {p["country"] for p in [*geo.get("regions", []), *geo.get("cities", [])]}
        if set(geo.get("country_groups", [])) & {"europe", "worldwide"}:
            out |= set(rules.EU_COUNTRIES)
    return out


def draft_to_plan(draft: DraftPlan, *, currency: str, today: date, page_id: str | None,
                  pixel_id: str | None, advertiser: str | None = None, asset_dir: str = ".",
                  search_places: SearchPlaces | None = None) -> Converted:
    """Turn a draft into a plan dict plus the problems and questions found converting it.

    `currency` is the ad account's. Interests keep their names (`{"name": ...}`) for the id
    lookup; places get keys from `search_places` (default: the offline catalogue).
    """
    out = Converted(plan={})
    plan_currency = (draft.budget_currency or currency).upper()
    start, end = _schedule(draft, today, out)
    setup = capability_setup(draft, dict(rules.DEFAULT_SETUP[draft.objective]))
    if draft.optimise_for is not None:  # the same checks as the rules planner's
        goal_event = DRAFT_NAMES[draft.optimise_for]
        said = draft.optimise_for.replace("_", " ")
        setup, asked = settle([Optimisation(*goal_event, f"optimise for {said}", (0, 0))],
                              draft.objective, setup)
        out.flags += asked
    setup = roas_setup(draft, setup, out)
    goal = setup["optimization_goal"] or "LINK_CLICKS"
    keys = rules.required_promoted_object_keys(draft.objective, setup["destination_type"], goal)
    promoted: dict[str, Any] = {}
    for key in keys:
        value = {"pixel_id": pixel_id, "page_id": page_id,
                 "custom_event_type": setup.get("custom_event_type")}.get(key)
        if value:
            promoted[key] = value
    ad_sets = []
    for i, s in enumerate(draft.ad_sets):
        ad_set: dict[str, Any] = {"name": s.name,
                                  "targeting": _targeting(s, i, search_places or catalogue_places, out),
                                  "optimization_goal": goal,
                                  "billing_event": setup["billing_event"] or "IMPRESSIONS",
                                  "ads": _ads(draft, s, asset_dir)}
        if setup["destination_type"]:
            ad_set["destination_type"] = setup["destination_type"]
        if promoted:
            ad_set["promoted_object"] = dict(promoted)
        ad_sets.append(ad_set)
        if not ad_set["ads"]:
            out.problems.append({"path": f"ad_sets[{i}].ads", "message": "the ad set has no ads",
                                 "fix": "add at least one ad with its copy"})
    plan: dict[str, Any] = {
        "name": draft.name, "objective": draft.objective,
        "special_ad_categories": list(draft.special_ad_categories),
        "currency": plan_currency, "landing_url": draft.landing_url,
        "start_time": start, "end_time": end, "ad_sets": ad_sets,
        "budget": _budget(draft, plan_currency, currency, out),
    }
    payor = draft.advertiser or advertiser
    for ad_set in ad_sets:
        if payor and targeted_countries({"ad_sets": [ad_set]}) & rules.DSA_COUNTRIES:
            # The EU's Digital Services Act: ads shown there name who pays and who benefits.
            ad_set.update(dsa_payor=payor, dsa_beneficiary=payor)
    if draft.go_live:
        plan["go_live"] = True
    apply_capabilities(draft, plan, account_currency=currency, pixel_id=pixel_id,
                       asset=lambda ref: _asset(ref, asset_dir), out=out)
    out.plan = {k: v for k, v in plan.items() if v is not None}
    return out
