"""Parses that misbehave on purpose, run in the bounded child in place of the importer's. A module of
their own, so the child imports nothing else to find them."""

MIB = 1024 * 1024


def spin(*args: object) -> None:
    while True:
        pass


def hoard(*args: object) -> None:
    chunks = []
    while True:
        chunks.append(bytearray(64 * MIB))
