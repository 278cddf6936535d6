"""The insights agent: what Meta reports, collected, stored, queried and reported.

- `collect.py` — the `collect_insights` node: daily insights into the local store
  (`state.insights_store`);
- `results.py` — what counts as each ad set's result (leads, conversations started, purchase
  value, ...), for collection and the report's results by goal, and which Meta ad set and ad
  each plan node became;
- `reporting.py` — `adpilot report`: the performance report's numbers;
  `report_text.py` — its executive summary (the campaign's state, the sentences that apply);
- `assets_report.py` — dynamic creative's assets (asset breakdowns), ranked for the report;
- `writers/` — its markdown, CSV and JSON files; `charts.py` — its PNG time charts, with
  the actions and budgets of `timeline.py`; `experiment_view.py` / `experiment_chart.py` —
  which variant (or ad set) is winning and how long until the test can decide, and
  `margin_note.py` why the loop cut the one the chart calls the best, when it did;
- `interactive/` — the report for `adpilot web`: Plotly figures of the PNGs' own series
  (`reporting.chart_series`), and `web_report`, the page's data with its downloads written;
- `question.py`, `answer.py`, `ask.py` — read-only questions about the numbers.

Imports `agents.common`, `agents.optimize` (a report shows the loop's verdicts, experiments and
targets), `prompts`, `tools`, `state`.
"""
