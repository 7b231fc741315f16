"""Browser sessions and personal API tokens, resolved to a Principal on every request.

Both live in the database, so any app process can serve any request.
"""

from datetime import timedelta

from contest.accounts.schemas import ApiTokenCreatedOut, ApiTokenIn, ApiTokenOut
from contest.accounts.tables import ApiToken, Grant, Session, User
from contest.accounts.tokens import digest, new_secret
from contest.lib.audit import service as audit
from contest.lib.clock import Clock
from contest.lib.db import write_transaction
from contest.lib.errors import NotFound
from contest.lib.principal import GrantView, Principal, Role
from contest.lib.runtime import Runtime

API_TOKEN_PREFIX = "ct_"
# Sliding expiry: refresh last_seen_at at most this often, not on every request.
TOUCH_EVERY = timedelta(minutes=5)


async def principal_for(user_id: int) -> Principal | None:
    user = (
        await User.select(
            User.id, User.name, User.email, User.kind, User.language, User.is_active, User.email_verified_at
        )
        .where(User.id == user_id)
        .first()
    )
    if user is None or not user["is_active"]:
        return None
    grants = await Grant.select(Grant.role, Grant.contest, Grant.region).where(Grant.user == user_id)
    return Principal(
        user_id=user["id"],
        name=user["name"],
        email=user["email"],
        kind=user["kind"],
        language=user["language"],
        verified=user["email_verified_at"] is not None,
        grants=tuple(GrantView(Role(g["role"]), g["contest"], g["region"]) for g in grants),
    )


async def open_session(clock: Clock, user_id: int, days: int) -> tuple[str, str]:
    """Start a session; returns (cookie secret, CSRF token)."""
    secret, csrf = new_secret(), new_secret()
    now = clock.now()
    async with write_transaction():
        await Session.insert(
            Session(
                token_hash=digest(secret),
                user=user_id,
                csrf_token=csrf,
                created_at=now,
                expires_at=now + timedelta(days=days),
                last_seen_at=now,
            )
        )
    return secret, csrf


async def resolve_session(clock: Clock, secret: str, days: int) -> tuple[Principal, str] | None:
    """The principal and CSRF token of a live session, sliding its expiry forward."""
    row = await Session.select().where(Session.token_hash == digest(secret)).first()
    now = clock.now()
    if row is None or row["expires_at"] <= now:
        return None
    principal = await principal_for(row["user"])
    if principal is None:
        return None
    if now - row["last_seen_at"] >= TOUCH_EVERY:
        await Session.update({Session.last_seen_at: now, Session.expires_at: now + timedelta(days=days)}).where(
            Session.id == row["id"]
        )
    return principal, row["csrf_token"]


async def close_session(secret: str) -> None:
    if secret:
        await Session.delete().where(Session.token_hash == digest(secret))


async def end_all_credentials(clock: Clock, user_id: int) -> None:
    """After a password reset every device and script must sign in again: sessions end and personal
    API tokens are revoked."""
    await Session.delete().where(Session.user == user_id)
    await ApiToken.update({ApiToken.revoked_at: clock.now()}).where(
        (ApiToken.user == user_id) & ApiToken.revoked_at.is_null()
    )


async def create_api_token(rt: Runtime, actor: Principal, data: ApiTokenIn) -> ApiTokenCreatedOut:
    """A personal API token; the secret is shown once and only its hash kept."""
    secret = new_secret(API_TOKEN_PREFIX)
    name = data.name.strip() or "token"
    async with write_transaction():
        rows = await ApiToken.insert(
            ApiToken(token_hash=digest(secret), user=actor.user_id, name=name, created_at=rt.clock.now())
        )
        await audit.record(
            rt.clock,
            actor_id=actor.user_id,
            action="token.create",
            object_type="api_token",
            object_id=rows[0]["id"],
            after={"name": name},
        )
    return ApiTokenCreatedOut(rows[0]["id"], name, secret)


async def list_api_tokens(actor: Principal) -> list[ApiTokenOut]:
    rows = (
        await ApiToken.select(
            ApiToken.id, ApiToken.name, ApiToken.created_at, ApiToken.last_used_at, ApiToken.revoked_at
        )
        .where(ApiToken.user == actor.user_id)
        .order_by(ApiToken.id)
    )
    return [ApiTokenOut(**r) for r in rows]


async def revoke_api_token(rt: Runtime, actor: Principal, token_id: int) -> None:
    async with write_transaction():
        token = (
            await ApiToken.select(ApiToken.id)
            .where((ApiToken.id == token_id) & (ApiToken.user == actor.user_id) & ApiToken.revoked_at.is_null())
            .first()
        )
        if token is None:
            raise NotFound("No such token.")
        await ApiToken.update({ApiToken.revoked_at: rt.clock.now()}).where(ApiToken.id == token_id)
        await audit.record(
            rt.clock, actor_id=actor.user_id, action="token.revoke", object_type="api_token", object_id=token_id
        )


async def resolve_api_token(clock: Clock, secret: str) -> Principal | None:
    if not secret.startswith(API_TOKEN_PREFIX):
        return None
    row = (
        await ApiToken.select(ApiToken.id, ApiToken.user, ApiToken.last_used_at)
        .where((ApiToken.token_hash == digest(secret)) & ApiToken.revoked_at.is_null())
        .first()
    )
    if row is None:
        return None
    now = clock.now()
    if row["last_used_at"] is None or now - row["last_used_at"] >= TOUCH_EVERY:
        await ApiToken.update({ApiToken.last_used_at: now}).where(ApiToken.id == row["id"])
    return await principal_for(row["user"])
