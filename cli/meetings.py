"""`csm meetings analyze FILE [--meeting-date YYYY-MM-DD] [--json]` (CONTRACTS §4, §6)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any


def register(sub: argparse._SubParsersAction) -> None:
    meetings = sub.add_parser("meetings", help="meeting transcripts and their analysis")
    meetings_sub = meetings.add_subparsers(dest="meetings_command", metavar="COMMAND", required=True)
    analyze = meetings_sub.add_parser(
        "analyze", help="analyse a Zoom VTT transcript or 'Speaker: text' lines (nothing is stored)"
    )
    analyze.add_argument("file", metavar="FILE", help="a .vtt file or a text file of 'Speaker: text' lines")
    analyze.add_argument(
        "--meeting-date", metavar="YYYY-MM-DD", help="the day of the meeting, for due dates (default: today)"
    )
    analyze.add_argument("--json", action="store_true", help="print the analysis as JSON (CONTRACTS §6)")
    analyze.add_argument(
        "--offline", action="store_true", help="use the offline analyser even with a Claude key"
    )
    analyze.set_defaults(func=_analyze)


def _fail(message: str, code: int = 1) -> int:
    print(f"csm meetings analyze: {message}", file=sys.stderr)
    return code


def _analyze(args: argparse.Namespace) -> int:
    from meetings.analysis import OfflineAnalyzer, make_analyzer
    from meetings.transcript import TranscriptError, parse_transcript

    if args.meeting_date:
        try:
            meeting_date = date.fromisoformat(args.meeting_date)
        except ValueError:
            return _fail(f"--meeting-date must be a date as YYYY-MM-DD, not {args.meeting_date!r}.", 2)
    else:
        meeting_date = date.today()
    path = Path(args.file)
    if not path.is_file():
        return _fail(f"{path} does not exist or is not a file.")
    try:
        transcript = parse_transcript(path.read_bytes(), filename=path.name)
    except TranscriptError as exc:
        return _fail(f"{path}: {exc}")
    if args.offline:
        analyzer = OfflineAnalyzer()
    else:
        from settings import load_settings

        analyzer = make_analyzer(load_settings())
    result = asyncio.run(analyzer.analyze(transcript, meeting_date=meeting_date))
    if args.json:
        print(json.dumps(result.to_contract(), indent=2, ensure_ascii=False))
        return 0
    print(render_text(result.to_contract()))
    return 0


def render_text(analysis: dict) -> str:
    lines = [analysis["summary"], ""]
    lines.append("Action items:" if analysis["action_items"] else "No action items.")
    for item in analysis["action_items"]:
        due = f" (due {item['due']})" if item["due"] else ""
        lines.append(f"  - {item['owner'] or 'unassigned'}: {item['text']}{due}")
    sentiment = analysis["sentiment"]
    lines += ["", f"Sentiment: overall {sentiment['overall']:+.2f}"]
    lines += [f"  {name}: {score:+.2f}" for name, score in sentiment["speakers"].items()]
    lines.append("")
    lines.append("Signals:" if analysis["signals"] else "No signals.")
    for s in analysis["signals"]:
        lines.append(f'  [{s["timestamp"]}] {s["type"]}/{s["category"]} - {s["speaker"]}: "{s["quote"]}"')
    lines += ["", "Topics:"]
    lines += [f"  {t['start']}-{t['end']} {t['title']}" for t in analysis["topics"]]
    email = analysis["follow_up_email"]
    lines += ["", f"Follow-up email: {email['subject']}", "", email["body"]]
    return "\n".join(lines)


class SandboxZoom:
    """`csm sandbox`'s Zoom: the emulated Zoom API, and the console's `zoom FILE [TOPIC]`, which plays
    Zoom's part: the meeting gets a transcript and a signed recording.transcript_completed webhook
    goes to the app, which fetches, analyses, stores and posts it like any Zoom meeting."""

    SECRET = "sandbox-zoom-webhook-secret"
    HELP = "  zoom FILE [TOPIC]         a Zoom meeting with this transcript ends (try: zoom meetings/samples/acme_renewal.vtt Acme Corp QBR)"

    def __init__(self, host_email: str = "dana@csm-agent.dev") -> None:
        from sandbox.zoom import ZoomSandbox

        self.zoom = ZoomSandbox(host_email=host_email)
        self.server: Any = None

    async def start(self) -> dict[str, str]:
        """Start the emulation; the settings that point the app at it."""
        from sandbox.zoom import ZoomServer

        self.server = await ZoomServer(self.zoom).start()
        env = self.server.env()
        return {
            "zoom_account_id": env["ZOOM_ACCOUNT_ID"],
            "zoom_client_id": env["ZOOM_CLIENT_ID"],
            "zoom_client_secret": env["ZOOM_CLIENT_SECRET"],
            "zoom_api_url": env["ZOOM_API_URL"],
            "zoom_oauth_url": env["ZOOM_OAUTH_URL"],
            "zoom_webhook_secret_token": self.SECRET,
        }

    async def stop(self) -> None:
        if self.server is not None:
            await self.server.stop()

    async def meeting(self, http, app_url: str, args: str) -> str:  # noqa: ANN001
        import time as _time
        from datetime import UTC, datetime, timedelta

        from meetings.transcript import TranscriptError, parse_transcript
        from meetings.webhook import sign

        parts = args.split(maxsplit=1)
        if not parts:
            return "(usage: zoom FILE [TOPIC])"
        path = Path(parts[0])
        topic = parts[1] if len(parts) > 1 else path.stem.replace("_", " ")
        if not path.is_file():
            return f"({path} does not exist)"
        text = path.read_text(errors="replace")
        try:
            parse_transcript(text, filename=path.name)
        except TranscriptError as exc:
            return f"(Zoom would deliver it, but it cannot be analysed: {exc})"
        if not text.lstrip().startswith("WEBVTT"):  # Zoom only ever sends WebVTT
            text = _as_vtt(text)
        start = datetime.now(UTC) - timedelta(minutes=45)
        m = self.zoom.add_meeting(topic, start, 30, transcript_vtt=text)
        event = {
            "event": "recording.transcript_completed",
            "event_ts": int(_time.time() * 1000),
            "download_token": "sandbox-download-token",
            "payload": {"account_id": self.zoom.account_id, "object": self.zoom.recordings[str(m["id"])]},
        }
        body = json.dumps(event).encode()
        stamp = str(int(_time.time()))
        headers = {
            "x-zm-signature": sign(self.SECRET, stamp, body),
            "x-zm-request-timestamp": stamp,
            "content-type": "application/json",
        }
        async with http.post(f"{app_url}/zoom/webhook", data=body, headers=headers) as resp:
            return f"(Zoom meeting '{topic}' ended; its transcript webhook got HTTP {resp.status})"


def _as_vtt(text: str) -> str:
    from meetings.transcript import format_timestamp, parse_transcript

    cues = ["WEBVTT", ""]
    for n, u in enumerate(parse_transcript(text).utterances, start=1):
        cues += [
            str(n),
            f"{format_timestamp(u.start)}.000 --> {format_timestamp(u.end)}.000",
            f"{u.speaker}: {u.text}",
            "",
        ]
    return "\n".join(cues)
