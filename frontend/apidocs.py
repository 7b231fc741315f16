"""The API reference: the OpenAPI document the app serves, rendered as a page (no script needed)."""

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template

from contest.lib.guards import access_of, public
from frontend.templating import render

METHODS = ("get", "post", "put", "patch", "delete")


def type_of(schema: dict[str, Any]) -> str:
    """A short human description of a JSON schema: "string ≤ 100", "InvitationIn", "integer | null"."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return " | ".join(type_of(s) for s in schema[key])
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = " | ".join(kind)
    if kind == "array":
        return f"[{type_of(schema.get('items', {}))}]"
    if "enum" in schema:
        return " | ".join(repr(v) for v in schema["enum"])
    bounds = [
        f"{sign} {schema[key]}"
        for key, sign in (("minLength", "≥"), ("maxLength", "≤"), ("minimum", "≥"), ("maximum", "≤"))
        if key in schema
    ]
    return f"{kind} {' '.join(bounds)}".strip()


def _ref(content: dict[str, Any] | None) -> str:
    """The schema a body names (JSON first, else the first media type)."""
    media: dict[str, Any] = dict(content or {})
    chosen: dict[str, Any] = media.get("application/json") or next(iter(media.values()), {})
    schema = chosen.get("schema", {})
    return type_of(schema) if schema else ""


def reference(app: Any) -> dict[str, Any]:
    """Operations grouped by tag (with who may call each) and the schemas they name."""
    document = app.openapi_schema.to_schema()
    access = {}
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            guards = [g for layer in handler.ownership_layers for g in (layer.guards or [])]
            for method in getattr(handler, "http_methods", ()):
                access[(method.lower(), route.path_format)] = ", ".join(access_of(guards))
    groups: dict[str, list[dict[str, Any]]] = {}
    for path, item in document["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            responses = operation.get("responses", {})
            ok = next((code for code in responses if code.startswith("2")), "")
            groups.setdefault((operation.get("tags") or ["other"])[0], []).append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("description") or operation.get("summary", ""),
                    "access": access.get((method, path), ""),
                    "parameters": [
                        (p["name"], p["in"], type_of(p.get("schema", {})), p.get("required", False))
                        for p in operation.get("parameters", [])
                    ],
                    "body": _ref(operation.get("requestBody", {}).get("content")),
                    "status": ok,
                    "returns": _ref(responses.get(ok, {}).get("content")) if ok else "",
                }
            )
    schemas = {
        name: [
            (field, type_of(spec), field in schema.get("required", []))
            for field, spec in schema.get("properties", {}).items()
        ]
        for name, schema in sorted(document.get("components", {}).get("schemas", {}).items())
    }
    return {"info": document["info"], "groups": groups, "schemas": schemas}


class ApiReferencePages(Controller):
    include_in_schema = False
    guards = [public]

    @get("/api-reference")
    async def reference(self, request: Request[Any, Any, Any]) -> Template:
        return render(request, "api_reference.html", reference(request.app))
