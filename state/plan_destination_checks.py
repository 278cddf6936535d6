"""Destination checks: instant forms (`ON_AD`) and click-to-message (Messenger, WhatsApp, Instagram Direct).

docs/facts-bidding-placements-destinations.md §3: an `ON_AD` ad set belongs to an OUTCOME_LEADS
campaign (Meta refuses it under OUTCOME_ENGAGEMENT, 1815715), optimises for LEAD_GENERATION or
QUALITY_LEAD, promotes the page and uses a form with a privacy policy; a messaging ad set's
creative calls to message in the app it opens (MESSAGE_PAGE, WHATSAPP_MESSAGE), and a WhatsApp
call to action takes no link (105/1815630): Meta uses the page's linked number.
"""

from __future__ import annotations

from urllib.parse import urlparse

from state import rules
from state.plan import AdSetPlan, LeadFormPlan
from state.plan_findings import Findings

__all__ = ["check_destination", "check_lead_form"]

_WEBSITE_BUTTONS = ("VIEW_WEBSITE", "DOWNLOAD")  # Meta needs the thank-you page's website_url
_WHATSAPP_HOSTS = ("wa.me", "api.whatsapp.com", "whatsapp.com", "www.whatsapp.com",
                   "chat.whatsapp.com")


def check_lead_form(ck: Findings) -> None:
    """Check the plan's instant form, and whether any ad set uses it."""
    form = ck.plan.lead_form
    on_ad = [s for s in ck.plan.ad_sets if s.destination_type == "ON_AD"]
    if form is None:
        return
    if not on_ad:
        ck.warn("lead_form", "the plan defines a lead form but no ad set sends people to it",
                "set destination_type ON_AD on the lead ad set, or drop the form", "lead_form")
    if form.form_id:
        return  # an existing form: Meta already holds its questions and policy
    _form_content(ck, form)


def _form_content(ck: Findings, form: LeadFormPlan) -> None:
    pp = form.privacy_policy
    if pp is None:
        ck.bad("lead_form.privacy_policy", "Meta requires a privacy policy on every lead form",
               "add privacy_policy.url, the https address of the advertiser's privacy policy",
               "lead_form")
    else:
        parsed = urlparse(pp.url)
        if parsed.scheme != "https" or "." not in parsed.netloc:
            ck.bad("lead_form.privacy_policy.url", f"{pp.url!r} is not an https address",
                   "use the full https URL of the privacy policy", "lead_form")
        if pp.link_text and len(pp.link_text) > rules.PRIVACY_LINK_TEXT_MAX:
            ck.bad("lead_form.privacy_policy.link_text", f"the link text is {len(pp.link_text)} "
                   f"characters; Meta allows {rules.PRIVACY_LINK_TEXT_MAX}",
                   f"shorten it to {rules.PRIVACY_LINK_TEXT_MAX} characters", "lead_form")
    if not form.questions:
        ck.bad("lead_form.questions", "the lead form asks nothing",
               "add questions, e.g. FULL_NAME and EMAIL", "lead_form")
    for j, q in enumerate(form.questions):
        if q.type == "CUSTOM" and not q.label:
            ck.bad(f"lead_form.questions[{j}].label", "a custom question needs its wording",
                   "add label, the question people read", "lead_form")
        if q.type != q.type.upper() or not q.type.replace("_", "").isalnum():
            ck.bad(f"lead_form.questions[{j}].type", f"{q.type!r} is not a Meta question type",
                   "use FULL_NAME, EMAIL, PHONE, CITY, ZIP, ... or CUSTOM", "lead_form")
    thanks = form.thank_you_page
    if thanks and thanks.website_url:
        ck.url("lead_form.thank_you_page.website_url", thanks.website_url)
    elif thanks and thanks.button_type.upper() in _WEBSITE_BUTTONS and not (
            thanks.button_type.upper() == "VIEW_WEBSITE" and ck.plan.landing_url):
        # the launch gives a VIEW_WEBSITE button the plan's landing_url (meta_tree_audiences)
        ck.bad("lead_form.thank_you_page.website_url", f"the thank-you page's "
               f"{thanks.button_type.upper()} button needs a website_url, and the plan has "
               "no landing_url to use; Meta refuses the form", "set lead_form.thank_you_page."
               "website_url (the https page the button opens), or the plan's landing_url, or "
               "another button_type", "lead_form")


def check_destination(ck: Findings, i: int, s: AdSetPlan) -> None:
    """ON_AD and messaging destinations of ad set `i`, and its creatives' calls to action."""
    base, p = f"ad_sets[{i}]", ck.plan
    if s.destination_type == "ON_AD":
        if p.objective != "OUTCOME_LEADS":
            ck.bad(f"{base}.destination_type", f"instant forms (ON_AD) run only in lead "
                   f"campaigns, not {p.objective}", "set the objective to OUTCOME_LEADS, or send "
                   "people to a website (destination_type WEBSITE)", "lead_destination")
        if p.lead_form is None:
            ck.bad("lead_form", f"{base} sends people to an instant form but the plan has none",
                   "add lead_form with questions and a privacy policy (or its form_id)",
                   "lead_destination")
        if p.objective == "OUTCOME_LEADS" and s.optimization_goal not in rules.LEAD_GOALS:
            ck.bad(f"{base}.optimization_goal", f"an instant-form ad set optimises for leads, "
                   f"not {s.optimization_goal}", "use LEAD_GENERATION or QUALITY_LEAD",
                   "lead_destination")
    ctas = rules.messaging_ctas(s.destination_type)
    apps = rules.MESSAGING_APPS.get(s.destination_type or "", frozenset())
    if "whatsapp" in apps and ck.account.page_whatsapp is False:
        ck.bad(f"{base}.destination_type", "the page has no WhatsApp number linked, so "
               "WhatsApp conversations cannot start", "link a WhatsApp Business number to the "
               "page in Meta Business Suite, or use MESSENGER", "messaging")
    if "instagram" in apps and ck.account.page_instagram is False:
        ck.bad(f"{base}.destination_type", "the page has no Instagram account linked",
               "link an Instagram professional account to the page, or use MESSENGER",
               "messaging")
    if "whatsapp" in apps and s.is_dynamic_creative:
        ck.bad(f"{base}.is_dynamic_creative", "Meta refuses dynamic creative in click-to-"
               "WhatsApp ads (1885392)", "use one ad per combination instead of dynamic "
               "creative, or another destination", "messaging")
    for j, ad in enumerate(s.ads):
        c, path = ad.creative, f"{base}.ads[{j}].creative"
        cta_types = (c.asset_feed_spec.call_to_action_types
                     if c.asset_feed_spec and c.asset_feed_spec.call_to_action_types
                     else [c.call_to_action])
        for cta in cta_types:
            if ctas and cta not in ctas:
                ck.bad(f"{path}.call_to_action", f"{s.destination_type} ads open a "
                       f"conversation, which the {cta} button does not",
                       f"use {' or '.join(sorted(ctas))}", "messaging")
            elif cta == "WHATSAPP_MESSAGE" and not apps & {"whatsapp"}:
                ck.bad(f"{path}.call_to_action", "a WhatsApp button needs a WhatsApp "
                       "destination", "set destination_type WHATSAPP, or use another call to "
                       "action", "messaging")
        if "WHATSAPP_MESSAGE" in cta_types and c.link and \
                urlparse(c.link).netloc.lower() in _WHATSAPP_HOSTS:
            ck.bad(f"{path}.link", "a WhatsApp button takes no link: Meta opens the page's "
                   "linked WhatsApp number (a wa.me link is refused, 105/1815630)",
                   "remove the WhatsApp link (the ad's link may stay the website)", "messaging")
