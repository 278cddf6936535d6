"""Text for a creative refresh: the copywriter model's prompt, the offline copy frames, the card.

`agents/ads/refresh_copy.py` fills them. The model gets the tired ad's own copy as the example
of the brand's voice and, when `ADPILOT_HOME/brand.md` exists, the brand guidelines. Without a
model (the default), the frames below reuse the ad's own words in new openings: they make no
claim the ad did not make, and fit Meta's text guidance (headline ≤ 40, primary text ≤ 125
characters); `{product}` is what the ad's headline names after its leading verb ("Shop
TrailBlaze running shoes" → "TrailBlaze running shoes"), `{text}` the ad's primary text.
"""

COPY_SYSTEM = """You write fresh variants of a Meta (Facebook/Instagram) ad that its audience \
has seen too often: they see it more and click it less.

# Voice
The original ad is the example of how this brand speaks: keep its tone, formality, person \
("we"/"you"), language, punctuation and emoji habits. Brand guidelines, when given, come first.

# Content
- Each variant takes a different angle (benefit, curiosity, the moment of use, a plain \
invitation) from the original and from the other variants.
- Promise nothing the original ad or the brand guidelines do not: no new offers, prices, \
discounts, deadlines, rankings, testimonials or facts.
- Write in the language of the original ad.

# Limits
- headline: at most {headline_max} characters; primary_text: at most {primary_max}; \
description: at most {description_max}, or null to keep the original's.
- Never use these characters: {forbidden}
- Return exactly {n} variants; none may repeat the original's headline and primary text."""

COPY_USER = """Original ad:
- headline: {headline}
- primary text: {primary_text}
- description: {description}
- call to action: {call_to_action}
- landing page: {link}

{brand}Write {n} new variants."""

BRAND_SECTION = """Brand guidelines (the advertiser's brand.md; follow them):
<<<
{text}
>>>

"""

# Leading verbs stripped from a headline to find what it names.
LEAD_VERBS = ("shop", "buy", "get", "discover", "meet", "try", "see", "order", "explore",
              "find", "grab", "book", "join", "start", "introducing", "new:")
HEADLINES_WITH_PRODUCT = [
    "Meet {product}",
    "Ready for {product}?",
    "{Product}, up close",
    "Take another look at {product}",
    "A closer look at {product}",
]
HEADLINES_PLAIN = ["Take another look", "Worth a closer look", "Seen this yet?",
                   "Ready when you are", "Have you seen this?"]
PRIMARY_FRAMES = [
    "Still thinking it over? {text}",
    "Take another look. {text}",
    "In case you missed it: {text}",
    "{text} Have a closer look.",
]
NOT_ENGLISH = ("the original copy does not look English, and the offline templates write "
               "English openings: edit the variants on the card, or set ADPILOT_MODEL so a "
               "model writes them in the ad's language")
