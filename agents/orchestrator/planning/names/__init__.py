"""The names the rules planner gives a campaign, its ad sets and ads — and re-gives after an edit.

- `derive.py` — the naming rules themselves ("US 25-45", "Image 1: shoe.png",
  "TrailBlaze – Sales – Mar 2026"), used by `planning/rules.py` and `planning/structure.py`;
- `given.py` — a campaign name the brief gives ("a sales campaign called Winter Boots"), used
  as written;
- `rederive.py` — after a person edits a pending plan, a name that is still what these rules
  made of the old content is made again from the new content; a name the person wrote is kept.
"""
