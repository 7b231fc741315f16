"""The reference for benchmarks: the smallest Litestar app, one JSON endpoint, no middleware."""

from litestar import Litestar, get


@get("/", sync_to_thread=False)
def hello() -> dict[str, str]:
    return {"status": "ok"}


app = Litestar(route_handlers=[hello])
