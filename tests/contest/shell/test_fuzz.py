"""Schemathesis over the app's own OpenAPI document, as anonymous, a student (in a team) and a
national organizer.

Every operation gets a bounded number of generated requests, valid ones and malformed ones; each
answer must be no server error, a documented status with the documented content type, and a body
that matches the documented schema (errors included: `{status, message, fields}`).

The app runs in the test's event loop (its Redis connections belong to that loop); Hypothesis runs
in a worker thread and hands each request to the loop.
"""

import asyncio
import os
from typing import Any

import httpx
import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from contest.accounts import sessions
from contest.accounts.schemas import ApiTokenIn
from contest.accounts.tables import ApiToken
from contest.lib.principal import Role
from tests import factories as f

BASE = "http://testserver.local"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Per operation, role and mode: bounded for CI; FUZZ_EXAMPLES=100 explores further on a workstation.
_BUDGET = int(os.environ.get("FUZZ_EXAMPLES", "8"))
EXAMPLES = {GenerationMode.POSITIVE: _BUDGET, GenerationMode.NEGATIVE: max(1, _BUDGET // 2)}


def _send(client: httpx.AsyncClient, loop: asyncio.AbstractEventLoop, case: Any, headers: dict[str, str]) -> Any:
    kwargs = case.as_transport_kwargs(base_url=BASE, headers=headers)
    prepared = requests.Request(
        method=kwargs["method"],
        url=kwargs["url"],
        headers=kwargs.get("headers"),
        params=kwargs.get("params"),
        json=kwargs.get("json"),
        data=kwargs.get("data"),
        files=kwargs.get("files"),
        cookies=kwargs.get("cookies"),
    ).prepare()
    request = client.request(
        prepared.method or "GET",
        prepared.url or BASE,
        headers={k: v for k, v in prepared.headers.items() if k.lower() != "content-length"},
        content=prepared.body,
    )
    return asyncio.run_coroutine_threadsafe(request, loop).result(timeout=60)


def fuzz(schema: Any, client: httpx.AsyncClient, loop: asyncio.AbstractEventLoop, headers: dict[str, str]) -> list[str]:
    """Every operation, each generation mode: the failures found (empty when none)."""
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode, count in EXAMPLES.items():

            @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
            @hypothesis.settings(
                max_examples=count,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def run(case: Any) -> None:
                response = _send(client, loop, case, headers)
                case.validate_response(response, checks=CHECKS)

            try:
                run()
            except hypothesis.errors.Unsatisfiable:
                continue
            except (Exception, BaseExceptionGroup) as exc:  # a check failed: report all at the end
                failures.append(f"{operation.label} ({mode.value}): {str(exc)[:1500]}")
    return failures


@pytest.fixture
async def callers(world, clock) -> dict[str, dict[str, str]]:
    """Bearer tokens of a student (in a team) and a national organizer; anonymous sends none.

    Other people's tokens come first, so a generated DELETE /me/tokens/{id} rarely names the
    caller's own."""
    contest_id, track_id = await f.contest(clock)
    student = await world.signup("fuzz-student@u.edu.cn")
    organizer = await world.staff("fuzz-organizer@contest.cn", Role.ORGANIZER, None)
    created = await student.call(
        "POST", f"/api/v1/contests/{contest_id}/teams", json={"name": "模糊测试队", "track_id": track_id}
    )
    assert created.status_code == 201, created.text
    filler = await f.user(clock)
    await ApiToken.insert(
        *[ApiToken(token_hash=f"filler-{n}", user=filler, name="x", created_at=clock.now()) for n in range(300)]
    )
    tokens = {}
    for name, person in (("student", student), ("organizer", organizer)):
        token = await sessions.create_api_token(f.runtime(clock), await f.principal(person.id), ApiTokenIn(name="fuzz"))
        tokens[name] = {"Authorization": f"Bearer {token.token}"}
    return {"anonymous": {}, **tokens}


@pytest.mark.parametrize("role", ["anonymous", "student", "organizer"])
async def test_the_api_answers_as_documented(app, client, callers, role):
    document = (await client.get("/api/v1/schema/openapi.json")).json()
    schema = schemathesis.openapi.from_dict(document)
    failures = await asyncio.to_thread(fuzz, schema, client, asyncio.get_running_loop(), callers[role])
    assert failures == [], "\n\n".join(failures)
