"""The demo's people: verified accounts at the demo universities (addresses on their demo domains),
all with the shared demo password, numbered in the order they are made."""

import random
from typing import Any

from argon2 import PasswordHasher

from contest.accounts import service as accounts
from contest.accounts import sessions
from contest.accounts.tables import AccountKind, User
from contest.lib.clock import Clock
from contest.lib.principal import Principal

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏浩宇轩然欣怡梓涵子墨若曦思远嘉怡雨桐"
TEAM_WORDS = ("星火", "极光", "青禾", "知行", "未来", "云帆", "拾光", "匠心", "乘风", "码农", "晨曦", "远航", "追光")
TEAM_SUFFIX = ("队", "小组", "工作室", "团队")


async def demo_account(clock: Clock, hasher: PasswordHasher, password_hash: str, **fields: Any) -> int:
    """A verified account with the demo password, whose hash is made once and shared (Argon2 is
    slow by design)."""
    user_id = await accounts.create_user(clock, hasher, password=None, verified=True, **fields)
    await User.update({User.password_hash: password_hash}).where(User.id == user_id)
    return user_id


async def as_person(user_id: int) -> Principal:
    """The demo acting as one of its people (through the same services as the pages)."""
    principal = await sessions.principal_for(user_id)
    assert principal is not None
    return principal


class People:
    """Makes the demo's students and teachers; `universities` are rows with an `id`, the n-th (from
    1) having the e-mail domain `demo{n}.edu.cn`."""

    def __init__(
        self,
        clock: Clock,
        hasher: PasswordHasher,
        password_hash: str,
        universities: list[dict[str, Any]],
        rng: random.Random,
    ) -> None:
        self.clock = clock
        self.hasher = hasher
        self.password_hash = password_hash
        self.universities = universities
        self.rng = rng
        self.serial = 0

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2))))

    def team_name(self, number: int) -> str:
        return f"{self.rng.choice(TEAM_WORDS)}{self.rng.choice(TEAM_SUFFIX)}{number}"

    def email(self, kind: AccountKind, serial: int, number: int) -> str:
        """The address of the `serial`-th person, at the university `number` (from 0, cyclic)."""
        prefix = "s" if kind == AccountKind.STUDENT else "t"
        return f"{prefix}{serial}@demo{number % len(self.universities) + 1}.edu.cn"

    async def make(self, kind: AccountKind, number: int) -> int:
        """A student or teacher at the university `number` (from 0, cyclic); returns the user id."""
        self.serial += 1
        student = kind == AccountKind.STUDENT
        return await demo_account(
            self.clock,
            self.hasher,
            self.password_hash,
            email=self.email(kind, self.serial, number),
            name=self.name(),
            kind=kind,
            university_id=int(self.universities[number % len(self.universities)]["id"]),
            consent_at=self.clock.now(),
            student_number=f"2024{self.serial:05d}" if student else "",
            major="计算机科学与技术" if student else "",
        )

    async def principal(self, kind: AccountKind, number: int) -> Principal:
        return await as_person(await self.make(kind, number))
