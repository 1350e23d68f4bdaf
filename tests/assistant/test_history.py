"""Thread history as the Messages API accepts it, and thread references."""

from __future__ import annotations

from assistant.history import Thread, normalise


def text(t: str) -> list[dict]:
    return [{"type": "text", "text": t}]


def test_roles_alternate_and_unanswered_calls_are_dropped() -> None:
    messages = [
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t0", "content": "orphan"}]},
        {"role": "assistant", "content": text("stray answer")},
        {"role": "user", "content": "how is acme?"},
        {"role": "user", "content": text("and globex?")},
        {
            "role": "assistant",
            "content": [*text("checking"), {"type": "tool_use", "id": "t1", "name": "x", "input": {}}],
        },
        {"role": "assistant", "content": text("offline answer")},
    ]
    out = normalise(messages)
    assert [m["role"] for m in out] == ["user", "assistant"]
    assert out[0]["content"] == text("how is acme?") + text("and globex?")
    assert out[1]["content"] == text("checking") + text("offline answer")  # the unanswered tool_use is gone


def test_answered_calls_are_kept() -> None:
    call = {"type": "tool_use", "id": "t1", "name": "customers_search", "input": {}}
    result = {"type": "tool_result", "tool_use_id": "t1", "content": "[]"}
    messages = [
        {"role": "user", "content": "who?"},
        {"role": "assistant", "content": [call]},
        {"role": "user", "content": [result]},
        {"role": "assistant", "content": text("nobody")},
    ]
    assert normalise(messages) == [
        {"role": "user", "content": text("who?")},
        {"role": "assistant", "content": [call]},
        {"role": "user", "content": [result]},
        {"role": "assistant", "content": text("nobody")},
    ]


def test_thread_ref_round_trip() -> None:
    thread = Thread(channel="D0123", thread_ts="1764000000.000100", user_id="U1", team_id="T1")
    assert Thread.from_ref(thread.ref) == thread
    assert Thread.from_ref("playbook_action:7") is None
    assert Thread.from_ref(None) is None


async def test_old_threads_are_forgotten_whole(db) -> None:
    from datetime import timedelta

    from sqlalchemy import select

    from assistant.history import ConversationStore
    from store.base import utcnow
    from store.models import ConversationMessage

    old, recent, same_ts = (
        Thread("D1", "100.1", "U1"),
        Thread("D1", "200.2", "U1"),
        Thread("D2", "100.1", "U2"),
    )
    async with db.transaction() as s:
        for thread, ages in ((old, (120, 95)), (recent, (120, 3)), (same_ts, (1,))):
            for age in ages:
                s.add(ConversationMessage(channel=thread.channel, thread_ts=thread.thread_ts, role="user",
                                          content=text("x"), created_at=utcnow() - timedelta(days=age)))  # fmt: skip
    assert await ConversationStore(db).forget_older_than(90) == 2
    async with db.session() as s:
        left = (await s.execute(select(ConversationMessage.channel, ConversationMessage.thread_ts))).all()
    # A thread still in use keeps its beginning; another channel's thread with the same ts is kept.
    assert sorted(tuple(r) for r in left) == [("D1", "200.2"), ("D1", "200.2"), ("D2", "100.1")]
