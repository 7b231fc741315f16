"""The one error map: domain errors, framework errors and unavailable dependencies, in the reader's
language."""

import re

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from contest.accounts.schemas import MAX_PASSWORD, MIN_PASSWORD
from contest.accounts.tokens import new_secret
from contest.lib.errors import Conflict, Msg
from contest.lib.principal import Role
from contest.shell.http import describe
from storage import ObjectNotFound, StorageUnavailable
from tests import factories as f


@pytest.mark.parametrize(
    ("error", "status"),
    [(StorageUnavailable("connect refused"), 503), (RedisConnectionError("down"), 503), (ObjectNotFound("k"), 404)],
)
def test_unavailable_dependencies_are_a_clear_answer_not_a_500(error, status):
    body = describe(error, "zh-CN")
    assert body.status == status and "connect refused" not in body.message and body.message


def test_messages_and_fields_are_translated_with_their_parameters():
    error = Conflict(
        "The team is full ({max} members at most).", {"max_team_size": Msg("a team has {count}", {"count": 4})}, max=3
    )
    chinese = describe(error, "zh-CN")
    assert chinese.status == 409 and chinese.message == "团队已满（最多 3 人）。"
    assert chinese.fields == {"max_team_size": "已有团队达到 4"}
    assert describe(error, "en").message == "The team is full (3 members at most)."


def test_anything_else_hides_its_internals():
    body = describe(RuntimeError("secret path /etc/x"), "en")
    assert body.status == 500 and "secret" not in body.message


# --- Input the parser or the database cannot take is a 4xx with a message, on every database ---------

MULTIPART_WITHOUT_FILENAME = (
    b'--b\r\nContent-Disposition: form-data; name="file"\r\n\r\nname_zh\r\n--b--\r\n',
    {"content-type": "multipart/form-data; boundary=b"},
)


def malformed(contest_id: int) -> list[tuple[str, str, str, dict]]:
    """(who, method, url, request options): inputs a probe answered with 500."""
    return [
        ("anonymous", "GET", "/api/v1/contests/9223372036854775808", {}),  # 2^63: SQLite's integer overflows
        ("anonymous", "GET", "/api/v1/contests/2147483648", {}),  # 2^31: PostgreSQL's integer overflows
        ("anonymous", "GET", "/api/v1/contests/" + "9" * 40, {}),
        ("anonymous", "GET", "/api/v1/contests/-1", {}),
        ("anonymous", "GET", "/contests/9223372036854775808", {}),
        ("anonymous", "GET", "/api/v1/universities?q=%00", {}),
        ("organizer", "GET", f"/api/v1/contests/{contest_id}/teams?q=a%00b", {}),
        ("organizer", "GET", f"/api/v1/contests/{contest_id}/teams.csv?q=%00", {}),
        ("organizer", "GET", f"/api/v1/teams/{2**31}", {}),
        ("organizer", "POST", f"/api/v1/teams/{2**63}/status", {"json": {"disqualify": True, "reason": "x"}}),
        ("anonymous", "POST", "/api/v1/auth/login", {"content": b"[" * 50_000 + b"]" * 50_000, "headers": JSON}),
        (
            "anonymous",
            "POST",
            "/api/v1/auth/login",
            {"content": b'{"email": "\xff\xfe", "password": "x"}', "headers": JSON},
        ),
        ("anonymous", "POST", "/api/v1/auth/login", {"json": {"email": "a@b.cn\u0000", "password": "x"}}),
        (
            "anonymous",
            "POST",
            "/api/v1/auth/login",
            {"content": b'{"email":"a@b.cn","password":"x="}', "headers": TEXT},
        ),
        ("anonymous", "POST", "/api/v1/auth/password-reset", {"json": {"email": "x@\u0000.cn"}}),
        (
            "organizer",
            "POST",
            "/api/v1/universities/import",
            {"files": {"file": ("u.csv", b"name_zh\n" + b"x" * 200_000)}},
        ),
        (
            "organizer",
            "POST",
            "/api/v1/universities/import",
            {"content": MULTIPART_WITHOUT_FILENAME[0], "headers": MULTIPART_WITHOUT_FILENAME[1]},
        ),
        (
            "organizer",
            "PATCH",
            f"/api/v1/contests/{contest_id}",
            {"json": {"registration_deadline": "9999-12-31T23:59:59-23:59"}},
        ),
        (
            "organizer",
            "PATCH",
            f"/api/v1/contests/{contest_id}",
            {"json": {"registration_opens_at": "0001-01-01T00:00:00+23:59"}},
        ),
        ("organizer", "POST", f"/api/v1/contests/{contest_id}/tracks", {"json": {"code": "a\u0000", "name_zh": "x"}}),
        ("student", "POST", f"/api/v1/contests/{contest_id}/teams", {"json": {"name": "队名", "track_id": 2**31}}),
        ("student", "PATCH", "/api/v1/me/", {"json": {"university_id": 2**40}}),
    ]


JSON = {"content-type": "application/json"}
TEXT = {"content-type": "text/plain"}


@pytest.fixture
async def callers(world, clock):
    contest_id, _ = await f.contest(clock)
    return contest_id, {
        "anonymous": world.person("nobody@example.cn"),
        "student": await world.signup("probe-student@u.edu.cn"),
        "organizer": await world.staff("probe-organizer@contest.cn", Role.ORGANIZER, None),
    }


async def test_input_the_parser_or_the_database_cannot_take_is_a_4xx_with_a_message(callers):
    contest_id, people = callers
    answers = []
    for who, method, url, options in malformed(contest_id):
        response = await people[who].call(method, url, **options)
        answers.append((method, url[:60], response.status_code))
        assert 400 <= response.status_code < 500, (method, url[:80], response.status_code, response.text[:300])
        if url.startswith("/api/"):
            body = response.json()
            assert set(body) == {"status", "message", "fields"} and body["message"], body
    # Out-of-range ids name nothing; the rest is refused as malformed (the JSON sent as text: 415).
    assert {status for _, url, status in answers if "/contests/9223372036854775808" in url} == {404}
    assert ("POST", "/api/v1/auth/login", 415) in answers


async def test_a_refusal_speaks_the_callers_language(callers):
    _, people = callers
    response = await people["anonymous"].call(
        "GET", "/api/v1/universities?q=%00", headers={"Accept-Language": "zh-CN,zh;q=0.9"}
    )
    assert response.status_code == 400 and response.json()["message"] == "请求中含有 NUL 字符，无法接受。"


# --- Answers that name people are never cached -------------------------------------------------------


async def test_pages_answers_and_exports_say_no_store_and_static_files_do_not(callers):
    contest_id, people = callers
    organizer, student = people["organizer"], people["student"]
    for person, url in (
        (student, "/"),
        (student, "/me"),
        (student, "/api/v1/me/"),
        (organizer, f"/api/v1/contests/{contest_id}/teams.csv"),
        (people["anonymous"], "/login"),
        (people["anonymous"], "/api/v1/contests/999"),
    ):
        response = await person.call("GET", url)
        assert response.headers.get("cache-control") == "no-store", (url, response.status_code)
    static = await student.call("GET", "/static/app.css")
    assert static.status_code == 200 and static.headers.get("cache-control") != "no-store"


# --- The document says what the API answers ----------------------------------------------------------


async def test_every_operation_documents_the_real_error_body(client):
    document = (await client.get("/api/v1/schema/openapi.json")).json()
    assert set(document["components"]["schemas"]["ErrorBody"]["required"]) == {"status", "message", "fields"}
    operations = [
        op
        for url, path in document["paths"].items()
        if url.startswith("/api/")
        for op in path.values()
        if isinstance(op, dict)
    ]
    assert len(operations) > 40
    for operation in operations:
        for status in ("400", "401", "403", "404", "429"):
            schema = operation["responses"][status]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (operation["operationId"], status)
    # The framework's own error body ({status_code, detail, extra}) is promised nowhere.
    assert '"status_code"' not in str(document).replace("'", '"')
    assert not any(path.startswith("/api/v1/schema") for path in document["paths"])


async def test_the_auth_operations_document_what_they_enforce(client):
    schemas = (await client.get("/api/v1/schema/openapi.json")).json()["components"]["schemas"]
    for name in ("RegisterIn", "PasswordResetIn"):
        password = schemas[name]["properties"]["password"]
        assert (password["minLength"], password["maxLength"]) == (MIN_PASSWORD, MAX_PASSWORD)
    for name in ("TokenIn", "PasswordResetIn"):
        token = schemas[name]["properties"]["token"]
        assert re.fullmatch(token["pattern"], new_secret()) and not re.search(token["pattern"], "a\nb")
    register = schemas["RegisterIn"]["properties"]
    assert register["email"]["format"] == "email" and register["name"]["minLength"] == 1
    assert not re.search(register["name"]["pattern"], "   ") and re.search(register["name"]["pattern"], " 李雷 ")
    assert schemas["LoginIn"]["properties"]["password"]["maxLength"] == MAX_PASSWORD


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"password": "Short-1"}, "password"),  # 7 < minLength
        ({"password": "x" * (MAX_PASSWORD + 1)}, "password"),
        ({"name": "   "}, "name"),  # no character but spaces
        ({"name": "李\n雷"}, "name"),
        ({"email": "not an address"}, "email"),
    ],
)
async def test_sign_up_refuses_what_its_document_refuses(client, body, field):
    valid = {
        "email": "doc@u.edu.cn",
        "name": "李雷",
        "password": "Correct-horse-42",
        "kind": "teacher",
        "consent": True,
    }
    response = await client.post("/api/v1/auth/register", json={**valid, **body})
    assert response.status_code == 400 and field in response.json()["fields"], response.text
