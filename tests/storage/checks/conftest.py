"""The `check` fixture of the entry-file check tests: check_file on bytes, by slot name or config."""

import io
from collections.abc import Callable

import pytest

from storage.checks import DEFAULT_SLOTS, CheckResult, SlotConfig, check_file


@pytest.fixture
def check() -> Callable[..., CheckResult]:
    def run(slot: str | SlotConfig, data: bytes, **options: object) -> CheckResult:
        config = DEFAULT_SLOTS[slot] if isinstance(slot, str) else slot
        return check_file(config, io.BytesIO(data), len(data), **options)  # type: ignore[arg-type]

    return run
