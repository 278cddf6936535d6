"""The offline rules planner: brief → `PlannerResult` with a `CampaignPlan` dict.

Longer than 300 lines because it puts every parser's facts together into one plan and its
questions; the parsing itself lives in the modules beside it.

Deterministic: the same brief and defaults give the same plan. It never guesses a fact the
marketer must give — landing page, Facebook page, pixel (sales), budget, country — but asks
for it in `questions`; it reports phrases it did not understand in `not_understood`. Structure:

- one ad set, or one per variant for an audience test ("25-34 vs 35-44", "women vs men"),
  or one per language when the brief gives copy in several languages;
- one ad per image/video, one carousel ad when a carousel is asked for, one ad per copy
  variant for a creative test ("A/B test two headlines"), one dynamic-creative ad when the
  brief asks Meta to mix the assets;
- audiences, detailed targeting, Advantage+ audience, bid strategies, lead forms and
  conversations from `capabilities.py` (issue 15);
- budget on the campaign, or split equally across ad sets for audience tests and
  "$X/day each" budgets (fair tests need equal spend);
- everything else from `state/rules.py` defaults for the objective.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from agents.orchestrator.planning import (
    GOAL,
    SPEND,
    WAIVABLE,
    WHO,
    Adjustment,
    NotUnderstood,
    PlanDefaults,
    PlannerResult,
    Question,
    capabilities,
)
from agents.orchestrator.planning.capabilities.net import dropped_capabilities
from agents.orchestrator.planning.copy import brand_of, product_of
from agents.orchestrator.planning.facts import FILLER, Facts, read_facts
from agents.orchestrator.planning.money.budget import money_problems
from agents.orchestrator.planning.money.targets import Targets
from agents.orchestrator.planning.names.derive import ad_set_name, campaign_name, goal_words
from agents.orchestrator.planning.normalise import normalise
from agents.orchestrator.planning.parse_optimisation import settle as settle_optimisation
from agents.orchestrator.planning.structure import (
    LABELS,
    ad_set_variants,
    creatives,
    experiment,
    split_questions,
    targeting,
)
from agents.orchestrator.planning.understand import not_understood, unsupported_asks, unused_quotes
from state import rules
from state.plan import (
    MAX_AMOUNT_MINOR,
    CampaignPlan,
    load_plan,
    plan_dict,
)
from state.plan_checks import AccountInfo, validate_plan


def _q(field: str, question: str) -> dict[str, str]:
    return Question(field, question).to_dict()


def _setup(f: Facts, objective: str) -> dict[str, Any]:
    """Destination, goal, billing and promoted object for the objective and the brief's hints."""
    d = dict(rules.DEFAULT_SETUP[objective])
    if objective == "OUTCOME_SALES" and f.value_goal:
        d["optimization_goal"] = "VALUE"
    if objective == "OUTCOME_TRAFFIC" and f.lpv_goal:
        d["optimization_goal"] = "LANDING_PAGE_VIEWS"
    if objective == "OUTCOME_ENGAGEMENT" and f.video_views:
        d.update(destination_type="ON_VIDEO", optimization_goal="THRUPLAY")
    elif objective == "OUTCOME_ENGAGEMENT" and f.page_likes:
        d.update(destination_type="ON_PAGE", optimization_goal="PAGE_LIKES")
    return capabilities.setup(f.caps, objective, d)


def _promoted(objective: str, setup: dict[str, Any], page: str | None, pixel: str | None,
              landing: str | None, app_id: str | None = None) -> dict[str, Any] | None:
    need = rules.required_promoted_object_keys(objective, setup["destination_type"],
                                               setup["optimization_goal"])
    po: dict[str, Any] = {}
    if "pixel_id" in need:
        po.update(pixel_id=pixel, custom_event_type=setup["custom_event_type"] or "PURCHASE")
    if "page_id" in need:
        po["page_id"] = page
    if "object_store_url" in need:
        po.update(application_id=app_id, object_store_url=landing)
    return {k: v for k, v in po.items() if v is not None} or None


def _dt(day: date | None, tz: str) -> str | None:
    if day is None:
        return None
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(tz)).isoformat()


def _eu(f: Facts) -> bool:
    groups = set(f.geo.country_groups) & {"europe", "worldwide"}
    return bool(f.geo.all_countries() & rules.DSA_COUNTRIES or groups)


def _questions(f: Facts, objective: str, page: str | None, pixel: str | None) -> list[dict]:
    qs = []
    # An instant form or a conversation is where a click goes: no web page is needed (the
    # launch gives the link ad Meta's placeholder link, state/meta_tree_creatives.story_link).
    if f.assets.landing_url is None and not f.caps.destination.destination_type:
        qs.append(_q("landing_url", "Which web page should the ads send people to? "
                     "(e.g. https://example.com/sale)"))
    a = f.assets
    if not (a.images or a.videos or a.image_urls or a.video_urls or a.unresolved_globs):
        # Every ad adpilot plans shows an image or a video: without one the plan cannot pass
        # validation, so ask now rather than fail after the other questions were answered.
        qs.append(_q("assets", "Which images or videos should the ads use? (file paths or "
                     "URLs, e.g. hero.jpg, promo.mp4)"))
    if page is None:
        qs.append(_q("page_id", "Which Facebook page should run the ads? (its page id)"))
    if objective == "OUTCOME_SALES" and pixel is None:
        qs.append(_q("pixel_id", "Which Meta pixel measures purchases on the site? (its id)"))
    if objective == "OUTCOME_LEADS" and pixel is None and capabilities.needs_pixel(f.caps, objective):
        qs.append(_q("pixel_id", "Which Meta pixel records leads on the site (its Lead event)? "
                     "(its id)"))
    if objective == "OUTCOME_APP_PROMOTION" and not f.ids.get("application_id"):
        qs.append(_q("application_id", "Which app should be installed? (its Meta app id)"))
    m = f.money
    if m is None and any(q.field == "budget" for q in f.flags):
        pass  # the budget the brief gives is asked about already (conflict, invalid)
    elif m is None:
        qs.append(_q("budget", "What budget should the campaign spend? (e.g. $50/day or "
                     "$1,500 in total)"))
    elif m.kind == "lifetime" and f.schedule.end is None and \
            not any(q.field == "end_date" for q in f.flags):
        qs.append(_q("end_date", f"Until when should the {m.amount_text} total run? (a lifetime "
                     "budget needs an end date, e.g. 'end date: March 31')"))
    elif m.kind is None and f.schedule.end is None:
        qs.append(_q("budget", f"Is ‘{m.phrase}’ a daily budget or the total for the campaign? "
                     f"(e.g. 'Budget: {m.amount_text} a day' or 'Budget: {m.amount_text} in "
                     "total')"))
    if not f.geo.geo_locations():
        hint = f" ('{f.unknown_places[0]}' is not a place adpilot knows)" if f.unknown_places \
            else ""
        qs.append(_q("country", f"Which country or city should the ads reach?{hint}"))
    if _eu(f) and not f.advertiser:
        qs.append(_q("dsa_payor", "Ads shown in the EU must name who pays for them and who "
                     "benefits (Digital Services Act). What is the advertiser's legal name?"))
    return qs


def build_plan(f: Facts) -> tuple[dict[str, Any], list[dict], list[dict]]:
    """Return (plan dict, questions, warnings) from the facts."""
    d = f.defaults
    warnings: list[dict] = []
    objective = f.objective
    if objective is None:
        objective = "OUTCOME_TRAFFIC"
        f.adjustments.append(Adjustment("objective", None, objective, "the brief names no goal, "
                                        "so the plan optimises for website traffic; say sales, "
                                        "leads, awareness or engagement to change it"))
        warnings.append({"path": "objective", "message": "the brief names no goal; planned "
                         "for website traffic", "fix": "say what you want: sales, leads, "
                         "traffic, awareness, engagement or app installs", "rule": "objective"})
    page = f.ids.get("page_id") or d.page_id
    pixel = f.ids.get("pixel_id") or d.pixel_id
    landing = f.assets.landing_url
    questions = _questions(f, objective, page, pixel)
    restricted = bool(set(f.special) & rules.RESTRICTED_TARGETING_CATEGORIES)
    if restricted:
        f.adjustments += special_category_adjustments(f)
    setup, asked = settle_optimisation(f.optimisation, objective, _setup(f, objective))
    questions += [q.to_dict() for q in asked]
    cta = f.cta or rules.DEFAULT_CTA[objective]
    currency = (f.money.currency if f.money and f.money.currency else d.currency)
    variants = ad_set_variants(f, restricted)
    # Several audiences are an experiment unless the brief only asked for separate ad sets.
    audience_test = len(variants) > 1 and not f.audience.split_only and not f.copy_languages \
        and not any(v.get("split") for v in variants)  # "one ad set per country": apart
    questions += [q.to_dict() for q in split_questions(f, len(variants), restricted)]
    ad_sets = []
    for i, v in enumerate(variants):
        t = targeting(f, v, restricted)
        ads = creatives(f, objective, landing, cta, v)
        ad_set: dict[str, Any] = {
            "name": ad_set_name(t, v.get("label")),
            "targeting": t, "optimization_goal": setup["optimization_goal"],
            "billing_event": setup["billing_event"], "destination_type": setup["destination_type"],
            "promoted_object": _promoted(objective, setup, page, pixel, landing,
                                         f.ids.get("application_id")), "ads": ads}
        if audience_test:
            ad_set["variant"] = LABELS[i]
        if f.advertiser and _eu(f):
            ad_set.update(dsa_payor=f.advertiser, dsa_beneficiary=f.beneficiary or f.advertiser)
        ad_sets.append(ad_set)
    budget = None
    m = f.money
    if m is not None:
        kind = m.kind or ("lifetime" if f.schedule.end else None)
        if kind is not None:
            per = len(ad_sets) if m.per_ad_set else 1
            level = "ad_set" if len(variants) > 1 or m.per_ad_set else "campaign"
            amount = rules.to_minor(m.amount, currency) * per
            budget = {"kind": kind, "amount_minor": amount, "level": level}
            if amount > MAX_AMOUNT_MINOR:  # "$99999999999999999/day"
                budget = None
                questions.append(Question(
                    "budget", f"‘{m.phrase}’ is more than Meta accepts as a budget. What should "
                    "the campaign spend? (e.g. 'Budget: $50 a day')", "invalid", m.phrase,
                    SPEND).to_dict())
    plan: dict[str, Any] = {
        "name": _campaign_name(f, objective, landing), "objective": objective,
        "special_ad_categories": f.special, "currency": currency, "budget": budget,
        "start_time": _dt(f.schedule.start, d.timezone), "end_time": _dt(f.schedule.end, d.timezone),
        "landing_url": landing, "ad_sets": ad_sets, "go_live": f.go_live,
    }
    if f.special:
        plan["special_ad_category_country"] = sorted(f.geo.all_countries()) or None
    exp = experiment(f, objective, ad_sets, audience_test)
    if exp:
        plan["experiment"] = exp
    questions += [q.to_dict() for q in capabilities.apply(plan, f, restricted, page, pixel)]
    targets, target_warnings = plan_targets(f.targets, currency)
    if f.targets.flags:  # asked instead (the question names the phrase)
        target_warnings = []
    if targets:
        plan["targets"] = targets
    return plan, questions, warnings + target_warnings


def special_category_adjustments(f: Facts) -> list[Adjustment]:
    """Say each targeting value a special ad category widened ("ages 25-45 → 18-65")."""
    cats = sorted(set(f.special) & rules.RESTRICTED_TARGETING_CATEGORIES)
    why = f"because of the {' and '.join(cats)} special ad category (Meta requires ages " \
          "18-65, all genders and no detailed targeting)"
    a, base, out = f.audience, "ad_sets[0].targeting", []
    lo, hi = a.age_min or rules.AGE_DEFAULT_MIN, a.age_max or rules.AGE_MAX_CEIL
    if (lo, hi) != (rules.AGE_DEFAULT_MIN, rules.AGE_MAX_CEIL):
        ages = f"ages {lo}-{hi} widened to 18-65 {why}"
        if lo != rules.AGE_DEFAULT_MIN:
            out.append(Adjustment(f"{base}.age_min", lo, rules.AGE_DEFAULT_MIN, ages))
        if hi != rules.AGE_MAX_CEIL:
            out.append(Adjustment(f"{base}.age_max", hi, rules.AGE_MAX_CEIL, ages))
    if len(a.age_variants) >= 2 or f.gender_split or f.split.by == "gender":
        split = ", ".join(f"{lo}-{hi}" for lo, hi in a.age_variants) or "women, men"
        out.append(Adjustment("ad_sets", f"one ad set each ({split})", "one ad set",
                              f"the audiences would be identical {why}"))
    if a.gender_only:
        f.flags.append(Question(
            "genders", f"‘{a.gender_only}’: {' and '.join(cats)} ads must reach all genders "
            "(Meta refuses to limit them to one), so adpilot will not launch this as asked. "
            "Run it for everyone, or is this not a special category ad?", "conflict",
            a.gender_only, WHO))
    elif a.genders or any(a.variant_genders):
        out.append(Adjustment(f"{base}.genders", a.genders or "per ad set", None,
                              f"all genders {why}"))
    if f.interests.found:
        names = [i["name"] for i in f.interests.found]
        out.append(Adjustment(f"{base}.flexible_spec", names, None, f"interests dropped {why}"))
    return out


def plan_targets(t: Targets, currency: str) -> tuple[dict[str, Any], list[dict]]:
    """Return the plan's `targets` (CPA in minor units of the plan currency, ROAS) and warnings."""
    out: dict[str, Any] = {}
    warnings: list[dict] = []
    if t.cpa is not None:
        if t.cpa_currency and t.cpa_currency != currency:
            warnings.append({"path": "targets.cpa_minor", "message": f"the target CPA is in "
                             f"{t.cpa_currency} but the plan spends in {currency}; it was left out",
                             "fix": f"state the target CPA in {currency}", "rule": "targets"})
        else:
            out["cpa_minor"] = rules.to_minor(t.cpa, currency)
    if t.roas is not None:
        out["roas"] = round(t.roas, 4)
    return out, warnings


def _campaign_name(f: Facts, objective: str, landing: str | None) -> str:
    if f.given:  # "a sales campaign called Winter Boots": as written
        return f.given.name
    return campaign_name(product_of(f.brief) or brand_of(landing), objective,
                         f.schedule.start or f.defaults.today)


def plan_brief(brief: str, defaults: PlanDefaults | None = None) -> PlannerResult:
    """Plan a campaign from a brief, offline. See the module docstring."""
    d = defaults or PlanDefaults()
    if not isinstance(brief, str) or not brief.strip():
        return PlannerResult(plan=None, problems=[{"path": "brief", "message": "the brief is "
                             "empty", "fix": "describe the campaign in a sentence or two",
                             "rule": "brief"}])
    norm = normalise(brief, d)
    f = read_facts(norm.text, d)
    plan, questions, warnings = build_plan(f)
    warnings += [{"path": "ad_sets[0].targeting.excluded_geo_locations", "message": w,
                  "fix": "drop the exclusion or name the place it lies in", "rule": "geo_excluded"}
                 for w in f.geo.warnings]
    warnings += _copy_language(norm.language, f)
    asks, ask_spans = unsupported_asks(norm, f.caps.spans)
    understood, unclear = not_understood(norm, [*f.spans, *ask_spans], filler=frozenset(FILLER),
                                         objective=plan.get("objective"), waived=d.waived)
    understood += [NotUnderstood(f"interest not in the catalogue: {u}", WHO)
                   for u in f.interests.unknown]
    understood += [NotUnderstood(f"no files match {g}") for g in f.assets.unresolved_globs]
    understood += [NotUnderstood(f"web page not linked to: {u}") for u in f.assets.other_urls]
    understood += [NotUnderstood(f"signature, not read: {s}") for s in norm.set_aside]
    unused = unused_quotes(norm, [*f.spans, *ask_spans])
    flags = [*norm.flags, *asks, *f.flags, *unclear, *unused]
    # The net under every reader: a capability the brief names that the plan does not carry
    # (a phrasing no reader knows) is asked, never dropped (capabilities/net.py).
    flags += dropped_capabilities([brief, norm.text], plan, [*questions, *flags],
                                  who="adpilot's planner")
    asked = _unwaived(flags, d)
    questions += [_as_written(q.to_dict(), norm.adjustments) for q in asked]
    f.adjustments += _waived_goals(flags, asked, str(plan.get("objective") or ""))
    if f.objective is None:
        # A goal is never assumed (the whole plan is built for it): the traffic build_plan
        # falls back to only lets the rest be checked. A messaging ask's destination question
        # is its goal's, and a web page is not asked for a chat.
        if any(q["field"] == "destination_type" for q in questions):
            questions = [q for q in questions if q["field"] != "landing_url"]
        else:
            questions.insert(0, _q("objective", "What is the campaign for? The brief names no "
                                   "goal: say sales, leads, website traffic, awareness, "
                                   "engagement or app installs (e.g. 'goal: traffic')."))
        f.adjustments = [a for a in f.adjustments if a.path != "objective"]
        warnings = [w for w in warnings if w.get("rule") != "objective"]
    problems: list[dict] = []
    model: CampaignPlan | None = None
    try:
        model = load_plan(plan)
    except Exception as exc:  # a parse we cannot express as a plan is a bug; say so plainly
        problems.append({"path": "plan", "message": f"could not build a plan: {exc}",
                         "fix": "rephrase the brief or edit the plan", "rule": "structure"})
    if model is not None:
        now = datetime.combine(d.today, time(0), tzinfo=ZoneInfo(d.timezone))
        report = validate_plan(model, AccountInfo(currency=d.currency, page_id=d.page_id,
                                                  pixel_id=d.pixel_id, now=now))
        # A missing fact hides the rules it would only repeat; other questions hide nothing.
        complete = not any(q.get("kind", "missing") == "missing" and q.get("field") != "objective"
                           for q in questions)  # the goal's question: its rules still run
        problems += money_problems(report.problems, f.money, f.all_money, d.currency,
                                   all_rules=complete)
        warnings += [w.to_dict() for w in report.warnings] if complete else []
    out = plan_dict(model) if model is not None else plan
    return PlannerResult(plan=out, problems=problems, warnings=warnings, questions=questions,
                         not_understood=[u.to_dict() for u in understood],
                         adjustments=[a.to_dict() for a in [*norm.adjustments, *f.adjustments]])


def _copy_language(language: str, f: Facts) -> list[dict[str, str]]:
    """Warn when a brief in another language gets adpilot's English template copy."""
    written = [name for name, given in (("primary text", f.primary), ("headline", f.headlines),
                                        ("description", f.descriptions)) if not given]
    if language == "en" or not written:
        return []
    from agents.orchestrator.planning.lexicon import NAMES

    name = NAMES.get(language, language)
    return [{"path": "ad_sets[0].ads[0].creative", "message": f"the brief is in {name}, but the "
             f"{', '.join(written)} adpilot wrote {'is' if len(written) == 1 else 'are'} English "
             "template text", "fix": f"give the ad text in {name} in quotes, e.g. headline "
             "\"…\" and primary text \"…\", or edit the plan", "rule": "copy_language"}]


def _as_written(question: dict[str, Any], corrections: list[Any]) -> dict[str, Any]:
    """Quote the brief's own spelling in a question about a word the normaliser corrected."""
    phrase = str(question.get("phrase") or "")
    for c in corrections:
        if phrase and str(c.after) in phrase and str(c.before) not in phrase:
            phrase = phrase.replace(str(c.after), str(c.before))
            question = {**question, "phrase": phrase,
                        "question": f"{question['question']} (the brief wrote ‘{c.before}’)"}
    return question


def _waived_goals(flags: list[Question], asked: list[Question], objective: str
                  ) -> list[Adjustment]:
    """Say which goal a waived, unsupported goal was planned as ("store visits" → sales).

    `asked`: the flags still asked (`_unwaived`); the others were waived.
    """
    kept = {id(q) for q in asked}
    words = goal_words(objective).lower() or "another goal"
    return [Adjustment("objective", q.phrase, objective, f"‘{q.phrase}’ asks for a goal adpilot "
                       f"cannot plan, and you chose to go on without it: the plan is for {words} "
                       "instead; reject and name the goal to change it")
            for q in flags if q.affects == GOAL and q.kind == "unsupported" and id(q) not in kept]


def _unwaived(flags: list[Question], d: PlanDefaults) -> list[Question]:
    """Return the flags still asked: those a person waived (not understood, unsupported) drop."""
    waived = {w.strip().lower() for w in d.waived}
    return [q for q in flags if not (q.kind in WAIVABLE and q.phrase.strip().lower() in waived)]
