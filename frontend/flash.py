"""What a page says after a redirect: a notice after a successful action, or the error and the
input of a refused form (post, redirect, get: a reload never resends a form, and nothing typed is
lost). Kept in Redis for a few minutes under a random id held in a cookie, so any app process can
show it.
"""

import json
import secrets
from datetime import datetime
from typing import Any

from litestar import Request
from litestar.datastructures import Cookie
from litestar.response import Redirect

from contest.lib.errors import DomainError, Msg

COOKIE = "flash"
TTL_SECONDS = 300
# Never echoed back into a form.
SECRET_FIELDS = frozenset({"password", "_csrf"})


def _msg(message: Msg | str) -> dict[str, Any]:
    if not isinstance(message, Msg):
        return {"text": message}
    # An instant (a deadline) stays one, so the page shows it in the reader's language and zone.
    params = {k: {"instant": v.isoformat()} if isinstance(v, datetime) else v for k, v in message.params.items()}
    return {"text": message.text, "params": params}


def _revived(data: dict[str, Any]) -> Msg:
    params = {
        k: datetime.fromisoformat(v["instant"]) if isinstance(v, dict) and set(v) == {"instant"} else v
        for k, v in data.get("params", {}).items()
    }
    return Msg(data["text"], params)


async def redirect(
    request: Request[Any, Any, Any],
    target: str,
    *,
    notice: Msg | str | None = None,
    error: DomainError | None = None,
    form: dict[str, str] | None = None,
) -> Redirect:
    """See other `target`, which will show `notice`, or `error` with the `form` as typed."""
    data: dict[str, Any] = {}
    if notice is not None:
        data["notice"] = _msg(notice)
    if error is not None:
        data["error"] = _msg(error.msg)
        data["fields"] = {k: _msg(v) for k, v in error.fields.items()}
        data["form"] = {k: v for k, v in (form or {}).items() if k not in SECRET_FIELDS}
    redis = request.app.state.get("redis")
    cookies = []
    if data and redis is not None:
        key = secrets.token_urlsafe(16)
        await redis.set(f"flash:{key}", json.dumps(data, ensure_ascii=False), ex=TTL_SECONDS)
        cookies.append(Cookie(key=COOKIE, value=key, max_age=TTL_SECONDS, httponly=True, samesite="lax", path="/"))
    return Redirect(path=target, status_code=303, cookies=cookies)


async def load(request: Request[Any, Any, Any]) -> None:
    """Before a page renders: take its flash (once) into `request.state.flash`."""
    key = request.cookies.get(COOKIE)
    redis = request.app.state.get("redis")
    request.state.flash = {}
    if not key or redis is None or request.method != "GET":
        return
    raw = await redis.getdel(f"flash:{key}")
    request.state.flash_taken = True
    if raw:
        data = json.loads(raw)
        request.state.flash = {
            "notice": _revived(data["notice"]) if "notice" in data else None,
            "error": _revived(data["error"]) if "error" in data else None,
            "fields": {k: _revived(v) for k, v in data.get("fields", {}).items()},
            "form": data.get("form"),
        }


def taken(request: Request[Any, Any, Any]) -> bool:
    """Whether this request used up a flash (its cookie is then cleared)."""
    return bool(getattr(request.state, "flash_taken", False))
