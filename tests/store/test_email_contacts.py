"""Whom triggers and automations email at a customer: one rule in store.customers."""

from __future__ import annotations

from datetime import timedelta

from store.base import utcnow
from store.customers import email_contacts
from store.models import Contact, Customer


async def test_the_newest_active_champion_else_the_first_contact(db):
    now = utcnow()
    async with db.transaction() as s:
        acme, globex, initech = Customer(name="Acme"), Customer(name="Globex"), Customer(name="Initech")
        s.add_all([acme, globex, initech])
        await s.flush()
        s.add_all(
            [
                Contact(
                    customer_id=acme.id,
                    name="Old",
                    email="old@acme.com",
                    is_champion=True,
                    created_at=now - timedelta(days=90),
                ),
                Contact(
                    customer_id=acme.id, name="New", email="new@acme.com", is_champion=True, created_at=now
                ),
                Contact(
                    customer_id=acme.id,
                    name="Gone",
                    email="gone@acme.com",
                    is_champion=True,
                    status="left",
                    created_at=now + timedelta(days=1),
                ),
                Contact(
                    customer_id=globex.id,
                    name="First",
                    email="first@globex.com",
                    created_at=now - timedelta(days=9),
                ),
                Contact(customer_id=globex.id, name="Second", email="second@globex.com", created_at=now),
                Contact(customer_id=initech.id, name="No Mail", email=None, is_champion=True),
            ]
        )
    ids = [acme.id, globex.id, initech.id]
    async with db.session() as s:
        anyone = await email_contacts(s, ids)
        champions = await email_contacts(s, ids, champions_only=True)
    assert {k: c.email for k, c in anyone.items()} == {acme.id: "new@acme.com", globex.id: "first@globex.com"}
    assert {k: c.email for k, c in champions.items()} == {acme.id: "new@acme.com"}
