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
