"""Users' connections to other services (OAuth tokens, encrypted at rest)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import OAuthConnection


async def find_connection(
    session: AsyncSession, provider: str, team_id: str, user_id: str
) -> OAuthConnection | None:
    """The user's connection to `provider`. Work started outside a Slack request (a playbook step, a
    sweep, an automation) may not know the team: then the user's connection in any workspace (Slack
    user ids are unique across workspaces)."""
    conditions = [OAuthConnection.provider == provider, OAuthConnection.slack_user_id == user_id]
    if team_id:
        conditions.append(OAuthConnection.team_id == team_id)
    return await session.scalar(
        select(OAuthConnection).where(*conditions).order_by(OAuthConnection.id).limit(1)
    )
