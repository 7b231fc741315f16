"""Helpers of the entry-file check tests: run a check on bytes, list message ids."""

import io
from collections.abc import Callable

import pytest

from storage.checks import DEFAULT_SLOTS, CheckResult, Message, SlotConfig, check_file


def ids(messages: list[Message]) -> list[str]:
    return [m.id for m in messages]


@pytest.fixture
def check() -> Callable[..., CheckResult]:
    def run(slot: str | SlotConfig, data: bytes, **options: object) -> CheckResult:
        config = DEFAULT_SLOTS[slot] if isinstance(slot, str) else slot
        return check_file(config, io.BytesIO(data), len(data), **options)  # type: ignore[arg-type]

    return run
