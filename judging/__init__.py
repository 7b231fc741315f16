"""The judging engine: conflicts, assignment, score sheets, normalisation, ranking, awards."""
