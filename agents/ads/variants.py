"""A/B test of an existing ad or ad set (workflow W5): read it, build variant B, propose the card.

Longer than 300 lines because the one change (copy, image, audience), the equal split, the
stopping rule and the card are read together from the same entity and must agree.

`propose_variant(client, intent, *, account, now, home)` takes the router's `ab_test` intent
(`state/intent.py`: `AbTestParams` and the `EntityRef` under test), reads the ad or ad set from
Meta (an ad: its creative's `object_story_spec` / `asset_feed_spec`, its ad set and campaign;
an ad set: its targeting, budget and ads) and returns the proposal
`{"title", "summary", "actions", "flags", "clarify", "experiment"}`. Reads only.

- **One change.** `copy_change` reads ``"headline: Run further"`` (or ``primary text:`` /
  ``description:``); `creative_with` copies the control creative with that text, or with the
  image replaced by the ``"{image}"`` placeholder. `image_file` finds the file the variant
  names and checks it with the asset agent's checks (`tools/asset_checks.py::check_image`):
  it must exist, be an image and lie under the working directory (or ADPILOT_HOME/downloads).
  `audience_change` reads ages, genders, places and interests with the planner's parsers
  (`agents/orchestrator/planning/people/`, `geo/`); every word none of them took is named in a
  question — nothing the request says is dropped. Lookalike, custom and retargeting audiences
  are asked about (adpilot cannot build them).
- **Equal split.** B lives in its own ad set (the control's settings: targeting, optimisation
  goal, billing, promoted object, bid strategy, schedule). With ad-set budgets A's daily budget
  is halved and B gets the other half (total spend unchanged); under a campaign budget (CBO)
  both ad sets get `daily_min_spend_target` = `daily_spend_cap` = half the campaign budget,
  because Meta's CBO does not guarantee an equal split; a CBO campaign with other active ad
  sets, lifetime budgets and halves under the account's minimum are asked about.
- **Stopping rule** (`stop_rule`): the keys `state/stopping_rule.py::stopping_rule`
  reads (`probability`, `min_days`, `max_days`, `min_conversions`); none given → its default.
- **Actions** in the optimise loop's shape (`agents/optimize/decide/rules.py`, `cycle.py`):
  `set_adset_budget` (or `set_adset_spend_limits` under CBO) for A's half, when A does not hold
  it already, and `create_ab_variant` whose args are the whole spec (`apply_variant` in
  `agents/ads/variant_apply.py` writes it, gating A's cut and B's create in one gate batch).
  Both are `risk: high`, `requires_review: True`, `group: "ab_test"`.
- **Experiment**: the resolved shape `agents/optimize/experiments.py` judges
  (`resolve_experiment`'s output: `kind`, `metric`, `level`, `rule`, `variants` A/B with
  `adset_ids`/`ad_ids`, `variant_ids`, `variant_adset_ids`) plus `stopping_rule`, `kpi`,
  `variable`, `campaign_id` and `start_time`; B's ids and `start_time` are filled by
  `apply_variant`.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import math
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

from agents.assets.nodes import file_digest
from agents.orchestrator.planning.geo.parse import find_geo
from agents.orchestrator.planning.people.audience import find_ages
from agents.orchestrator.planning.people.genders import ALL_GENDERS
from agents.orchestrator.planning.people.interests import find_interests
from agents.orchestrator.planning.structure import KPI
from state.exposure import as_int, parse_time
from state.guardrails import MoneyAction, gate
from state.intent import AbTestParams, Intent, StopRule
from state.provenance import visible_name, with_label
from state.rules import format_money
from tools.asset_checks import VIDEO_SUFFIXES, check_image
from tools.launch import NAME_MAX
from tools.money import account_state

ACTION = "create_ab_variant"
BUDGET_ACTION = "set_adset_budget"
LIMITS_ACTION = "set_adset_spend_limits"

IMAGE = "{image}"  # where the uploaded image's hash goes (filled at apply)
# A copy field as the request names it → (link_data key, video_data key, asset_feed_spec list).
COPY_FIELDS = {
    "headline": ("name", "title", "titles"),
    "primary text": ("message", "message", "bodies"),
    "description": ("description", "link_description", "descriptions"),
}
_FIELD_ALIASES = {"headline": "headline", "title": "headline", "primary text": "primary text",
                  "primary": "primary text", "body": "primary text", "text": "primary text",
                  "message": "primary text", "description": "description"}
_PREFIX = re.compile(r"^\s*(headline|title|primary\s+text|primary|body|text|message|description)"
                     r"\s*[:=]\s*(.+)$", re.I | re.S)
_QUOTES = "\"'“”‘’«»"
_FILE = re.compile(r"[\w~./\\-]+\.(?:png|jpe?g|gif|bmp|tiff?|webp|mp4|mov|m4v)\b", re.I)
# Words an audience phrase may use around what the parsers read ("women 35-44 in the US too").
_FILLER = {"and", "or", "with", "in", "the", "a", "an", "only", "also", "too", "plus", "of",
           "to", "from", "all", "both", "ages", "aged", "age", "years", "year", "old", "olds",
           "yo", "audience", "audiences", "people", "targeting", "target", "version", "interests",
           "interest", "interested", "who", "are", "living", "located", "as", "well", "add",
           "adding", "same", "but", "instead", "new", "genders", "gender", "broad", "for", "at",
           "between", "y", "o", "just", "ad", "set", "users", "countries", "country"}
_INSTEAD = re.compile(r"\b(?:instead\s+of|rather\s+than|vs\.?|versus|against)\b.*$", re.I | re.S)
_ADD = re.compile(r"\b(?:too|also|as\s+well|add(?:ing)?|plus|\+|on\s+top)\b", re.I)
_UNSUPPORTED_AUDIENCE = re.compile(r"\b(?:look-?alike\w*|lal|custom\s+audiences?|customer\s+lists?|"
                                   r"retarget\w*|remarketing|site\s+visitors|email\s+lists?)\b",
                                   re.I)


@dataclasses.dataclass
class Change:
    """One variant change: what it replaces, before and after, or the question to ask."""

    kind: str  # copy | image | audience
    field: str = ""  # headline / primary text / description / image / targeting
    before: Any = None
    after: Any = None
    notes: list[str] = dataclasses.field(default_factory=list)  # said on the card
    question: str | None = None
    image: dict[str, Any] | None = None  # {"path", "name", "sha256"} for an image variant


def _unquote(text: str) -> str:
    text = text.strip()
    while len(text) >= 2 and text[0] in _QUOTES and text[-1] in _QUOTES:
        text = text[1:-1].strip()
    return text


def copy_change(variant: str | None) -> Change:
    """Read the variant copy: which field it replaces, and the new text."""
    if not variant or not _unquote(variant):
        return Change("copy", question="Which text should variant B try? Give it with its field, "
                      "e.g. headline: \"Run further\" (or primary text: / description:).")
    m = _PREFIX.match(variant)
    if m:
        name = _FIELD_ALIASES[re.sub(r"\s+", " ", m.group(1).lower())]
        return Change("copy", name, after=_unquote(m.group(2)))
    text = _unquote(variant)
    name = "headline" if len(text) <= 40 else "primary text"
    return Change("copy", name, after=text, notes=[
        f"The request did not say which text to replace: B replaces the {name} "
        f"({'≤' if name == 'headline' else '>'} 40 characters). Edit the card to change it."])


def copy_into(spec: dict[str, Any], change: Change) -> str | None:
    """Replace the copy in `spec` (a creative's params) in place; return a question or None."""
    link_key, video_key, feed_key = COPY_FIELDS[change.field]
    story = spec.get("object_story_spec")
    if isinstance(story, dict) and isinstance(story.get("link_data"), dict):
        data = story["link_data"]
        if data.get("child_attachments") and change.field != "primary text":
            return (f"The control ad is a carousel: each card has its own {change.field}. Which "
                    "card should B change (or test the primary text, which all cards share)?")
        change.before = data.get(link_key)
        data[link_key] = change.after
        return None
    if isinstance(story, dict) and isinstance(story.get("video_data"), dict):
        data = story["video_data"]
        change.before = data.get(video_key)
        data[video_key] = change.after
        return None
    feed = spec.get("asset_feed_spec")
    if isinstance(feed, dict):
        items = feed.get(feed_key) or []
        change.before = [i.get("text") for i in items if isinstance(i, dict)]
        if len(items) > 1:
            change.notes.append(f"The control's flexible creative has {len(items)} "
                                f"{feed_key}; B uses only the new one.")
        feed[feed_key] = [{"text": change.after}]
        return None
    return ("The control ad's creative has no link, video or flexible-format spec adpilot can "
            "copy (it may use an existing page post): adpilot cannot vary its copy. Choose "
            "another ad to test against.")


def image_into(spec: dict[str, Any], change: Change) -> str | None:
    """Put the `IMAGE` placeholder where `spec`'s image goes (in place); a question or None."""
    story = spec.get("object_story_spec")
    if isinstance(story, dict) and isinstance(story.get("link_data"), dict):
        data = story["link_data"]
        if data.get("child_attachments"):
            return ("The control ad is a carousel: which card's image should B replace? "
                    "adpilot tests one image against a single-image ad.")
        change.before = data.get("image_hash") or data.get("picture")
        data.pop("picture", None)
        data["image_hash"] = IMAGE
        return None
    if isinstance(story, dict) and isinstance(story.get("video_data"), dict):
        video = story.pop("video_data")
        cta = video.get("call_to_action") or {}
        link = (cta.get("value") or {}).get("link")
        if not link:
            return ("The control video ad has no link in its call to action, so an image "
                    "version cannot be built from it. Which landing page should B use?")
        change.before = f"video {video.get('video_id')}"
        story["link_data"] = {k: v for k, v in {
            "link": link, "message": video.get("message"), "name": video.get("title"),
            "description": video.get("link_description"), "call_to_action": cta,
            "image_hash": IMAGE}.items() if v}
        change.notes.append("The control is a video ad: B is the same copy and link as a "
                            "single-image ad.")
        return None
    feed = spec.get("asset_feed_spec")
    if isinstance(feed, dict):
        change.before = [i.get("hash") for i in feed.get("images") or [] if isinstance(i, dict)]
        feed["images"] = [{"hash": IMAGE}]
        feed.pop("videos", None)
        feed["ad_formats"] = ["SINGLE_IMAGE"]
        return None
    return ("The control ad's creative has no link, video or flexible-format spec adpilot can "
            "copy: adpilot cannot vary its image. Choose another ad to test against.")


def creative_with(creative: dict[str, Any], change: Change) -> tuple[dict[str, Any], str | None]:
    """Return the variant creative's create params (control's, with the one change)."""
    spec = {k: copy.deepcopy(creative[k]) for k in ("object_story_spec", "asset_feed_spec",
                                                   "url_tags", "degrees_of_freedom_spec")
            if creative.get(k)}
    spec["name"] = f"{creative.get('name') or 'Creative'} — B"
    why = copy_into(spec, change) if change.kind == "copy" else image_into(spec, change)
    return spec, why


def image_file(variant: str | None, roots: list[Path], targeting: dict[str, Any]) -> Change:
    """Find and check the image file the variant names (under one of `roots`)."""
    names = _FILE.findall(variant or "")
    if not names:
        return Change("image", "image", question=(
            f"Which image file should variant B use? The request says "
            f"{variant!r}" if variant else "Which image file should variant B use? The request "
            "names none") + "; give the file's name in the working directory, e.g. "
            "shoe_blue.png.")
    name = names[0]
    path = Path(name).expanduser()
    if not path.is_absolute():
        path = roots[0] / path
    path = path.resolve()
    if path.suffix.lower() in VIDEO_SUFFIXES:
        return Change("image", "image", question=f"{name} is a video: adpilot's A/B test "
                      "replaces an image. Give an image file (JPG or PNG).")
    if not any(path.is_relative_to(r.resolve()) for r in roots):
        return Change("image", "image", question=(
            f"{name} is outside the working directory ({roots[0]}); adpilot only uploads files "
            "under it. Copy the image into the working directory and name it again."))
    problems, warnings = check_image("variant", path, {"targeting": targeting})
    if problems:
        p = problems[0]
        return Change("image", "image", question=f"{name}: {p['message']} — {p['fix']}.")
    return Change("image", "image", after=path.name,
                  notes=[f"{path.name}: {w['message']} ({w['fix']})" for w in warnings],
                  image={"path": str(path), "name": path.name, "sha256": file_digest(path)})


def _leftover(text: str, spans: list[tuple[int, int]], known: list[str]) -> str:
    keep = [True] * len(text)
    for lo, hi in spans:
        for i in range(max(lo, 0), min(hi, len(text))):
            keep[i] = False
    rest = "".join(c if k else " " for c, k in zip(text, keep, strict=True))
    for word in known:  # names a parser already reported as unknown are asked about anyway
        rest = rest.replace(word, " ")
    words = [w for w in re.split(r"[\s,;:+&/()]+", rest) if w]
    return " ".join(w for w in words if w.lower().strip(".-'\"") not in _FILLER
                    and re.search(r"[^\W\d_]", w))


def audience_change(text: str | None, targeting: dict[str, Any], *, currency: str,
                    today: date) -> Change:
    """Return the control's targeting with what the audience text says replaced."""
    said = _unquote(text or "")
    if not said:
        return Change("audience", "targeting", question="Which audience should variant B "
                      "reach? e.g. women 35-44, ages 30-50, US + Canada, or interests: yoga.")
    if m := _UNSUPPORTED_AUDIENCE.search(said):
        return Change("audience", "targeting", question=(
            f"'{m.group(0)}': adpilot cannot build lookalike, custom or retargeting audiences for "
            "a variant. Which ages, genders, places or interests should B target instead?"))
    body = _INSTEAD.sub("", said).strip() or said
    ages, geo, interests = find_ages(body, today), find_geo(body, currency), find_interests(body)
    questions = [q.question for q in [*ages.flags, *geo.flags]]
    if ages.age_variants:
        questions.append(f"'{body}' names {len(ages.age_variants)} age ranges; an A/B test tries "
                         "one variant at a time. Which one should B use?")
    if interests.unknown or geo.unknown:
        unknown = [*interests.unknown, *geo.unknown]
        questions.append(f"adpilot does not know {', '.join(repr(u) for u in unknown)} as "
                         "an interest or a place. Name it differently, or leave it out?")
    rest = _leftover(body, [*ages.spans, *geo.spans, *interests.spans],
                     [*interests.unknown, *geo.unknown])
    if rest:
        questions.append(f"'{rest}' (in '{said}') is not something adpilot can target as ages, "
                         "genders, places or interests. What should B target instead, or may it "
                         "be left out?")
    if questions:
        return Change("audience", "targeting", question=" ".join(questions))
    after = copy.deepcopy(targeting)
    notes: list[str] = []
    if ages.age_min is not None or ages.age_max is not None:
        after["age_min"] = ages.age_min if ages.age_min is not None else 18
        after["age_max"] = ages.age_max if ages.age_max is not None else 65
    if ages.genders is not None:
        after["genders"] = ages.genders
    elif any(True for _ in ages.spans) and _said_everyone(body):
        after.pop("genders", None)
    if geo.geo_locations():
        new = geo.geo_locations()
        if _ADD.search(body):
            old = dict(targeting.get("geo_locations") or {})
            for key, values in new.items():
                merged = list(old.get(key) or [])
                merged += [v for v in values if v not in merged]
                old[key] = merged
            new = old
            notes.append("B adds the places named to the control's locations.")
        after["geo_locations"] = new
        if geo.excluded_geo_locations():
            after["excluded_geo_locations"] = geo.excluded_geo_locations()
    if interests.found:
        after.pop("interests", None)
        after["flexible_spec"] = [{"interests": interests.found}]
        if interests.excluded:
            after["exclusions"] = {"interests": interests.excluded}
    if after == targeting:
        return Change("audience", "targeting", question=(
            f"'{said}' is the control's audience already: what should B change?"))
    notes += [str(a.why) for a in [*ages.adjustments, *geo.adjustments] if getattr(a, "why", "")]
    return Change("audience", "targeting", before=targeting, after=after, notes=notes)


def _said_everyone(text: str) -> bool:
    return bool(ALL_GENDERS.search(text))


def targeting_text(targeting: dict[str, Any]) -> str:
    """Say a targeting spec in a few words (ages, genders, places, interests)."""
    parts = [f"{targeting.get('age_min', 18)}-{targeting.get('age_max', 65)}"]
    genders = targeting.get("genders") or []
    parts.append({(1,): "men", (2,): "women"}.get(tuple(genders), "all genders"))
    geo = targeting.get("geo_locations") or {}
    places = [*(geo.get("countries") or []),
              *(str(r.get("name") or r.get("key")) for r in geo.get("regions") or []),
              *(str(c.get("name") or c.get("key")) for c in geo.get("cities") or [])]
    if places:
        parts.append(", ".join(places))
    names = [str(i.get("name") or i.get("id")) for spec in targeting.get("flexible_spec") or []
             for i in spec.get("interests") or []]
    names += [str(i.get("name") or i.get("id")) for i in targeting.get("interests") or []]
    if names:
        parts.append("interests " + ", ".join(names))
    return "; ".join(parts)


# -- reading the entity under test -------------------------------------------------------------

AD_READ = "id,name,status,effective_status,adset_id,campaign_id,creative"
ADSET_READ = ("id,name,status,effective_status,campaign_id,daily_budget,lifetime_budget,targeting,"
              "optimization_goal,billing_event,promoted_object,bid_strategy,bid_amount,"
              "destination_type,start_time,end_time,daily_spend_cap,daily_min_spend_target")
CAMPAIGN_READ = "id,name,status,objective,daily_budget,lifetime_budget,bid_strategy"
CREATIVE_READ = "id,name,object_story_spec,asset_feed_spec,url_tags"
# What the variant ad set copies from the control (with its budget, status and schedule).
COPIED_ADSET_KEYS = ("targeting", "optimization_goal", "billing_event", "promoted_object",
                     "bid_strategy", "bid_amount", "destination_type")
_GONE = ("DELETED", "ARCHIVED")


def _live(objs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [o for o in objs if str(o.get("status") or "").upper() not in _GONE]


def _names(objs: list[dict[str, Any]]) -> str:
    return ", ".join(f"{o.get('name')} ({o.get('id')})" for o in objs)


def read_subject(client: Any, entity: Any, variable: str | None) -> dict[str, Any] | str:
    """Read the ad or ad set under test, its ad set, campaign, sibling ads and creative.

    Returns the question to ask when the entity does not name one ad (copy, image) or one ad
    set (audience).
    """
    kind, oid = str(entity.type), str(entity.id)
    ad: dict[str, Any] | None = None
    if kind == "campaign":
        sets = _live(client.get_all(f"{oid}/adsets", {"fields": "id,name,status"}))
        if len(sets) != 1:
            return (f"{entity.name} has {len(sets)} ad sets ({_names(sets)}): which one (or which "
                    "of its ads) should the test vary?")
        kind, oid = "adset", str(sets[0]["id"])
    if kind == "ad":
        ad = client.get(oid, {"fields": AD_READ})
        adset = client.get(str(ad["adset_id"]), {"fields": ADSET_READ})
    else:
        adset = client.get(oid, {"fields": ADSET_READ})
    campaign = client.get(str(adset["campaign_id"]), {"fields": CAMPAIGN_READ})
    ads = _live(client.get_all(f"{adset['id']}/ads", {"fields": AD_READ}))
    siblings = _live(client.get_all(f"{campaign['id']}/adsets", {"fields": "id,name,status"}))
    if ad is None and variable in ("copy", "image"):
        if len(ads) != 1:
            return (f"{adset.get('name')} has {len(ads)} ads ({_names(ads)}): which one should "
                    f"variant B change the {'copy' if variable == 'copy' else 'image'} of?")
        ad = ads[0]
    creative = None
    if ad is not None and variable in ("copy", "image"):
        ref = ad.get("creative") or {}
        creative = client.get(str(ref.get("id")), {"fields": CREATIVE_READ})
    return {"campaign": campaign, "adset": adset, "ad": ad, "ads": ads, "creative": creative,
            "siblings": [s for s in siblings if str(s["id"]) != str(adset["id"])]}


# -- the equal split and the stopping rule -----------------------------------------------------

class SplitQuestion(str):
    """The question how much a day A and B each get (answered: `propose_variant(split_minor=)`)."""

    field = "split_daily"


def equal_split(subject: dict[str, Any], account: dict[str, Any], money: Any,
                split_minor: int | None = None) -> dict[str, Any] | str:
    """Return how A and B get equal budgets (ad-set budgets halved, or CBO spend limits).

    `split_minor`: what a person answered to "how much a day should A and B each get?" (a
    campaign budget shared with other active ad sets).
    """
    campaign, adset = subject["campaign"], subject["adset"]
    cname, aname = campaign.get("name"), adset.get("name")
    if as_int(campaign.get("lifetime_budget")):
        return (f"{cname} has a lifetime campaign budget; adpilot splits daily budgets only. "
                "Test in a campaign with a daily budget, or split it by hand.")
    minimum = int(account.get("min_daily_budget_minor") or 0)
    if daily := as_int(campaign.get("daily_budget")):
        active = [s for s in subject["siblings"] if str(s.get("status")).upper() == "ACTIVE"]
        if active and split_minor is None:
            return SplitQuestion(
                f"{cname} uses a campaign budget (Advantage campaign budget) shared with "
                f"{len(active)} other active ad set(s) ({_names(active)}). Meta's campaign "
                "budget does not guarantee A and B an equal split; how much a day should A "
                "and B each get? (adpilot then sets both ad sets' daily minimum and cap to "
                "that amount.)")
        if active and split_minor is not None and 2 * split_minor > daily:
            return SplitQuestion(
                f"{money(split_minor)} a day each for A and B is {money(2 * split_minor)}, more "
                f"than {cname}'s campaign budget of {money(daily)} a day; how much a day should "
                "A and B each get?")
        half = split_minor if active and split_minor is not None else daily // 2
        if half < minimum:
            return (f"Half of {cname}'s {money(daily)} a day ({money(half)}) is below this "
                    f"account's minimum daily budget ({money(minimum)}). Raise the campaign "
                    "budget first, or test elsewhere.")
        limits = {"daily_min_spend_target": half, "daily_spend_cap": half}
        before = {k: as_int(adset.get(k)) or None for k in limits}
        return {"level": "campaign", "total": daily, "half": half, "control": limits,
                "variant": dict(limits), "before": before,
                "text": (f"{cname} uses a campaign budget ({money(daily)} a day): Meta's campaign "
                         "budget does not guarantee an equal split, so adpilot sets both A's and "
                         f"B's daily minimum spend and daily spend cap to {money(half)} — "
                         f"{money(half)} a day each. The campaign budget (total spend) is "
                         "unchanged.")}
    if as_int(adset.get("lifetime_budget")) and not as_int(adset.get("daily_budget")):
        return (f"{aname} has a lifetime budget; adpilot splits daily budgets only. Test an ad "
                "set with a daily budget, or split it by hand.")
    daily = as_int(adset.get("daily_budget"))
    if not daily:
        return f"{aname} has no daily budget adpilot can read; which budget should A and B share?"
    half = daily // 2
    if half < minimum:
        return (f"Half of {aname}'s {money(daily)} a day ({money(half)}) is below this account's "
                f"minimum daily budget ({money(minimum)}). Raise the budget first, or test "
                "elsewhere.")
    odd = " (one minor unit of the odd amount is left out)" if daily % 2 else ""
    return {"level": "adset", "total": daily, "half": half, "control": {"daily_budget": half},
            "variant": {"daily_budget": half}, "before": {"daily_budget": daily},
            "text": (f"Equal split: A's daily budget goes from {money(daily)} to {money(half)} "
                     f"and B gets {money(half)}{odd} — total spend unchanged at "
                     f"{money(2 * half)} a day.")}


DEFAULT_DAYS = 21  # the planner's test length when the brief says none (`structure.experiment`)


def stop_rule(stop: StopRule | None, currency: str, daily_total: int,
              money: Any) -> tuple[dict[str, float], str] | str:
    """Return the normalised stopping rule (`agents/optimize/experiments.py` keys) and its words.

    None → the default (P(best) ≥ 95 % from day 7, at most 21 days). Days end the test at that
    day; a spend limit becomes the days it takes at the test's total daily budget; a
    confidence replaces 95 %. Early stops need at least min(7, max(3, days // 3)) days, as the
    planner's experiments do.
    """
    if stop is None:
        rule = {"probability": 0.95, "min_days": 7.0, "max_days": float(DEFAULT_DAYS),
                "min_conversions": 0.0}
        return rule, ("default rule: B or A wins once its probability of being best reaches "
                      "95 % (from day 7); at day 21 without a winner the test is inconclusive")
    if stop.currency and stop.currency.upper() != currency:
        return (f"The stop rule's amount is in {stop.currency.upper()} but the account is in "
                f"{currency}; adpilot never converts. Give the amount in {currency}.")
    probability = 0.95 if stop.confidence is None else float(stop.confidence)
    if not 0.5 <= probability < 1:
        return f"A confidence of {probability:.0%} cannot stop a test: give one from 50 % to 99 %."
    limits, words = [], []
    if stop.days:
        limits.append(int(stop.days))
        words.append(f"after {stop.days} days")
    if stop.spend_minor is not None:
        days = max(1, math.ceil(int(stop.spend_minor) / max(daily_total, 1)))
        limits.append(days)
        words.append(f"once {money(int(stop.spend_minor))} is spent (≈ {days} days at "
                     f"{money(daily_total)} a day for A and B together)")
    days = min(limits) if limits else DEFAULT_DAYS
    min_days = min(7, max(3, days // 3), days) if limits else 7
    rule = {"probability": probability, "min_days": float(min_days), "max_days": float(days),
            "min_conversions": 0.0}
    text = (f"stop {' or '.join(words) or f'at day {days}'}: the side whose probability of "
            f"being best reaches {probability:.0%} wins (from day {min_days}); otherwise the "
            "result is inconclusive")
    if stop.spend_minor is not None:
        text += " (the loop counts days, so the spend limit is kept as the day it is reached)"
    return rule, text


# -- keys and the money actions ----------------------------------------------------------------

def object_key(key: str, what: str) -> str:
    """Return the plan key of one object of a variant (its own provenance tag)."""
    return hashlib.sha256(f"{key}:{what}".encode()).hexdigest()


def money_actions(args: dict[str, Any]) -> list[MoneyAction]:
    """Return the gate's typed actions of a variant: A's budget cut (if any), B's ad set create."""
    out = []
    control = args.get("control_budget")
    if control:
        name = BUDGET_ACTION if "daily_budget" in control else LIMITS_ACTION
        out.append(MoneyAction.from_action(name, control))
    out.append(MoneyAction.create("adset", object_key(args["key"], "adset"), adset_params(args),
                                  account_id=str(args["account_id"]),
                                  parent_id=str(args["campaign_id"]),
                                  live=args["adset"].get("status") == "ACTIVE"))
    return out


def adset_params(args: dict[str, Any]) -> dict[str, Any]:
    """Return the variant ad set's create params exactly as they are sent (labelled)."""
    key = object_key(args["key"], "adset")
    params = with_label(args["adset"], key)
    params["name"] = visible_name(str(params.get("name") or "B"), key, NAME_MAX["adset"])
    params["campaign_id"] = str(args["campaign_id"])
    return params


# -- the proposal --------------------------------------------------------------------------------

def _ask(title: str, question: str, flags: list[str] | None = None) -> dict[str, Any]:
    return {"title": title, "summary": [f"**Question:** {question}"], "actions": [],
            "flags": list(flags or []), "clarify": question, "experiment": None}


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return " / ".join(f"“{v}”" for v in value) or "—"
    return f"“{value}”" if value not in (None, "") else "—"


def _variant_ads(subject: dict[str, Any], change: Change) -> list[dict[str, Any]]:
    """Return the ads of B: the varied ad (copy, image), or every ad of A's ad set (audience)."""
    if change.kind == "audience":
        return [{"name": str(a.get("name") or "Ad"), "control_ad_id": str(a["id"]),
                 "creative_id": str((a.get("creative") or {}).get("id")),
                 "status": str(a.get("status") or "PAUSED").upper()} for a in subject["ads"]]
    ad = subject["ad"]
    return [{"name": f"{ad.get('name') or 'Ad'} — B", "control_ad_id": str(ad["id"]),
             "creative_id": None, "status": str(ad.get("status") or "PAUSED").upper()}]


def _variant_adset(subject: dict[str, Any], change: Change, split: dict[str, Any],
                   now: datetime) -> dict[str, Any]:
    adset = subject["adset"]
    params = {k: copy.deepcopy(adset[k]) for k in COPIED_ADSET_KEYS if adset.get(k) not in
              (None, "", {})}
    if change.kind == "audience":
        params["targeting"] = change.after
    params.update(split["variant"])
    start, end = parse_time(adset.get("start_time")), parse_time(adset.get("end_time"))
    if start is not None and start > now:
        params["start_time"] = str(adset["start_time"])
    if end is not None:
        params["end_time"] = str(adset["end_time"])
    params["name"] = f"{adset.get('name') or 'Ad set'} — B ({change.kind} test)"
    params["status"] = str(adset.get("status") or "PAUSED").upper()
    return params


def _experiment(subject: dict[str, Any], change: Change, rule: dict[str, float],
                stop: StopRule | None, ads: list[dict[str, Any]]) -> dict[str, Any]:
    objective = str(subject["campaign"].get("objective") or "OUTCOME_SALES")
    metric, kpi = KPI.get(objective, ("cost_per_result", "conversions"))
    level = "adset" if change.kind == "audience" else "ad"
    a_ads = [a["control_ad_id"] for a in ads]
    return {"kind": "audience" if change.kind == "audience" else "creative",
            "variable": change.kind, "field": change.field, "metric": metric, "kpi": kpi,
            "level": level, "stopping_rule": dict(rule), "rule": dict(rule),
            "asked": stop.model_dump(exclude_none=True) if stop else None,
            "campaign_id": str(subject["campaign"]["id"]),
            "variants": {"A": {"adset_ids": [str(subject["adset"]["id"])], "ad_ids": a_ads},
                         "B": {"adset_ids": [], "ad_ids": []}},
            "variant_ids": list(a_ads), "variant_adset_ids": [str(subject["adset"]["id"])],
            "start_time": None}


def _rows(subject: dict[str, Any], change: Change, split: dict[str, Any],
          money: Any) -> list[str]:
    a_set = subject["adset"]
    rows = ["| | A (control, as it runs) | B (variant) |", "| --- | --- | --- |",
            f"| Ad set | {a_set.get('name')} | new ad set beside it, same settings |"]
    if subject.get("ad") is not None and change.kind != "audience":
        rows.append(f"| Ad | {subject['ad'].get('name')} | a copy of it, one change |")
    if change.kind == "copy":
        rows.append(f"| {change.field.capitalize()} | {_shown(change.before)} | "
                    f"{_shown(change.after)} |")
    elif change.kind == "image":
        rows.append(f"| Image | {change.before or '—'} | {change.after} (uploaded on approval) |")
    else:
        rows.append(f"| Audience | {targeting_text(change.before or {})} | "
                    f"{targeting_text(change.after or {})} |")
        rows.append(f"| Ads | {len(subject['ads'])} | the same {len(subject['ads'])} "
                    "(same creatives) |")
    if split["level"] == "adset":
        rows.append(f"| Daily budget | {money(split['total'])} → {money(split['half'])} | "
                    f"{money(split['half'])} |")
    else:
        rows.append(f"| Daily min / cap | {money(split['half'])} / {money(split['half'])} | "
                    f"{money(split['half'])} / {money(split['half'])} |")
    return rows


def propose_variant(client: Any, intent: Intent, *, account: dict[str, Any], now: datetime,
                    home: str, policy: Any = None, workdir: str | None = None,
                    split_minor: int | None = None) -> dict[str, Any]:
    """Propose an A/B test of the intent's ad or ad set: the card, the actions, the experiment.

    Reads only. `account` is `tools.account.account_info`; `now` the account's clock; `home`
    ADPILOT_HOME (its `downloads` may hold images too); `workdir` (default: the working
    directory) is where image files are looked up. With `policy`, the money gate is previewed
    and what it would refuse is flagged (the gate runs again, authoritatively, at apply).
    """
    if intent.route != "ab_test":
        raise ValueError(f"propose_variant takes an ab_test intent, not {intent.route!r}")
    params = AbTestParams.model_validate(intent.params)
    currency = str(account.get("currency") or "USD").upper()

    def money(minor: int) -> str:
        return format_money(int(minor), currency)

    title = "A/B test"
    if len(intent.entities) != 1:
        names = ", ".join(e.name for e in intent.entities) or "nothing"
        return _ask(title, f"An A/B test varies one ad or ad set; the request names {names}. "
                    "Which one should be tested?")
    entity = intent.entities[0]
    title = f"A/B test on {entity.name}"
    flags = ([f"“{entity.name}” was matched by a close name (fuzzy): check it is the one meant."]
             if entity.match == "fuzzy" else [])
    variable = params.variable or ("audience" if entity.type == "adset" else None)
    if variable is None:
        return _ask(title, f"What should variant B change on {entity.name}: the copy (e.g. "
                    "headline: \"Run further\"), the image (a file), or the audience?", flags)
    subject = read_subject(client, entity, variable)
    if isinstance(subject, str):
        return _ask(title, subject, flags)
    adset = subject["adset"]
    if variable == "copy":
        change = copy_change(params.variant)
    elif variable == "image":
        roots = [Path(workdir or Path.cwd()), Path(home) / "downloads"]
        change = image_file(params.variant, roots, dict(adset.get("targeting") or {}))
    else:
        change = audience_change(params.variant, dict(adset.get("targeting") or {}),
                                 currency=currency, today=now.date())
    creative = None
    if change.question is None and variable in ("copy", "image"):
        creative, why = creative_with(subject["creative"] or {}, change)
        change.question = why
    if change.question is not None:
        return _ask(title, change.question, flags)
    split = equal_split(subject, account, money, split_minor)
    if isinstance(split, str):
        return {**_ask(title, split, flags),
                **({"clarify_field": split.field} if isinstance(split, SplitQuestion) else {})}
    ruled = stop_rule(params.stop_rule, currency, 2 * split["half"], money)
    if isinstance(ruled, str):
        return _ask(title, ruled, flags)
    rule, rule_text = ruled
    ads = _variant_ads(subject, change)
    control_budget = {"adset_id": str(adset["id"]), **split["control"]}
    if all(as_int(adset.get(k)) == v for k, v in split["control"].items()):
        control_budget = {}  # A already holds its half (e.g. after an earlier apply)
    args: dict[str, Any] = {
        "kind": change.kind, "field": change.field, "account_id": str(account.get("id") or
                                                                     client._account()),
        "campaign_id": str(subject["campaign"]["id"]),
        "control": {"adset_id": str(adset["id"]),
                    "ad_id": str(subject["ad"]["id"]) if subject.get("ad") else None},
        "adset": _variant_adset(subject, change, split, now), "creative": creative,
        "ads": ads, "image": change.image, "control_budget": control_budget or None,
        "experiment": _experiment(subject, change, rule, params.stop_rule, ads)}
    args["key"] = hashlib.sha256(json.dumps({k: v for k, v in args.items() if k != "experiment"},
                                            sort_keys=True, default=str).encode()).hexdigest()
    actions = _actions(subject, change, split, args, money)
    flags += change.notes
    if len(subject["ads"]) > 1 and change.kind != "audience":
        flags.append(f"{adset.get('name')} runs {len(subject['ads'])} ads: A's half of the budget "
                     "is shared by them, so the test compares the two ads by their cost per "
                     "result (ad against ad), not by volume.")
    if policy is not None:
        flags += _preview(client, args, policy, now)
    summary = [f"**{title}** — {change.kind} test, B beside A in its own ad set.", "",
               *_rows(subject, change, split, money), "", split["text"],
               f"Stop rule: {rule_text}.",
               "What the loop does: each optimise cycle reads A's and B's results and computes "
               "each side's probability of being best on "
               f"{args['experiment']['metric'].replace('_', ' ')}; it never moves budget "
               "between A and B nor pauses one on its own. When the rule ends the test it "
               "proposes pausing the loser (on a card); an inconclusive test keeps both running "
               "for a person to decide."]
    return {"title": title, "summary": summary, "actions": actions, "flags": flags,
            "clarify": None, "experiment": args["experiment"]}


def _actions(subject: dict[str, Any], change: Change, split: dict[str, Any],
             args: dict[str, Any], money: Any) -> list[dict[str, Any]]:
    adset, campaign = subject["adset"], subject["campaign"]
    target = {"id": str(adset["id"]), "name": str(adset.get("name") or ""), "level": "adset",
              "parent_id": str(campaign["id"]), "campaign_id": str(campaign["id"])}
    out = []
    if args["control_budget"]:
        limits = split["level"] == "campaign"
        out.append(_action(
            LIMITS_ACTION if limits else BUDGET_ACTION,
            {k: v for k, v in args["control_budget"].items()}, target,
            [f"A/B test: A keeps half the budget so A and B split it equally ({split['text']})"],
            {"before_minor": split["total"] if not limits else None, "after_minor": split["half"],
             "variant_minor": split["half"], "before": split["before"],
             "applied_with": ACTION},
            f"{'set spend limits of' if limits else 'halve the daily budget of'} "
            f"{adset.get('name')} to {money(split['half'])} — applied together with "
            f"{ACTION} (one gate check)", "budget", "down"))
    what = (f"{change.field} {_shown(change.after)}" if change.kind == "copy" else
            f"image {change.after}" if change.kind == "image" else
            f"audience {targeting_text(change.after or {})}")
    out.append(_action(
        ACTION, args, {**target, "level": "ad" if subject.get("ad") and change.kind != "audience"
                       else "adset", "id": str((subject.get("ad") or adset)["id"]),
                       "name": str((subject.get("ad") or adset).get("name") or "")},
        [f"A/B test requested: B = {what}, beside {adset.get('name')}"],
        {"variable": change.kind, "field": change.field, "before": change.before,
         "after": change.after, "daily_minor": split["half"]},
        f"create B ({what}) in its own ad set with {money(split['half'])} a day, "
        f"{args['adset']['status']}", args["experiment"]["metric"], "compare"))
    return out


def _action(name: str, args: dict[str, Any], target: dict[str, Any], reasons: list[str],
            evidence: dict[str, Any], description: str, metric: str,
            direction: str) -> dict[str, Any]:
    return {"name": name, "args": args, "target": target, "verdict": "TEST", "reasons": reasons,
            "evidence": evidence, "description": description,
            "expected_effect": {"metric": metric, "direction": direction, "text": description},
            "risk": "high", "requires_review": True, "group": "ab_test"}


def _preview(client: Any, args: dict[str, Any], policy: Any, now: datetime) -> list[str]:
    """Say what the money gate would refuse now (reads only; not authoritative)."""
    verdict = gate(money_actions(args), policy, account_state(client, now=now))
    return [f"The money gate would refuse this now: {r.message}" for r in verdict.refusals]
