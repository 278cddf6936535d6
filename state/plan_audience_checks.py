"""Checks of the audiences a plan creates and of the audiences its ad sets include or exclude.

Meta's rules are in docs/facts-audiences.md: website audiences keep people up to 180 days and
need a pixel, engagement audiences up to 365 days, lookalikes take a seed audience, a country
and a ratio (adpilot allows 1-10 %, Meta up to 20 %) with `starting_ratio` below it, and
special ad categories (housing, employment, financial products) allow no lookalikes.
"""

from __future__ import annotations

from state import rules
from state.plan import AdSetPlan, AudiencePlan, AudienceRef
from state.plan_findings import Findings

__all__ = ["check_audience_refs", "check_audiences"]


def check_audiences(ck: Findings) -> None:
    """Every audience in `plan.audiences`: required fields per kind, ranges, seed, duplicates."""
    seen: dict[str, int] = {}
    for i, aud in enumerate(ck.plan.audiences):
        base = f"audiences[{i}]"
        if aud.key in seen:
            ck.bad(f"{base}.key", f"the key {aud.key!r} is already used by audiences"
                   f"[{seen[aud.key]}]", "give each audience its own key", "audience_key")
        seen.setdefault(aud.key, i)
        {"website": _website, "customer_list": _customer_list, "engagement": _engagement,
         "lookalike": _lookalike}[aud.kind](ck, base, aud)
    used = {r.key for s in ck.plan.ad_sets for r in _refs(s) if r.key}
    used |= {a.seed.key for a in ck.plan.audiences if a.seed and a.seed.key}
    for i, aud in enumerate(ck.plan.audiences):
        if aud.key not in used:
            ck.warn(f"audiences[{i}]", f"the audience {aud.key!r} is created but no ad set "
                    "targets or excludes it", "use it in an ad set's custom_audiences or "
                    "excluded_custom_audiences, or drop it", "audience_unused")


def _days(ck: Findings, path: str, days: int | None, lo_hi: tuple[int, int], what: str) -> None:
    lo, hi = lo_hi
    if days is None:
        ck.bad(path, f"a {what} audience needs retention_days (how far back to look)",
               f"add retention_days between {lo} and {hi}", "audience_retention")
    elif not lo <= days <= hi:
        ck.bad(path, f"{days} days is outside Meta's {lo}-{hi} day window for {what} audiences",
               f"use retention_days between {lo} and {hi}", "audience_retention")


def _website(ck: Findings, base: str, aud: AudiencePlan) -> None:
    _days(ck, f"{base}.retention_days", aud.retention_days, rules.WEBSITE_RETENTION_DAYS,
          "website")
    if not (aud.pixel_id or ck.account.pixel_id):
        ck.bad(f"{base}.pixel_id", "a website audience is built from a pixel and none is known",
               "set META_PIXEL_ID or the audience's pixel_id", "audience_pixel")


def _customer_list(ck: Findings, base: str, aud: AudiencePlan) -> None:
    if not aud.file:
        ck.bad(f"{base}.file", "a customer-list audience needs the file of customers",
               "give the path of a CSV with an email or phone column", "audience_file")
    if aud.customer_file_source not in ("USER_PROVIDED_ONLY", "PARTNER_PROVIDED_ONLY",
                                        "BOTH_USER_AND_PARTNER_PROVIDED"):
        ck.bad(f"{base}.customer_file_source", f"{aud.customer_file_source!r} is not a source "
               "Meta knows", "use USER_PROVIDED_ONLY (the customers gave you their details)",
               "audience_file")
    if aud.phone_country and aud.phone_country not in rules.ISO_COUNTRIES:
        ck.bad(f"{base}.phone_country", f"{aud.phone_country!r} is not a country code",
               "use a two-letter ISO code such as US", "audience_country")


def _engagement(ck: Findings, base: str, aud: AudiencePlan) -> None:
    if aud.source is None:
        ck.bad(f"{base}.source", "an engagement audience needs a source",
               "use facebook_page, instagram, video or lead_form", "audience_source")
    elif aud.source == "video" and not aud.source_ids:
        ck.bad(f"{base}.source_ids", "a video-viewers audience needs the video ids",
               "list the videos whose viewers to include", "audience_source")
    _days(ck, f"{base}.retention_days", aud.retention_days, rules.ENGAGEMENT_RETENTION_DAYS,
          "engagement")


def _lookalike(ck: Findings, base: str, aud: AudiencePlan) -> None:
    lo, hi = rules.LOOKALIKE_RATIO
    if aud.ratio is None:
        ck.bad(f"{base}.ratio", "a lookalike needs a size (ratio)",
               f"use a ratio between {lo} and {hi} (1 % is 0.01)", "lookalike_ratio")
    elif not lo <= aud.ratio <= hi:
        beyond = (f"; Meta accepts up to {rules.META_LOOKALIKE_MAX:.2f}, adpilot stops at "
                  f"{hi:.2f} (wider lookalikes are barely closer than broad targeting)"
                  if hi < aud.ratio <= rules.META_LOOKALIKE_MAX else "")
        ck.bad(f"{base}.ratio", f"ratio {aud.ratio} is outside {lo}-{hi} (1-10 % of the "
               f"country){beyond}", f"use a ratio between {lo} and {hi}", "lookalike_ratio")
    if aud.starting_ratio is not None and aud.ratio is not None and \
            not 0 <= aud.starting_ratio < aud.ratio:
        ck.bad(f"{base}.starting_ratio", f"starting_ratio {aud.starting_ratio} must be below "
               f"ratio {aud.ratio}", "lower starting_ratio (0.01 with ratio 0.02 = the 1-2 % "
               "band) or drop it", "lookalike_ratio")
    if not aud.country:
        ck.bad(f"{base}.country", "a lookalike needs the country whose people it resembles",
               "add a country code such as US", "lookalike_country")
    for j, cc in enumerate(aud.country or []):
        if cc not in rules.ISO_COUNTRIES:
            ck.bad(f"{base}.country[{j}]", f"{cc!r} is not a country code",
                   "use a two-letter ISO code such as US, GB or DE", "lookalike_country")
    _seed(ck, base, aud)


def _seed(ck: Findings, base: str, aud: AudiencePlan) -> None:
    seed = aud.seed
    if seed is None:
        ck.bad(f"{base}.seed", "a lookalike needs a seed audience (at least 100 people)",
               "name an audience of the plan ({'key'}) or of the account ({'id'})",
               "lookalike_seed")
        return
    if not seed.key:
        return  # an existing audience: its size is checked against the account
    kinds = {a.key: a.kind for a in ck.plan.audiences}
    if seed.key == aud.key:
        ck.bad(f"{base}.seed.key", "a lookalike cannot be its own seed",
               "seed it from a customer list, website or engagement audience", "lookalike_seed")
    elif seed.key not in kinds:
        ck.bad(f"{base}.seed.key", f"no audience in the plan has the key {seed.key!r}",
               f"use one of {sorted(kinds)} or an existing audience's id", "lookalike_seed")
    elif kinds[seed.key] == "lookalike":
        ck.bad(f"{base}.seed.key", "a lookalike cannot be seeded from another lookalike",
               "seed it from a customer list, website or engagement audience", "lookalike_seed")


def _refs(s: AdSetPlan) -> list[AudienceRef]:
    t = s.targeting
    return [*(t.custom_audiences or []), *(t.excluded_custom_audiences or [])]


def check_audience_refs(ck: Findings, i: int, s: AdSetPlan) -> None:
    """Check that an ad set's audience references resolve, are not both in and out, and fit the category."""
    base, t = f"ad_sets[{i}].targeting", s.targeting
    kinds = {a.key: a.kind for a in ck.plan.audiences}
    restricted = bool(set(ck.plan.special_ad_categories) & rules.SAC_AUDIENCE_RESTRICTED)
    known = ck.account.audiences
    for field in ("custom_audiences", "excluded_custom_audiences"):
        for j, ref in enumerate(getattr(t, field) or []):
            path = f"{base}.{field}[{j}]"
            if ref.key and ref.key not in kinds:
                ck.bad(f"{path}.key", f"no audience in the plan has the key {ref.key!r}",
                       f"add it to audiences or use one of {sorted(kinds) or 'none yet'}",
                       "audience_ref")
            elif ref.id and known is not None and ref.id not in known:
                ck.bad(f"{path}.id", f"the ad account has no custom audience {ref.id}",
                       "pick one of the account's audiences (by name or id), or add it to "
                       "audiences so the launch creates it", "audience_ref")
            elif restricted and field == "custom_audiences" and (
                    (ref.key and kinds[ref.key] == "lookalike") or
                    (ref.id and (known or {}).get(ref.id) == "LOOKALIKE")):
                ck.bad(path, "special ad categories (housing, employment, financial products) "
                       "cannot use lookalike audiences", "target a custom audience or broad "
                       "audience instead", "special_category")
    both = _handles(t.custom_audiences) & _handles(t.excluded_custom_audiences)
    for handle in sorted(both):
        ck.bad(f"{base}.excluded_custom_audiences", f"the audience {handle!r} is both included "
               "and excluded, so nobody in it can be reached", "remove it from one of the two "
               "lists", "audience_in_and_out")


def _handles(refs: list[AudienceRef] | None) -> set[str]:
    return {h for r in refs or [] if (h := r.id or r.key or r.name)}
