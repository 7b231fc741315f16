"""Jinja2 templating: one autoescaping environment; every page gets the same context helpers."""

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar import Request
from litestar.datastructures import Cookie
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template import TemplateConfig

from contest.lib.errors import Msg
from contest.lib.guards import principal_of
from contest.lib.schemas import Name
from frontend.i18n import BEIJING, DEFAULT_LANGUAGE, format_datetime, negotiate_language, translate, translations
from frontend.nav import nav_for

TEMPLATES_DIR = Path(__file__).parent / "templates"


def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


ENVIRONMENT = environment()


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(ENVIRONMENT))


def language_of(request: Request[Any, Any, Any]) -> str:
    """The page language: the `lang` cookie, else Accept-Language, else the site default."""
    settings = request.app.state.get("settings")
    default = getattr(settings, "default_language", DEFAULT_LANGUAGE)
    return negotiate_language(request.cookies.get("lang"), request.headers.get("accept-language"), default)


def named(value: Any, lang: str, field: str = "name") -> str:
    """The name of `value` in the reader's language: a Name (zh/en), or an object or mapping with
    `<field>_zh` and `<field>_en`; the Chinese one when there is no English."""
    if value is None:
        return ""
    if isinstance(value, Name):
        return value.pick(lang)

    def get(key: str) -> Any:
        return value.get(key) if isinstance(value, dict) else getattr(value, key, None)

    zh, en = get(f"{field}_zh") or "", get(f"{field}_en") or ""
    return str(en if lang == "en" and en else zh)


def page_context(request: Request[Any, Any, Any]) -> dict[str, Any]:
    lang = language_of(request)
    catalog = translations(lang)
    principal = principal_of(request)
    shown = getattr(request.state, "flash", None) or {}
    return {
        "tr": lambda message: translate(message, lang) if message else "",
        "t": lambda text, **params: translate(Msg(text, params), lang),
        "form": {},
        "named": lambda value, field="name": named(value, lang, field),
        "notice": shown.get("notice"),
        "error": shown.get("error"),
        "fields": shown.get("fields") or {},
        "_": catalog.gettext,
        "ngettext": catalog.ngettext,
        "lang": lang,
        "principal": principal,
        "nav": nav_for(principal),
        "csrf_token": request.scope.get("csrf_token", ""),  # type: ignore[call-overload]
        "path": request.url.path,
        # Where the language switch and the sign-in link come back to: filters and `next` survive.
        "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        "when": lambda value, tz=BEIJING: format_datetime(value, lang, tz),
    }


def render_now(request: Request[Any, Any, Any], template_name: str, context: dict[str, Any]) -> str:
    """Render to a string at once (error pages must not fail later, while being sent)."""
    return ENVIRONMENT.get_template(template_name).render({**page_context(request), **context})


def render(
    request: Request[Any, Any, Any],
    template_name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    cookies: list[Cookie] | None = None,
) -> Template:
    """Render a page with the shared helpers (`_`, `tr`, `named`, `lang`, `principal`, `nav`,
    `csrf_token`, `when`) and what a redirect left for it: a notice, or a refused form's error,
    field messages and input (`form`, which wins over the page's own values)."""
    values = {**page_context(request), **(context or {})}
    shown = getattr(request.state, "flash", None) or {}
    if shown.get("form") is not None:
        values["form"] = {**(values.get("form") or {}), **shown["form"]}
    cookies = list(cookies or [])
    if getattr(request.state, "flash_taken", False):
        cookies.append(Cookie(key="flash", value="", max_age=0, path="/"))
    return Template(
        template_name=template_name,
        context=values,
        status_code=status_code,
        cookies=cookies,
        media_type="text/html",
    )
