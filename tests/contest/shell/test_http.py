"""The one error map: domain errors, framework errors and unavailable dependencies, in the reader's
language."""

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from contest.lib.errors import Conflict, Msg
from contest.shell.http import describe
from storage import ObjectNotFound, StorageUnavailable


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
