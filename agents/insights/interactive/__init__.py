"""The web dashboard's report: interactive charts from the PNGs' series, and the downloads.

- `figures.py` — `figures(series, view)`: Plotly figures (plain JSON dicts for plotly.js) of
  `reporting.chart_series` and the comparison view; `marks.py` — the applied actions drawn on
  them;
- `web_report.py` — `web_report(thread_id, runner=..., home=...)`: the report's summary,
  facts, figures and actions for a page, and its JSON and CSV files written for download.

Imports the rest of `agents.insights` (the report it shows), `agents.optimize` (the thread's
action history), `state`; never `graph`, and never the plotly package (the browser draws).
"""

from agents.insights.interactive.figures import figures
from agents.insights.interactive.web_report import web_report

__all__ = ["figures", "web_report"]
