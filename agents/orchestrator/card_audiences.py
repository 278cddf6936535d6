"""The card's "who sees the ads" lines: custom audiences, detailed targeting, Advantage+ audience.

Pure rendering from plan dicts and the `estimates` state key (audience sizes of existing
audiences, `agents/orchestrator/estimates.py`); nothing here talks to Meta. Every audience says
whether this launch creates it or the account already has it, and what kind it is, so a person
approving sees "website visitors, last 30 days, URL contains /pricing" and not an id.
"""

from __future__ import annotations

from typing import Any

from state.plan import Targeting, advantage_audience

# Meta's flexible_spec keys in words (docs/facts-audiences.md §7), in the order the card lists them.
DETAIL_TYPES = {
    "interests": "interests", "behaviors": "behaviours", "life_events": "life events",
    "work_positions": "job titles", "work_employers": "employers", "industries": "industries",
    "education_statuses": "education", "education_schools": "schools",
    "education_majors": "fields of study", "family_statuses": "parents",
    "relationship_statuses": "relationship status", "income": "household income",
    "home_ownership": "home ownership", "generation": "generation", "politics": "politics",
    "moms": "mums", "net_worth": "net worth", "household_composition": "household",
}
ENGAGEMENT_SOURCES = {
    "facebook_page": "your Facebook page", "instagram": "your Instagram account",
    "video": "your videos", "lead_form": "your instant forms",
}
# Meta's custom-audience subtypes in words, for audiences the account already has.
SUBTYPES = {
    "WEBSITE": "website visitors", "CUSTOM": "customer list", "LOOKALIKE": "lookalike",
    "ENGAGEMENT": "engagement", "VIDEO": "video viewers", "APP": "app users",
    "OFFLINE_CONVERSION": "offline customers",
}

GENDERS = {1: "men", 2: "women"}


def genders_text(targeting: dict[str, Any]) -> str:
    """Say a targeting's genders in words ("women", "men, women"), "all genders" when unset."""
    return ", ".join(GENDERS.get(g, str(g)) for g in targeting.get("genders") or []) \
        or "all genders"


def _entry_name(entry: Any, key: str = "", names: dict[str, Any] | None = None) -> str:
    if isinstance(entry, dict):
        return str(entry.get("name") or entry.get("id") or "?")
    # education_statuses / relationship_statuses are Meta's codes; their names come from
    # Meta's targeting search (the `details` of the `estimates` state key).
    named = ((names or {}).get(key) or {}).get(str(entry))
    return str(named) if named else f"code {entry}"


def detail_text(spec: dict[str, Any] | None, *, skip: tuple[str, ...] = (),
                names: dict[str, Any] | None = None) -> str:
    """Render one flexible-targeting object by type: "behaviours: Frequent Travelers; ...".

    `skip` leaves out keys another line already shows (the compact audience line has interests).
    """
    parts = []
    for key, words in DETAIL_TYPES.items():
        if key in skip:
            continue
        entries = (spec or {}).get(key) or []
        if entries:
            parts.append(f"{words}: " + ", ".join(_entry_name(e, key, names) for e in entries))
    known = set(DETAIL_TYPES) | {"custom_audiences"}
    parts += [f"{k}: {', '.join(_entry_name(e, k, names) for e in v)}" for k, v in (spec or {}).items()
              if k not in known and isinstance(v, list) and v]
    return "; ".join(parts)


def detailed_targeting(targeting: dict[str, Any], names: dict[str, Any] | None = None) -> str:
    """Render flexible_spec: entries inside one group are OR'ed, the groups are AND'ed."""
    skip = ("interests",) if _only_group(targeting) else ()
    groups = [t for spec in targeting.get("flexible_spec") or []
              if (t := detail_text(spec, skip=skip, names=names))]
    if not groups:
        return ""
    if len(groups) == 1:
        return groups[0] + " (people matching any of these)"
    return " **and** ".join(f"({g})" for g in groups) + " (people must match every group)"


def _only_group(targeting: dict[str, Any]) -> bool:
    # With one group the compact audience line already lists its interests.
    return len(targeting.get("flexible_spec") or []) == 1


def audience_plan_text(aud: dict[str, Any], plan: dict[str, Any]) -> str:
    """Describe an audience the launch creates in words (its kind, source and window)."""
    kind = aud.get("kind")
    days = aud.get("retention_days")
    window = f", last {days} days" if days else ""
    if kind == "website":
        event = aud.get("event")
        text = "website visitors" + (f" who sent {event}" if event and event != "PageView" else "")
        text += window + (f", URL contains {aud['url_contains']}" if aud.get("url_contains") else "")
        return text + " (from the pixel)"
    if kind == "customer_list":
        name = str(aud.get("file") or "a file").replace("\\", "/").rsplit("/", 1)[-1]
        return f"customer list from {name} — uploaded hashed (SHA-256), never stored"
    if kind == "engagement":
        return "people who engaged with " + ENGAGEMENT_SOURCES.get(
            str(aud.get("source")), str(aud.get("source") or "your page")) + window
    if kind == "lookalike":
        ratio = aud.get("ratio")
        share = f"{float(ratio) * 100:g}% " if ratio is not None else ""
        countries = ", ".join(aud.get("country") or []) or "?"
        return f"{share}lookalike of {seed_name(aud.get('seed'), plan)} in {countries}"
    return str(kind)


def seed_name(ref: Any, plan: dict[str, Any]) -> str:
    """Return the display name of an audience reference (a plan audience's name, or the account's)."""
    ref = ref or {}
    if ref.get("key"):
        aud = planned(plan, ref["key"])
        return f"“{aud['name']}”" if aud else f"“{ref['key']}” (not in the plan)"
    if ref.get("name"):
        return f"“{ref['name']}”"
    return f"audience {ref.get('id', '?')}"


def planned(plan: dict[str, Any], key: str) -> dict[str, Any] | None:
    """Return the plan's audience with handle `key`, or None."""
    return next((a for a in plan.get("audiences") or [] if a.get("key") == key), None)


def _size_after_launch(aud: dict[str, Any]) -> str:
    if aud.get("kind") == "customer_list":  # the file is read only at launch: no counts here
        return ("size known after upload and matching; Meta needs about 20 matched people "
                "to deliver and at least 100 to seed a lookalike"
                + ("" if aud.get("phone_country") else
                   "; phones without a country code need phone_country"))
    if aud.get("kind") == "lookalike":
        return "size known after launch (Meta builds it in 1–6 hours)"
    return "size known after launch"


def existing_size(fact: dict[str, Any] | None) -> str:
    """Render an existing audience's size from Meta's approximate-count bounds (an estimate)."""
    if not fact:
        return "size not read"
    low, high = fact.get("lower"), fact.get("upper")
    if low is None or high is None or int(low) < 0:
        return "size not available from Meta"
    status = fact.get("delivery_status") or {}
    size = f"Meta counts about {int(low):,}–{int(high):,} people"
    if status.get("code") and int(status["code"]) != 200:
        size += f"; Meta says: {status.get('description') or 'not ready to deliver'}"
    return size


def ref_text(ref: dict[str, Any], plan: dict[str, Any], facts: dict[str, Any]) -> str:
    """One custom-audience reference: name, created-by-this-launch or existing, kind, size."""
    if ref.get("key"):
        aud = planned(plan, str(ref["key"]))
        if aud is None:
            return f"“{ref['key']}” (not in the plan's audiences)"
        return (f"“{aud.get('name')}” (created by this launch: {audience_plan_text(aud, plan)}; "
                f"{_size_after_launch(aud)})")
    fact = facts.get(str(ref.get("id"))) if ref.get("id") else None
    name = ref.get("name") or (fact or {}).get("name") or f"audience {ref.get('id')}"
    if not ref.get("id"):
        return f"“{name}” (existing; not yet looked up in the account)"
    kind = SUBTYPES.get(str((fact or {}).get("subtype")), "custom audience")
    return f"“{name}” (existing {kind}, id {ref['id']}; {existing_size(fact)})"


def custom_audience_lines(targeting: dict[str, Any], plan: dict[str, Any],
                          facts: dict[str, Any]) -> list[str]:
    """Card lines for included and excluded custom audiences (none when the ad set has none)."""
    out = []
    for field, verb in (("custom_audiences", "Only people in"),
                        ("excluded_custom_audiences", "Never shown to people in")):
        refs = targeting.get(field) or []
        if refs:
            verb += " any of" if len(refs) > 1 and field == "custom_audiences" else ""
            out.append(f"- {verb}: " + "; ".join(ref_text(r, plan, facts) for r in refs))
    return out


def advantage_text(targeting: dict[str, Any]) -> str:
    """Advantage+ audience on / off / Meta's default, with what it means for this audience."""
    value = (targeting.get("targeting_automation") or {}).get("advantage_audience")
    if value in (1, True, "1"):
        also = " and audiences" if targeting.get("custom_audiences") else ""
        return (f"on — Meta may reach beyond these ages and interests{also} when it expects "
                "better results (location, minimum age, languages and excluded audiences stay firm)")
    if value in (0, False, "0"):
        return "off — Meta keeps to the audience above"
    if advantage_audience(Targeting.model_validate(targeting)) == 0:
        return ("off — the ages, genders, audiences and interests above are firm limits (Meta "
                "needs a choice for a narrowed audience; say 'Advantage+ audience on' to let "
                "Meta reach beyond them)")
    return ("not set — Meta's default applies to this broad audience: on (it may reach beyond "
            "the ages and interests when it expects better results)")


def targeting_lines(targeting: dict[str, Any], plan: dict[str, Any], facts: dict[str, Any],
                    names: dict[str, Any] | None = None) -> list[str]:
    """Every "who" line beyond the compact audience line: audiences, detail, exclusions, Advantage+.

    `facts`: existing audiences by id; `names`: Meta's names of coded entries by key and code.
    """
    out = custom_audience_lines(targeting, plan, facts)
    if detail := detailed_targeting(targeting, names):
        out.append(f"- Detailed targeting: {detail}")
    excluded = detail_text(targeting.get("exclusions"), skip=("interests",), names=names)
    if excluded:
        out.append(f"- Excluded detailed targeting: {excluded}")
    out.append(f"- Advantage+ audience: {advantage_text(targeting)}")
    return out
