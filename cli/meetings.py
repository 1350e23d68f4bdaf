"""`csm meetings analyze FILE [--meeting-date YYYY-MM-DD] [--json]` (CONTRACTS §4, §6)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import date
from pathlib import Path


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
