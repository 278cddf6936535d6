"""What the rules router reads before or after routing so that nothing asked is dropped or inverted.

- `kinds.py` — a kind of ad as a filter or an exception ("the video ads in X");
- `conditions.py` — a pause waiting on a metric, a target said with no change;
- `negation.py` — what not to do, what is taken back ("don't pause X, just cut it");
- `children.py` — a child or an object named by words that name nothing ("the blue ad set").

Each is used by `agents/orchestrator/routing/rules.py`; they import the router's cues, params,
checks and resolver, never the other way round.
"""
