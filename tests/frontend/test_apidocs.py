"""The API reference page renders the app's own OpenAPI document, with who may call each route."""

from frontend.apidocs import type_of


def test_schema_types_read_as_people_write_them():
    assert type_of({"type": "string", "maxLength": 100}) == "string ≤ 100"
    assert type_of({"$ref": "#/components/schemas/TeamIn"}) == "TeamIn"
    assert type_of({"oneOf": [{"type": "integer"}, {"type": "null"}]}) == "integer | null"
    assert type_of({"type": "array", "items": {"$ref": "#/components/schemas/TrackOut"}}) == "[TrackOut]"


async def test_the_reference_lists_routes_access_and_schemas(client):
    page = await client.get("/api-reference")
    assert page.status_code == 200
    assert "/api/v1/teams/{team_id}/invitations" in page.text and 'id="schema-InvitationIn"' in page.text
    assert "role:organizer" in page.text and "public" in page.text
    assert "<title>API 文档 · " in page.text
    english = await client.get("/api-reference", headers={"Accept-Language": "en"})
    assert "<title>API reference · " in english.text
    footer = (await client.get("/")).text
    assert 'href="/api-reference"' in footer
