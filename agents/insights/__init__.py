"""The insights agent: what Meta reports, collected, stored, queried and reported.

- `collect.py` — the `collect_insights` node: daily insights into the local store
  (`state.insights_store`);
- `reporting.py` — `adpilot report`: the performance report's numbers;
- `export.py` — its markdown, CSV and JSON writers; `charts.py` — its PNG charts.

Imports `agents.common`, `agents.optimize` (a report shows the loop's verdicts, experiments and
targets), `prompts`, `tools`, `state`.
"""
