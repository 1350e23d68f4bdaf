from sqlalchemy import select

from meetings.demo import DEMO_MEETINGS, seed_demo_meetings
from store.models import Customer, MeetingAnalysis


async def test_demo_meetings_are_seeded_once_against_demo_customers(demo_db):
    assert await seed_demo_meetings(demo_db) == len(DEMO_MEETINGS)
    assert await seed_demo_meetings(demo_db) == 0
    async with demo_db.session() as s:
        rows = (
            await s.execute(
                select(MeetingAnalysis.topic, Customer.name).join(
                    Customer, Customer.id == MeetingAnalysis.customer_id
                )
            )
        ).all()
    assert sorted(name for _, name in rows) == ["Acme Corp", "Umbrella Corp", "Wayne Enterprises"]
