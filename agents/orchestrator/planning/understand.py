"""Understand or ask: what a brief asks that the plan cannot honour is never dropped silently.

Longer than 300 lines because most of it is the tables both checks read (unsupported asks,
negation and who/spend/goal cue words).

Two checks run on every brief, for both planners (docs/design.md §3 "nothing is dropped silently"):

- `unsupported_asks(text, read)` recognises asks adpilot can name but cannot serve yet —
  call destinations, dayparting and budget schedules, frequency caps, connections targeting,
  block lists, lift studies, catalogue ads, placements per image. Each is a question of kind
  "unsupported" naming the words, so the plan cannot launch until a person answers (or waives
  it: then the plan launches without it, and the card says so). Asks adpilot now serves
  (custom audiences, lookalikes, exclusions, cost / bid caps, minimum ROAS, lead forms,
  messaging) become plan fields through the planner's readers; one of them that no reader
  took (`read`) is asked as a precise question naming the field (`audiences`,
  `customer_list`, `bid_amount`, `bid_constraints`, `lead_form`, `destination_type`).
- `not_understood(normalised, spans)` finds the words no parser used. A phrase among them
  that could change **who sees the ads**, **what is spent** or **what is optimised** — a
  negation or exclusion, a number, a people, place, money, schedule, bid or goal word — is a
  question of kind "not_understood"; any other leftover (a greeting, a brand story) is only
  listed, as harmless.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from agents.orchestrator.planning import GOAL, SPEND, WHO, FlagKind, NotUnderstood, Question
from agents.orchestrator.planning import lexicon as lx
from agents.orchestrator.planning.formats import unserved
from agents.orchestrator.planning.money import ramps
from agents.orchestrator.planning.normalise import WORD_RE, Normalised

# Asks adpilot serves (issue 15), recognised here only when the planner's readers did not take
# them: then the plan asks which audience, cap or destination is meant, naming the field.
# (feature, plan field, what it changes, pattern, what to say)
_UNCLEAR: tuple[tuple[str, str, str, str, str], ...] = (
    ("lookalike audience", "audiences", WHO,
     r"\b\d+(?:\.\d+)?\s*%\s*(?:lals?|look[- ]?a[- ]?likes?)\b|\blook[- ]?a[- ]?likes?\b|"
     r"\blals?\b|\bsimilar\s+audiences?\b|"
     r"\bpeople\s+(?:similar\s+to|like)\s+(?:our|my|existing|current|past)\s+(?:customers|"
     r"buyers|clients|subscribers|users)\b",
     "name the seed and the size, e.g. '1% lookalike of customers.csv' or '3% lookalike of website purchasers'"),
    ("retargeting (website custom audience)", "audiences", WHO,
     r"\bre-?target(?:ing|ed|s)?\b|\bre-?market(?:ing)?\b|\b(?:site|website|web|page|store|shop)"
     r"\s+visitors\b|\bpeople\s+who\s+(?:visited|viewed|browsed|added|abandoned|started|watched|"
     r"engaged|interacted|opened|clicked)\b|\b(?:cart|basket|checkout)\s+abandon(?:ers|ment)\b|"
     r"\babandoned\s+(?:carts?|baskets?|checkouts?)\b|\bpast\s+visitors\b|\bwarm\s+audiences?\b|"
     r"\b(?:video\s+viewers|page\s+engagers|ig\s+engagers|engagers)\b",
     "say who and how far back, e.g. 'people who visited the site in the last 30 days' or 'who engaged with our Instagram in the last 90 days'"),
    ("customer-list audience", "customer_list", WHO,
     r"\b(?:customer|client|email|e-mail|crm|contact|phone|subscriber|mailing)\s+lists?\b|"
     r"\bupload(?:ed|ing)?\s+(?:our|my|the|a)\s+(?:\w+\s+)?(?:list|emails|contacts|customers)\b|"
     r"\bcustom\s+audiences?\b|\bhashed\s+emails\b",
     "name the file, e.g. 'customer list: customers.csv', or an existing audience by name"),
    ("an audience of your own people (customers, subscribers, followers)",
     "audiences", WHO,
     r"\b(?:to|at|target(?:ing)?|reach(?:ing)?|only|just|show\s+(?:it|them|ads)\s+to|re-?engage)\s+"
     r"(?:all\s+)?(?:our|my|the|existing|current|past|previous|recent|loyal)\s+(?:(?:existing|current|"
     r"past|loyal|newsletter|email|e-mail|mailing|sms|vip|app|instagram|facebook|ig|fb|page)\s+)*"
     r"(?:subscribers|customers|buyers|purchasers|clients|members|followers|fans|donors|"
     r"patients|guests|users|list)\b",
     "name the list file (customers.csv), the pixel's purchasers, or an existing audience"),
    ("excluding existing customers", "audiences", WHO,
     r"\b(?:exclud\w*|excluding|except|without|not|no|minus|leave\s+out|skip)\s+(?:our\s+|the\s+|"
     r"any\s+|all\s+|existing\s+|current\s+|past\s+|previous\s+|recent\s+)*(?:[\w-]+\s+){0,2}?"
     r"(?:customers|buyers|purchasers|clients|subscribers|members|followers|fans|converters|"
     r"(?:people|anyone|those|users|folks|everyone|everybody|someone)\s+(?:who|that)\s+(?:have\s+|"
     r"'ve\s+|already\s+|recently\s+|previously\s+)*(?:bought|purchased|ordered|subscribed|"
     r"converted|signed\s+up|registered|visited|downloaded|installed|booked|donated|applied))\b",
     "name who to leave out: a list file (customers.csv), website purchasers, or an existing audience"),
    ("cost cap", "bid_amount", SPEND,
     r"\bcost[- ]caps?\b|\bcost\s+per\s+(?:result|action|purchase|lead|acquisition)\s+(?:goal|"
     r"cap|limit)\b|\bcap\s+(?:the\s+)?(?:cpa|cost)\b|\bcpa\s+(?:cap|bid|limit|ceiling)\b|"
     r"\bcost\s+control\b",
     "give the amount per result, e.g. 'cost cap $30 per purchase'"),
    ("bid cap", "bid_amount", SPEND,
     r"\bbid[- ]caps?\b|\bmax(?:imum)?\s+bids?\b|\bmanual\s+bid(?:ding)?\b|\bbid\s+(?:of|at|"
     r"limit)\b|\bbid\s+strategy\b|\bbid\s+\$?\d",
     "give the amount, e.g. 'bid cap $2.50'"),
    ("minimum-ROAS bidding", "bid_constraints", SPEND,
     r"\b(?:min(?:imum)?|floor|roas\s+goal|roas\s+floor)\s*(?:of\s+)?roas\b|\broas\s+(?:floor|"
     r"goal|bid(?:ding)?|minimum)\b|\bbid\s+(?:for|on)\s+roas\b",
     "give the floor, e.g. 'minimum ROAS 2.5x'"),
    ("instant lead form", "lead_form", GOAL,
     r"\b(?:instant|lead|native|in[- ]app|on[- ]facebook|facebook|meta|lead[- ]gen)\s+forms?\b|"
     r"\bform\s+(?:on|inside|in)\s+(?:facebook|instagram|meta|the\s+ad)\b|\blead\s+ads?\b|"
     r"\b(?:pop[- ]?up|auto[- ]?fill(?:ed|ing)?|pre[- ]?filled)\s+forms?\b|"
     r"\bforms?\b[^.\n]{0,40}\bauto[- ]?fill|\b(?:keep|stay)\s+(?:people\s+|them\s+)?on\s+"
     r"(?:facebook|instagram|fb|ig|meta)\b|\bwithout\s+(?:leaving|visiting)\s+(?:facebook|"
     r"instagram|the\s+app|the\s+site|our\s+site)\b|\b(?:shouldn'?t|don'?t|won'?t|never)\s+"
     r"(?:have|need)\s+to\s+(?:visit|go\s+to|leave)\b",
     "say 'instant form' with its questions and privacy policy, e.g. 'instant form: name, email; privacy https://example.com/privacy'"),
    ("messaging destination", "destination_type", GOAL,
     r"\bwhats\s?app\b|\bmessenger\s+(?:conversations?|messages?|chats?|ads?|campaign)\b|"
     r"\b(?:messages?|conversations?|chats?|dms?)\s+(?:on|via|in|through|to)\s+(?:messenger|"
     r"instagram|ig|facebook)\b|\bclick[- ]to[- ](?:message|messenger|whatsapp|chat|dm)\b|"
     r"\bdirect\s+messages?\b|\bsend\s+(?:us\s+)?(?:a\s+)?(?:message|dm)\b|"
     r"\b(?:instagram|ig|facebook|fb)\s+(?:dms?|direct|inbox)\b|\bdms\b|\bdm\s+us\b",
     "name the app: WhatsApp, Messenger or Instagram Direct (connected to the page)"),
)
# Asks adpilot can name but not serve yet: (feature, plan field, what it changes, pattern, why) can name but not serve yet: (feature, plan field, what it changes, pattern, why)
_UNSUPPORTED: tuple[tuple[str, str, str, str, str], ...] = (
    ("call destination", "ad_sets[0].destination_type", GOAL,
     r"\b(?:phone\s+calls?|click[- ]to[- ]call|calls\s+to\s+(?:our|the)\s+(?:office|store|"
     r"shop|number))\b",
     "call ads are not supported yet"),
    ("budget schedule / dayparting", "budget", SPEND,
     r"\bday[- ]?parting\b|\bad\s+schedul\w*\b|\bbudget\s+schedul\w*\b|\b(?:only\s+)?(?:run|show|"
     r"serve|deliver)\w*\s+(?:ads\s+)?(?:only\s+)?(?:between|from)\s+\d{1,2}(?::\d\d)?\s*"
     r"(?:am|pm|h)?\s*(?:-|–|to|and|until)\s*\d{1,2}(?::\d\d)?\s*(?:am|pm|h)?\b|"
     r"\b\d{1,2}(?::\d\d)?\s*(?:am|pm)?\s*(?:-|–|to)\s*\d{1,2}(?::\d\d)?\s*(?:am|pm)\b|"
     r"\b(?:on\s+)?weekdays\s+only\b|"
     r"\bonly\s+(?:on\s+)?(?:weekdays|weekends|business\s+hours|working\s+hours|mornings|"
     r"evenings|nights)\b|\bbusiness\s+hours\b|\b(?:during|in)\s+(?:office|working)\s+hours\b|"
     r"\b(?:raise|increase|boost|double|lower|cut)\s+(?:the\s+)?budget\s+(?:on|for|during)\s+"
     r"(?:weekends|fridays|black\s+friday|the\s+weekend|holidays)\b|"
     # "6pm to midnight", "noon to 3pm", "after 8pm only", "not on sundays", "skip weekends"
     r"\b(?:\d{1,2}(?::\d\d)?\s*(?:am|pm)?|noon|midday|midnight)\s*(?:-|–|to|till|until)\s*"
     r"(?:midnight|noon|midday)\b|\b(?:noon|midday|midnight)\s*(?:-|–|to|till|until)\s*\d{1,2}"
     r"(?::\d\d)?\s*(?:am|pm)\b|\b(?:after|before|past)\s+\d{1,2}(?::\d\d)?\s*(?:am|pm)\b|"
     r"\b(?:not|no\s+ads|never|nothing|skip|pause(?:\s+it)?|off|dark)\s+(?:on\s+)?(?:(?:mon|tues|"
     r"wednes|thurs|fri|satur|sun)days|weekends|weekdays)\b",
     "running ads only at certain hours or days (ad scheduling) is not supported yet"),
    ("a budget that changes over time", "budget", SPEND, ramps.PATTERN,
     "a campaign spends one budget from start to end; changing it on a date, after a while or "
     "on a condition (a budget schedule) is not supported yet"),
    ("frequency cap", "ad_sets[0].frequency_control_specs", SPEND,
     r"\bfrequency\s+caps?\b|\bcap\s+(?:the\s+)?frequency\b|\bno\s+more\s+than\s+\d+\s+"
     r"(?:times|impressions)\b|\bmax(?:imum)?\s+(?:frequency|\d+\s+impressions)\b|"
     # "nobody should see it more than twice a week", "at most 3 times per person"
     r"\b(?:more\s+than|at\s+most|no\s+more\s+than|max(?:imum)?|up\s+to|over)\s+(?:once|twice|"
     r"\d+\s*(?:x|times))\s+(?:a|per|every|each)\s+(?:day|week|month|person|user|head)\b",
     "frequency caps are not supported yet"),
    ("attribution setting", "ad_sets[0].attribution_spec", GOAL,
     r"\b(?:\d+|one|seven)[- ]day\s+(?:click|view)(?:[- ]through)?(?:\s+(?:attribution|window))?"
     r"(?:\s+only)?\b|\battribution\s+(?:window|setting|spec|model)s?\b|\bview[- ]through\b|"
     r"\b(?:click|view)[- ]only\s+attribution\b",
     "choosing the attribution window is not supported yet: Meta's default (7-day click, "
     "1-day view) would count the results and steer delivery"),
    ("connections targeting", "ad_sets[0].targeting.connections", WHO,
     r"\bfriends\s+of\s+(?:people|fans|followers|those|our)\b|\bpeople\s+who\s+(?:like|follow)\s+"
     r"(?:our|the)\s+(?:page|account|profile)\b|\bconnections\s+targeting\b",
     "targeting people by their connection to a page is not supported yet"),
    ("brand-safety block list", "ad_sets[0].targeting.brand_safety_content_filter_levels", WHO,
     r"\bblock\s*lists?\b|\bbrand[- ]safety\b|\binventory\s+filter\b|\bpublisher\s+(?:block\s*)?"
     r"lists?\b|\bexclude\s+(?:these\s+)?(?:publishers|apps|websites)\b",
     "block lists and inventory filters are not supported yet"),
    ("lift study / holdout test", "experiment", GOAL,
     r"\b(?:conversion|brand)\s+lift(?:\s+(?:study|test))?\b|\blift\s+(?:study|test)\b|"
     r"\bhold[- ]?out(?:\s+group)?\b|\bincrementality\b",
     "lift studies and holdout tests are not supported yet"),
    ("placements per image or video", "ad_sets[0].targeting.publisher_platforms", WHO,
     # one named file, or "the video" (one among others); "images for Instagram" is placements
     r"\b(?:(?:use|put|run|show|place|display|serve)\s+)?(?:[\w-]+\.(?:jpe?g|png|gif|webp|mp4|mov|"
     r"m4v)|(?:the|that|this)\s+(?:video|image|photo|picture|banner|carousel|clip|still))\s+"
     r"(?:only\s+|just\s+)?(?:on|in|for|to)\s+(?:the\s+)?"
     r"(?:instagram|facebook|fb|ig|insta|stories|story|reels|feeds?|marketplace|messenger|"
     r"audience\s+network|explore|right\s+column)\b",
     "an ad set shows all its ads in the same placements, so one image cannot run in other "
     "places than the rest; put them in separate ad sets (one brief each)"),
    ("targeting by ethnicity", "ad_sets[0].targeting", WHO,
     # people, not products ("ethnic wear", "Latino food"): a plural or an audience noun after
     r"\b(?:hispanics|latin[oa]s|latinxs?|african[- ]americans|asian[- ]americans|ethnicity|"
     r"(?:hispanic|latin[oa]|latinx|latine|african[- ]american|asian[- ]american|black|"
     r"multicultural|ethnic)\s+(?:audiences?|communit(?:y|ies)|consumers|customers|families|"
     r"households|women|men|people|shoppers|moms|market|segments?|groups?|minorities))\b",
     "Meta has no targeting by ethnicity or multicultural affinity; a language (e.g. Spanish "
     "speakers), places or interests can stand in"),
    ("catalogue / dynamic product ads", "objective", GOAL,
     r"\b(?:product\s+)?catalog(?:ue)?\s+(?:ads|sales|campaign)\b|\bdynamic\s+product\s+ads\b|"
     r"\bdpa\b|\badvantage\+\s+shopping\b|\basc\b|\bshopping\s+campaign\b",
     "catalogue (dynamic product) ads are not supported yet"),
    *unserved.GOALS,
)
UNSUPPORTED = tuple((name, fld, affects, re.compile(pat, re.I), why)
                    for name, fld, affects, pat, why in _UNSUPPORTED)
UNCLEAR = tuple((name, fld, affects, re.compile(pat, re.I), why)
                for name, fld, affects, pat, why in _UNCLEAR)


def unsupported_asks(n: Normalised, read: Iterable[tuple[int, int]] | None = None
                     ) -> tuple[list[Question], list[tuple[int, int]]]:
    """Questions for every unsupported or unread ask in the brief, and the spans they cover.

    `read` are the spans the planner's readers took (in `n.text`): an audience, bid, form or
    chat ask inside one became part of the plan; one outside any is asked about (which
    audience, which amount, which app), naming the field. Without `read` (the LLM planner,
    whose draft carries these asks itself) only the unsupported asks are looked for.
    """
    questions: list[Question] = []
    spans: list[tuple[int, int]] = []
    seen: set[str] = set()
    taken = list(read or [])
    tables: list[tuple[tuple[Any, ...], FlagKind]] = [(UNSUPPORTED, "unsupported")]
    if read is not None:
        tables.append((UNCLEAR, "not_understood"))
    for table, flag in tables:
        kind: str = flag
        for name, fld, affects, pattern, why in table:
            hits = [m.span() for m in pattern.finditer(n.text) if not n.is_protected(*m.span())]
            if kind == "not_understood":
                hits = [h for h in hits if not any(s < h[1] and h[0] < e for s, e in taken)]
            for start, end in _merged(hits, n.text):
                phrase = n.original_text(start, end).strip()
                spans.append((start, end))
                if phrase.lower() in seen:
                    continue
                seen.add(phrase.lower())
                questions.append(Question(fld, _say(kind, phrase, name, why), kind=flag,
                                          phrase=phrase, affects=affects))
    return questions, spans


def _say(kind: str, phrase: str, name: str, why: str) -> str:
    if kind == "unsupported":
        return (f"‘{phrase}’ asks for {name}: {why}. adpilot will not launch a plan that "
                "leaves it out without telling you. Answer 'waive' to launch without it, or "
                "start again with a brief that leaves it out.")
    return (f"‘{phrase}’ reads like {name}, but adpilot could not tell which one is meant: "
            f"{why}. Or answer 'waive' to launch without it.")


def _merged(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Join matches of one ask a few words apart in one clause ("retarget … site visitors")."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s - out[-1][1] <= 25 and not re.search(r"[.!?;\n]", text[out[-1][1]:s]):
            out[-1] = (out[-1][0], max(e, out[-1][1]))
        else:
            out.append((s, e))
    return out


# -- the not-understood net ----------------------------------------------------------------------

NEGATIONS = frozenset("""not no nobody none never except excluding exclude excludes excluded
without but minus only just nor neither don't dont doesn't isn't aren't won't shouldn't avoid
skip omit outside beyond besides instead""".split())
WHO_CUES = frozenset("""who whom whose age ages aged younger older teen teens
teenager teenagers kid kids child children senior seniors student students parent parents mom
moms mum mums dad dads mother mothers father fathers male males female females men man women
woman gender genders people person persons users user customers customer buyers buyer clients
visitors visitor subscribers subscriber followers follower fans fan members member
audience audiences lookalike lookalikes similar interests interested behaviour
behaviours behavior behaviors income married single engaged homeowners renters owners drivers
gamers travelers travellers expats language languages speaking speakers speak country
countries city cities region regions state states province provinces county counties zip
zipcode postcode postal area areas radius mile miles km kilometers kilometres near nearby
around within local locally nationwide worldwide global globally international abroad
metro downtown suburb suburbs neighborhood neighbourhood located living based residents
placement placements feed feeds story stories reels marketplace messenger whatsapp
audience_network network instagram facebook threads mobile desktop ios android iphone device
devices tablet tablets demographic demographics everyone everybody anyone
job jobs title titles profession professions occupation occupations employer employers
industry industries engineers developers mainland continental peninsular""".split())
SPEND_CUES = frozenset("""budget budgets spend spending spent cap caps capped limit limits max
maximum minimum min bid bids bidding cost costs cpa cpc cpm cpl roas per daily day days
weekly week weeks monthly month months total lifetime schedule scheduled scheduling hours
hour am pm morning mornings evening evenings night nights weekend weekends weekday weekdays
monday tuesday wednesday thursday friday saturday sunday start starting starts end ending
ends until till through date dates pause stop dollars dollar bucks euros euro pounds pound
yen rupees francs pesos reais grand pacing accelerated frequency""".split()) - {"cost", "costs"}
# Goal words and the objective each points to ("" = no one objective: ask whatever is planned).
GOAL_CUES: dict[str, str] = {
    **dict.fromkeys("sales sell selling purchase purchases conversions conversion convert roas"
                    .split(), "OUTCOME_SALES"),
    **dict.fromkeys("leads lead signups signup registration registrations enquiries inquiries"
                    .split(), "OUTCOME_LEADS"),
    **dict.fromkeys("traffic clicks".split(), "OUTCOME_TRAFFIC"),
    **dict.fromkeys("awareness reach impressions".split(), "OUTCOME_AWARENESS"),
    **dict.fromkeys("engagement likes follows thruplays".split(), "OUTCOME_ENGAGEMENT"),
    **dict.fromkeys("calls optimise optimize optimised optimized optimisation optimization goal "
                    "goals objective kpi".split(), ""),
}
# "our sales team", "the sales reps": a trade, not a goal (as the goal readers read it)
TRADE_AFTER = re.compile(r"\s+(?:team|teams|reps?|people|staff|managers?|department|dept|org)\b",
                         re.I)
OPTIMISE_WORDS = frozenset("optimise optimize optimised optimized optimising optimizing "
                           "optimisation optimization optimisez optimiser optimisé optimisée "
                           "optimiza optimizar optimizad optimizado optimizada optimización "
                           "optimieren optimiert optimierung otimizar otimize otimizado "
                           "otimização".split())
# Words that look like numbers or people but change nothing in a plan: promotions, brand
# stories, e-mail headers, signatures, phone numbers, street addresses.
HARMLESS = re.compile("|".join((
    r"\b\d{1,3}\s*%\s*(?:off|discount|cheaper|more|less|growth|increase|up|down|better|faster)\b",
    r"\b(?:save|up\s+to)\s+\d{1,3}\s*%",
    r"\b(?:since|est\.?|established|founded|started|opened|back|way\s+back)\s+(?:in\s+)?"
    r"(?:19|20)\d\d\b",
    r"\b\d[\d,.]*\+?\s+(?:happy\s+|satisfied\s+|loyal\s+|five[- ]star\s+|5[- ]star\s+)?"
    r"(?:employees|staff|reviews|stores|shops|locations|branches|outlets|customers\s+served|"
    r"stockists|retailers|restaurants|clinics|franchises|offices|partners|"
    r"years\s+(?:of\s+experience|in\s+business|old\s+company)|generations)\b",
    r"^\s*(?:from|to|cc|bcc|date|sent|subject|re|fwd?)\s*:.*$",
    r"-{2,}\s*forwarded\s+message\s*-{2,}|\bforwarded\s+message\b",
    r"\+?\(?\d{1,4}\)?[\s.-]\(?\d{2,4}\)?[\s.-]\d{3,4}[\s.-]?\d{0,4}\b",
    r"\b\d{1,5}\s+(?:[A-Z][a-z]+\s+){1,3}(?:Street|St|Road|Rd|Lane|Ln|Avenue|Ave|Boulevard|"
    r"Blvd|Drive|Dr|Way|Place|Pl|Square|Sq|Court|Ct)\b\.?",
    r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b",
    r"\b(?:1|4|9|16|2|3)\s*:\s*(?:1|5|16|9|3|2)\b",  # aspect ratios: 1:1, 4:5, 9:16
    r"\b\d[\d,.]*\+?\s+(?:happy|satisfied|loyal|repeat|returning)\s+\w+",
    r"\b(?:in|since|from|back\s+in)\s+(?:19\d\d|20[01]\d)\b",
    r"\b(?:hope|hoping)\s+(?:you|everyone|all|y'?all)\b[^.!?\n]{0,60}|\b(?:have|had|enjoy)\s+a\s+"
    r"(?:good|great|nice|lovely)\s+(?:day|week|weekend|evening)\b",
    r"\b\d{1,3}(?:[.,]\d+)?\s*%(?!\s*(?:of\s+(?:the\s+)?)?(?:budget|spend|more|less|increase|"
    r"decrease|higher|lower|cap|lookalike|lal|look-alike|similar|women|woman|female|females|"
    r"ladies|men|man|male|males|guys|\d)\b)",
    r"\b20\d\d\s*[-–/]\s*\d{2}\b",
    # who the customers are now ("our buyers are 80% women"): a description, not a target
    r"\b(?:customers|buyers|shoppers|clients|followers|users|audience|customer\s+base)\s+(?:is|are)"
    r"\s+(?:about\s+|around\s+|roughly\s+|mostly\s+|over\s+)?\d{1,3}\s*%\s*[a-z]+",
    r"\bage\s+(?:groups?|bands?|brackets?|ranges?)\b",
    # Labels of a brief's fields ("Audiences: 25-34, 35-44"): what they label is read or asked.
    r"(?:^|(?<=[.;,|\n]))[ \t]*(?:[-*•]\s*)?(?:\|\s*)?(?:audiences?|ages?|age\s+groups?|target(?:ing)?|"
    r"geo|locations?|countr(?:y|ies)|regions?|cit(?:y|ies)|areas?|budget|objective|goal|kpi|"
    r"placements?|languages?|interests?|schedule|dates?|start|end|flight|timing|duration|copy|"
    r"cta|creative|assets?|image|video|landing|product|brand|client|account|advertiser|offer|"
    r"status|notes?|who|where|when|what)\s*(?:[:=|]|\s[-–—]\s)",
    # Numbered or bulleted list markers ("1. …", "2) …", "(3)"), product numbers ("drop #7").
    r"(?:^|(?<=[\s(]))\(?\d{1,2}[.)](?=\s)|#\d+\b",
    # No end date is the default: "End: open", "no end date", "ongoing", "until further notice".
    r"\bend\s*[:=]?\s*(?:open|none|ongoing|open[- ]ended|tbd|n/?a)\b|\bno\s+end\s+date\b|"
    r"\bongoing\b|\buntil\s+(?:further\s+notice|we\s+(?:stop|pause)\s+it)\b",
    # People words the default audience already is: adults (18+), everyone, all ages.
    r"\b(?:adults|everyone|everybody|anyone|all\s+ages|all\s+genders|the\s+general\s+public)\b",
    # Field labels in front of what they label: "Landing page: https://…", "images: a.jpg".
    r"\b(?:landing\s+page|lp|url|link|website|site|page|image|images|photo|photos|picture|"
    r"pictures|pics?|visuals?|video|videos|creative|creatives|assets?|files?)\b\s*(?:is|are|"
    r"here|attached)?\s*[:=-]?\s*(?=https?://|www\.|[\w./~-]+\.(?:jpe?g|png|gif|webp|mp4|mov)\b)",
)), re.I | re.M)
CLAUSE = re.compile(r"(?:[^.!?;\n,()\[\]—–-]|(?<=\w)-(?=\w)|(?<=\d)[.,](?=\d))+")  # "$0.90": one number


def _affects(words: list[str], objective: str | None,
             before_quotes: frozenset[int] = frozenset()) -> str | None:
    """Return what a leftover phrase could change, or None when it cannot change the plan.

    Goal words that point to the objective already planned ("our budgeting app" in an
    app-install brief) change nothing. A negation counts when it stands alone (what it
    negated was read, the negation was not) or bears on people, places or numbers ("not
    under 21"); in a reason ("no delivery up there yet", "no rush") it changes nothing.
    """
    lows = [w.lower().strip("'’") for w in words]
    negations = [i for i, w in enumerate(lows) if w in NEGATIONS]
    if negations and not any(_negates(lows, i, i in before_quotes) for i in negations):
        lows = [w for w in lows if w not in NEGATIONS]
        if not lows:
            return None
    if any(w in SPEND_CUES or re.fullmatch(r"\d[\d.,]*k?", w) for w in lows):
        if any(w in WHO_CUES for w in lows) and any(w in ("years", "old", "aged", "age")
                                                   for w in lows):
            return WHO
        return SPEND
    if any(w in WHO_CUES or w in NEGATIONS for w in lows):
        return WHO
    # "optimize for add to cart": an event to optimise for that no parser read
    if any(w in OPTIMISE_WORDS for w in lows) and len(lows) >= 2:
        return GOAL
    # "goal", "objective": labels, when the brief named a goal the planner read
    goals = {GOAL_CUES[w] for w in lows if w in GOAL_CUES} - ({""} if objective else set())
    if goals and goals != {objective}:
        return GOAL
    return None


# A correction that no parser applied ("no wait", "scratch that"): never harmless.
UNREAD_CORRECTION = re.compile(r"(?i)\bno\s+wait\b|\bwait\s+no\b|\bscratch\s+that\b|"
                               r"\bcorrection\b|\bstrike\s+that\b|\bchanged\s+my\s+mind\b|"
                               r"\bi\s+meant?\b|\bmake\s+(?:it|that)\b|\bchange\s+(?:it|that)\b")

SOFT_NEGATIONS = frozenset({"only", "just", "but"})
# Words that always leave someone or something out: never harmless when left unread.
STRONG_NEGATIONS = frozenset({"except", "excluding", "exclude", "excludes", "excluded", "without",
                              "minus", "nobody", "never", "omit", "skip", "avoid"})


def _negates(lows: list[str], i: int, quoted_next: bool = False) -> bool:
    """Whether the negation at `i` bears on what the plan targets or spends."""
    rest = [w for w in lows[i + 1:i + 4] if w not in NEGATIONS]
    if lows[i] in STRONG_NEGATIONS:
        return True
    if quoted_next:  # "don't 'improve' it": about the copy, which is used as written
        return False
    if not rest:  # dangling: its object was read by a parser, the negation itself was not
        return lows[i] not in SOFT_NEGATIONS
    return any(w in WHO_CUES or w in SPEND_CUES or re.fullmatch(r"\d[\d.,]*\+?", w)
               for w in rest)


def _frequency(zipf: Any, word: str, language: str) -> float:
    """Return wordfreq's frequency, or 0 for a language whose tokenizer is not installed.

    Chinese and Japanese need jieba / MeCab, which adpilot does not depend on: a brief those
    scripts mark must still plan (and ask), not crash.
    """
    try:
        return float(zipf(word, language))
    except (ImportError, KeyError, LookupError, ValueError):
        return 0.0


def foreign_language(words: list[str], language: str) -> str | None:
    """Return the language a phrase seems to be in, when not the brief's nor English; else None.

    Only lower-case words count (capitalised ones are names), only words that other
    languages use to steer a plan or bind a sentence, and never an everyday English word.
    """
    from wordfreq import zipf_frequency

    for w in words:
        low = w.lower()
        if not w.islower() or low in lx.GREETINGS or len(low) < 3:
            continue
        if language != "en" and _frequency(zipf_frequency, low, language) >= 3.0:
            continue  # a word of the brief's own language ("para" is Spanish as well)
        for lang, table in lx.TARGET_WORDS.items():
            if lang == language or (low not in table and low not in lx.STOPWORDS.get(lang, ())):
                continue
            if low not in lx.STOPWORDS["en"] and zipf_frequency(low, "en") < 3.0:
                return lx.NAMES.get(lang, lang)
    return None


def _in_name(words: list[tuple[int, int, str]], i: int, text: str) -> bool:
    """Whether word `i` is a capitalised word next to another one, mid-sentence (a name)."""
    def proper(j: int) -> bool:
        s, _, w = words[j]
        before = text[max(0, s - 3):s]
        return w[:1].isupper() and not w.isupper() and not re.search(r"(?:^|[.!?:\n]\s*)$", before)
    if not proper(i):
        return False
    near = [j for j in (i - 1, i + 1) if 0 <= j < len(words)
            and (words[j][0] - words[i][1] if j > i else words[i][0] - words[j][1]) <= 2]
    return any(words[j][2][:1].isupper() for j in near)


NAMED_BEFORE = re.compile(r"\b(?:show|product|model|modell|modèle|modelo|event|collection|range|"
                          r"line|brand|book|film|movie|"
                          r"album|course|class|menu|dish|called|named|titled|dubbed)\s*[:,-]?\s*$",
                          re.I)
QUOTE_OPEN = "\"“„«‹‘'＂「"
COPY = "what the ads say"


def unused_quotes(n: Normalised, spans: Iterable[tuple[int, int]]) -> list[Question]:
    """Quoted words no parser took: copy the brief wrote out is never replaced silently.

    Template copy in place of a quoted line ("a verbatim primary text was replaced") would
    make the ads say something the person did not write, so the plan asks what it is.
    """
    read = list(spans)
    out = []
    for ps, pe in n.protected:
        text = n.original[ps:pe]
        if not text or text[0] not in QUOTE_OPEN:
            continue
        inner = text[1:-1].strip()
        if NAMED_BEFORE.search(n.original[max(0, ps - 25):ps]):
            continue  # "new show 'Night Sky over Vienna'": a name, not a line of copy
        if len(inner) < 12 and len(inner.split()) < 2:
            continue  # a quoted word ('best') in a sentence, not a line of copy
        if any(n.to_original(s, e)[0] < pe and ps < n.to_original(s, e)[1] for s, e in read):
            continue
        out.append(Question(
            "ad_sets[0].ads[0].creative", f"The brief quotes ‘{inner}’ but adpilot could not tell "
            "which part of the ad it is. Say 'headline: …', 'primary text: …' or 'description: "
            "…' so it is used word for word, or answer 'waive' to leave it out.",
            kind="not_understood", phrase=inner, affects=COPY))
    return out


def not_understood(n: Normalised, spans: Iterable[tuple[int, int]], *,
                   filler: frozenset[str], objective: str | None = None,
                   waived: Iterable[str] = ()) -> tuple[list[NotUnderstood], list[Question]]:
    """Phrases of the brief no parser used: all listed; the risky ones also asked about."""
    covered = [False] * len(n.text)
    for s, e in spans:
        for i in range(max(0, s), min(len(n.text), e)):
            covered[i] = True
    for m in HARMLESS.finditer(n.text):
        for i in range(m.start(), m.end()):
            covered[i] = True
    waived_set = {w.strip().lower() for w in waived}
    items: list[NotUnderstood] = []
    questions: list[Question] = []
    for clause in CLAUSE.finditer(n.text):
        loose = [(m.start() + clause.start(), m.end() + clause.start(), m.group(0))
                 for m in re.finditer(r"[^\W_][\w'’$€£¥%-]*", clause.group(0))]
        loose = [(s, e, w) for s, e, w in loose
                 if not any(covered[s:e]) and not n.is_protected(s, e)]
        content = [(s, e, w) for s, e, w in loose
                   if w.lower() not in filler or w.lower() in NEGATIONS]
        if not content:
            continue
        # Cue words inside a name ("Peach State Air", "Windy City Movers") are no cue.
        kept = [c for i, c in enumerate(content) if not _in_name(content, i, n.text)]
        words = [w for _, e, w in kept if not (w.lower() == "sales" and TRADE_AFTER.match(n.text, e))]
        quoted = frozenset(i for i, (_, e, _) in enumerate(kept)
                           if re.match(r"\s*[\"“‘'«„]", n.text[e:e + 3]))
        affects = _affects(words, objective, quoted)
        if affects is None and UNREAD_CORRECTION.search(n.text[kept[0][0]:kept[-1][1]]
                                                         if kept else ""):
            # "no wait, …" that no parser applied: what follows may not be what was planned
            after = [w for w in WORD_RE.findall(n.text[clause.end():clause.end() + 80])]
            affects = _affects(after, None) or WHO
        if affects is None and len([w for w in words if WORD_RE.fullmatch(w)]) < 2:
            continue  # one stray word that changes nothing
        phrase = n.original_text(content[0][0], content[-1][1]).strip(" -–:")
        if not phrase:
            continue
        is_waived = phrase.lower() in waived_set
        other = None if affects else foreign_language(words, n.language)
        if other:
            affects = WHO
        items.append(NotUnderstood(phrase, affects, is_waived))
        if affects is not None and not is_waived:
            why = (f"looks like {other}, which the offline planner does not read inside this "
                   "brief; it could change who sees the ads or what is spent. Say it in the "
                   "brief's language, set ADPILOT_MODEL=provider:model to plan with a language "
                   "model, or answer 'waive' to launch without it."
                   if other else f"could change {affects}. Say it another way, or answer "
                   "'waive' to launch without it.")
            questions.append(Question(
                "brief", f"adpilot did not understand ‘{phrase}’, which {why}",
                kind="not_understood", phrase=phrase, affects=affects))
    return items, questions
