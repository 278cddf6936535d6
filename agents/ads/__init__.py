"""The ad-creation agent: creatives and ads of the approved plan, batched, under the created ad sets.

Also the ads it adds to existing ad sets: an A/B variant (`variants.py`, `variant_apply.py`) and
a creative refresh — new ads beside a tired one (`refresh.py` reads the ad and writes the
variants, `refresh_copy.py` their copy from the model or templates, `refresh_apply.py` launches
them); `writes.py` holds the ledgered, tag-adopting creates and gated activations they share.

Imports `agents.common`, `agents.campaigns` (the launcher and the Meta tree it built),
`agents.assets` (image checks and digests), `agents.orchestrator.planning` (the planner's
parsers, chat model and copy helpers), `prompts`, `tools`, `state`.
"""
