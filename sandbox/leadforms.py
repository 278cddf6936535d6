"""Instant forms: `POST/GET /<page_id>/leadgen_forms`, `GET/POST /<form_id>` (docs/facts-bidding-placements-destinations.md §3.1).

A form is stored as an object of type `leadgen_form` under its page (parent_id = page id)
with Meta's fields: `name`, `status` (ACTIVE), `questions` (each with `key`, `label`, `type`
and an `id`), `privacy_policy` ({url, link_text}; read back as `privacy_policy_url`),
`thank_you_page`, `locale`, `follow_up_action_url`, `block_display_for_non_targeted_viewer`
and `created_time`. Refusals are code 100 naming the field and the fix: no questions, no
privacy policy (Meta requires one), an invalid URL, `link_text` over 70 characters, an
unknown question type, a CUSTOM question without a label, repeated question keys, an
unknown locale or thank-you button. A form's status may change (ARCHIVED, DELETED); its
content may not (Meta: create a new form). Leads come from the delivery model, not here.
"""

from __future__ import annotations

import re
from typing import Any

from facebook_business.adobjects.leadgenform import LeadgenForm

from sandbox.context import RequestContext
from sandbox.enums import values
from sandbox.errors import invalid, not_found, required
from sandbox.fields import select
from sandbox.paging import paginate
from sandbox.params import get_bool, get_fields, get_json, get_list, get_str, validate_only

TYPE = "leadgen_form"
QUESTION_TYPES = frozenset({
    "CUSTOM", "FULL_NAME", "FIRST_NAME", "LAST_NAME", "EMAIL", "PHONE", "WORK_EMAIL",
    "WORK_PHONE_NUMBER", "CITY", "STATE", "PROVINCE", "COUNTRY", "ZIP", "POST_CODE",
    "STREET_ADDRESS", "DOB", "GENDER", "MARITIAL_STATUS", "RELATIONSHIP_STATUS",
    "MILITARY_STATUS", "COMPANY_NAME", "JOB_TITLE", "DATE_TIME", "STORE_LOOKUP", "SLIDER",
    "ID_CPF", "ID_AR_DNI", "ID_CL_RUT", "ID_CO_CC", "ID_EC_CI", "ID_PE_DNI", "ID_MX_RFC",
})
BUTTON_TYPES = frozenset({
    "VIEW_WEBSITE", "CALL_BUSINESS", "MESSAGE_BUSINESS", "DOWNLOAD", "SCHEDULE_APPOINTMENT",
    "VIEW_ON_FACEBOOK", "PROMO_CODE", "NONE", "WHATSAPP",
})
LOCALES = values(LeadgenForm.Locale)
STATUSES = values(LeadgenForm.Status)
MAX_LINK_TEXT = 70
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*\.[^\s]+$", re.IGNORECASE)
_KEY = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")


def _bad(msg: str, field: str) -> Any:
    return invalid(msg, fields=[field], title="Invalid Lead Form")


def _url(value: Any, field: str) -> str:
    text = str(value or "").strip()
    if not _URL.match(text):
        raise _bad(f"{field} must be a full http(s) URL such as https://example.com/privacy "
                   f"(got {text[:60]!r}).", field)
    return text


def _questions(raw: Any) -> list[dict[str, Any]]:
    if not raw:
        raise required("questions", 'add at least one, e.g. [{"type": "EMAIL"}]')
    if not isinstance(raw, list):
        raise _bad("questions must be a list of {type, key?, label?, options?}.", "questions")
    out, keys = [], set()
    for i, q in enumerate(raw):
        if not isinstance(q, dict) or not q.get("type"):
            raise _bad(f"questions[{i}] needs a type such as EMAIL, FULL_NAME or CUSTOM.",
                       "questions")
        qtype = str(q["type"]).upper()
        if qtype not in QUESTION_TYPES:
            raise _bad(f"questions[{i}].type {qtype!r} is not a lead form question type; use "
                       f"one of {', '.join(sorted(QUESTION_TYPES))}.", "questions")
        label = str(q.get("label") or "").strip()
        if qtype == "CUSTOM" and not label:
            raise _bad(f"questions[{i}] is a CUSTOM question and needs a label (the question "
                       "people read).", "questions")
        key = str(q.get("key") or (f"question_{i}" if qtype == "CUSTOM" else qtype.lower()))
        if not _KEY.match(key):
            raise _bad(f"questions[{i}].key {key!r} must be letters, digits, _ . or -.",
                       "questions")
        if key in keys:
            raise _bad(f"questions[{i}].key {key!r} repeats an earlier question's key; each "
                       "question needs its own key.", "questions")
        keys.add(key)
        item: dict[str, Any] = {"key": key, "label": label or qtype.replace("_", " ").title(),
                                "type": qtype, "id": str(1000 + i)}
        options = q.get("options")
        if options is not None:
            if not isinstance(options, list) or not all(
                isinstance(o, dict) and o.get("value") for o in options
            ):
                raise _bad(f"questions[{i}].options must be a list of {{value, key}}.",
                           "questions")
            item["options"] = [{"key": str(o.get("key") or o["value"]), "value": str(o["value"])}
                               for o in options]
        out.append(item)
    return out


def _privacy(raw: Any) -> dict[str, Any]:
    if not raw:
        raise required("privacy_policy", 'every lead form links to a privacy policy: '
                       '{"url": "https://example.com/privacy", "link_text": "Privacy policy"}')
    if not isinstance(raw, dict) or not raw.get("url"):
        raise _bad('privacy_policy must be {"url": ..., "link_text": ...}.', "privacy_policy")
    out = {"url": _url(raw["url"], "privacy_policy.url")}
    text = str(raw.get("link_text") or "").strip()
    if len(text) > MAX_LINK_TEXT:
        raise _bad(f"privacy_policy.link_text is {len(text)} characters; Meta allows at most "
                   f"{MAX_LINK_TEXT}.", "privacy_policy")
    if text:
        out["link_text"] = text
    return out


def _thank_you(raw: Any) -> dict[str, Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise _bad("thank_you_page must be an object {title, body, button_type, ...}.",
                   "thank_you_page")
    out = {k: v for k, v in raw.items() if v is not None}
    button = str(out.get("button_type", "VIEW_WEBSITE")).upper()
    if button not in BUTTON_TYPES:
        raise _bad(f"thank_you_page.button_type {button!r} is not valid; use one of "
                   f"{', '.join(sorted(BUTTON_TYPES))}.", "thank_you_page")
    out["button_type"] = button
    if button in ("VIEW_WEBSITE", "DOWNLOAD"):
        if not out.get("website_url"):
            raise _bad(f"thank_you_page.website_url is required with button_type {button}.",
                       "thank_you_page")
        out["website_url"] = _url(out["website_url"], "thank_you_page.website_url")
    if button == "CALL_BUSINESS" and not out.get("business_phone_number"):
        raise _bad("thank_you_page.business_phone_number is required with CALL_BUSINESS.",
                   "thank_you_page")
    return out


def create(ctx: RequestContext, page_id: str, params: dict[str, Any]) -> dict[str, Any]:
    """`POST /<page_id>/leadgen_forms`: validate; store unless `validate_only`."""
    name = get_str(params, "name")
    if not name or not name.strip():
        raise required("name", "give the form a name")
    doc: dict[str, Any] = {
        "name": name.strip(),
        "questions": _questions(get_list(params, "questions")),
        "privacy_policy": _privacy(get_json(params, "privacy_policy")),
        "status": "ACTIVE",
        "page_id": page_id,
    }
    doc["privacy_policy_url"] = doc["privacy_policy"]["url"]
    thank_you = _thank_you(get_json(params, "thank_you_page"))
    if thank_you:
        doc["thank_you_page"] = thank_you
    locale = (get_str(params, "locale") or "EN_US").upper()
    if locale not in LOCALES:
        raise _bad(f"locale {locale!r} is not a lead form locale; use one of "
                   f"{', '.join(sorted(LOCALES))}.", "locale")
    doc["locale"] = locale
    follow = get_str(params, "follow_up_action_url")
    if follow:
        doc["follow_up_action_url"] = _url(follow, "follow_up_action_url")
    doc["block_display_for_non_targeted_viewer"] = get_bool(
        params, "block_display_for_non_targeted_viewer", False)
    for key in ("question_page_custom_headline", "is_optimized_for_quality"):
        if params.get(key) not in (None, ""):
            doc[key] = get_json(params, key)
    if validate_only(params):
        return {"success": True}
    doc["created_time"] = ctx.iso()
    doc["leads_count"] = 0
    page = ctx.store.get_object(page_id) or {}
    saved = ctx.store.insert_object(TYPE, doc, account_id=str(page.get("_account_id") or ""),
                                    parent_id=page_id)
    saved["_type"] = TYPE
    out: dict[str, Any] = {"id": saved["id"]}
    if get_fields(params):
        out.update(select(saved, TYPE, params))
    return out


def list_forms(ctx: RequestContext, page_id: str, params: dict[str, Any]) -> dict[str, Any]:
    """`GET /<page_id>/leadgen_forms`: the page's forms, newest first (deleted ones hidden)."""
    docs = [d for d in reversed(ctx.store.list_objects(TYPE, parent_id=page_id))
            if d.get("status") != "DELETED"]
    page = paginate(ctx, docs, params)
    page["data"] = [select(d, TYPE, params) for d in page["data"]]
    return page


def _form(ctx: RequestContext, oid: str, method: str) -> dict[str, Any]:
    doc = ctx.store.get_object(oid, TYPE)
    if doc is None:
        raise not_found(oid, method)
    return doc


def read(ctx: RequestContext, oid: str, params: dict[str, Any]) -> dict[str, Any]:
    """`GET /<form_id>`."""
    return select(_form(ctx, oid, "get"), TYPE, params)


def update(ctx: RequestContext, oid: str, params: dict[str, Any]) -> dict[str, Any]:
    """`POST /<form_id>`: only `status` (ACTIVE, ARCHIVED, DELETED) changes."""
    doc = _form(ctx, oid, "post")
    other = sorted(k for k in params if k not in ("status", "execution_options", "fields"))
    if other:
        raise _bad(f"A lead form's content cannot change after creation ({', '.join(other)} "
                   "given); create a new form.", other[0])
    status = (get_str(params, "status") or "").upper()
    if status not in STATUSES - {"DRAFT"}:
        raise _bad("status must be ACTIVE, ARCHIVED or DELETED.", "status")
    if doc.get("status") == "DELETED":
        raise _bad("This form is deleted; it cannot change.", "status")
    if not validate_only(params):
        ctx.store.update_object(oid, {"status": status})
    return {"success": True}
