"""Who sees the ads and where: ages, genders, languages, interests and placements."""
