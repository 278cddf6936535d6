"""The report's files: what `reporting.py` computed, written for whoever reads each one.

- `export.py` — `report.md` for a person (tables that say which ad set, reasons in full, how
  many charts follow) and the JSON report's money units (every `*_minor` a whole number);
- `sheets.py` — the CSV files for a spreadsheet: money in major units with its currency, rates
  as percentages named `*_pct`, names without provenance tags.

Imports `agents.insights.timeline` (an action in words) and `state`.
"""
