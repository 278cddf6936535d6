"""Text for models and people: the planner's prompts, copy templates, the optimise card, reports.

`refresh.py` holds a creative refresh's copywriter prompt and offline copy frames.

Templates only: every decision is code in the agents above or in `state` below, the only
package prompts imports.
"""
