"""Goals a marketer can name that adpilot cannot plan yet, asked about instead of swapped.

Store visits, event responses, Instagram followers, boosting a post that already exists.

Each used to become a plan for another goal with nothing said: "use the store traffic objective"
planned website traffic (the leftover words looked harmless because "traffic" was the planned
goal), "objective: store visits" planned website purchases, "RSVP to our facebook event"
planned post engagement, "more instagram followers" planned Facebook page likes, "boost our
latest post" planned a new ad from the brief's image. `GOALS` rows join
`understand.UNSUPPORTED` (feature, plan field, what it changes, pattern, why), so each is an
"unsupported" question naming the words: the person answers or waives it.
"""

from __future__ import annotations

from agents.orchestrator.planning import GOAL

_PLACE = (
    r"(?:stores?|shops?|showrooms?|branch(?:es)?|boutiques?|outlets?|locations?|restaurants?|"
    r"caf(?:e|é)s?|salons?|studios?|garden\s+cent(?:re|er)s?|dealerships?|venues?|premises)"
)
_DET = r"(?:our|the|my|a|one\s+of\s+our|any\s+of\s+our)\s+(?:[\w-]+\s+){0,2}?"
_POST = r"(?:posts?|reels?|stor(?:y|ies)|tiktoks?|carousels?)"

GOALS: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "store visits (the store traffic objective)",
        "objective",
        GOAL,
        r"(?<!online\s)(?<!web\s)\bstore[- ](?:traffic|visits?)\b|\bfoot[- ]?traffic\b|"
        r"\bfootfall\b|\bin[- ](?:store|person)\s+(?:visits?|traffic)\b|\bwalk[- ]in\s+"
        r"(?:traffic|visits|customers)\b|\b(?:visits?|trips)\s+to\s+" + _DET + _PLACE + r"\b|"
        r"\b(?:walk(?:ing|s)?|com(?:e|es|ing)|pop(?:ping|s)?|stop(?:ping|s)?|drop(?:ping|s)?)\s+"
        r"(?:in(?:to)?|by|down\s+to|over\s+to)\s+" + _DET + _PLACE + r"\b|"
        r"\b(?:get|getting|drive|driving|bring|bringing)\s+(?:more\s+)?(?:people|them|customers|"
        r"folks|shoppers|locals|visitors|bodies)\s+(?:in(?:to)?|through\s+the\s+doors?\s+of|"
        r"down\s+to|to)\s+" + _DET + _PLACE + r"\b",
        "optimising for visits to a physical place (Meta's store traffic, with the page's store "
        "locations) is not supported yet; adpilot would plan website traffic or sales instead",
    ),
    (
        "event responses",
        "ad_sets[0].optimization_goal",
        GOAL,
        r"\bevent\s+responses?\b|\b(?:facebook|fb|meta)\s+event(?:\s+page)?\b|"
        r"\bmark(?:ed|ing)?\s+(?:themselves\s+)?as\s+(?:going|interested)\b|"
        r"\b(?:going|interested)\s+(?:clicks|responses|taps)\b",
        "optimising for responses to a Facebook event (EVENT_RESPONSES, which needs the event) is "
        "not supported yet; adpilot would plan post engagement instead",
    ),
    (
        "Instagram followers",
        "ad_sets[0].optimization_goal",
        GOAL,
        r"\b(?:more|new|gain(?:ing)?|get(?:ting)?|grow(?:ing)?|increase|build(?:ing)?|boost|drive)\s+"
        r"(?:our\s+|my\s+|the\s+)?(?:instagram|insta|ig)\s+(?:followers?|follows?|following|"
        r"follower\s+count|account|page|profile)\b(?!\s+(?:sales|shop|store))|"
        r"\b(?:instagram|insta|ig)\s+(?:followers?|follows?|follower\s+growth)\s+(?:campaign|"
        r"objective|goal|ads?)\b|\b(?:more|new|gain|get|grow|increase|build)\s+(?:[\w-]+\s+)?"
        r"(?:followers?|follows?)\s+(?:on|for)\s+(?:our\s+|my\s+|the\s+)?(?:instagram|insta|ig)\b",
        "optimising for Instagram followers is not supported yet; adpilot's engagement plan "
        "optimises Facebook page likes, which is not the same",
    ),
    (
        "boosting a post that already exists",
        "ad_sets[0].ads[0].creative",
        GOAL,
        r"\bboost(?:s|ed|ing)?\s+(?:our|the|my|this|that|these|those|a|an|last\s+\w+'s|"
        r"yesterday'?s|today'?s)\s+(?:[\w'-]+\s+){0,3}?" + _POST + r"\b|"
        r"\b(?:promote|amplify|sponsor|put\s+(?:some\s+)?(?:money|budget|spend)\s+behind)\s+"
        r"(?:our|the|my|this|that|last\s+\w+'s|yesterday'?s|today'?s)\s+(?:[\w'-]+\s+){0,3}?"
        + _POST
        + r"\b|\b(?:existing|organic|published)\s+"
        + _POST
        + r"\b|\bpost\s+id\b",
        "promoting a post that is already published (boosting it) is not supported yet: adpilot "
        "builds new ads from the brief's images and copy",
    ),
)

__all__ = ["GOALS"]
