"""Where the ads run: place names, groups, radii, exclusions, and the questions they raise."""
