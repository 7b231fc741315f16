"""Rubrics: the weighted criteria of a round, each with a maximum, a step and guidance for judges."""
