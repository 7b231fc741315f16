"""Judges of a contest: profiles (university, region, expertise, tracks, loads) and their rounds."""
