"""What every entry operation loads first: the round, the acting member's team and its own window, or
an upload with its team; and rows as the API's Structs."""

import math
from typing import Any

import msgspec

from contest.lib.db import json_value, one
from contest.lib.errors import Forbidden
from contest.lib.principal import Principal
from contest.rounds import participants
from contest.rounds.rules import Window
from contest.rounds.service import round_row, window_of
from contest.submissions import access
from contest.submissions.schemas import UploadOut
from contest.submissions.tables import Upload
from contest.teams import queries as teams
from contest.teams.common import load_team, member_ids
from storage.checks import Message


class Scene(msgspec.Struct, kw_only=True):
    """A team in a round: the round's row, the team's row and members, and the team's own window."""

    round: dict[str, Any]
    team: dict[str, Any]
    members: list[int]
    window: Window
    takes_part: bool


async def scene_of(round_row_: dict[str, Any], team_id: int) -> Scene:
    team = await load_team(team_id)
    extra = (await participants.extra_minutes(round_row_["id"], [team_id])).get(team_id, 0)
    return Scene(
        round=round_row_,
        team=team,
        members=await member_ids(team_id),
        window=window_of(round_row_, extra),
        takes_part=await participants.takes_part(round_row_, team),
    )


async def my_scene(actor: Principal, round_id: int) -> Scene:
    """The acting student's team in a round it takes part in (Forbidden otherwise)."""
    row = await round_row(round_id)
    team_id = await teams.team_of(actor.user_id, row["contest"])
    if team_id is None:
        raise Forbidden("You are not in a team of this contest.")
    scene = await scene_of(row, team_id)
    access.require_participant(scene.takes_part)
    return scene


async def load_upload(upload_id: int) -> dict[str, Any]:
    return await one(Upload.select().where(Upload.id == upload_id).first(), "No such upload.")


async def upload_scene(actor: Principal, upload_id: int, *, readers: bool = False) -> tuple[dict[str, Any], Scene]:
    """An upload and its team's scene, for a member of the team (with `readers`, also its organizers);
    to anyone else the upload does not exist."""
    upload = await load_upload(upload_id)
    scene = await scene_of(await round_row(upload["round"]), upload["team"])
    if readers:
        access.require_reader(actor, scene.team, scene.members)
    else:
        access.require_member(actor, scene.members)
    return upload, scene


def messages(result: dict[str, Any] | None, kind: str) -> list[Message]:
    return [msgspec.convert(m, Message) for m in (result or {}).get(kind, [])]


def upload_out(row: dict[str, Any]) -> UploadOut:
    result = json_value(row["result"]) if row["result"] is not None else None
    part_size = row["part_size"] or None
    return UploadOut(
        id=row["id"],
        round_id=row["round"],
        slot_id=row["slot"],
        team_id=row["team"],
        version=row["version"],
        method=row["method"],
        filename=row["filename"],
        declared_size=row["declared_size"],
        size=row["size"],
        status=row["status"],
        created_at=row["created_at"],
        finalised_at=row["finalised_at"],
        checked_at=row["checked_at"],
        digest=row["digest"],
        text=row["text"],
        part_size=part_size,
        part_count=math.ceil(row["declared_size"] / part_size) if part_size else None,
        problems=messages(result, "problems"),
        warnings=messages(result, "warnings"),
        notes=messages(result, "notes"),
        facts=(result or {}).get("facts", {}),
    )
