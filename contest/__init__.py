"""The contest platform: application shell and the contest domain."""
