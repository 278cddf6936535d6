"""When the ads run: dates, start, end and duration, and whether to go live once approved."""
