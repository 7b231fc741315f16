"""Friendly HTML error pages (the JSON API has its own error shape, in contest.http)."""

import logging
from typing import Any

from litestar import Request, Response

from frontend.templating import render_now

log = logging.getLogger(__name__)


def render_error_page(request: Request[Any, Any, Any], status_code: int, message: str) -> Response[Any]:
    try:
        html = render_now(request, "error.html", {"status": status_code, "message": message})
        return Response(html, status_code=status_code, media_type="text/html")
    except Exception:  # templating itself failed: still answer something readable
        log.exception("error page could not be rendered")
        return Response(f"{status_code}: {message}", status_code=status_code, media_type="text/plain")
