"""Audiences in a brief: custom audiences, lookalikes, exclusions and detailed targeting.

- `custom.read_audiences`: website visitors (retention, URL rules, pixel events), customer
  lists (a named file), engagement (page, Instagram, video, lead form), existing audiences by
  name or id, lookalikes of a seed, and which of them are included or excluded;
- `detailed.read_detailed`: behaviours, life events, job titles, industries, parents, income,
  education and relationship status from `sandbox/data/targeting_categories.json`, included
  (`flexible_spec`) or excluded (`exclusions`), and Advantage+ audience on or off.

What a brief asks for but leaves out (which list, which seed, which pixel) is asked, naming
the phrase and the plan field; nothing is guessed silently.
"""
