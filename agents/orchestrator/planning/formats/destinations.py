"""Where an ad takes people other than a website: an instant form or a conversation.

- **Lead forms**: "lead form", "instant form", "form: name, email, phone", "formulario
  instantáneo" → `lead_form` (Meta's `leadgen_forms` shape: questions FULL_NAME / EMAIL /
  PHONE / ZIP / CITY / ..., a quoted custom question as CUSTOM, the privacy policy URL, a
  thank-you text) and ad sets with `destination_type` ON_AD, `LEAD_GENERATION`. Meta requires a
  privacy policy on every form: with none in the brief the planner asks for
  `lead_form.privacy_policy`.
- **Conversations**: WhatsApp, Messenger, Instagram Direct → `destination_type` (WHATSAPP,
  MESSENGER, INSTAGRAM_DIRECT, or Meta's MESSAGING_* value for several apps), the
  `CONVERSATIONS` goal and the app's call to action. "Message us" naming no app is asked
  (`destination_type`).

`read_destination` runs before the asset and placement readers: the privacy page is not the
landing page, and "phone" in a form is no device.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from agents.orchestrator.planning import GOAL, Adjustment, Question
from agents.orchestrator.planning.cues import negated_before
from state import rules

FORM = re.compile(r"\b(?:(?:instant|lead(?:[- ]gen)?|native|facebook|meta|in[- ]app)\s+forms?|"
                  r"lead\s+ads?|formularios?\s+instant[aá]neos?|formulaires?\s+instantan[ée]s?|"
                  r"sofortformulars?|formul[aá]rios?\s+instant[aâ]neos?)\b"
                  r"|(?:^|(?<=[\s,.;(]))form\s*[:=]|(?:^|(?<=[\s,.;(]))forms?\s+(?=(?:full\s+)?name\b|e-?mail\b)",
                  re.I)
FIELDS: tuple[tuple[str, str], ...] = (
    (r"full\s+name|first\s+and\s+last\s+name|name|nombre(?:\s+completo)?|nom|nome", "FULL_NAME"),
    (r"(?:work\s+|business\s+|personal\s+)?e-?mails?(?:\s+address)?|correo(?:\s+electr[oó]nico)?|courriel|e-?mail-?adresse", "EMAIL"),
    (r"(?:mobile\s+|cell\s+|work\s+)?phone(?:\s+number)?s?|mobile\s+number|tel[eé]fono|t[eé]l[eé]phone|telefone|telefonnummer|"
     r"whatsapp\s+number|cell|telefon(?:nummer)?|handynummer|telem[oó]vel|celular", "PHONE"),
    (r"zip(?:\s+code)?|post(?:al)?\s*code|postcode|c[oó]digo\s+postal|code\s+postal|cep|plz|"
     r"postleitzahl", "ZIP"),
    (r"city|ciudad|ville|cidade|stadt", "CITY"),
    (r"state|province|estado", "STATE"),
    (r"company(?:\s+name)?|empresa|entreprise", "COMPANY_NAME"),
    (r"job\s+title", "JOB_TITLE"),
    (r"date\s+of\s+birth|birthday|dob", "DOB"),
)
FIELD_RE = [(re.compile(rf"\b(?:{p})\b", re.I), t) for p, t in FIELDS]
FIELD_JOIN = re.compile(r"^(?:\s|,|/|&|\+|\bwith\b|\basking(?:\s+for)?\b|\band\b|\bor\b|\by\b|\bet\b|\be\b|\bund\b|:|-|\(|\))*$", re.I)
CUSTOM_Q = re.compile(r"\b(?:custom\s+)?(?:question|pregunta|pergunta|frage)\s*:?\s*"
                      r"(?P<q>[\"“'‘«¿][^\"”’»\n]{3,120}?[\"”'’»?]+)", re.I)
PRIVACY = re.compile(r"\b(?:privacy(?:\s+policy)?|privacidad|privacidade|aviso\s+de\s+privacidad|"
                     r"pol[ií]tica\s+de\s+privacidad|confidentialit[eé]|datenschutz(?:erkl[aä]rung)?)"
                     r"\b[^\n]{0,25}?(?P<url>https?://[^\s,;)]+)", re.I)
# "… with options ASAP / 1-3 months / just looking", "(answers: yes, no)": a multiple choice
OPTIONS = re.compile(r"[\s,(—–-]*(?:with\s+|and\s+)?(?:the\s+)?(?:answer\s+)?(?:options?|choices?|answers?)"
                     r"\s*(?:[:=]|are|of)?\s*(?P<o>[^.;\n()]+?)\s*(?:\)|[.;\n]\s|[.;\n]?$)", re.I)
THANKS = re.compile(r"\bthank[- ]?you(?:\s+(?:screen|page|text|message))?\s*[:=]?\s*"
                    r"(?P<t>[\"“'‘][^\"”’\n]{2,120}[\"”'’])", re.I)

APPS = {
    "whatsapp": re.compile(r"\bwhats\s?app\b|\bwa\s+(?:business|no\.?|number)\b", re.I),
    "messenger": re.compile(r"\b(?:facebook\s+|fb\s+)?messenger\b", re.I),
    "instagram": re.compile(r"\b(?:instagram|ig|insta)\s+(?:direct|dms?|inbox|messages?)\b", re.I),
}
CHAT_CUE = re.compile(r"\b(?:click[- ]to[- ](?:whats\s?app|messenger|message|chat|dm)|messages?\s+"
                      r"campaign|messaging\s+(?:campaign|ads?)|message\s+us|(?:send|write)\s+(?:us\s+)?"
                      r"(?:a\s+)?(?:message|dm)|dm\s+us|chat\s+with\s+us|(?:nos\s+)?escriban|"
                      r"escr[ií]banos|[eé]crivez[- ]nous|schreib(?:en|t)\s+uns|(?:to|can|could)\s+"
                      r"(?:dm|message)\s+(?:us|the\s+(?:page|shop|store|team))|conversations?\s+"
                      r"(?:on|in|via)|(?:into|start)\s+an?\s+(?:\w+\s+)?chat)\b", re.I)
DESTINATION = {
    frozenset({"whatsapp"}): "WHATSAPP", frozenset({"messenger"}): "MESSENGER",
    frozenset({"instagram"}): "INSTAGRAM_DIRECT",
    frozenset({"messenger", "whatsapp"}): "MESSAGING_MESSENGER_WHATSAPP",
    frozenset({"instagram", "messenger"}): "MESSAGING_INSTAGRAM_DIRECT_MESSENGER",
    frozenset({"instagram", "whatsapp"}): "MESSAGING_INSTAGRAM_DIRECT_WHATSAPP",
    frozenset({"instagram", "messenger", "whatsapp"}):
        "MESSAGING_INSTAGRAM_DIRECT_MESSENGER_WHATSAPP",
}
# The button a one-app destination's chats start from (state/rules.MESSAGING_CTAS: SDK 26 has
# no INSTAGRAM_MESSAGE, so Instagram Direct opens with MESSAGE_PAGE).
CTA = {d: rules.MESSAGING_CTAS[next(iter(apps))] for d, apps in rules.MESSAGING_APPS.items()
       if len(apps) == 1}


@dataclass
class DestinationRead:
    """A lead form or a messaging destination, with the spans read and what to ask."""

    lead_form: dict[str, Any] | None = None
    destination_type: str | None = None  # ON_AD, WHATSAPP, MESSENGER, ... or None (website)
    cta: str | None = None
    phrase: str = ""
    spans: list[tuple[int, int]] = field(default_factory=list)
    url_spans: list[tuple[int, int]] = field(default_factory=list)  # not the landing page
    flags: list[Question] = field(default_factory=list)
    adjustments: list[Adjustment] = field(default_factory=list)


WEBSITE_FORM = re.compile(r"\b(?:form\s+on\s+(?:our|the)\s+(?:site|website)|landing\s+page\s+form|"
                          r"(?:website|site)\s+form)\b", re.I)
# "no instant form", "not a facebook form", "(no lead ads)": the brief refuses a form.
NOT_FORM = re.compile(r"\b(?:no|not|never|without|instead\s+of|rather\s+than|don'?t\s+(?:use|want))\s+"
                      r"(?:an?\s+|any\s+|the\s+)?$", re.I)
LEAD_IN = re.compile(r"[^.;\n:]{0,40}:\s*")


def _questions(text: str, start: int) -> tuple[list[dict[str, Any]], list[tuple[int, int]]]:
    """Return the form's fields listed after `start`, in order, until the list ends.

    A few words may come first when a colon ends them ("lead form for free consults: name,
    email").
    """
    out: list[dict[str, Any]] = []
    spans = []
    at = start
    if lead := LEAD_IN.match(text, start):
        first = [pat.match(text, lead.end()) for pat, _ in FIELD_RE]
        if any(first):
            spans.append((start, lead.end()))
            at = lead.end()
    while True:
        hit = None
        for pat, kind in FIELD_RE:
            m = pat.search(text, at, min(len(text), at + 40))
            if m and FIELD_JOIN.match(text[at:m.start()]) and (hit is None or m.start() < hit[0].start()):
                hit = (m, kind)
        if hit is None:
            break
        m, kind = hit
        if all(q["type"] != kind for q in out):
            out.append({"type": kind})
        spans.append((at, m.end()))
        at = m.end()
    return out, spans


def read_destination(text: str) -> DestinationRead:
    """Return the lead form or conversation the brief asks for (see the module docstring)."""
    r = DestinationRead()
    refused: set[tuple[int, int]] = set()  # "NOT a facebook form": read, and no form (website leads)
    for m in FORM.finditer(text):
        if neg := NOT_FORM.search(text, max(0, m.start() - 30), m.start()):
            refused.add(m.span())
            r.spans.append((neg.start(), m.end()))
    form = next((m for m in FORM.finditer(text) if m.span() not in refused), None)
    if form and WEBSITE_FORM.search(text) and not re.search(r"instant|sofort|instant[aá]neo|"
                                                            r"instantan", form.group(0), re.I):
        form = None  # "lead ads to the form on our site": website leads (facts.LEAD_WEBSITE)
    if form:
        r.destination_type, r.phrase = "ON_AD", form.group(0).strip()
        questions: list[dict[str, Any]] = []
        for m in FORM.finditer(text):
            if m.span() in refused:
                continue
            r.spans.append(m.span())
            qs, spans = _questions(text, m.end())
            r.spans += spans
            questions += [q for q in qs if q not in questions]
        # "ask name + phone + zip": a list of fields after a verb, anywhere in the brief
        for m in re.finditer(r"\b(?:ask(?:ing)?(?:\s+for)?|collect(?:ing)?|fields?\s*:?|"
                             r"capture)\s+", text, re.I):
            qs, spans = _questions(text, m.end())
            if qs:
                r.spans += [(m.start(), m.end()), *spans]
                questions += [q for q in qs if q not in questions]
        for m in CUSTOM_Q.finditer(text):
            label = m.group("q").strip("\"“”'‘’«» ")
            question: dict[str, Any] = {
                "type": "CUSTOM", "key": f"custom_{len(questions) + 1}",
                "label": label if label.endswith("?") or not m.group("q").endswith("?")
                else label + "?"}
            r.spans.append(m.span())
            if opts := OPTIONS.match(text, m.end()):
                said = opts.group("o")
                sep = r"\s*/\s*|\s*\|\s*" if re.search(r"/|\|", said) else r"\s*,\s*(?:or\s+)?|\s+or\s+"
                values = [v.strip(" \"“”'‘’") for v in re.split(sep, said) if v.strip(" \"“”'‘’")]
                question["options"] = [{"value": v, "key": f"{re.sub(r'[^a-z0-9]+', '_', v.lower()).strip('_') or 'option'}_{i + 1}"}
                                       for i, v in enumerate(values)]
                r.spans.append(opts.span())
            questions.append(question)
        if not questions:
            questions = [{"type": "FULL_NAME"}, {"type": "EMAIL"}]
            r.adjustments.append(Adjustment(
                "lead_form.questions", None, ["FULL_NAME", "EMAIL"], "the brief lists no "
                "questions for the form, so it asks for name and e-mail; list them to change it "
                "(e.g. 'form: name, phone, zip')"))
        lead_form: dict[str, Any] = {"name": "Lead form", "questions": questions}
        if priv := PRIVACY.search(text):
            lead_form["privacy_policy"] = {"url": priv.group("url").rstrip(".,")}
            r.spans.append(priv.span())
            r.url_spans.append(priv.span("url"))
        else:
            r.flags.append(Question(
                "lead_form.privacy_policy", f"‘{r.phrase}’: Meta requires a privacy policy link "
                "on every instant form. What is the URL of your privacy policy? (e.g. 'privacy "
                "policy https://example.com/privacy')", "missing", r.phrase, GOAL))
        if thanks := THANKS.search(text):
            lead_form["thank_you_page"] = {"title": thanks.group("t").strip("\"“”'‘’ ")}
            r.spans.append(thanks.span())
        r.lead_form = lead_form
        return r
    apps = {name for name, pat in APPS.items()
            if any(negated_before(text, m.start()) is None for m in pat.finditer(text))}
    cue = CHAT_CUE.search(text)
    if "instagram" not in apps and cue and re.search(r"\b(?:instagram|ig)\b", text[cue.start():
                                                                                 cue.end() + 60], re.I) \
            and re.search(r"\b(?:dm|direct|message)", text, re.I):
        apps.add("instagram")  # "DM us on Messenger or Instagram Direct"
    if not apps and cue is None:
        return r
    for name in apps:
        r.spans += [m.span() for m in APPS[name].finditer(text)]
    if cue:
        r.spans.append(cue.span())
    if not apps:
        assert cue is not None
        r.phrase = cue.group(0)
        r.flags.append(Question(
            "destination_type", f"‘{cue.group(0)}’: where should people message you — WhatsApp, "
            "Messenger or Instagram Direct (or several)? The app must be connected to the "
            "page.", "missing", cue.group(0), GOAL))
        return r
    if apps == {"messenger"} and cue is None and not re.search(
            r"\b(?:on|via|in|through)\s+(?:facebook\s+|fb\s+)?messenger\b|\bmessenger\s+(?:conversations?|"
            r"chats?|messages?|messaging|dms?|inquiries|enquiries|leads)\b", text, re.I):
        r.spans = []
        return r  # "Messenger" as a placement ("no Messenger"), read by the placement reader
    r.destination_type = DESTINATION[frozenset(apps)]
    r.cta = CTA.get(r.destination_type, "MESSAGE_PAGE")
    r.phrase = ", ".join(sorted(apps))
    return r
