"""Copy templates for the rules planner (no model): one set per objective.

Placeholders: `{product}` (what is advertised, e.g. "trail running shoes"), `{brand}` (from
the landing page's domain, e.g. "Acme"), `{offer}` (e.g. "20% off", or empty). Templates are
written to make no claims the marketer did not make, and to stay inside Meta's text guidance (primary text ≤ 125, headline ≤ 40 — most ≤ 27 —,
description ≤ 30 characters) for products of up to ~30 characters; `agents/orchestrator/planning/copy.py`
shortens whatever still runs over. Variant order matters: A/B tests take them in order.
"""

HEADLINES = {
    "OUTCOME_SALES": ["Shop {product}", "{Product}, delivered", "Meet {product}",
                      "New from {brand}"],
    "OUTCOME_LEADS": ["Get started with {brand}", "{Product}: sign up", "Join {brand} today",
                      "Request your {product}"],
    "OUTCOME_TRAFFIC": ["Discover {product}", "See {product}", "{Product} by {brand}",
                        "Take a look"],
    "OUTCOME_AWARENESS": ["Meet {brand}", "Say hello to {product}", "{Product} is here",
                          "Discover {brand}"],
    "OUTCOME_ENGAGEMENT": ["What do you think?", "{Product}: your take?", "Join the conversation",
                           "Tell us your favourite"],
    "OUTCOME_APP_PROMOTION": ["Get the {brand} app", "{Product} in your pocket", "Download now",
                              "Try the {brand} app"],
}

PRIMARY = {
    "OUTCOME_SALES": ["{Offer}Discover {product} from {brand}. Order today.",
                      "{Offer}{Product} from {brand}. Get yours today.",
                      "Treat yourself to {product}. {Offer}Shop {brand} now."],
    "OUTCOME_LEADS": ["Curious about {product}? Sign up and {brand} will be in touch.",
                      "{Offer}Get {product} from {brand}. Sign up to hear more.",
                      "Want {product}? Sign up with {brand} today."],
    "OUTCOME_TRAFFIC": ["See what's new at {brand}: {product}.",
                        "{Offer}Everything about {product}, in one place. Take a look.",
                        "Explore {product} from {brand}."],
    "OUTCOME_AWARENESS": ["Meet {brand}: {product}, made for you.",
                          "{Product}, by {brand}. Now you know.",
                          "Say hello to {brand} and {product}."],
    "OUTCOME_ENGAGEMENT": ["We made {product}. Tell us what you think!",
                           "{Product} from {brand}: which one is your favourite?",
                           "Share this with someone who'd love {product}."],
    "OUTCOME_APP_PROMOTION": ["{Offer}Get {product} on your phone with the {brand} app.",
                              "Download the {brand} app and try {product} today.",
                              "{Product}, anytime. Install the {brand} app."],
}

DESCRIPTIONS = {
    "OUTCOME_SALES": "Shop {brand}",
    "OUTCOME_LEADS": "Sign up today",
    "OUTCOME_TRAFFIC": "Read more",
    "OUTCOME_AWARENESS": "{Brand}",
    "OUTCOME_ENGAGEMENT": "Join in",
    "OUTCOME_APP_PROMOTION": "Get the app",
}

DEFAULT_PRODUCT = "what we offer"
