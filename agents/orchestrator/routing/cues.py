"""What a request asks for, in words: the cues of each route and the asks adpilot refuses.

Each pattern runs on one clause of the request in lower-case English, with every name or id
replaced by a placeholder `⟨eN⟩` (so no name is read as a verb: "Reminder - 10% Off" never
turns anything off). `UNSUPPORTED` pairs a pattern with the `why` the person reads: what
adpilot cannot do and the supported alternative, if there is one.
"""

from __future__ import annotations

import re
from datetime import date

E = r"⟨e[a-z]+⟩"
W = r"(?:\S+\s+)"  # one word and its space


def rx(pattern: str) -> re.Pattern[str]:
    """Compile a cue pattern (case-insensitive)."""
    return re.compile(pattern, re.I)


NEW_CAMPAIGN = rx(
    r"\bnew\s+(?:\w+\s+){0,2}campaign\b|^\s*brief\b|\bstart\s+advertising\b|\bwant\s+to\s+"
    r"(?:start\s+)?advertis|\b(?:launch|launching|create|set\s+up|setup|start|make|build|need|"
    r"want|spin\s+up|run)\s+(?:\S+\s+){0,3}?(?:a|an|new|fresh|another|one\s+more)\s+"
    r"(?:[^\s⟨]+\s+){0,4}?campaign\b")
LAUNCH = rx(  # "launch campaign for leads in Brazil": a bare imperative, nothing named before it
    r"^\W*(?:please\s+)?(?:launch|create|set\s+up|build|start|spin\s+up)\s+(?:an?\s+|new\s+)?"
    r"(?:[^\s⟨]+\s+){0,2}?campaign\b(?!\s*⟨)")
BRIEF_LAUNCH = rx(  # "launch a spring teaser: awareness, UK only, £40/day" — a brief with no "campaign"
    r"^\W*(?:please\s+)?(?:launch|create|set\s+up|spin\s+up|build|start|kick\s+off)\s+(?:an?|new)\s+"
    r"(?!(?:\S+\s+){0,3}?(?:a/b|ab|split|tests?|experiments?|lookalikes?|look-alikes?|audiences?|custom|"
    r"lists?|rules?|reports?|dashboards?|alerts?|budgets?|ad|ads|ad\s*sets?|adsets?|variants?)\b)")
BRIEF_SIGNAL = rx(
    r"\b(?:awareness|traffic|leads?|sales|conversions|engagement|app\s+installs?|objective)\b|"
    r"\b[a-z]{2,}\s+only\b|[$€£]\s?\d+\s*(?:/\s*d(?:ay)?|a\s+day|per\s+day|daily)|"
    r"\d\s?[$€£]\s*(?:/\s*d(?:ay)?|a\s+day|per\s+day)")
SWEEP = rx(  # "run the underperformer sweep on X": the pause rule, with its default thresholds
    r"\b(?:underperformers?|under-performers?|losers?|pause|kill|dud)\s+(?:sweep|check|pass|rules?|"
    r"run|clean-?up)\b|\b(?:cull|prune)\b|\bclean\s+(?:\S+\s+){0,3}?(?:out|up)\s+(?:the\s+)?"
    r"(?:losers|underperformers|duds|dead\s+weight)\b")
DUPLICATE = rx(r"\b(?:duplicate|clone)\b|\bcopy\s+(?:\S+\s+){0,4}?(?:into|to|over\s+to|across)\b")
HYPOTHETICAL = rx(
    r"\bwhat\s+(?:would|will|could|might)\s+happen\b|\bwhat\s+if\b|\bshould\s+(?:i|we)\b|"
    r"\bif\s+(?:i|we)\s+(?:\w+\s+){0,2}.*\b(?:would|will)\b|\bwould\s+it\s+(?:help|make\s+sense|"
    r"be\s+(?:smart|wise|better|worth))|\bis\s+it\s+worth\b|\bdo\s+you\s+(?:think|recommend)\b|"
    r"\bwhat\s+do\s+you\s+(?:think|recommend|suggest)\b|\bworth\s+(?:pausing|killing|raising|"
    r"cutting)\b|\bhow\s+(?:many|much)\s+more\b.*\bif\b|"
    # musing, not asking: "thinking of pausing X", "we should probably pause X", "maybe pause X?"
    r"\b(?:thinking|thought|considering|wondering)\s+(?:of\s+|about\s+|whether\s+to\s+|if\s+we\s+should\s+)?"
    r"\w+ing\b|\b(?:i|we)\s+(?:should|could|might)\s+(?:probably|maybe|perhaps)\b|"
    r"^\W*(?:maybe|perhaps)\b[^?]*\?\s*$")
QUESTION_START = rx(
    r"^\s*(?:hi|hey|hello|ok|so)?[!,.\s]*(?:(?:also|and|plus|btw|oh|ps)[,\s]+)*(?:what|what's|whats|which|how|how's|hows|who|when|"
    r"where|why|show|tell\s+me|give\s+me|list|compare|break\s+down|report|pull|get\s+me|is|are|"
    r"did|does|do|was|were|wie|was|quel|quelle|cu[aá]nto|c[oó]mo|qu[eé]|combien|hoeveel|quanto)\b")
FILTER_QUESTION = rx(r"^\s*(?:which|what|show|list|find|any)\b")
AB_TEST = rx(
    r"\ba\s*/\s*b\b|\bab[- ]?test|\bsplit[- ]?test|\btest(?:ing)?\b|\bexperiment\b|"
    r"\btry\s+(?:\S+\s+){0,3}?(?:version|variant|variation)\b|\bvariant\b|"
    r"\btry\s+(?:\S+\s+){0,2}?(?:different|new|other|another|alternative|fresh)\s+(?:ad\s+)?"
    r"(?:copy|headlines?|images?|creatives?|text|audiences?|visuals?|videos?|photos?|targeting)\b")
ADOPT = rx(
    r"\bwatch(?:ing)?\b|\bkeep\s+(?:an?\s+)?eyes?\s+on\b|\bmonitor(?:ing)?\b|\blook\s+after\b|"
    r"\bbabysit|\badopt\b|\btake\s+over\b|\bkeep\s+tabs\s+on\b|\bgive\s+\S+\s+to\s+the\s+optimi|"
    r"\b(?:optimi[sz]e|manage|run|steer)\b.{0,60}\bfrom\s+now\s+on\b|\bautopilot\b")
PAUSE = rx(
    r"\b(?:pause|paus|pausing|stop|halt|kill|disable|deactivate|suspend|turn\s+(?:\S+\s+){0,6}?off|"
    r"switch\s+(?:\S+\s+){0,6}?off|shut\s+(?:\S+\s+){0,4}?(?:off|down)|put\s+(?:\S+\s+){0,4}?on\s+hold)\b")
RESUME = rx(
    r"\b(?:resume|unpause|un-pause|reactivate|re-activate|restart|re-enable|enable|activate|"
    r"turn\s+(?:\S+\s+){0,6}?(?:back\s+)?on|switch\s+(?:\S+\s+){0,6}?(?:back\s+)?on|"
    r"bring\s+(?:\S+\s+){0,4}?back|start\s+(?:\S+\s+){0,4}?again|back\s+on|unmute)\b")
BUDGET_VERB = rx(
    r"\bbudget\s+[x×]\s?\d\b|\b[x×]\s?\d\s+(?:the\s+)?budget\b|\b(?:raise|raising|increase|increasing|bump|bumping|boost|lift|lower|lowering|reduce|"
    r"reducing|cut|cutting|decrease|drop|trim|slash|double|doubling|triple|halve|quadruple|"
    r"scale|(?<!\bad\s)set|put|change|move|take|add|allocate|shift|give(?!\s+(?:me|us)\b)|budget|"
    r"spend\s+(?:up|down))\b|\bmake\s+(?:\S+\s+){0,4}?spend\s+(?:\d+(?:[.,]\d+)?\s?%\s+|"
    r"(?:a\s+)?(?:bit|little|lot|way)\s+)?(?:more|less)\b|^\W*(?:please\s+|pls\s+)?up\s+(?=(?:\S+\s+)?(?:by|to)\s)|"
    r"^\s*[+-]\s?\d|→|->|\b\d(?:[.,]\d+)?\s?[x×]\s+(?=(?:the|its|their|our)\b|⟨e)")
UNDERPERFORMERS = rx(
    r"\b(?:losers?|underperform\w*|under-perform\w*|weak|poor(?:ly)?|bad|worst|not\s+working|"
    r"isn'?t\s+working|aren'?t\s+working|dead\s+weight|duds?|bleeding|wasting)\b|"
    r"\b(?:any|all|every)\s+(?:the\s+)?(?:ads?|ad\s*sets?|adsets?)\b|\b(?:ads|ad\s*sets|adsets|"
    r"anything|everything|ones|whatever)\b\s+(?:\S+\s+){0,4}?(?:with|whose|that|where|which|"
    r"above|over|below|under|spending|at)\b|\b(?:ads|ad\s*sets|adsets)\s+in\b")
# "pause all the ads in X", "turn off every ad set in X", "pause X's ads": every one of them, with
# nothing that picks some ("the weak ads", "ads with CPA over $40", "the video ads": a rule)
_KIND = r"(?:ads?|ad\s*sets?|adsets?)"
_NAMES = rf"{E}(?:\s*(?:,|and|&)\s*{E})*"
EVERY_ONE = rx(
    r"^\W*(?:(?:please|pls|can|could|would|will|you|just|now|go\s+ahead\s+and)\W+)*"
    r"(?:pause|turn\s+off|switch\s+off|shut\s+off|stop|kill|disable|deactivate|halt|suspend|turn|"
    r"switch|shut)\s+(?:(?:all|every|each|single|one|of|the|its|their|both|entire|whole)\s+)*"
    rf"(?:{_KIND}\s+(?:in|of|under|within|from|across|inside)\s+(?:(?:the|campaign|ad\s*set|adset)\s+)*"
    rf"{_NAMES}|{_NAMES}\s*(?:'s|’s)?\s+{_KIND})"
    r"(?:\W+(?:off|too|please|pls|now|right\s+now|asap|for\s+me|today|all|of\s+them))*\W*$")
VAGUE = rx(
    r"\bdo\s+something\b|\bfix\b|\bdeal\s+with\b|\bsort\s+(?:\S+\s+)?out\b|\bhandle\b|"
    r"\bmake\s+(?:\S+\s+){0,4}?(?:cheaper|better|work|perform|efficient)\b|\bimprove\b|"
    r"\boptimi[sz]e\b(?!\s+loop)|\btake\s+care\s+of\b|\bdo\s+(?:the\s+)?needful\b")
_WD = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
SCHEDULED = rx(
    rf"\b(?:tomorrow|tonight|next\s+(?:week|month|{_WD})|(?:on|this|this\s+coming)\s+{_WD}|"
    r"at\s+\d{1,2}(?::\d\d\s*(?:am|pm|h)?|\s*(?:am|pm|h|o'?clock))|at\s+(?:midnight|noon)|in\s+\d+\s+"
    rf"(?:hours?|days?)|(?:starting|from|as\s+of|effective)\s+(?:on\s+)?(?:next\s+|this\s+)?(?:{_WD}|"
    r"tomorrow|next\s+\w+|the\s+\d{1,2}(?:st|nd|rd|th)?)|on\s+(?:\d{1,2}[./]\d{1,2}|(?:jan|feb|mar|"
    r"apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\s+\d{1,2})|when\s+the\s+(?:sale|promo)\s+starts|morgen|"
    r"demain|mañana|ma[nñ]ana)\b")
# A pause (or resume) for a while: "until Monday", "for the weekend", "for 3 days". The change is
# made now; the change back later is not (adpilot does not schedule): said as a later ask.
_WKND = r"(?:long\s+)?(?:weekends?|wknds?)"  # "the long weekend", "the wknd"
TEMPORARY = rx(
    rf"\b(?:until|till|til|through|thru)\s+(?:after\s+)?(?:(?:next|this)\s+)?(?:{_WD}|tomorrow|"
    rf"the\s+{_WKND}|next\s+(?:week|month)|the\s+\d{{1,2}}(?:st|nd|rd|th)?|(?:we(?:'re|\s+are)|"
    r"it'?s)\s+(?:back|restocked|done))\b|\bfor\s+(?:the\s+(?:next\s+|coming\s+)?|this\s+(?:coming\s+)?|"
    rf"a\s+|the\s+coming\s+)?(?:{_WKND}|night|(?:\d+|a|an|one|two|three|"
    r"a\s+few|a\s+couple(?:\s+of)?)\s+(?:hours?|days?|weeks?))\b|"
    rf"\bover\s+the\s+{_WKND}\b|\b(?:this\s+(?:coming\s+)?|the\s+coming\s+|next\s+){_WKND}\b|"
    r"\b(?:on|during)\s+(?:the\s+)?(?:weekends|wknds)\b|\b(?:every|each)\s+(?:weekend|wknd)\b")
TEMPORARY_WHY = ("Changing it back at a later time is not supported: adpilot makes the change "
                 "now and will not undo it by itself (no scheduled resume); ask again then.")
# "pause it now, for the weekend": the change is made now, whatever the day.
NOW = rx(r"\b(?:now|today|right\s+away|tonight)\b")
# "for the weekend" said on a weekday before Friday: the change itself is days away.
WEEKEND = rx(rf"\b(?:(?:for|over)\s+(?:the\s+(?:coming\s+|next\s+)?|this\s+(?:coming\s+)?)?|"
             rf"this\s+(?:coming\s+)?|the\s+coming\s+|next\s+){_WKND}\b")
# Every weekend ("for weekends", "on weekends"): a change that repeats, which adpilot cannot hold.
WEEKENDS = rx(r"\b(?:for|on|over|during)\s+(?:the\s+)?(?:weekends|wknds)\b|\b(?:every|each)\s+"
              r"(?:weekend|wknd|saturday|sunday)\b")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def weekend_ahead(phrase: str, today: date) -> str | None:
    """Return why a change "for the weekend" cannot be made today (Monday–Thursday), else None.

    "For weekends" (every weekend) is never made: it repeats.

    From Friday the weekend is here (or starts tonight): the change is made now and the change
    back is the later ask `TEMPORARY_WHY` says. Before Friday it would start days early.
    """
    if WEEKENDS.search(phrase):
        return (f"\"{phrase.strip()}\" asks for the change every weekend; adpilot does not "
                "schedule changes, once or again and again (Meta's ad scheduling needs a lifetime "
                "budget, set in Ads Manager). Ask for the change when you want it made.")
    ahead = WEEKEND.search(phrase)
    if ahead is None or (today.weekday() >= 4 and "next" not in ahead.group(0).lower()):
        return None  # "next weekend" is the one after this: days away on any day
    return (f"\"{phrase.strip()}\" asks for a change at the weekend and another after it; today is "
            f"{WEEKDAYS[today.weekday()]}, and adpilot does not schedule changes: made now, it "
            "would start days early. Ask again on the Friday or at the weekend, "
            "or say \"now\" (\"pause it now\") to make it today.")
# "except X", "apart from X", "but keep X running": what a change must leave out.
EXCEPT = rx(
    r"(?:\b(?:except(?:\s+for)?|but\s+not|other\s+than|apart\s+from|besides|excluding|save\s+for)"
    rf"\s+(?:the\s+)?(?:ad\s*sets?\s+|ads?\s+|campaigns?\s+)?(?P<a>{E}(?:\s*(?:,|and|&|or)\s*"
    rf"(?:the\s+)?{E})*)|,?\s*\b(?:but\s+)?(?:keep|leave)\s+(?P<b>{E}(?:\s*(?:,|and|&)\s*{E})*)"
    r"\s+(?:running|on|live|active|going|alone|untouched|as\s+is)\b)")

# "it", "the campaign": the previous ask's object; "… — kill it" after a description of what
PRONOUN = re.compile(r"\b(?:it|them|that|this\s+one|those|its|it's)\b|\b(?:the|that|this|same)\s+"
                     r"(?:same\s+)?(?:campaign|ad\s*set|adset|ad)\b(?!s)", re.I)
TYPED_PRONOUN = re.compile(r"\b(?:the|that|this|same)\s+(?:same\s+)?(campaign|ad\s*set|adset|ad)\b(?!s)",
                           re.I)
BARE_PRONOUN_WRITE = re.compile(r"^\W*(?:(?:please|then|and|just)\s+)*\S+(?:\s+\S+)?\s+(?:it|them|those|"
                                r"these|they|that|'?em)(?:\s+(?:off|out|down|all|too|please|now))*\W*$",
                                re.I)
CONTAINER_ALL = re.compile(rf"({E})\s+(?:in|across|from|of)\s+(?:all|every|each|both)\s+(?:the\s+|of\s+"
                           rf"the\s+)?(?:ad\s*sets?|adsets?|campaigns?)\s+(?:of|in|under|within|from)\s+"
                           rf"(?:the\s+)?(?:campaign\s+)?({E})", re.I)

UNSUPPORTED: list[tuple[re.Pattern[str], str]] = [
    (rx(r"\b(?:payment\s+method|credit\s+card|debit\s+card|billing|invoices?|card\s+on\s+file|"
        r"amex|mastercard|visa\s+card|pay(?:ment)?\s+(?:details|info)|vat\s+number|tax\s+id)\b"),
     "Payment methods, invoices and billing are managed in Meta's billing settings; adpilot has "
     "no billing access."),
    (rx(r"\b(?:account\s+)?spending\s+limit\b|\baccount\s+(?:spend(?:ing)?\s+)?(?:limit|cap)\b"),
     "The account spending limit is a billing setting; adpilot does not change it. A campaign's "
     "budget can be changed instead."),
    (rx(r"\b(?:admin|advertiser|analyst|editor|employee|partner)\s+(?:access|role|rights?|"
        r"permissions?)\b|\baccess\s+to\s+the\s+(?:ad\s+)?account\b|\bpermissions?\b|\broles?\b|"
        r"\b(?:add|invite|remove)\s+\S+@\S+|\bgive\s+\S+@"),
     "Account roles and permissions are managed in Business Manager, not by adpilot."),
    (rx(r"\b(?:delete|deleting|erase|trash|archive|löschen|supprimer|eliminar|borrar|"
        r"remove(?!\s+(?:[$€£]|\d|budget)))\b"),
     "adpilot never deletes; it can pause instead (a paused object keeps its history)."),
    (rx(r"\b(?:rename|renaming|umbenennen|renommer)\b|\bchange\s+(?:the\s+|its\s+)?name\b|"
        r"\bcall\s+it\b"),
     "Renaming objects is not a supported action; rename it in Ads Manager."),
    (rx(r"\bobjective\b|\boptimi[sz]ation\s+(?:goal|event)\b|\bconversion\s+event\b|"
        r"\boptimi[sz]e\s+(?:\S+\s+){0,3}?for\b(?!\s+(?:me|us|you)\b)|\bperformance\s+goal\b"),
     "Meta does not allow changing an existing campaign's objective or optimisation goal; a "
     "campaign with another goal is a new brief."),
    (rx(r"\bfrequency\s+cap|\bcap\s+(?:the\s+)?frequency|\bfrequency\s+(?:limit|control)|"
        r"\bno\s+more\s+than\s+\d+\s+(?:times|impressions)\b"),
     "Frequency caps are not supported."),
    (rx(r"\bbid(?:s|ding)?\b|\bcost\s+caps?\b|\bcost\s+control\b|\bcost\s+per\s+result\s+goal\b"),
     "Bid caps, cost caps and bid strategies are not supported."),
    (rx(r"\bdaypart|\bad\s+schedul|\bbetween\s+\d{1,2}(?::\d\d)?\s*(?:am|pm|h)?\s+and\s+\d{1,2}"
        r"(?::\d\d)?\s*(?:am|pm|h)\b|\bonly\s+(?:run|show|deliver|be\s+(?:on|live|active))\b"
        r".{0,40}(?:\d\s*(?:am|pm|h)\b|\b(?:morning|evening|night|hours|weekdays|weekends)\b)|"
        r"\b\d{1,2}(?::\d\d)?\s*(?:am|pm|h)\s*(?:-|–|—|to|until|till)\s*\d{1,2}(?::\d\d)?\s*(?:am|pm|h)"
        r"\b(?:\s+(?:pt|et|ct|mt|cet|utc|gmt|local))?(?!\s+(?:yesterday|today|on|last))|\bduring\s+(?:business|office|working)\s+"
        r"hours\b|\bonly\s+on\s+(?:weekdays|weekends)\b|\bat\s+night\s+only\b"),
     "Dayparting (ad scheduling by hour) is not supported."),
    (rx(r"\blook-?alikes?\b|\blookalike\b|\bcustomer\s+(?:list|file|match)|\bcustom\s+audience|"
        r"\b(?:email|crm|contact)\s+list|\bupload\s+(?:\S+\s+){0,2}?(?:customers?|emails?|"
        r"contacts?|list)\b"),
     "Lookalike and customer-list audiences are not supported (also as an A/B variant); an A/B "
     "test with an interest or demographic audience is."),
    (rx(r"\b(?:comments?|reply|replies|respond\s+to|moderat\w*|inbox|dms?|messages)\b"),
     "Comment moderation, replies and messages are not supported."),
    (rx(r"\b(?:start|create|add|launch|set\s+up|build|make|spin\s+up|open)\s+(?:an?\s+|\d+\s+|a\s+couple\s+"
        r"(?:of\s+)?)?(?:(?:new|fresh|another|extra|second|additional)\s+(?:\S+\s+){0,2}?)?(?:ad\s*sets?|adsets?|"
        r"ads?)\s+(?:in|to|into|inside|under|for)\b"),
     "Adding ad sets or ads to an existing campaign is not supported; an A/B test can try a new "
     "audience or creative beside what runs, and a new campaign is a new brief."),
    (rx(r"\bpixel\b|\bconversions?\s+api\b|\bcapi\b|\bevents?\s+manager\b|\b(?:set\s+up|fix|change|"
        r"add)\s+(?:the\s+|a\s+)?(?:tracking|conversion\s+tracking|utms?|events?)\b"),
     "Pixel, Conversions API and event tracking are set up in Events Manager; adpilot reads the "
     "results they record but does not change tracking."),
    (rx(r"\battribution\s+(?:window|setting|model)\b"),
     "The attribution setting is not changed by adpilot; it can answer questions on the current "
     "setting."),
    (rx(r"\b(?:product\s+)?catalog(?:ue)?s?\b|\bproduct\s+feeds?\b"),
     "Catalogs and product feeds are managed in Commerce Manager; adpilot does not change them."),
    (rx(r"\bboost\s+(?:the|this|that|our|a|my)\s+(?:\S+\s+){0,3}?(?:post|reel)\b"),
     "Boosting a Page post is not supported; a campaign with that post's creative is a new brief."),
    (rx(r"\b(?:duplicate|clone)\b|\bcopy\s+(?:\S+\s+){0,4}?(?:into|to|over\s+to|across)\b"),
     "Duplicating campaigns, ad sets or ads is not supported; a new campaign is a new brief."),
]
EDIT_CREATIVE = (
    rx(r"\b(?:change|edit|update|swap|replace|fix|modify|rewrite|correct|tweak|use)\b.{0,40}?"
       r"\b(?:landing\s+page|url|link|headline|primary\s+text|ad\s+text|text|copy|image|photo|"
       r"video|creative|description|cta|call\s+to\s+action|button|thumbnail|caption|"
       r"destination)\b"),
    "Editing an existing ad's creative or link is not a route; an A/B test can try the new "
    "version beside it.")
EDIT_TARGETING = (
    rx(r"\b(?:change|edit|update|narrow|expand|widen|broaden|modify|adjust|exclude|add|remove|"
       r"restrict|limit|switch)\b.{0,40}?\b(?:targeting|audience|age\s+range|ages?|interests?|"
       r"locations?|countries|country|genders?|placements?|languages?)\b|\bexclude\b|"
       r"\bdon'?t\s+(?:show|target)\b"),
    "Editing an existing ad set's targeting is not a route; an A/B test with an audience "
    "variant is the supported way.")
SCHEDULED_BUDGET_WHY = ("Scheduled budget changes are not supported: adpilot changes a budget now, "
                        "when asked; ask again at that time.")
SCHEDULED_WHY = ("Scheduled status changes are not supported: adpilot pauses or resumes now, "
                 "when asked; ask again at that time.")


__all__ = ["AB_TEST", "ADOPT", "BARE_PRONOUN_WRITE", "BRIEF_LAUNCH", "BRIEF_SIGNAL", "BUDGET_VERB", "CONTAINER_ALL", "DUPLICATE",
           "E", "EDIT_CREATIVE", "EDIT_TARGETING", "FILTER_QUESTION", "HYPOTHETICAL", "LAUNCH",
           "EXCEPT", "NEW_CAMPAIGN", "PAUSE", "PRONOUN", "QUESTION_START", "RESUME",
           "SCHEDULED", "SCHEDULED_BUDGET_WHY", "SCHEDULED_WHY", "TEMPORARY", "TEMPORARY_WHY", "WEEKEND", "WEEKENDS", "NOW", "weekend_ahead", "SWEEP", "TYPED_PRONOUN", "UNDERPERFORMERS", "UNSUPPORTED", "VAGUE", "W", "EVERY_ONE", "rx"]
