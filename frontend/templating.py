"""Jinja2 templating: one autoescaping environment; every page gets the same context helpers."""

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar import Request
from litestar.datastructures import Cookie
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template import TemplateConfig

from contest.accounts.guards import principal_of
from frontend.i18n import DEFAULT_LANGUAGE, format_datetime, negotiate_language, translations
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


def page_context(request: Request[Any, Any, Any]) -> dict[str, Any]:
    lang = language_of(request)
    catalog = translations(lang)
    principal = principal_of(request)
    return {
        "_": catalog.gettext,
        "ngettext": catalog.ngettext,
        "lang": lang,
        "principal": principal,
        "nav": nav_for(principal),
        "csrf_token": request.scope.get("csrf_token", ""),  # type: ignore[call-overload]
        "path": request.url.path,
        # Where the language switch and the sign-in link come back to: filters and `next` survive.
        "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        "when": lambda value, tz="Asia/Shanghai": format_datetime(value, lang, tz),
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
    """Render a page with the shared helpers (`_`, `lang`, `principal`, `nav`, `csrf_token`, `when`)."""
    return Template(
        template_name=template_name,
        context={**page_context(request), **(context or {})},
        status_code=status_code,
        cookies=cookies,
        media_type="text/html",
    )
