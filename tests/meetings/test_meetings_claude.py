"""The Claude backend through the real anthropic SDK against the local Messages API emulation."""

from datetime import date

from llm.client import ClaudeClient
from meetings.analysis import make_analyzer
from meetings.analysis.claude import ClaudeAnalyzer
from meetings.transcript import parse_transcript
from sandbox.anthropic import FakeAnthropic, error, tool_use

CALL = (
    "[00:00:05] Dana Lee: I'll send the SOW by Friday.\n[00:00:20] Raj Patel: We are evaluating Gainsight.\n"
)

ANSWER = {
    "summary": "Dana will send the SOW; Raj mentioned Gainsight.",
    "action_items": [
        {"owner": "Dana Lee", "text": "send the SOW", "due": "2026-11-20"},
        {"owner": "Somebody Else", "text": "made up", "due": None},
    ],
    "overall_sentiment": -0.1,
    "speaker_sentiment": [{"speaker": "Dana Lee", "score": 0.4}, {"speaker": "Raj Patel", "score": -0.3}],
    "signals": [
        {
            "type": "risk",
            "category": "competitor",
            "speaker": "Raj Patel",
            "quote": "We are evaluating Gainsight.",
            "timestamp": "0:20",
        }
    ],  # fmt: skip
    "topics": [{"title": "SOW and competition", "start": "00:00:05", "end": "00:00:30"}],
    "follow_up_subject": "Follow-up",
    "follow_up_body": "Hi Raj, ...",
}


async def test_claude_answer_is_used_and_checked():
    async with FakeAnthropic() as fake:
        fake.push(tool_use("meeting_analysis", ANSWER))
        analyzer = ClaudeAnalyzer(ClaudeClient("test-key", "claude-test", fake.base_url))
        result = await analyzer.analyze(parse_transcript(CALL), meeting_date=date(2026, 11, 18))
        prompt = fake.requests[0]["messages"][0]["content"]
    assert "Meeting date: 2026-11-18 (Wednesday)" in prompt and "[00:00:20] Raj Patel:" in prompt
    assert result.summary.startswith("Dana will send")
    assert [(a.owner, a.due) for a in result.action_items] == [("Dana Lee", date(2026, 11, 20)), (None, None)]
    assert result.signals[0].timestamp == "00:00:20"
    assert result.sentiment.speakers == {"Dana Lee": 0.4, "Raj Patel": -0.3}


async def test_api_errors_fall_back_to_the_offline_analyser():
    async with FakeAnthropic() as fake:
        fake.push(error(529), error(529), error(529))
        analyzer = ClaudeAnalyzer(ClaudeClient("test-key", "claude-test", fake.base_url))
        result = await analyzer.analyze(parse_transcript(CALL), meeting_date=date(2026, 11, 18))
    assert [(a.owner, a.text, a.due) for a in result.action_items] == [
        ("Dana Lee", "send the SOW", date(2026, 11, 20))
    ]
    assert [(s.category, s.speaker) for s in result.signals] == [("competitor", "Raj Patel")]


async def test_an_answer_that_breaks_the_contract_falls_back():
    bad = dict(ANSWER, signals=[dict(ANSWER["signals"][0], category="praise")])  # praise is not a risk
    async with FakeAnthropic() as fake:
        fake.push(tool_use("meeting_analysis", bad))
        analyzer = ClaudeAnalyzer(ClaudeClient("test-key", "claude-test", fake.base_url))
        result = await analyzer.analyze(parse_transcript(CALL), meeting_date=date(2026, 11, 18))
    assert [(s.type, s.category) for s in result.signals] == [("risk", "competitor")]
    assert result.summary.startswith("Dana Lee and Raj Patel met for")  # the offline summary's lead line


def test_without_a_key_the_offline_analyser_runs(meeting_settings):
    assert make_analyzer(meeting_settings).name == "offline"
    keyed = meeting_settings.model_copy(update={"anthropic_api_key": "k"})
    assert make_analyzer(keyed).name == "claude"
