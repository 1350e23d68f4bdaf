"""Action items: commitments ("I'll send the deck by Friday") and accepted requests ("Mei, can you
send the list?" "Sure, by Thursday"), each with its owner and due date.

Not action items: things already done ("I already opened a ticket"), hypotheticals ("if we did
switch, we would..."), declined requests ("No, I don't have time"), agenda talk ("I'll walk
through the roadmap"), and vague team intentions ("we'll get it fixed") that name no deliverable,
no date and no recipient.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz

from meetings.analysis.dates import find_due
from meetings.analysis.models import ActionItem
from meetings.analysis.text import Sentence, content_words, first_name

ACTION_VERBS = frozenset(
    """send email share schedule set put pull get follow review prepare draft create run export import
    configure confirm log file add connect introduce book ask raise report write assign check look reach
    update provide loop coordinate make include have pass call invite deliver finalize circle investigate
    escalate clean sync forward submit upload organize arrange compile test fix deploy enable install post
    publish document find identify calculate approve process open build order reserve dig touch ping remind
    message grab pick let give grant train map migrate ship complete finish sign return resend reschedule
    outline summarize summarise walkthrough demo present loop reconcile refund credit email""".split()
)
_MULTI_VERBS = (
    "make sure",
    "follow up",
    "set up",
    "put together",
    "pull together",
    "reach out",
    "loop in",
    "pass on",
    "look into",
    "circle back",
    "check in",
    "write up",
    "clean up",
    "dig into",
    "touch base",
)
_ADVERBS = re.compile(
    r"^(?:also|personally|definitely|just|then|still|quickly|first|certainly|gladly|happily|immediately|"
    r"absolutely|actually|probably|go ahead and|try to|try and|be sure to|make sure to)\s+",
    re.I,
)
_COMMIT = re.compile(
    r"\b(?P<subj>I|we)(?P<modal>'ll| will| shall|'m going to| am going to|'re going to| are going to| can)\s+(?P<rest>.+)",
    re.I,
)
_LET_ME = re.compile(r"\blet me\s+(?P<rest>.+)", re.I)
_IN_MEETING = re.compile(
    r"^(?:get (?:straight|right) (?:to|into)|be (?:upfront|honest|brief|quick|clear)|keep (?:it|this) (?:short|brief)|"
    r"hand (?:it|this) (?:over|off) to|start (?:with|by)|kick (?:it|things) off|walk (?:you )?through|jump in|"
    r"go (?:first|ahead)|turn it over|wrap (?:up|it up|things up)|leave it (?:there|at that)|pass it (?:to|over)|"
    r"share my screen|take (?:a )?notes?)",
    re.I,
)
_CLAUSE_SPLIT = re.compile(
    r",?\s+(?:and|but|so|then|and then)\s+(?=(?:I|we)(?:'ll| will|'m going to| can)\s)", re.I
)
_CUT = re.compile(
    r"\s+(?:so that|so (?:you|we|they|he|she|it)|because|in case|once|when|if|since|until|unless|as soon as|"
    r"before (?:I|we|you|they|he|she|it)|while)\b.*$|,\s*(?:thank you|thanks).*$",
    re.I,
)
_REQUEST_Q = re.compile(
    r"\b(?:can|could|would|will) (?:you|your team|we)(?: (?:also|please|maybe|possibly|just|still))?"
    r"(?: be (?:willing|able|open) to)? (?P<rest>.+?)\?*$",
    re.I,
)
_REQUEST_IMP = re.compile(
    r"(?:^|,\s*|\b(?:so|and|also|just|maybe)\s+)(?:please|(?:I )?(?:need|'d like|would like|want) you to)\s+(?P<rest>.+)$"
    r"|^(?:(?:and|also|so|maybe|just|then)\s+)*(?P<rest2>(?:send|share|email|forward|confirm|schedule|book|"
    r"give|loop|set|add|update)\b.+)$",
    re.I,
)
_DECLINE = re.compile(
    r"^(?:no\b|nope|not really|i can't|i cannot|i'm afraid|unfortunately|we can't|we cannot|i won't|i don't have time|"
    r"not (?:right )?now|i'd rather not|i'm not able)|\b(?:can't|cannot|won't be able|not able to|unable to)\b",
    re.I,
)
_ACCEPT = re.compile(
    r"^(?:yes|yeah|yep|sure|absolutely|of course|definitely|certainly|will do|happy to|glad to|"
    r"i'd be (?:happy|glad) to|no problem|done|ok(?:ay)?|can do|sounds good|i can do that|consider it done)\b",
    re.I,
)
_BARE_PRONOUN = re.compile(
    r"\b(?:it|them)\b|\b(?:that|this)\b(?=\s*(?:$|together|over|up|to|for|by|with|on|in|as|and|,|\.))", re.I
)
_DELEGATION = re.compile(
    r"^have (?:my|our|the) [\w ]{1,30}? (?:send|pull|get|do|share|put|email|forward)\b", re.I
)
_CONTINUATION = re.compile(
    r"^(?:let you know|get back to you|report back|circle back|follow up with you|"
    r"have it (?:to|over to|ready for) you|get (?:it|that|them) (?:to|over to) you)",
    re.I,
)


@dataclass
class _Request:
    sentence: Sentence
    addressee: str | None
    text: str
    due: date | None
    answer_turn: int | None = None


def _strip_adverbs(text: str) -> str:
    previous = None
    while previous != text:
        previous, text = text, _ADVERBS.sub("", text)
    return text


def _verb_ok(rest: str) -> bool:
    lowered = rest.lower()
    if _IN_MEETING.match(lowered):
        return False
    if lowered.startswith(_MULTI_VERBS):
        return True
    first = lowered.split(" ", 1)[0].strip(",.")
    if first == "have":
        return not re.match(r"have (?:to|time|a (?:look|think)|any|no|been)\b", lowered)
    if first == "make":
        return False  # "make sure" is handled above; "make it" is too vague
    return first in ACTION_VERBS


def _clean(text: str, due_text: str | None) -> str:
    if due_text:
        text = re.sub(re.escape(due_text), " ", text, count=1, flags=re.I)
    text = _CUT.sub("", text)
    text = re.sub(r"\s+", " ", text).strip(" ,.;:!?-")
    text = re.sub(r"\s+(?:for you|as well|too|again|first)$", "", text, flags=re.I)
    return text


_GIVE_VERBS = r"(send|email|give|get|show|forward|share with|bring)"


def _as_commitment(text: str) -> str:
    """ "send you the deck" -> "send the deck": the owner speaks to the room; the item reads alone."""
    text = re.sub(rf"^{_GIVE_VERBS} you\b\s*", r"\1 ", text, flags=re.I)
    return re.sub(r"\s+(?:to|with) you(?= |$)", "", text).strip()


def _as_request(text: str, requester: str | None) -> str:
    """ "send me the steps" (said by Mei) -> "send Mei the steps"."""
    if not requester:
        return text
    name = first_name(requester)
    text = re.sub(rf"^{_GIVE_VERBS} (?:me|us)\b", rf"\1 {name}", text, flags=re.I)
    return re.sub(r"\b(?:to|with) (?:me|us)\b", lambda m: m.group(0).split()[0] + f" {name}", text)


def _stems(text: str) -> set[str]:
    return {w[:4] for w in content_words(text)}


def _addressee(sentence: Sentence, speakers: list[str], next_speaker: str | None) -> str | None:
    by_first = {first_name(s).lower(): s for s in speakers if s != sentence.speaker}
    for token in re.findall(r"\b([A-Z][\w'-]+)\s*,", sentence.text):
        if token.lower() in by_first:
            return by_first[token.lower()]
    for token in re.findall(r",\s*([A-Z][\w'-]+)\s*\?*$", sentence.text):
        if token.lower() in by_first:
            return by_first[token.lower()]
    return next_speaker if next_speaker != sentence.speaker else None


_OFFER = re.compile(
    r"\b(?:would it help if I|(?:do|would) you (?:want|like) me to|want me to|should I|shall I|how about I|"
    r"what if I|would you like me to) (?P<rest>.+?)\?*$",
    re.I,
)
_OFFER_ACCEPT = re.compile(
    r"^(?:yes|yeah|yep|sure|absolutely|of course|definitely|please|please do|that would (?:help|be great|be helpful)|"
    r"let's do (?:that|it)|sounds good|that works|go ahead|ok(?:ay)?)\b",
    re.I,
)
_SHOWING_UP = re.compile(r"\bI(?:'ll| will) (?:be there|do (?:it|that)|see you)\b", re.I)
_NEED_FROM_YOU = re.compile(
    r"^(?:\w+,\s*)?I(?:'ll| will)? (?:need|want) (?P<rest>(?:the |your |a |an |some )?[\w -]+?)(?: from you)?(?: first)?[.!]?$",
    re.I,
)


def _request_in(sentence: Sentence, meeting_date: date) -> tuple[str, date | None] | None:
    need = _NEED_FROM_YOU.match(sentence.text.strip())
    if need and not sentence.is_question:
        return f"provide {need.group('rest').strip()}", None
    if sentence.is_question:
        match = _REQUEST_Q.search(sentence.text)
        rest = match.group("rest") if match else None
    else:
        match = _REQUEST_IMP.search(sentence.text)
        rest = (match.group("rest") or match.group("rest2")) if match else None
    if not rest:
        return None
    rest = _strip_adverbs(rest.strip())
    if not _verb_ok(rest) and not rest.lower().startswith("get "):
        return None
    due = find_due(rest, meeting_date)
    # A time inside the thing asked for ("the reports you build by hand today") is not its due date.
    if due and re.search(r"\b(?:you|we|they)\s+\w+(?:\s+\w+){0,4}\s*$", rest[: due.start]):
        due = None
    text = _clean(rest, due.text if due else None)
    return (text, due.due if due else None) if text else None


def _offer_in(sentence: Sentence, meeting_date: date) -> tuple[str, date | None] | None:
    """ "Would it help if I joined your team meeting?": an action for the one who offers, once accepted."""
    if not sentence.is_question:
        return None
    match = _OFFER.search(sentence.text)
    if not match:
        return None
    rest = _strip_adverbs(match.group("rest").strip())
    base = re.sub(r"^(\w+?)(?:ed|d)\b", lambda m: m.group(1), rest)  # "joined" -> "join"
    if not (_verb_ok(rest) or _verb_ok(base) or rest.lower().split(" ", 1)[0] in ("joined", "join")):
        return None
    due = find_due(rest, meeting_date)
    text = _clean(rest, due.text if due else None)
    return (text, due.due if due else None) if text else None


def _commitments(sentence: Sentence, meeting_date: date) -> list[tuple[str, date | None, str]]:
    """(text, due, raw clause) for each first-person commitment in the sentence."""
    if sentence.is_question:
        return []
    found = []
    for clause in _CLAUSE_SPLIT.split(sentence.text):
        match = _COMMIT.search(clause) or _LET_ME.search(clause)
        if not match:
            continue
        prefix = clause[: match.start()].lower()
        if re.search(r"\b(?:if|unless|whether|suppose|imagine)\b", prefix):
            continue
        rest = _strip_adverbs(match.group("rest").strip())
        if re.match(r"(?:not|never|no longer)\b", rest, re.I) or not _verb_ok(rest):
            continue
        due = find_due(rest, meeting_date)
        text = _clean(rest, due.text if due else None)
        is_we = match.groupdict().get("subj", "I").lower() == "we"
        if is_we and not due and not re.search(r"\byou(?:r)?\b", rest, re.I):
            continue  # "we'll get it fixed": a team intention, not a task someone owns
        text = _as_commitment(text)
        if text:
            found.append((text, due.due if due else None, rest))
    return found


def _vague(text: str, request: _Request) -> bool:
    lowered = text.lower()
    if lowered.split(" ", 1)[0] == "do" or _DELEGATION.match(lowered):
        return True
    words = content_words(text)
    if _BARE_PRONOUN.search(text) and len(words) < 3:
        return True
    return len(words) <= 2 and not (_stems(text) & _stems(request.text))


def extract_action_items(
    sentences: list[Sentence], speakers: list[str], meeting_date: date
) -> list[ActionItem]:
    turn_speakers: dict[int, str | None] = {}
    for s in sentences:
        turn_speakers.setdefault(s.turn_index, s.speaker)
    last_turn = max(turn_speakers, default=-1)
    # Turns in which the speaker commits to something themselves: there, "Yes." opens the answer
    # and the commitment that follows is the action item, not the bare acceptance.
    commitments_of = {s.index: _commitments(s, meeting_date) for s in sentences if s.speaker is not None}
    committing_turns = {sentences[i].turn_index for i, found in commitments_of.items() if found}

    items: list[ActionItem] = []
    item_turn: list[int] = []
    open_requests: list[_Request] = []
    offers: list[tuple[str, int, str, date | None]] = []  # (offerer, turn, text, due) awaiting an answer
    accepted: dict[str, tuple[ActionItem, int]] = {}  # offerer -> (the accepted offer's item, turn)
    for sentence in sentences:
        owner = sentence.speaker
        if owner is None:
            continue
        turn = sentence.turn_index
        first_in_turn = sentence.index == 0 or sentences[sentence.index - 1].turn_index != turn
        if first_in_turn and offers:
            for offer in [o for o in offers if o[0] != owner and o[1] < turn]:
                offers.remove(offer)
                if _DECLINE.search(sentence.text) or not _OFFER_ACCEPT.match(sentence.text):
                    continue
                item = ActionItem(owner=offer[0], text=offer[2], due=offer[3])
                items.append(item)
                item_turn.append(turn)
                accepted[offer[0]] = (item, turn)
        if owner in accepted and turn - accepted[owner][1] <= 3 and _SHOWING_UP.search(sentence.text):
            item = accepted[owner][0]
            found = find_due(sentence.text, meeting_date)
            item.due = item.due or (found.due if found else None)
        # A request is answered in its addressee's first turn after it; then it closes.
        for r in open_requests:
            if r.addressee == owner and r.answer_turn is None and turn > r.sentence.turn_index:
                r.answer_turn = turn
        open_requests = [r for r in open_requests if r.answer_turn is None or r.answer_turn >= turn]
        answering = [r for r in open_requests if r.answer_turn == turn]
        first_of_turn = sentence.index == 0 or sentences[sentence.index - 1].turn_index != turn
        if answering and first_of_turn and _DECLINE.search(sentence.text):
            open_requests = [r for r in open_requests if r not in answering]
            continue
        commitments = commitments_of[sentence.index]
        for text, due, _raw in commitments:
            request = answering[0] if answering else None
            if request and _vague(text, request):
                text, due = request.text, due or request.due
            elif request is None and text.lower().split(" ", 1)[0] == "do":
                continue
            offered = accepted.get(owner)
            if offered and turn - offered[1] <= 3 and len(_stems(text) & _stems(offered[0].text)) >= 2:
                offered[0].due = offered[0].due or due  # the offer, restated ("I'll schedule the session...")
                continue
            previous = items[-1] if items and item_turn[-1] == turn and items[-1].owner == owner else None
            if previous and (
                _CONTINUATION.match(text) or (_BARE_PRONOUN.search(text) and len(content_words(text)) < 3)
            ):
                previous.due = previous.due or due
                continue
            items.append(ActionItem(owner=owner, text=text, due=due))
            item_turn.append(turn)
            if request:
                open_requests.remove(request)
                answering.remove(request)
        if answering and turn not in committing_turns and first_of_turn and _ACCEPT.match(sentence.text):
            request = answering[0]
            items.append(ActionItem(owner=owner, text=request.text, due=request.due))
            item_turn.append(turn)
            open_requests.remove(request)
        offered_now = _offer_in(sentence, meeting_date)
        if offered_now:
            offers.append((owner, turn, _as_commitment(offered_now[0]), offered_now[1]))
        asked = None if offered_now else _request_in(sentence, meeting_date)
        if asked:
            next_speaker = turn_speakers.get(turn + 1) if turn + 1 <= last_turn else None
            addressee = _addressee(sentence, speakers, next_speaker)
            if addressee:
                open_requests.append(_Request(sentence, addressee, _as_request(asked[0], owner), asked[1]))
    return _dedupe(items)


def _dedupe(items: list[ActionItem]) -> list[ActionItem]:
    kept: list[ActionItem] = []
    for item in items:
        twin = next(
            (
                k
                for k in kept
                if k.owner == item.owner and fuzz.token_set_ratio(k.text.lower(), item.text.lower()) >= 90
            ),
            None,
        )
        if twin:
            twin.due = twin.due or item.due
            continue
        kept.append(item)
    return kept
