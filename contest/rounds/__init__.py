"""Rounds of a contest: their sequence, windows, entry-file slots, participants and extensions."""
