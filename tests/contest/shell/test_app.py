"""The platform shell through the real app: health, readiness, errors, headers, OpenAPI, guards."""

import pytest
from litestar import Controller, Litestar, get

from contest.shell.app import UnguardedRoute, check_routes_guarded, create_app


async def test_healthz(client):
    response = await client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


async def test_readyz_checks_database_redis_and_s3(client):
    response = await client.get("/readyz")
    body = response.json()
    assert response.status_code == 200, body
    assert set(body["checks"]) == {"database", "redis", "s3"}
    assert all(check["ok"] for check in body["checks"].values())


async def test_readyz_reports_a_dead_dependency(app_settings, clock):
    import httpx

    from tests.conftest import replace

    broken = create_app(replace(app_settings, redis_url="redis://127.0.0.1:1/0"), clock=clock)
    async with (
        broken.lifespan(),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=broken), base_url="http://t") as client,
    ):
        response = await client.get("/readyz")
    body = response.json()
    assert response.status_code == 503
    assert body["checks"]["redis"]["ok"] is False and body["checks"]["database"]["ok"] is True


async def test_security_headers_and_request_id(client):
    response = await client.get("/", headers={"X-Request-ID": "abc-123"})
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-request-id"] == "abc-123"
    generated = await client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert generated.headers["x-request-id"] != "<script>" and len(generated.headers["x-request-id"]) == 16


async def test_api_errors_have_one_shape(client):
    missing = await client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404
    assert missing.json() == {"status": 404, "message": "Not found.", "fields": {}}
    invalid = await client.post("/api/v1/auth/login", json={"email": "a@b.cn"})
    assert invalid.status_code == 400
    body = invalid.json()
    assert body["status"] == 400 and body["message"] and "password" in " ".join(body["fields"]) + body["message"]


async def test_pages_get_friendly_html_errors(client):
    response = await client.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "404" in response.text and "返回首页" in response.text


async def test_openapi_is_served(client):
    response = await client.get("/api/v1/schema/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/auth/register" in paths and "/api/v1/contests/{contest_id}/teams" in paths


def test_a_route_without_an_access_guard_stops_the_app():
    class Careless(Controller):
        path = "/careless"

        @get("/")
        async def leak(self) -> str:
            return "secret"

    app = Litestar(route_handlers=[Careless])
    with pytest.raises(UnguardedRoute, match="careless"):
        check_routes_guarded(app)
