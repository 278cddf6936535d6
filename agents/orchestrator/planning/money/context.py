"""Context around an amount that says it is not this campaign's budget, or not one amount.

Prices and discounts ("from $19", "20% off"), bids and cost targets ("bid cap $3", "CPA $25"),
other money ("revenue $40k/month", "$2k/month on Google", "competitors spend"), days of dates
("March 16"), measures ("5 km", "3 ad sets"), ranges ("$50-70", "between $50 and $70") and
quoted ad copy. Used by `parse_money.find_money`.
"""

from __future__ import annotations

import re

from agents.orchestrator.planning.schedule.dates import MONTH_WORD

NOT_BUDGET_BEFORE = re.compile(r"(?:from|save|only|just|priced|price|prices|costs?|under|"
                               r"orders?\s+over|over|worth|starting\s+at|retails?\s+(?:at|for)|"
                               r"sells?\s+for|plans?\s+from|at)\s*$", re.I)
# A bid, a cost target or someone else's spend is no budget of this campaign.
NOT_OURS_BEFORE = re.compile(r"(?:\b(?:cost|bid|cpa|cpc|cpm|cpl)\s*(?:cap|limit|target|goal)?|"
                             r"\bbid|\bcost\s+per\s+\w+|\broas)\s*(?:of|at|is|=|:|around|about|"
                             r"under|below|max)?\s*$|\b(?:competitors?|rivals?|others|"
                             r"used\s+to|previously|revenue|"
                             r"turnover|mrr|arr|gmv|income|profit|earn(?:s|ing)?|"
                             r"raised|funding|valuation|spent)\b[^.\n;$€£¥₹\d]{0,30}$", re.I)
NOT_OURS_AFTER = re.compile(r"^[^.\n;$€£¥₹]{0,25}?\b(?:for\s+(?:the\s+|our\s+)?(?:customers?|members?|"
                            r"subscribers?|users?|buyers?|clients?|shoppers?)\b|(?:that'?s|it'?s|"
                            r"this\s+is)\s+(?:the|our|a)\s+(?:\w+\s+)?(?:price|fee|cost)\b|"
                            r"(?:in|of)\s+(?:sales|revenue|turnover|profit|"
                            r"income)|last\s+(?:week|month|year|quarter|time)|on\s+(?:google|"
                            r"adwords|tiktok|linkedin|twitter|youtube|snap(?:chat)?|pinterest|bing|"
                            r"amazon|reddit))\b", re.I)
# Who spends, before someone else's money ("we spend $2k/month on Google").
SPENDER_BEFORE = re.compile(r"\b(?:we|they|i|our\s+\w+|you)\s+(?:currently\s+|already\s+|"
                            r"usually\s+)?(?:spend|spent|are\s+spending|pay|paid|do|did|make|made)"
                            r"\s*(?:about|around|roughly|~)?\s*$", re.I)
# Money a business takes in, said with a goal word ("we do $30k a month in sales").
REVENUE_PHRASE = re.compile(r"[$€£¥₹]?\s?\d[\d.,]*\s*(?:k|m|grand)?\b[^.\n;]{0,20}?\bin\s+"
                            r"(?:sales|revenue|orders|turnover)\b", re.I)
NOT_BUDGET_AFTER = re.compile(r"^\s*(?:off|discount|value|gift|coupon|voucher|each\s+item|"
                              r"per\s+(?:item|unit|pair|person|ticket|month\s+subscription)|%|"
                              r"miles?|mi\b|km|kilomet|years?|yrs?|yo\b|days?\b|weeks?\b|"
                              r"months?\b|x\b|px|mb|gb|am\b|pm\b|\+|ad\s*sets?\b|ads?\b|"
                              r"images?\b|headlines?\b|variants?\b|people\b|visitors\b|options?\b|"
                              r"versions?\b|audiences?\b|creatives?\b|times\b)", re.I)
BETWEEN_BEFORE = re.compile(r"\bbetween\s*$", re.I)
BETWEEN_AFTER = re.compile(r"^\s*and\s*(?:[$€£¥₹]\s?)?\d+(?:[.,]\d+)*\s*k?\b", re.I)
# "March 16", "16th of March", "16 March": a day of a date
DATE_BEFORE = re.compile(rf"\b{MONTH_WORD}\s*$", re.I)
DATE_AFTER = re.compile(rf"^(?:st|nd|rd|th)\b|^\s*(?:of\s+)?{MONTH_WORD}(?![a-z])", re.I)
PER_RESULT = re.compile(r"^\s*(?:per|a|/|each)\s*(?:purchase|lead|click|result|install|conversion|"
                        r"sale|sign[- ]?up|order|acquisition|customer|booking|registration)\b", re.I)
RANGE_AFTER = re.compile(r"^\s*(?:-|–|to)\s*(?:[$€£¥₹]\s?)?\d+(?:[.,]\d+)*\s*k?\b(?!\s*(?:days?|weeks?|"
                         r"months?|%|miles?|km|years?|yrs?))", re.I)
QUOTED_COPY = re.compile(r"[\"“”][^\"“”\n]{2,125}[\"“”]|‘[^’\n]{2,125}’|(?<!\w)'[^'\n]{2,125}'(?!\w)")


# A cost per result or per impression: "$25 per purchase", "CPM under $8". Read by the bid and
# target readers when they can; one they did not take is no budget and must be asked about.
METRIC = re.compile(r"\b(?:cpm|cpc|cpa|cpl|cpi|cpv|cost\s+per\s+\w+)\b", re.I)
METRIC_BEFORE = re.compile(r"\b(?:cpm|cpc|cpa|cpl|cpi|cpv|cost\s+per\s+\w+)\b[^.;\n$€£¥₹\d]{0,25}$",
                           re.I)


def cost_limit(text: str, start: int, end: int) -> bool:
    """Whether the amount at text[start:end] is a cost per result or per impression."""
    return bool(PER_RESULT.match(text[end:end + 30])
                or METRIC_BEFORE.search(text[max(0, start - 40):start])
                or METRIC.search(text[start:end]))  # "CPM under $8" read as one phrase
