"""A user's connection is found by team, or by user alone when the caller does not know the team."""

from __future__ import annotations

from store.connections import find_connection
from store.models import OAuthConnection


async def test_connection_lookup_by_team_or_user_alone(db):
    async with db.transaction() as s:
        s.add(OAuthConnection(provider="google", team_id="T1", slack_user_id="U1", account_email="a@x.com"))
    async with db.session() as s:
        assert (await find_connection(s, "google", "T1", "U1")).account_email == "a@x.com"
        assert (await find_connection(s, "google", "", "U1")).account_email == "a@x.com"  # a playbook step
        assert await find_connection(s, "google", "T2", "U1") is None
        assert await find_connection(s, "google", "", "U2") is None
        assert await find_connection(s, "zoom", "", "U1") is None
