"""Conflicts of interest between judges and teams: computed, declared by judges, added by organizers."""
