"""The `## Trigger` section: quoted phrase patterns with `{slots}` and `event: NAME` lines."""

from __future__ import annotations

from rapidfuzz import process

from skills.blocks import Block, TextLine
from skills.model import Diagnostic, SkillTrigger, TriggerEvent, TriggerPattern
from skills.patterns import EVENT_DEFAULTS, EVENT_TYPES, PatternError, normalize_pattern, split_pattern

_QUOTES = {'"': '"', "\u201c": "\u201d", "\u201d": "\u201d"}
_EVENT_KEYS = {"event", "onevent", "when", "on"}
_PHRASE_KEYS = {"phrase", "pattern", "command", "say"}


def _quoted(text: str) -> tuple[list[str], str | None]:
    """The quoted strings of a line, and an error when a quote is left open."""
    found: list[str] = []
    index = 0
    while index < len(text):
        closer = _QUOTES.get(text[index])
        if closer is None:
            index += 1
            continue
        end = text.find(closer, index + 1)
        if end < 0 and closer != '"':
            end = text.find('"', index + 1)
        if end < 0:
            return found, "a quote is not closed"
        found.append(text[index + 1 : end])
        index = end + 1
    return found, None


def _number(text: str) -> int | float | str:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _event(value: str, line: int, diagnostics: list[Diagnostic]) -> TriggerEvent | None:
    """`meeting_ended` or `renewal_approaching days=60` (without params, the default alert's)."""
    words = value.strip().strip("`").split()
    name = (words[0] if words else "").strip("\"'").lower().replace(".", "_")
    if name not in EVENT_TYPES:
        nearest = [m[0] for m in process.extract(name, EVENT_TYPES, limit=3, score_cutoff=60)]
        hint = f" (did you mean {', '.join(nearest)}?)" if nearest else f" (events: {', '.join(EVENT_TYPES)})"
        diagnostics.append(Diagnostic(line=line, message=f'unknown trigger event "{value}"{hint}'))
        return None
    params: dict[str, object] = {}
    for word in words[1:]:
        key, sep, raw = word.partition("=")
        if not sep or not key.isidentifier() or not raw:
            diagnostics.append(
                Diagnostic(
                    line=line, message=f'event parameter "{word}" must be written key=value, e.g. days=60'
                )
            )
            return None
        params[key] = [_number(v) for v in raw.split(",")] if "," in raw else _number(raw)
    return TriggerEvent(event=name, params=params or dict(EVENT_DEFAULTS.get(name, {})), line=line)


def parse_trigger_section(blocks: list[Block], diagnostics: list[Diagnostic]) -> SkillTrigger:
    from skills.parser import split_key_line

    trigger = SkillTrigger()
    seen: dict[str, int] = {}
    for block in blocks:
        if not isinstance(block, TextLine) or not block.text:
            continue
        pair = split_key_line(block.text)
        if pair and pair[0] in _EVENT_KEYS and not block.text.lstrip().startswith(('"', "\u201c")):
            event = _event(pair[1], block.line, diagnostics)
            if event is not None:
                trigger.events.append(event)
            continue
        if not block.item_start:
            continue  # prose between the items
        text = pair[1] if pair and pair[0] in _PHRASE_KEYS else block.text
        phrases, problem = _quoted(text)
        if problem:
            diagnostics.append(Diagnostic(line=block.line, message=f"malformed trigger pattern: {problem}"))
            continue
        if not phrases:
            phrases = [text.strip("`")]
            diagnostics.append(
                Diagnostic(
                    line=block.line,
                    message=f'write trigger phrases in quotes: "{phrases[0]}"',
                    severity="warning",
                )
            )
        for phrase in phrases:
            _add_pattern(trigger, phrase.strip(), block.line, seen, diagnostics)
    return trigger


def _add_pattern(
    trigger: SkillTrigger, phrase: str, line: int, seen: dict[str, int], diagnostics: list[Diagnostic]
) -> None:
    if not phrase:
        diagnostics.append(Diagnostic(line=line, message="malformed trigger pattern: the phrase is empty"))
        return
    try:
        pieces = split_pattern(phrase)
        key = normalize_pattern(phrase)
    except PatternError as exc:
        diagnostics.append(Diagnostic(line=line, message=f'malformed trigger pattern "{phrase}": {exc}'))
        return
    if key in seen:
        diagnostics.append(
            Diagnostic(line=line, message=f'duplicate trigger pattern "{phrase}" (first on line {seen[key]})')
        )
        return
    seen[key] = line
    slots = [p.slot for p in pieces if p.slot]
    trigger.patterns.append(TriggerPattern(text=phrase, slots=slots, line=line))
