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
from functools import cache

from rapidfuzz import fuzz

from meetings.analysis import task_model
from meetings.analysis.dates import DuePhrase, find_due
from meetings.analysis.models import ActionItem
from meetings.analysis.text import STOPWORDS, YES, Sentence, content_words, first_name

ACTION_VERBS = frozenset(
    """send email share schedule set put pull get follow review prepare draft create run export import
    configure confirm log file add connect introduce book ask raise report write assign check look reach
    update provide loop coordinate make include have pass call invite deliver finalize circle investigate
    escalate clean sync forward submit upload organize arrange compile test fix deploy enable install post
    publish document find identify calculate approve process open build order reserve dig touch ping remind
    message grab pick let give grant train map migrate ship complete finish sign return resend reschedule
    outline summarize summarise walkthrough demo present loop reconcile refund credit email switch take
    drop roll work model text load chase push change verify double-check draw type mock hand brief nudge
    restart reset rerun refresh resolve patch replace remove delete cancel extend renew notify alert flag
    recap record capture tag mark label transfer move allocate quote price invoice bill pay waive apply
    activate deactivate provision onboard translate print scan source hire interview survey benchmark audit
    analyse analyze research explore scope estimate plan prioritize prioritise triage debug diagnose
    reproduce monitor track host hold meet collect gather bring sort mention reopen rework nominate appoint reissue issue circulate table
    warn route copy swap ring close fill visit note split re-run re-send re-share re-issue re-import re-export
    re-check re-test re-enable select choose shortlist subscribe unsubscribe whitelist allowlist enroll enrol
    register join decide revert propose contact cross-check answer request discuss release upgrade link
    rebuild organise phone attempt reprocess replay recruit validate backfill attach revisit compare
    recommend convert measure intro whatsapp reactivate""".split()
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
    "come back with",
    "come back to you with",
    "come back on",
    "come back to you on",
    "kick off",
    "line up",
    "turn around",
    "turn off",
    "turn on",
    "turn down",
    "turn up",
    "round up",
    "spin up",
    "stand up",
    "lock in",
    "block out",
    "tidy up",
    "split out",
    "break out",
    "flick",
    "figure out",
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
# "You'll have a written summary from me by tomorrow": a delivery promised from the listener's side.
_FROM_ME = re.compile(
    r"^(?:\w+,\s+)?you(?:'ll| will) (?:have|get|receive) (?P<thing>(?:a|an|the|my|our|some)\b.+?|that|it|this|those|them)"
    r" from (?:me|us)\b(?P<tail>[^,;—–]*)"
    # "You'll have the written root cause by Wednesday": from the speaker, said with its date
    r"|(?:^(?:\w+,\s+)?|,\s+)you(?:'ll| will) have (?P<thing2>(?:a|an|the|my|our)\b[^,;—–]+?|that|it|those|them)"
    r"(?P<tail2> (?:by|on|before|first thing|end of|this|next|tomorrow|today)\b[^,;—–]*)",
    re.I,
)
# The teams inside a company a request is taken to: "pass it to product", "log it with engineering".
_TEAMS = (
    "product|engineering|engineers|dev|devs|developers|support|finance|legal|comms|marketing|security|billing|"
    "procurement"
)
_IN_MEETING = re.compile(
    r"^(?:get (?:straight|right) (?:to|into)|be (?:upfront|honest|brief|quick|clear)|keep (?:it|this) (?:short|brief)|"
    r"hand (?:it|this) (?:over|off) to|start (?:with|by)|kick (?:it|things) off|walk (?:you )?through|jump in|"
    r"go (?:first|ahead)|turn it over|wrap (?:up|it up|things up)|leave it (?:there|at that)|"
    rf"pass it (?:to|over)(?! (?:the |our |your )?(?:{_TEAMS})\b)|"
    r"share my screen|take (?:a )?notes?|give (?:you )?(?:the|a|an|my) (?:\w+ )?(?:picture|rundown|background|context|"
    r"overview|lay of the land|short version|headline|news|gist|point)s?\b|put (?:it|this|that) (?:on the table|out there|plainly|bluntly)|"
    # Leave-taking: "I'll let you catch your flight", "I'll give you ten minutes back".
    r"let (?:you|everyone|everybody|y'all)(?: (?:both|all|two|guys))? (?:go|get (?:back|on|going)|catch|run|head|jump|"
    r"enjoy|be off)|give (?:you |everyone |everybody )?(?:(?:both|all|two|guys) )?(?:(?:some|\w+) )?(?:minutes?|time)"
    r"(?: of your \w+)? back|"
    # "I'll hold you to that", "I'll look out for the summary": the listener's part, not a task.
    r"hold (?:you|them|him|her) to (?:that|it)|look out for|"
    # Idioms: "I'll do my best", "I'll take the credit", "I'll get off (the call)".
    r"do (?:my|our|your) (?:best|bits?|part)|take (?:the )?credit|get off (?:it|the call|this call|here|now)\b|"
    # "Their app's pretty slick, I'll give them that", "we're going to take care of you", "let me introduce
    # Héctor, he's our solutions architect": a concession, a reassurance, an introduction on the call.
    r"give (?:you|them|him|her) that\b|take (?:good )?care of (?:you|everyone|everybody|y'all)\b|"
    r"introduce (?-i:[A-Z])[\w'-]+(?: (?-i:[A-Z])[\w'-]+)?(?:,| (?:who|he|she|he's|she's|from)\b)|"
    r"move (?:the|my) mic|take (?:that|it|this) as a compliment|get (?:a (?:little|bit|wee bit) )?(?:technical|nerdy|geeky)\b|"
    r"have (?:one |an |half an )?eye on\b|move (?:on )?to (?:the )?(?:\w+ )?(?:side|part|topic|question|point|item|bit|agenda)s?\b|"
    # Saying it back before the call ends: "let me recap the dates", "I'll run through what we've said"; not a
    # recap sent in writing.
    r"(?:recap|sum up|summari[sz]e|run (?:through|over)|go (?:through|over)) (?:quickly|the (?:dates|numbers|actions|"
    r"action items|next steps)|action items|next steps|what|where|everything)\b(?![^.]*\b(?:email|writing|note|slack)\b)|"
    r"(?:recap|sum up|summari[sz]e)\b(?:(?!\b(?:email|writing|note|slack|send|document|doc)\b)[^.])*?"
    r"(?:,? so\b.*)?[.!?]?$|"
    # "I'll type it in the chat", "let me drop my number in the chat": done on the call.
    r"[^.]*\b(?:in|into) the (?:zoom |meeting |teams )?chat\b|"
    # "I'll let you lead", "let him start", "I'll let you get to lunch": handing over the floor; "let me know"
    # is the listener's part; "I'll let you know" alone names nothing.
    r"let (?:you|him|her|them|us|everyone|(?-i:[A-Z])[\w'-]+)(?: (?:both|all|two|guys))? (?!know\b)\w+|let (?:me|us) know\b|"
    r"let you know(?: (?:either way|after that|then|at [\w' ]+|by [\w' ]+|one way or the other))?$)",
    re.I,
)
_CLAUSE_SPLIT = re.compile(
    r",?\s+(?:and|but|so|then|and then)\s+(?=(?:(?:by|on|before|after|this|next|tomorrow|today|tonight|end|the)\b[\w' -]{0,25},?\s+)?"
    r"(?:I|we)(?:'ll| will|'m going to| can)\s)|\s+[—–]\s+|;\s+"
    r"|,?\s+(?=let me\s)",
    re.I,
)
_CUT = re.compile(
    r"\s+(?:so that|so (?:you|we|they|he|she|it|I)|because|in case|once|when|if|since|until|unless|(?:as )?soon as|"
    r"before (?:I|we|you|they|he|she|it)|while|the (?:moment|minute|second))\b.*$|,?\s+and (?:I|we)(?:'ll| will)\b.*$|,\s*(?:thank you|thanks|so|which)\b.*$"
    # A clause of its own after the task: "..., but it's roughly twenty percent over", "..., and Owen
    # can correct my numbers", "..., they have opinions", "..., after your batch window closes".
    r"|,?\s+(?:but|though|although)\b.*$|,\s*(?:after|once|before)\b.*$"
    r"|,?\s+(?:and|so)\s+(?:(?-i:[A-Z][\w'-]+)|he|she|they|it|there|you|someone|somebody)"
    r"(?:'s|'re|'ll| (?:can|could|will|would|should|might|may|is|are|was|were|has|have))\b.*$"
    r"|,\s+(?:they|he|she|it|there|that)(?:'re|'s|'ll|'d| are| is| have| has| will| can| were| was| should| would|"
    r" could| might| won't| don't| doesn't)\b.*$"
    # "…, the team will love hearing it": a clause about someone else.
    r"|,\s+(?:the|our|my|your|his|her|their) [\w-]+ (?:will|'ll|would|is|are|was|has|have|can|should)\b.*$"
    # A comma splice with a subject of its own: "..., I know a couple of practices have asked",
    # "..., Ayesha sends the ticket numbers tomorrow".
    r"|,\s+(?-i:I)(?:'m|'ve|'d| (?-i:[a-z]+))\b.*$|,\s+(?-i:[A-Z][\w'-]+ [a-z]+s)\b.*$"
    # "..., Claire's introducing me to Julia this week", "..., Craig, you should have an invite"
    r"|,\s+(?-i:[A-Z][\w'-]+)(?:'s| is) (?-i:[a-z]+ing)\b.*$|,\s+(?-i:[A-Z][\w'-]+),\s+you\b.*$"
    # "send Cody's list, and y'all decide by the end of March"
    r"|,\s+and\s+(?:y'all|you all|you guys|you two|they|he|she)\s+(?-i:[a-z]+)\b.*$"
    # What the listener will see after it: "..., you should get the email in a few minutes", "..., then
    # you see what I mean", "..., you'll have it back"; and what the speaker adds: "..., I'll send a few
    # options", "..., and I'd really value your feedback", "..., he runs finance in Toronto".
    r"|,\s+(?:then\s+)?you(?:'ll|'d|'re|'ve| (?:should|will|would|can|could|don't|won't|know|see|get|need))\b.*$"
    r"|,\s+(?:and\s+)?(?-i:I)(?:'ll|'d| will| want| think| really)\b.*$"
    r"|,\s+(?:he|she|it|they) (?-i:[a-z]+(?:s|ed))\b.*$",
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
    r"^(?:no\b(?!\s+(?:problem|problems|worries|worry|bother|sweat)\b)|nope|not really|i can't|i cannot|i'm afraid|unfortunately|we can't|we cannot|i won't|i don't have time|"
    r"not (?:right )?now|i'd rather not|i'm not able)|\b(?:can't|cannot|won't be able|not able to|unable to)\b",
    re.I,
)
_ACCEPT = re.compile(
    # "Will share by evening": the subject left out, the verb of the thing asked
    rf"^(?:{YES}|certainly|will do|will (?:send|share|forward|email|check|confirm|revert|update)|happy to|glad to|"
    r"i'd be (?:happy|glad) to|no problem|done|ok(?:ay)?|can do|i can do that|consider it done)\b",
    re.I,
)
_BARE_PRONOUN = re.compile(
    r"\b(?:it|them)\b|\b(?:that|this)\b(?=\s*(?:$|together|over|up|to|for|by|with|on|in|as|and|,|\.))", re.I
)
_RESULT = re.compile(
    r"^have (?:an answer|answers|an update|the answer|news|something|a date|the cause|a (?:better |clearer )?idea|"
    r"(?:it|that|them|those)(?: (?:for you|ready|done|sorted))?$)\b",
    re.I,
)
_DELEGATION = re.compile(
    r"^(?:have|get) (?:my|our|the) [\w ]{1,30}? (?:to )?(?:send|pull|get|do|share|put|email|forward)\b", re.I
)
_CONTINUATION = re.compile(
    r"^(?:let you know|get back(?! with)|come back(?! with)|revert\b|report back|circle back|follow up with you|"
    r"have it (?:to|over to|ready for) you|get (?:it|that|them) (?:to|over to) you|"
    r"make sure (?:it|that|this|they|those|these)\b)",
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


# "talk to our release team about notice on layout changes": raising it with someone
_RAISE_WITH = re.compile(
    rf"(?:talk|speak|check in) (?:to|with) (?:our|the|my|your|{_TEAMS}|(?-i:[A-Z]))[^.]*\babout\b", re.I
)
# "walk him through the options", "go through them and tell you which still matter"
_WALK_THROUGH = re.compile(
    r"walk (?!you\b|us\b|everyone\b|everybody\b)\S+(?: \S+)? through\b|go (?:through|over) [^.]{1,40}? and "
    r"(?:tell|send|flag|let|update|come back|get back|mark|confirm|share|report)\b",
    re.I,
)


def _verb_ok(rest: str) -> bool:
    lowered = rest.lower()
    if _IN_MEETING.match(lowered):
        return False
    if lowered.startswith(_MULTI_VERBS):
        return True
    if _RAISE_WITH.match(rest) or _WALK_THROUGH.match(rest):
        return True
    first = lowered.split(" ", 1)[0].strip(",.")
    if re.match(r"(?:warn|copy|ring) (?:you|me)\b|close the door", lowered):
        return False  # "I'll warn you now, their API is aspirational", "copy me on it"
    if first == "start":  # "I'll start that conversation in September", not "I'll start, and then Brian..."
        return bool(
            re.match(
                r"start (?:the|that|this|our|your|a) (?:[\w-]+ )?(?:conversation|discussion|process|paperwork|review|renewal|migration|rollout|pilot|trial)\b",
                lowered,
            )
        )
    if first == "turn":  # "I'll turn it on for your account right after this call"
        return bool(re.match(r"turn (?:it|that|them|those|this) (?:on|off|back on)\b", lowered))
    if first in ("talk", "speak", "sit"):
        # "I'll talk to Mr. Chin this week", "I'll sit down with our CFO": someone to see after the call
        return bool(
            re.match(
                r"(?:talk|speak|sit down) (?:to|with) (?:(?!(?:you|that|this|it|them|him|her)\b)\S|(?:him|her|them) and \w)",
                lowered,
            )
        )
    if first == "do":
        # "I'll do the on-site training on the second", "do a health check on the Perth tenant": a piece of work
        # named, not "do that" or "do my best"
        return bool(
            re.match(
                r"do (?:the|a|an|our|your|their|that|this) (?:[\w-]+ ){0,3}?(?:training|session|demo|workshop|"
                r"walkthrough|walk-through|review|install\w*|audit|assessment|health ?check|migration|rollout|"
                r"roll-out|setup|set-up|presentation|follow-up|clean-?up|upgrade|test(?:ing|s)?|dry run|deep dive|"
                r"deep-dive|write-up|handover|hand-off|refresher|analysis|export|import|integration|config\w*)\b",
                lowered,
            )
        )
    if first == "have":
        return not re.match(r"have (?:to|time|a (?:look|think)|any|no|been)\b", lowered)
    if first == "make":
        # "make sure" is handled above; "make it" is too vague; "make Soo-ah a full admin" says what,
        # and so does "make the intro to their digital lead".
        return bool(
            re.match(r"make (?-i:[A-Z])[\w'-]+ (?:a|an|the|our|your) \w", rest)
            or re.match(r"make (?:the|an|a|that) (?:intro|introduction|connection)\b", rest, re.I)
        )
    return first in ACTION_VERBS


# "find out when the fix ships", "check with finance if they can invoice in naira", "ask Mr. Gu whether":
# after a verb of finding out, "when"/"if" asks the question the task is about; "when I'm back" does not.
_ASKS_WHAT = re.compile(
    r"^(?:check|confirm|find out|figure out|work out|ask|see|verify|double-check|look into|investigate)"
    r"(?: (?:with|in with) [^,;]{1,40}?| (?-i:[A-Z])[\w'.-]+(?: (?-i:[A-Z])[\w'-]+)?| (?:him|her|them|the team|our team))?"
    r" (?:when|if|whether)\b(?! (?:I|we)\b)",
    re.I,
)


def _clean(text: str, due_text: str | None) -> str:
    if due_text:
        text = re.sub(re.escape(due_text), " ", text, count=1, flags=re.I)
    text = text.strip()
    asks = _ASKS_WHAT.match(text)
    # After a question the task finds out ("find out when the fix ships"), only what follows it is cut.
    text = text[: asks.end()] + _CUT.sub("", text[asks.end() :]) if asks else _CUT.sub("", text)
    text = re.sub(r"\s+", " ", text).strip(" ,.;:!?-")
    text = re.sub(r"\s+(?:for |at )?(?:sometime|some point|some time)$", "", text, flags=re.I)
    if due_text:  # "schedule the rollback for [this evening]": the preposition went with its date
        text = re.sub(r"\s+(?:for|by|on|at|in|till|until|before|within)$", "", text, flags=re.I)
    text = re.sub(r"\s+(?:for you|as well|too|again|first|later)$", "", text, flags=re.I)
    text = re.sub(
        r",?\s+(?:and|but|or)(?: see)?$", "", text, flags=re.I
    )  # "send the invite, and [if anything comes up…]"
    # Speech cut off: "…for you there, let me—" ends at the comma; a dash left at the end goes.
    text = re.sub(r",\s*(?:[\w']+\s+){0,2}[\w']+[—–]$", "", text)
    return re.sub(r"\s*[—–]+$", "", text)


_GIVE_VERBS = r"(send|email|give|get|show|forward|share with|bring|drop|ping|message|call)"


_DONE_FORMS = {
    "booked": "book",
    "scheduled": "schedule",
    "sent": "send",
    "signed": "sign",
    "written": "write",
    "written up": "write up",
    "fixed": "fix",
    "approved": "approve",
    "translated": "translate",
    "updated": "update",
    "set up": "set up",
    "sorted": "sort out",
    "sorted out": "sort out",
    "drafted": "draft",
    "finished": "finish",
    "filed": "file",
    "raised": "raise",
    "logged": "log",
    "proposed": "propose",
    "confirmed": "confirm",
    "reviewed": "review",
    "checked": "check",
    "tested": "test",
    "configured": "configure",
    "installed": "install",
    "enabled": "enable",
    "reset": "reset",
    "arranged": "arrange",
    "organised": "organise",
    "organized": "organize",
    "prepared": "prepare",
    "added": "add",
    "processed": "process",
    "ordered": "order",
    "shipped": "ship",
    "uploaded": "upload",
    "imported": "import",
    "exported": "export",
    "reissued": "reissue",
    "cancelled": "cancel",
    "refunded": "refund",
    "credited": "credit",
}
_GET_DONE = re.compile(
    r"^(?:get|have) (?P<thing>(?:the|a|an|that|this|those|these|it|them|your|our)\b(?: (?!and\b)[\w'-]+){0,5}?) "
    rf"(?P<done>{'|'.join(sorted(_DONE_FORMS, key=len, reverse=True))})(?P<tail>\b.*)$",
    re.I,
)


_PASS_ON = re.compile(
    r"^pass (?:that|it|this|those|these|them)(?: (?:along|on|back))?(?P<to> to [^,;]+)?$", re.I
)


_PASSED = "pass the feedback on"
_TEAM = re.compile(r"\b(?:your|the) (?P<team>(?:[\w-]+ )?(?:team|folks|people|engineers))\b", re.I)
_PERSON_SUBJECT = re.compile(
    r"(?:^|, |\band )(?P<name>(?!(?:It|That|This|He|She|They|There|Everything|Everyone|Which|What)\b)"
    r"(?-i:[A-Z][a-z]+)) (?:was|has been|is|were|did)\b"
)


def _praised(sentences: list[Sentence], index: int, turn: int) -> str:
    """Who the other side's remark in `turn` was about: "your support team" -> "the support team",
    "Alan was great" -> "Alan"; else "the team"."""
    said = [s.text for s in sentences[:index] if s.turn_index == turn]
    for text in reversed(said):
        person = _PERSON_SUBJECT.search(text)
        if person:
            return person.group("name")
        team = _TEAM.search(text)
        if team:
            return f"the {team.group('team')}"
    return "the team"


def _as_commitment(text: str, addressee: str | None = None) -> str:
    """ "send you the deck" -> "send the deck": the owner speaks to the room; the item reads alone.
    When "you" is all the verb has ("I'll email you"), it names the one spoken to. "get the handover
    booked" -> "book the handover"."""
    passed = _PASS_ON.match(text.strip())
    if passed:  # "Oh, I'll pass that along to the team": what is passed on is what was just said
        text = f"{_PASSED}{passed.group('to') or ''}"
    done = _GET_DONE.match(text.strip())
    if done:
        text = f"{_DONE_FORMS[done.group('done').lower()]} {done.group('thing')}{done.group('tail')}"
    if addressee and re.fullmatch(rf"{_GIVE_VERBS} you", text.strip(), flags=re.I):
        return re.sub(r"\byou$", first_name(addressee), text.strip())
    if addressee:  # "send you and Jovana the handover doc": both, by name
        text = re.sub(
            rf"^{_GIVE_VERBS} you and\b", rf"\1 {first_name(addressee)} and", text.strip(), flags=re.I
        )
    text = re.sub(rf"^{_GIVE_VERBS} you(?: both| two| all)?\b\s*", r"\1 ", text, flags=re.I)
    text = re.sub(
        r"^(write|type|draw|mock|put|pull|dig|sort|set|line) you (up|out|together)\b",
        r"\1 \2",
        text,
        flags=re.I,
    )
    return re.sub(r"\s+(?:to|with) you(?: both| two| all)?(?= |$)", "", text).strip()


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
    by_first = {name.lower(): s for name, s in _called(tuple(speakers)).items() if s != sentence.speaker}
    for token in re.findall(r"\b([A-Z][\w'-]+)\s*,", sentence.text):
        if token.lower() in by_first:
            return by_first[token.lower()]
    for token in re.findall(r",\s*([A-Z][\w'-]+)\s*\?*$", sentence.text):
        if token.lower() in by_first:
            return by_first[token.lower()]
    return next_speaker if next_speaker != sentence.speaker else None


_OFFER = re.compile(
    r"\b(?:would it (?:help|be (?:useful|helpful|easier|worth it)) if (?:I|we)|(?:do|would) you (?:want|like) me to|"
    r"want me to|should I|shall I|how about I|what if (?:I|we)|would you like me to|"
    # "Could I send you a breakdown of usage?": an offer to the listener (not "Can I add one thing?")
    r"(?:could|can|may) I(?= [^?]*\byour?\b)) (?P<rest>.+?)\?*$",
    re.I,
)
# "Could we set up a monthly check-in with you?": the asker proposes to do it with the one asked.
_PROPOSAL = re.compile(r"\b(?:can|could|shall|should) we (?P<rest>.+?\byou\b.*?)\?*$", re.I)
# "So one option, and I'd want your okay on it, is we roll your tenant back": a proposal, like an offer.
_OPTION = re.compile(
    r"^(?:\w+,?\s+)?(?:one|an|the other|another|the best|the simplest) (?:option|thing we (?:could|can) do)\b"
    r"(?:,[^,]*,)? is (?:that )?(?:I|we) (?:could |can )?(?P<rest>.+?)[.!]?$",
    re.I,
)
# "What I can do is bring you a credit proposal in two weeks", "what I'd suggest is I send you our
# connector guide": an offer, like "I can".
_WHAT_I_CAN = re.compile(
    r"\bwhat (?:I|we) (?:can|could) do is (?:that )?(?:(?:I|we) )?(?P<rest>.+?)[.!]?$|"
    r"\bwhat I(?:'d| would) suggest is (?:that )?I (?P<rest2>.+?)[.!]?$",
    re.I,
)
# "I could send the feature list they walked us through, though.": an offer, for the other side to take up.
_I_COULD = re.compile(r"^(?:\w+,?\s+)?I could (?:also |always |easily |certainly )?(?P<rest>.+?)[.!]?$", re.I)
# "I'd be happy to add Saltmarsh to the next round of testing.": an offer, for the other side to take up.
_HAPPY_TO = re.compile(
    r"\bI(?:(?:'d| would)(?: be)?|'m| am) (?:more than |really |very )?(?:happy|glad|delighted) to (?P<rest>.+?)[.!]?$",
    re.I,
)
_GOODWILL = re.compile(
    r"\b(?:introduc\w*|intro|in touch|connect (?:you|the two|them|him|her)|reference|review|case study)\b|"
    r"^(?:email|message|ping|call) (?:him|her|them|[A-Z]\w+) and\b",
    re.I,
)
_GO_AHEAD = re.compile(
    r"^(?:(?:so|then|yes|yeah|okay|ok),?\s+)?(?:do it|go (?:for it|ahead)|please do|let's do (?:it|that))\b",
    re.I,
)
_OFFER_ACCEPT = re.compile(
    rf"^(?:(?:oh|ah|ooh|great|brilliant|perfect|lovely)[,!.]?\s+)?(?:{YES}|"
    r"please|please do|that would (?:help|be great|be helpful)|"
    r"that(?:'d| would) be (?:\w+ )?(?:amazing|perfect|great|brilliant|lovely|helpful|useful|fantastic|"
    r"wonderful|ideal|ace)|let's do (?:that|it)|that works|go ahead|ok(?:ay)?|i like (?:that|it)|"
    r"let's (?:do|plan|book|go|set)|do it|go for it)\b",
    re.I,
)
_SHOWING_UP = re.compile(r"\bI(?:'ll| will) (?:be there|do (?:it|that)|see you)\b", re.I)
_NEED_FROM_YOU = re.compile(
    r"^(?:\w+(?: \w+)?,\s*){0,2}I(?:'ll| will)? (?:need|want) (?P<rest>(?:the |your |a |an |some )?[\w' -]+?)"
    # "…, in one place, so I'm not digging through old emails.": what follows the comma is why.
    r"(?: from you)?(?: first)?(?:,\s+(?:in|on|by|so|as|because|ideally|please|names|with|including)\b.*)?[.!]?$",
    re.I,
)
_IF_YOU_COULD = re.compile(
    r"^(?:\w+,\s*)?(?:(?:and|so|also|but)\s+)?if you (?:could|can) (?P<rest>.+?)"
    r"(?:,\s*(?:I|we|that|it)\b.*)?[.!]?$",
    re.I,
)
# "I'd like to come back to you with a proposal": an intention whose object a later "I'll have
# that with you by the 26th" points back to.
_INTENTION = re.compile(r"\bI(?:'d| would) (?:like|love|want) to (?P<rest>.+)$", re.I)
# Verbs with no meaning of their own: "I'll have it to you", "I can do that" take the request's verb.
# What the other side says it wants: "something I've wanted for ages is a per-field confidence score",
# "what I'd love is a native integration".
_SUGGEST = re.compile(
    r"\bI(?:'d| would) (?:suggest|recommend|propose) (?P<np>(?:a|an)\s+[^,.;!?—–]+?)(?:\s+(?:just )?for (?:you|us)(?: both| two)?)?"
    r"(?=\s*(?:[,.;!?—–]|$))",
    re.I,
)
_WISH = re.compile(
    r"\b(?:what (?:I|we)(?:'d| would)? (?:really |most )?(?:love|want|like|need)(?: most)? is|(?:something|the (?:one )?thing|"
    r"one thing) (?:I|we)(?:'ve| have)? (?:always |really )?(?:wanted|asked for|needed)(?: for (?:ages|years|a while|"
    r"a long time))? is|(?:I|we)(?:'d| would) (?:really )?love)\s+(?P<np>(?:a|an|the|some)\s.+?)[.!]?$",
    re.I,
)
_LIGHT_PRONOUN = re.compile(r"^(?:do|handle|sort|get|take care of) (?:that|it|this)(?: out| up)?$", re.I)
_LIGHT_VERBS = frozenset("have get do handle sort".split())
# "I can confirm what we're seeing", "I can tell you": said now, not a task for later.
_STATIVE = frozenset(
    """see hear tell say confirm imagine understand think guess believe appreciate promise assure recommend
    suggest only probably definitely try live be ask speak talk relate""".split()
)


# Gerunds whose base is no task verb and not their stem: "using" -> "use" (task verbs are found by
# _gerund_base: "writing" -> "write", "setting" -> "set").
_GERUND_BASE = {"us": "use"}
_ROOM_TALK = re.compile(
    r"(?:tell|say|explain|repeat|clarify|elaborate|hear|see|remind|talk|speak(?! at\b)|describe|expand|go|hold|give|be|do|"
    r"help|let|walk|jump|think|imagine|share (?:your|the) screen|stop|mute|unmute|scroll|zoom|live|afford|"
    r"accept|agree|commit|consider|picture|recommend|suggest|guess|believe|remember|recall|"
    r"like|love|want|need|both|all|aim|try|pencil|show|mind|\w+ing|a|an|the|some|this|that|my|your|our|at|in|"
    r"on|for|with|to|it|there|we|you|I)\b",
    re.I,
)


# Verbs that make "go through X and <verb> Y" a task: a verb of work, not a light one ("and have a look").
_TASK_VERBS = ACTION_VERBS - _LIGHT_VERBS - {"let", "make"}


def _request_in(sentence: Sentence, meeting_date: date) -> tuple[str, date | None] | None:
    open_to = False
    need = _NEED_FROM_YOU.match(sentence.text.strip())
    # "I need to update that", "I want my team to call them": what the speaker will do, not a thing wanted
    if need and re.match(r"(?:to|(?:(?:my|our|the|your) )?\w+ to)\b", need.group("rest"), re.I):
        need = None
    if need and not sentence.is_question:
        wanted = need.group("rest").strip()
        due = find_due(wanted, meeting_date)  # "I'll need the export from you by Friday"
        wanted = re.sub(
            r"\s+from (?:you|your side)$", "", _clean(wanted, due.text if due else None), flags=re.I
        )
        return f"provide {wanted}", due.due if due else None
    if sentence.is_question:
        if _PROPOSAL.search(sentence.text) and not _REQUEST_Q.search(sentence.text.split(" we ", 1)[0]):
            return None
        match = _REQUEST_Q.search(sentence.text)
        rest = match.group("rest") if match else None
        open_to = bool(
            rest and re.search(r"\bbe (?:willing|able|open) to $", sentence.text[: match.start("rest")], re.I)
        )
        if open_to:
            # "Would you be open to doing the case study?": the gerund is the task asked for
            rest = re.sub(r"^\w+ing\b", lambda m: _gerund_base(m.group(0)), rest)
    else:
        match = _IF_YOU_COULD.match(sentence.text.strip()) or _REQUEST_IMP.search(sentence.text)
        rest = (match.groupdict().get("rest") or match.groupdict().get("rest2")) if match else None
    if not rest:
        return None
    rest = _strip_adverbs(rest.strip())
    if not sentence.is_question and _CLAUSE_OBJECT.match(rest):
        return None  # "Email open rates are up to 46 percent": a statement that opens with a verb's spelling
    # "Could you jot down your priorities?": asked outright, a verb of any kind but talk in the room
    talk = _ROOM_TALK.match(rest) and not (
        (open_to and re.match(r"do\b", rest, re.I))  # "open to doing a case study"
        # "could you go through the user list and flag who could go?": the second verb is the task
        or any(w.lower() in _TASK_VERBS for w in re.findall(r"\band (?:then )?(\w+)", rest))
    )
    asked_outright = sentence.is_question and not talk and _substantive(rest)
    if not _verb_ok(rest) and not rest.lower().startswith("get ") and not asked_outright:
        return None
    due = find_due(rest, meeting_date)
    # "Give me till Friday": the time is what is asked for, not a task due then.
    if due and re.match(r"(?:till|til|until)\b", due.text, re.I) and not _substantive(rest[: due.start]):
        return None
    # "Give me one or two months to settle", "give us a week": time again
    if re.match(
        r"give (?:me|us) (?:a|an|one|two|three|a few|a couple of|some|more|\w+ or \w+) ?(?:more )?"
        r"(?:minutes?|moments?|seconds?|secs?|days?|weeks?|months?|time|breathing room)\b",
        rest,
        re.I,
    ):
        return None
    # A time inside the thing asked for ("the reports you build by hand today") is not its due date.
    if due and re.search(r"\b(?:you|we|they)\s+\w+(?:\s+\w+){0,4}\s*$", rest[: due.start]):
        due = None
    text = _clean(rest, due.text if due else None)
    return (text, due.due if due else None) if text else None


_PAST = {
    "sent": "send",
    "got": "get",
    "took": "take",
    "wrote": "write",
    "gave": "give",
    "ran": "run",
    "brought": "bring",
    "made": "make",
    "did": "do",
    "built": "build",
    "dug": "dig",
    "found": "find",
}


def _offer_in(sentence: Sentence, meeting_date: date) -> tuple[str, date | None] | None:
    """ "Would it help if I joined your team meeting?", "Could we set up a check-in with you?": an
    action for the one who offers, once accepted."""
    if sentence.is_question:
        match = _OFFER.search(sentence.text) or _PROPOSAL.search(sentence.text)
    else:
        match = (
            _OPTION.search(sentence.text)
            or _WHAT_I_CAN.search(sentence.text)
            or _I_COULD.match(sentence.text)
        )
    if match and re.match(
        r"(?:ask|say|jump|just|be|get (?:back|in|into)|come in|add|raise|give)\b",
        match.group("rest") or "",
        re.I,
    ):
        return None  # "Can I add one thing?", "I could just say..."
    if not match and not sentence.is_question:
        match = _HAPPY_TO.search(sentence.text)  # "I'd be happy to add you to the beta"
        if match and (_ROOM_TALK.match(match.group("rest")) or _GOODWILL.search(match.group("rest"))):
            # "I'm happy to help"; "I'd be happy to introduce you", "happy to take a reference call": the
            # customer's goodwill (a referral or advocacy signal), not a task
            return None
    if not match:
        return None
    rest = _strip_adverbs((match.groupdict().get("rest") or match.groupdict().get("rest2") or "").strip())
    # "Would it help if I sent you some examples?": the verb after "if I" is in the past
    first = rest.split(" ", 1)[0]
    if first.lower() in _PAST:
        rest = _PAST[first.lower()] + rest[len(first) :]
    base = re.sub(r"^(\w+?)(?:ed|d)\b", lambda m: m.group(1), rest)  # "joined" -> "join"
    if not (_verb_ok(rest) or _verb_ok(base) or rest.lower().split(" ", 1)[0] in ("joined", "join")):
        return None
    due = find_due(rest, meeting_date)
    text = _clean(rest, due.text if due else None)
    return (text, due.due if due else None) if text else None


_RELATIVE_HEAD = re.compile(
    r"\b(?:something|anything|everything|nothing|what|whatever|which|thing|things|stuff|the only|all|then)\s*$",
    re.I,
)
_GENERIC = frozenset("something anything things stuff bit lot everything".split())
# "I'll send three or four": a number with nothing counted is a pronoun too.
_PRONOUN = (
    r"(?:that|it|both|them|those|this|these|something|one|(?:some|a few|a couple|a handful|(?:two|three|four|five)"
    r"(?: or (?:three|four|five|six))?)(?=\s*$|\s+(?:over|across|by|today|tomorrow|tonight|this|next|to|together|for)\b))"
)
# A delivery with its object left unsaid, only a time after the verb: "I will send in the next one hour",
# "will share by evening itself", "I'll forward after lunch".
_UNSAID_OBJECT = re.compile(
    r"^(?P<verb>(?:send|share|forward|email|mail)(?: over| across| through| out)?)"
    r"(?=$|,? (?:in|by|after|before|within|today|tomorrow|tonight|this|next|itself|right away|first thing|"
    r"asap|now|shortly|soon|later)\b)",
    re.I,
)
_PRONOUN_OBJECT = re.compile(
    rf"^(?P<verb>\S+(?: (?:up|in|on|off|out|back|over|through))?) (?P<pronoun>{_PRONOUN})\b(?: over\b)?", re.I
)
_POSSESSIVE_OBJECT = re.compile(r"^\S+ (?:their|its|his|her)\b", re.I)
# "I'll log it with product", "I'll pass it to engineering": where it goes says what is done with it.
_TO_A_TEAM = re.compile(
    rf"\b(?:to|with|past|by|in front of) (?:the |our |your |my )?(?:{_TEAMS}|leadership|management|director|boss|manager|"
    r"cfo|ceo|cto|vp)\b",
    re.I,
)
_RECIPIENT = re.compile(r"\bto (?:you|him|her|them|[A-Z][\w'-]+|(?:the|our|your|my) \w+)", re.I)
_DANGLING = re.compile(r"\b(?:till|til|until|by|for|to|the|a|an|of|with|on|in|before)$", re.I)


def _substantive(text: str) -> bool:
    """The minimum an action item says: its verb has an object with a content word (not "things",
    "something", "a bit"), and it does not end in a preposition whose object was a date."""
    if _DANGLING.search(text.strip()) and not re.search(r"\w+ed (?:in|on)$", text.strip(), re.I):
        return False  # "with the volumes factored in" ends in a particle, not a preposition
    lowered = text.lower()
    verb = next((v for v in _MULTI_VERBS if lowered.startswith(v)), lowered.split(" ", 1)[0])
    rest = [w for w in content_words(text[len(verb) :]) if w not in _GENERIC]
    return bool(rest)


def _object_of(text: str) -> str:
    """The thing a request or offer is about: "send Mei your usage for Q1 — the raw file" -> "the usage for Q1"."""
    text = re.split(r"\s+[—–]\s+|;\s+", text)[0]
    lowered = text.lower()
    verb = next((v for v in _MULTI_VERBS if lowered.startswith(v)), lowered.split(" ", 1)[0])
    rest = re.sub(
        r"^(?:down|up|out|together|off)\s+", "", text[len(verb) :].strip(), flags=re.I
    )  # "jot down"
    rest = re.sub(r"^(?:me|us|you|him|her|them)(?: both| two| all)?\b\s*|^[A-Z][\w'-]+\s+(?=\S)", "", rest)
    rest = re.sub(r"^(?:to|with|on|in|up)\s+(?:me|us|you|him|her|them)\b\s*", "", rest)
    return re.sub(r"\byour\b", "the", rest).strip(" ,.")


def _resolve(text: str, antecedent: str) -> str | None:
    """ "send that over" + "send me the usage for Q1" -> "send the usage for Q1": a pronoun object takes
    the antecedent's object, and the commitment keeps its own verb. None when there is no pronoun."""
    match = _PRONOUN_OBJECT.match(text)
    if not match:
        return None
    thing = _object_of(antecedent)
    if not thing or not _substantive(f"x {thing}") or _CLAUSE_OBJECT.match(f"x {thing}"):
        return None
    verb, rest = match.group("verb"), text[match.end() :]
    # "send those IDs" + "send me the transaction IDs": "those" was a determiner of the noun the thing names
    named = re.match(r"\s+([\w'-]+)", rest)
    if named and named.group(1).lower() not in STOPWORDS and named.group(1).lower() in thing.lower().split():
        rest = rest[named.end() :]
    particle = re.match(r"\s+(up|together|out)\b", rest, re.I)
    if particle:  # "set that up" -> "set up the check-in"
        verb, rest = f"{verb} {particle.group(1)}", rest[particle.end() :]
    return f"{verb} {thing}{rest}".strip()


_TAG_QUESTION = re.compile(
    r"(?:,\s*|\s+)(?:unless\b[^,?]*|(?:is|does|would|will) that (?:be )?(?:ok|okay|alright|all right|work|good|fine)|"
    r"(?:if )?that(?:'s| is) (?:ok|okay|alright|fine)|if that works(?: for you| on your (?:side|end))?|okay|ok|alright|yeah|right|"
    r"sound good|does that work)(?:,\s*(?-i:[A-Z])[\w'-]+)?\?$",
    re.I,
)


def _commitments(sentence: Sentence, meeting_date: date) -> list[tuple[str, date | None, bool]]:
    """(text, due, is an offer) for each first-person commitment in the sentence. "I can..." is an
    offer: an action item only once the other side takes it up.

    In a question only a clause after the first can commit ("Can you send me the costs, and I'll
    take it to finance?"). A clause whose "I" follows a noun is a relative clause ("something I
    can put in front of the committee"), not a commitment; one after "then" is a consequence."""
    found = []
    # "I'll put our next check-in in for six weeks' time, unless you'd rather something different?": a
    # statement with a question tagged on
    tag = _TAG_QUESTION.search(sentence.text)
    said = sentence.text[: tag.start()] if tag else sentence.text
    clauses = _CLAUSE_SPLIT.split(said)
    for position, clause in enumerate(clauses):
        if sentence.is_question and not tag and position == 0:
            continue
        match = _COMMIT.search(clause) or _LET_ME.search(clause) or _FROM_ME.search(clause)
        if not match:
            continue
        prefix = clause[: match.start()].lower()
        opener = position == 0 and re.fullmatch(r"(?:(?:okay|ok|right|so|and),?\s+)?then,?\s*", prefix)
        # "So what I'll do is write you up a side-by-side", "What I can do is ask the managers": the promise
        # is what follows "is" (said as what one can do, it is proposed and owned at once).
        what_i_do = prefix.endswith("what ") and re.match(
            r"(?:'ll| will|'m going to| am going to| can) do is (?:that )?",
            clause[match.start("modal") :] if match.re is _COMMIT else "",
        )
        # "If you send me the list, I'll run it tomorrow": a promise for when the other side delivers.
        upon_delivery = re.search(r"\bif you (?:can |could )?(?:send|get|share|give|forward|email)\b", prefix)
        if (re.search(r"\b(?:if|unless|whether|suppose|imagine)\b", prefix) and not upon_delivery) or (
            _RELATIVE_HEAD.search(prefix)
            and not opener
            and not what_i_do  # "Then I'll commit to this:" opens the sentence
        ):
            continue
        if position > 0 and match.re is _LET_ME and position < len(clauses) - 1:
            continue  # "— let me loop in our account exec, and we'll have it by Wednesday": an aside
        if match.re is _FROM_ME:
            rest = f"send {match.group('thing') or match.group('thing2')}{match.group('tail') or match.group('tail2')}"
        else:
            rest = _strip_adverbs(match.group("rest").strip())
        objectless = re.fullmatch(
            r"(?P<verb>send|have|get|share|email|forward|give)(?P<tail>(?:\s+(?:over|across|through|back))?"
            r"(?:\s+to\s+(?:you|him|her|them|us)\b.*|\s+(?:by|on|before|tomorrow|today|tonight|this|next|end)\b.*|\s*))",
            rest,
            re.I,
        )
        put_first = _PUT_FIRST.match(sentence.text) if objectless else None
        if put_first:
            # "The full RCA, with the timeline, I can have to you by Thursday": the thing put first is the object.
            rest = f"{objectless.group('verb')} {_put_first(put_first)}{objectless.group('tail')}"
        if what_i_do:
            rest = _strip_adverbs(
                re.sub(r"^do is (?:that )?(?:(?:I|we)(?:'ll| will)? )?", "", rest, flags=re.I)
            )
        # "I'll commit to this: a written root cause in your inbox by Friday": the object follows the colon.
        rest = re.sub(
            r"^(?:commit to|promise(?: you)?|do|offer) (?:this|the following)\s*:\s*",
            "deliver ",
            rest,
            flags=re.I,
        )
        is_offer = match.groupdict().get("modal", "").lower() == " can" and not what_i_do
        first = rest.lower().split(" ", 1)[0]
        if re.match(r"(?:not|never|no longer)\b", rest, re.I) or _IN_MEETING.match(rest) or _contingent(rest):
            continue
        if found and _REPORT_BACK.match(rest) and _LOOK_INTO.match(found[-1][0]) and not found[-1][1]:
            # "I'll check with product on the interface, and I'll come back to you by Thursday"
            back = find_due(rest, meeting_date)
            found[-1] = (found[-1][0], back.due if back else None, found[-1][2])
            continue
        if not (_verb_ok(rest) or (first == "do" and (_substantive(rest) or _PRONOUN_OBJECT.match(rest)))):
            if not (is_offer and first not in _STATIVE and _substantive(rest)):
                continue
        if is_offer and first in _STATIVE:
            continue
        due = find_due(rest, meeting_date)
        if due is None and position > 0:
            # "..., and by Friday I'll send you the document": the date said before the promise
            before = find_due(prefix, meeting_date)
            due = DuePhrase(before.due, 0, 0, "") if before else None
        if due and re.search(r"\bof\s*$", rest[: due.start]):
            # "a written summary of today('s commitments)": that date is the object, not the deadline;
            # one later in the clause ("... this afternoon") still is.
            later = find_due(rest[due.end :], meeting_date)
            due = (
                DuePhrase(later.due, later.start + due.end, later.end + due.end, later.text)
                if later
                else None
            )
        text = _clean(rest, due.text if due else None)
        is_we = match.groupdict().get("subj", "I").lower() == "we"
        if is_we and not due and not re.search(r"\byou(?:r)?\b", rest, re.I):
            continue  # "we'll get it fixed": a team intention, not a task someone owns
        if text:
            # "I can get those to you by Monday": with a date, a promise rather than an offer.
            found.append((text, due.due if due else None, is_offer and not due))
    for i in range(len(found) - 1, 0, -1):
        # "Let me check with the product team, and I'll email you by Friday with whatever I find out": one
        # task, the check, due when the answer is.
        (asked, asked_due, offer), (told, told_due, _) = found[i - 1], found[i]
        if _LOOK_INTO.match(asked) and _REPORT_BACK.match(told):
            found[i - 1] = (asked, asked_due or told_due, offer)
            del found[i]
    return found


# Looking into something and coming back with it, shared by the check said with its report-back (here) and
# "let me check and come back to you" answering a question (`_CHECK_BACK`).
_CHECKING = r"check|confirm|find out|dig into|look into|double-check|look at|ask|verify"
_BACK = r"come back|get back|let you know|report back|circle back"
_LOOK_INTO = re.compile(rf"^(?:{_CHECKING}|investigate|chase|talk to|speak to|see)\b", re.I)
_REPORT_BACK = re.compile(
    rf"^(?:update you|{_BACK}|revert|follow up with you|reply to (?:you|both)|"
    r"(?:email|call|ping|message) you(?! (?:the|a|an|our|my)\b))\b",
    re.I,
)


def _vague(text: str, request: _Request) -> bool:
    lowered = text.lower()
    if _DELEGATION.match(lowered):
        return True
    if not _substantive(text) or (_BARE_PRONOUN.search(text) and len(content_words(text)) < 3):
        return True
    if re.match(r"\S+ [A-Z][\w'-]+$", text):
        return False  # "I'll email Imani": short, but it says who hears what
    return len(content_words(text)) <= 2 and not (_stems(text) & _stems(request.text))


@dataclass
class _Offer:
    owner: str
    turn: int
    text: str
    due: date | None


def extract_action_items(
    sentences: list[Sentence], speakers: list[str], meeting_date: date, *, screen: bool = True
) -> list[ActionItem]:
    """The call's action items. `screen`: drop the candidates `task_model` finds unlikely to be tasks in
    the call (its builder reads them all)."""
    turn_speakers: dict[int, str | None] = {}
    for s in sentences:
        turn_speakers.setdefault(s.turn_index, s.speaker)
    last_turn = max(turn_speakers, default=-1)
    commitments_of = {s.index: _commitments(s, meeting_date) for s in sentences if s.speaker is not None}
    # Turns in which the speaker commits to something themselves: there, "Yes." opens the answer
    # and the commitment that follows is the action item, not the bare acceptance.
    committing_turns = {
        sentences[i].turn_index for i, found in commitments_of.items() if any(not c[2] for c in found)
    }
    asking_turns = {s.turn_index for s in sentences if s.speaker and _request_in(s, meeting_date)}

    items: list[ActionItem] = []
    item_turn: list[int] = []
    open_requests: list[_Request] = []
    offers: list[_Offer] = []  # awaiting an answer
    accepted: dict[str, tuple[ActionItem, int, bool]] = {}  # offerer -> (item, turn, restated yet)
    antecedent: dict[int, str] = {}  # turn -> the latest thing its speaker offered or meant to do
    wishes: dict[int, str] = {}  # turn -> the thing its speaker said they want ("what I'd love is X")
    last_days = _last_days(sentences, meeting_date)  # speaker -> the last day they said they are here

    def last_item_of(owner: str, turn: int) -> ActionItem | None:
        """The item just made, when `owner` made it in this turn."""
        return items[-1] if items and item_turn[-1] == turn and items[-1].owner == owner else None

    for sentence in sentences:
        owner = sentence.speaker
        if owner is None:
            continue
        turn = sentence.turn_index
        first_in_turn = sentence.index == 0 or sentences[sentence.index - 1].turn_index != turn
        previous_speaker = turn_speakers.get(turn - 1)
        if first_in_turn and offers:
            for offer in [o for o in offers if o.owner != owner and o.turn < turn]:
                offers.remove(offer)
                if turn - offer.turn > 1 or _DECLINE.search(sentence.text):
                    continue
                answer = [x.text for x in sentences[sentence.index :] if x.turn_index == turn]
                # "We barely use that piece. Do it.": a go-ahead that closes the answer takes it up too.
                if not (_OFFER_ACCEPT.match(sentence.text) or _GO_AHEAD.match(answer[-1])):
                    continue
                found = _answer_due(sentences, sentence.index, meeting_date)  # "Yes please. Today, ideally."
                item = ActionItem(
                    owner=offer.owner, text=offer.text, due=offer.due or (found.due if found else None)
                )
                items.append(item)
                item_turn.append(turn)
                accepted[offer.owner] = (item, turn, False)
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
        if answering and first_in_turn and _DECLINE.search(sentence.text):
            open_requests = [r for r in open_requests if r not in answering]
            continue
        made = 0
        for text, due, is_offer in commitments_of[sentence.index]:
            addressee = _addressee(sentence, speakers, None) or (
                previous_speaker if previous_speaker != owner else None
            )
            recipient = bool(_RECIPIENT.search(text))
            text = _as_commitment(text, addressee)
            text = _UNSAID_OBJECT.sub(r"\g<verb> it", text)  # "will send after lunch": the thing asked for
            if text == _PASSED and turn_speakers.get(turn - 1) not in (owner, None):
                # "Your support team's been great." "I'll pass that on.": to whom the praise was about.
                text = f"{text} to {_praised(sentences, sentence.index, turn - 1)}"
            if first_in_turn and not answering and _PRONOUN_OBJECT.match(text) and not _substantive(text):
                thing = _asked_for(sentences, sentence)
                text = (_resolve(text, f"x {thing}") if thing else None) or text
            previous = last_item_of(owner, turn)
            if is_offer and previous and _BARE_PRONOUN.search(text) and len(content_words(text)) < 3:
                continue  # "I'll write up a summary, and I can send it to your CTO": the same item
            if is_offer and not answering:
                if turn not in asking_turns:
                    offers.append(_Offer(owner, turn, text, due))
                    antecedent[turn] = text
                continue
            request = answering[0] if answering else None
            if request and _vague(text, request):
                verb = text.lower().split(" ", 1)[0]
                resolved = None if verb in _LIGHT_VERBS else _resolve(text, request.text)
                text, due = resolved or request.text, due or request.due
            elif request and _PRONOUN_OBJECT.match(text):
                # "Could you send me the collector logs?" "I can pull those this afternoon and send them
                # across.": the pronoun is what was asked for; the answer keeps its own verbs.
                text = _resolve(text, request.text) or text
            offered = accepted.get(owner)
            if offered and turn - offered[1] <= 3 and turn > offered[1]:
                item, _, restated = offered
                if (_PRONOUN_OBJECT.match(text) and not _substantive(text)) or len(
                    _stems(text) & _stems(item.text)
                ) >= 2:
                    item.due = item.due or due  # the offer, restated ("I'll book that in for next week")
                    accepted[owner] = (item, offered[1], True)
                    continue
                if not restated and _substantive(text) and not request and _stems(text) & _stems(item.text):
                    # The offer, made concrete; "I'll schedule the rollback" says less than the offer did.
                    # "I'll clean it up a bit and send it": the pronoun is what was offered.
                    text = (_resolve(text, item.text) if _points_back(text) else None) or text
                    if len(content_words(text)) >= len(content_words(item.text)):
                        item.text = text
                    item.due = due or item.due
                    accepted[owner] = (item, offered[1], True)
                    continue
            own_offer = next((o for o in offers if o.owner == owner and o.turn == turn), None)
            if _DELIVERY.match(text):
                # "I'll set up a demo. I'll send you a couple of time options tomorrow.": the logistics of
                # the commitment (or offer) just made in the same turn, not a task of its own.
                served = next(
                    (
                        i
                        for i, t in zip(items[::-1], item_turn[::-1], strict=True)
                        if t == turn and i.owner == owner
                    ),
                    None,
                )
                if served is not None and not own_offer:
                    served.text, served.due = f"{served.text} and {text}", served.due or due
                    if request:
                        open_requests.remove(request)
                        answering.remove(request)
                    continue
                if own_offer:
                    offers.remove(own_offer)
                    text, due = f"{own_offer.text} and {text}", due or own_offer.due
            if own_offer and _PRONOUN_OBJECT.match(text) and not _substantive(text):
                offers.remove(own_offer)  # "I can switch it over... I'll do that right after this call"
                text, due = own_offer.text, due or own_offer.due
            elif not request and _PRONOUN_OBJECT.match(text) and not (items and item_turn[-1] == turn):
                # "Our legal team has some redlines. I'll send those across today."
                # "Okay. I'll get that to you": an acknowledgement before it is no thing to point at.
                before = [
                    x
                    for x in sentences[: sentence.index]
                    if x.turn_index == turn and len(content_words(x.text)) > 1
                ]
                # "The credentials for the test environment, I have to check first, but I'll try to have
                # them for you by Friday": the thing put first in the sentence.
                put_first = _PUT_FIRST.match(sentence.text)
                source = (
                    (_put_first(put_first) if put_first else None)
                    or antecedent.get(turn)
                    or next((phrase for x in reversed(before[-3:]) if (phrase := _noun_phrase(x.text))), None)
                )
                if not source and not before:
                    # "Something I've wanted for ages is an exportable score." ... "I'll take that to our
                    # product team": the other side's wish, a turn or three back.
                    source = next(
                        (
                            wishes[t]
                            for t in range(turn - 1, turn - 4, -1)
                            if t in wishes and turn_speakers[t] != owner
                        ),
                        None,
                    )
                own = turn not in antecedent
                if not source and not before and turn_speakers.get(turn - 2) == owner:
                    # "I'd like to get you on a call with our product manager. Next week?" "Next week is
                    # fine." "I'll set that up.": what the speaker meant or proposed before the answer.
                    source = antecedent.get(turn - 2)
                    own = source is None
                    arranged = _ARRANGE.match(text)
                    if source and arranged:  # "I'll set that up": what was meant, as it was said
                        text, source = f"{source}{text[arranged.end() :]}", None
                    source = source or (_proposed(sentences, sentence.index, turn - 2) if own else None)
                if not source and _points_back(text) and turn_speakers.get(turn - 1) not in (owner, None):
                    # "It would really help to have last year's visitor numbers." "I've got those. I'll
                    # send them over tomorrow.": the thing the other side just wanted.
                    source, own = _wanted(sentences, sentence.index, turn - 1), True  # a noun phrase
                text = (_resolve(text, f"x {source}" if own else source) if source else None) or text
            previous = last_item_of(owner, turn)
            if (
                previous
                and previous.due is None
                and re.match(r"(?:come back|report back|follow up) with\b", text, re.I)
            ):
                # "I'll look at the options. ... I'll come back to you with two scenarios by next week.":
                # what the looking produces, one item.
                previous.text, previous.due = f"{previous.text} and {text}", due
                continue
            checked = _CHECK_BACK.match(text)
            if checked and turn_speakers.get(turn - 1) not in (owner, None):
                # "Does the beta work with the Zebra scanners?" "Let me check and come back to you.": what
                # is checked is the question asked.
                asked = _whether(sentences, sentence.index, turn - 1)
                if asked:
                    text = f"{checked.group('verb')} {asked}{checked.group('tail')}"
            if checked:
                # "I'm not sure what we're on in Puebla. I'll find out and let you know.": what is found out
                # is what the speaker just said they do not know.
                unknown = _unsure(sentences, sentence)
                if unknown:
                    text = f"{checked.group('verb')} {unknown}{checked.group('tail')}"
            if previous and (
                _CONTINUATION.match(text)
                or (_PRONOUN_OBJECT.match(text) and len(content_words(_BEFORE_I_GO.sub("", text))) < 3)
                or _POSSESSIVE_OBJECT.match(text)
            ):
                for item, t in zip(items, item_turn, strict=True):
                    if t == turn and item.owner == owner:
                        item.due = item.due or due
                continue
            if _RESULT.match(text):
                # "Let me check with engineering." ... "I'll have an answer for you by Friday.": the date
                # of the task promised a turn or two before, not a task of its own.
                earlier = [
                    i for i, t in zip(items, item_turn, strict=True) if i.owner == owner and turn - t <= 3
                ]
                if earlier:
                    earlier[-1].due = earlier[-1].due or due
                    continue
            if _CLAUSE_OBJECT.match(text):
                continue  # "I'll set up my calendar is open" heard as a task: its object is a clause
            if not (_substantive(text) or due or recipient or _TO_A_TEAM.search(text)):
                continue  # "I'll dig into that", "I'll sign things off for a bit": nothing to hand over
            text = _introduction(text, sentences, sentence.index, speakers, addressee) or text
            text = _one(text, _context(sentences, sentence))
            previous = last_item_of(owner, turn)
            if previous and _LIGHT_PRONOUN.match(previous.text) and _substantive(text):
                # "I can do that today. I'll add you both to the incident list": the second says what.
                previous.text, previous.due = text, due or previous.due
                continue
            if due is None and owner in last_days and _BEFORE_I_GO.search(sentence.text):
                due = last_days[owner]  # "my last day is the thirtieth" ... "before my last day"
                text = re.sub(r"\s+" + _BEFORE_I_GO.pattern, "", text, flags=re.I).strip(" ,") or text
            if _points_back(text):
                source = _kind_named_before(sentences, sentence, text)
                text = (_resolve(text, f"x {source}") if source else None) or text
            if due is None and _THEN.search(text):
                # "How's next Tuesday morning? I'll set up the connector with you then.": the time said just before
                said = next(
                    (
                        found
                        for x in sentences[max(0, sentence.index - 2) : sentence.index]
                        if (found := find_due(x.text, meeting_date))
                    ),
                    None,
                )
                if said:
                    text, due = _THEN.sub("", text), said.due
            items.append(ActionItem(owner=owner, text=text, due=due))
            item_turn.append(turn)
            made += 1
            if request:
                open_requests.remove(request)
                answering.remove(request)
        if answering and turn not in committing_turns and first_in_turn and _ACCEPT.match(sentence.text):
            request = answering[0]
            open_requests.remove(request)
            recent = [i for i, t in zip(items, item_turn, strict=True) if i.owner == owner and turn - t <= 3]
            bare = _PRONOUN_OBJECT.match(request.text) and not _substantive(
                _PRONOUN_OBJECT.sub("x", request.text)
            )
            if (recent and (re.match(r"make sure (?:it|that|they|this)\b", request.text, re.I) or bare)) or (
                bare and not _RECIPIENT.search(request.text)
            ):
                # "Can you make sure it's one combined quote?", "Send it to both of us.": the last item, refined
                continue
            found = _answer_due(sentences, sentence.index, meeting_date)
            items.append(
                ActionItem(owner=owner, text=request.text, due=request.due or (found.due if found else None))
            )
            item_turn.append(turn)
            made += 1
        if not made and not first_in_turn and not commitments_of[sentence.index]:
            # "I'll get the dispatcher to pull it. Give me till Friday.": the turn's date, said after.
            found = find_due(sentence.text, meeting_date)
            if found:
                for item, t in zip(items, item_turn, strict=True):
                    if t == turn and item.owner == owner and item.due is None:
                        item.due = found.due
        offered_now = _offer_in(sentence, meeting_date)
        if offered_now:
            text = _one(_as_commitment(offered_now[0]), _context(sentences, sentence))
            offers.append(_Offer(owner, turn, text, offered_now[1]))
            antecedent[turn] = text
        wish = _WISH.search(sentence.text)
        if wish:
            wishes[turn] = _clean(wish.group("np"), None)
        intention = None if offered_now else _INTENTION.search(sentence.text)
        # "What I'd like to do is set up usage alerts": the intention is what follows "is".
        meant = re.sub(r"^do(?:,[^,]{1,40},)? is (?:to )?", "", intention.group("rest")) if intention else ""
        if intention and _verb_ok(_strip_adverbs(meant)):
            antecedent[turn] = _clean(_strip_adverbs(meant), None)
        suggested = None if offered_now or intention else _SUGGEST.search(sentence.text)
        if suggested:  # "I'd suggest an admin training session just for you." ... "I'll set that up."
            antecedent[turn] = f"set up {suggested.group('np')}"
        asked = None if offered_now else _request_in(sentence, meeting_date)
        if asked:
            next_speaker = turn_speakers.get(turn + 1) if turn + 1 <= last_turn else None
            addressee = _addressee(sentence, speakers, next_speaker)
            text = _one(_as_request(asked[0], owner), _context(sentences, sentence))
            # "Soo-ah, can you pull that together?" from one who was just asked: the same request, passed on.
            passed = next((r for r in open_requests if r.addressee == owner), None)
            if passed and _PRONOUN_OBJECT.match(text):
                open_requests.remove(passed)
                text = passed.text
            if addressee:
                open_requests.append(_Request(sentence, addressee, text, asked[1]))
    for item in items:  # a date taken out of the middle leaves "put the check-in in , same slot"
        item.text = re.sub(r"\s+(?=[,;])", "", item.text)
    _merge_recap(items, _recap_items(sentences, speakers, meeting_date))
    _merge_recap(items, _assigned_items(sentences, speakers, meeting_date))
    for item in items:
        item.text = _task_wording(item.text)
    found = _dedupe([item for item in items if not _TAKE_NOTHING.match(item.text)])
    return task_model.screen(found, sentences, meeting_date) if screen else found


# A promise for "then" ("I'll set up the connector with you then"): the time said just before it.
_THEN = re.compile(r"\s+(?:by |until |till )?then$", re.I)
# "I'll take quiet", "I'll take boring", "I'll take 'it works'", "take care": taking what is offered, no
# task; "take the deck to the board", "take it to product", "take care of it" are tasks.
_TAKE_NOTHING = re.compile(
    r"^take (?!(?:the|a|an|it|that|this|them|those|these|your|our|my|their|his|her|whatever|back|both|some|"
    r"up|over|on|forward|away|him|you|us|care of|ownership|responsibility|charge|notes?|one|two|three|all|any|"
    r"each|every|another|more|whoever)\b)(?-i:[a-z\"'“])",
    re.I,
)


# Talk's verbs for a task, in the words of a task list: "dig into the sync drops" -> "investigate the sync
# drops", "pull together a list of the nurses" -> "send a list of the nurses"; "and get it over" after a
# thing to be sent says nothing more ("send a revised quote and get it over" -> "send a revised quote").
_TASK_WORDING = [
    (
        re.compile(r"^dig (?:into|in to|through) (?=(?:where|whether|what|why|how|which|when)\b)", re.I),
        "find out ",
    ),
    (re.compile(r"^dig (?:into|in to|through)\b", re.I), "investigate"),
    (re.compile(r"^(?:pull|put) together\b", re.I), "send"),
    (
        re.compile(
            r"^(?:pull|put) (?P<thing>(?:a|an|the|some|our|your|my) (?:(?! and )[^,])+?) together\b", re.I
        ),
        r"send \g<thing>",
    ),
    # "get the deck over", "drop the draft across", "get the revised numbers to Priya"
    (
        re.compile(
            r"^(?:get|drop|fire|shoot|pop|ping|whip) (?P<thing>(?:a|an|the|some|our|my|your|those|these)\b"
            r"(?:(?! and )[^,])*?) (?:over|across)\b(?! (?:the|a|an|it|this|that|with)\b)",
            re.I,
        ),
        r"send \g<thing>",
    ),
    (
        re.compile(
            r"^get (?P<thing>(?:a|an|the|some|our|my|your)\b(?:(?! and )[^,])*?) "
            r"(?=to (?:(?-i:[A-Z])|(?:you|him|her|them)\b))",
            re.I,
        ),
        r"send \g<thing> ",
    ),
    (
        re.compile(
            r"^pull (?P<thing>(?:(?! and )[^,])+?) and send (?:it|them|that|those)(?: over| across| out| through)?\b",
            re.I,
        ),
        r"send \g<thing>",
    ),
]
_SENT_AGAIN = re.compile(
    r"(?:,\s*|\s+)and (?:send|get|have|share|email|forward) (?:it|them|that|those)(?: (?:over|across|out|through|back))?$",
    re.I,
)


def _task_wording(text: str) -> str:
    for pattern, verb in _TASK_WORDING:
        text = pattern.sub(verb, text, count=1)
    text = _HAVE_THING.sub(r"send \g<thing>", text, count=1)
    if re.match(r"(?:send|share|email|forward)\b", text, re.I):
        text = _SENT_AGAIN.sub("", text)
    return text


_LAST_DAY = re.compile(
    r"\bmy last (?:day|working day|day here|day in the office)\b|\bI(?:'m| am) (?:leaving|finishing|off) (?:on|at the end of)\b|"
    r"\bI finish (?:up )?(?:on|at the end of)\b",
    re.I,
)
_BEFORE_I_GO = re.compile(
    r"\bbefore (?:I go|I leave|I'm gone|my last day|I finish|I head off|I disappear)\b", re.I
)


def _last_days(sentences: list[Sentence], meeting_date: date) -> dict[str, date]:
    """Each speaker's last day at their company, when they said it ("my last day is the thirtieth")."""
    found: dict[str, date] = {}
    for s in sentences:
        said = _LAST_DAY.search(s.text) if s.speaker and s.speaker not in found else None
        if said:
            said = s.text[said.start() :]
            # "my last day is the thirtieth": the bare date after "is" is the day
            due = find_due(re.sub(r"\b(is|will be)\s+(?=the\s)", r"\1 on ", said, count=1), meeting_date)
            if due:
                found[s.speaker] = due.due
    return found


# A question that only puts a date: "Can we do it next Thursday afternoon?", "How about Friday?"
_WHEN_THEN = re.compile(
    r"^(?:(?:and|so|okay|ok|yes|yeah),?\s+)*(?:(?:can|could|shall) we (?:do|have|make|book|schedule) (?:it|that|this)\b|"
    r"(?:how|what) about\b)",
    re.I,
)


def _answer_due(sentences: list[Sentence], index: int, meeting_date: date):
    """The date in an answer ("Yes please. Today, ideally."), up to the answer's first question other than
    one that only puts a date ("Yes, please. Can we do it next Thursday?")."""
    turn = sentences[index].turn_index
    for s in sentences[index:]:
        if s.turn_index != turn or (s.is_question and not _WHEN_THEN.match(s.text)):
            return None
        found = find_due(s.text, meeting_date)
        if found:
            return found
    return None


_LOGISTICS = (
    r"(?:time options|times|time slots|slots|dates|availability|options|(?:calendar )?invites?|invitation|"
    r"series|link|(?:calendar )?holds?)"
)
# A delivery with no object of its own: "send some times over", "get you a batch", "send the invite".
_DELIVERY = re.compile(
    r"^(?:send|get|email|share|forward|drop|shoot|circulate)(?: over| across| through)? "
    rf"(?:(?:a|an|some|a couple of|a few|a couple|a handful of) [\w-]+|(?:the |an? |some |a couple of |a few )?(?:[\w-]+ )?{_LOGISTICS})"
    r"(?: (?:over|across|through|along|out))?$",
    re.I,
)
_NOUN_PHRASE = re.compile(
    r"\b(?:some|the|a|an|our|my|your|their|those|these)\s+(?:[\w'-]+\s+){0,6}?[\w'-]+(?=\s*(?:[.!?,;—–]|$))",
    re.I,
)


# A thing put before the sentence's subject, set off by a comma: "The credentials for the test
# environment, I have to check with my boss first".
_PUT_FIRST = re.compile(
    r"^(?:(?:okay|ok|so|yes|yeah|well|right|and|now),?\s+)*(?P<np>(?:the|our|your|those|these|that|this|my|their)"
    r"\s+(?:(?!(?:is|are|was|were|has|have|had|will|would|can|could|do|does|did)\b)[^,.;!?\s']+\s*){1,8}?)"
    r"(?P<with>,\s+(?:with|including|plus)\b[^,.;!?]{1,60})?(?:\s(?:is|are|was|were|will be|gets?|comes?) [^,.;!?]{1,40})?"
    r",\s+(?:I|we)\b",
    re.I,
)


def _put_first(match: re.Match) -> str:
    """The thing put first, in lower case, with what it comes with ("the full RCA with the timeline")."""
    np = match.group("np").strip()
    said = f"{np[0].lower()}{np[1:]}"
    return f"{said} {match.group('with').lstrip(', ')}" if match.group("with") else said


def _noun_phrase(text: str) -> str | None:
    """The last noun phrase closing a sentence ("our legal team has some redlines on the DPA." ->
    "some redlines on the DPA"), for a pronoun in the speaker's next sentence to point at."""
    found = None
    for match in _NOUN_PHRASE.finditer(text):
        found = match.group(0)
    return found


_INTRO_CUE = re.compile(
    r"\b(?:in touch|introduc\w*|intro|connect (?:you|them|the two)\b)|\b(?:email|note) to (?:you )?both\b|"
    r"\bto both of you\b",
    re.I,
)
# The person to be introduced: a name after "to"/"with"/"friend" or set off by a comma ("Their ops
# director, Amara Osei, ..."), at most two capitalised words, not the start of a longer proper noun.
_INTRO_NAME = re.compile(
    r"(?:\b(?:to|with|friend|named|called)\s+|,\s+|^(?=\S+ (?-i:[A-Z])))(?P<name>(?-i:[A-Z][^\W\d_]+(?: [A-Z][^\W\d_]+)?))"
    r"(?!\s+(?-i:[A-Z]))(?=[\s,.!?]|$)"
)


# "put you in touch with their ops director", "connect you with Amara", "make the intro to their digital
# lead", "introduce you to her": whom the one spoken to will be introduced to, up to a comma.
_INTRO_TO = re.compile(
    r"^(?:(?:put|get) (?:you|you two|you both|the two of you) in touch with|"
    r"connect (?:you|you both|you two) (?:with|to)|introduce (?:you|you both|you two) to|"
    r"(?:make|send|do) (?:the|an|a|that) intro(?:duction)? (?:to|with|for))"
    r" (?P<whom>(?!(?:you|both|the two|each other|someone|somebody|people)\b)[^,;]+?)"
    r"(?:\s+(?:by|over|via) e-?mail)?$",
    re.I,
)
_TO_THEM = re.compile(
    r"^(?:send|email|drop|ping|message|write to|call|ring|contact|reach out to|text|loop in) (?:her|him)\b",
    re.I,
)
_FIRST_NP = re.compile(
    r"^(?:(?:well|so|and|just|honestly|ideally|really),?\s+)*(?P<np>(?:a|an|the|some|our|my|your|their)\s+(?:[\w'-]+\s+){0,5}?[\w'-]+)"
    r"(?=\s*(?:[.!?,;—–]|$|\s(?:so|because|and|that|which|if|before|by)\b))",
    re.I,
)


_ARRANGE = re.compile(
    r"^(?:set|sort|line|book) (?:that|it|this) (?:up|out|in)\b|^(?:arrange|organi[sz]e|do) (?:that|it|this)\b",
    re.I,
)
_WOULD_IT_HELP = re.compile(
    r"\b(?:would|could|might) (?P<np>(?:a|an|the|some)\s+(?:[\w'-]+\s+){0,6}?[\w'-]+)\s+"
    r"(?:help|work|be (?:useful|helpful|worth it))\b",
    re.I,
)


def _proposed(sentences: list[Sentence], index: int, turn: int) -> str | None:
    """ "Would a short monthly check-in with me help?": the thing the speaker proposed in `turn`."""
    for s in reversed(sentences[:index]):
        if s.turn_index < turn:
            return None
        if s.turn_index == turn and s.is_question:
            match = _WOULD_IT_HELP.search(s.text)
            if match:
                return match.group("np")
    return None


# A verb whose "object" runs into a finite verb of its own: "take board meets on March second", "set up
# the crews are doing", "pull the write-up covers": another clause, not a task.
_CLAUSE_OBJECT = re.compile(
    r"^\S+(?: (?:up|out|in|on|off|over|together))? (?!(?:where|when|what|how|whether|why|which|who)\b)(?:(?:my|the|our|their|your|his|her|its)\s+)?(?:[\w'-]+\s+){0,2}?"
    r"(?:is|are|was|were|meets|covers|says|goes|doing|being)\b",
    re.I,
)
_CHECK_BACK = re.compile(
    rf"^(?P<verb>{_CHECKING})(?: (?:that|it|this|on that|on it))?(?P<tail>(?:,? and (?:{_BACK}|confirm)\b.*)?)$",
    re.I,
)
_YES_NO = re.compile(
    r"^(?:(?:and|so|but|also|okay|ok|oh|quick question|one question)[,:]?\s+)*"
    r"(?P<aux>does|do|did|is|are|can|could|will|would|has|have)\s+(?P<body>.+?)\?$",
    re.I,
)
_PRONOUN_SUBJECT = re.compile(r"^(?P<subject>it|that|this|there|they|we|you|I|he|she)\s+(?P<rest>.+)$", re.I)


def _third_person(verb: str) -> str:
    if verb.lower() == "have":
        return "has"
    return verb + ("es" if re.search(r"(?:s|sh|ch|x|o)$", verb) else "s")


def _whether(sentences: list[Sentence], index: int, turn: int) -> str | None:
    """ "Does the beta work with the Zebra scanners?" -> "whether the beta works with the Zebra
    scanners": the yes/no question that closed `turn`, as what is to be found out."""
    said = [s for s in sentences[:index] if s.turn_index == turn]
    question = next(
        (
            found
            for s in reversed(said)
            if s.is_question and not _OFFER.search(s.text) and (found := _YES_NO.match(s.text.strip()))
        ),
        None,
    )
    if not question:
        return None
    aux, body = question.group("aux").lower(), question.group("body").strip()
    if aux in ("does", "do", "did", "can", "could", "will", "would"):
        # "the beta work with the scanners": the verb, the last verb-like word among the first few ("the
        # attendance export include drop-ins"), takes the -s after "does" and a subject not a pronoun
        words = body.split()
        verbs = [
            i
            for i in range(1, min(len(words), 5))
            if words[i].lower() in ACTION_VERBS or words[i].lower() in _COMMON_VERBS
        ]
        if not verbs:
            return None
        if aux in ("can", "could", "will", "would"):
            # "Can the single sign-on handle both?" -> "whether the single sign-on can handle both"
            if words[0].lower() in ("you", "we", "i"):
                return None  # "Can you...": a request, not a question of fact
            words.insert(verbs[0], aux)
            return f"whether {' '.join(words)}"
        if aux == "does" and not _PRONOUN_SUBJECT.match(" ".join(words[: verbs[-1]])):
            words[verbs[-1]] = _third_person(words[verbs[-1]])
        return f"whether {' '.join(words)}"
    pronoun = _PRONOUN_SUBJECT.match(body)
    if pronoun:  # "Is it in beta?" -> "whether it is in beta"
        return f"whether {pronoun.group('subject')} {aux} {pronoun.group('rest')}"
    return None


_UNSURE = re.compile(
    r"\b(?:don't know|do not know|not (?:a hundred percent |completely |entirely |totally |one hundred percent )?sure|"
    r"no idea|can't remember|don't remember|can't recall)\s+(?:(?P<wh>where|what|when|whether|if|how|which|who)\b|"
    # "I'm not sure your account was ever moved over to it": whether it was
    r"(?=(?:the|your|our|their|his|her|its|it|they|we|you|he|she|this|that|there) \w+ (?:was|were|is|are|has|have|had|did|does|do|will|would|can|could)\b))"
    r"(?P<rest>[^.?!;]*)",
    re.I,
)


def _unsure(sentences: list[Sentence], sentence: Sentence) -> str | None:
    """What the speaker said, earlier in the turn, that they do not know: "where the Snowflake export is
    on the roadmap" from "The Snowflake export is on the roadmap, but I don't know where"."""
    for before in reversed(sentences[: sentence.index + 1]):
        if before.turn_index != sentence.turn_index:
            return None
        found = _UNSURE.search(
            before.text[: before.text.find(sentence.text)] if before is sentence else before.text
        )
        if not found:
            continue
        wh = "whether" if (found.group("wh") or "if").lower() == "if" else found.group("wh").lower()
        rest = re.split(r",\s*(?:and|but|so|because|which)\b|\s+but\b", found.group("rest"))[0].strip(" ,")
        if rest:
            return f"{wh} {rest}"
        said = re.split(r",?\s+but\b|,\s+", before.text[: found.start()])[0]
        said = re.sub(r"^(?:(?:and|so|but|well|honestly|okay)[,]?\s+)+", "", said.strip(), flags=re.I)
        return f"{wh} {said[0].lower()}{said[1:]}" if said and len(said.split()) >= 3 else None
    return None


_COMMON_VERBS = frozenset(
    "work include support handle cover sync export import show count cost need allow let mean come go apply "
    "run connect integrate change affect happen exist matter".split()
)
_WANTED = re.compile(
    r"\b(?:have|had|get|see|send|share|need|want|give|forward)\s+(?:(?:me|us|you|him|her|them)\s+)?"
    r"(?:over\s+)?(?P<np>(?:the|a|an|some|your|our|their|last|this|any|those|these)\s+[^,.;!?—–]*?)"
    r"(?=\s*(?:[,.;!?—–]|$|\s(?:so|because|and then|which|before|by|over|across|to you|to me|today|tomorrow)\b))",
    re.I,
)


_WANT_CUE = re.compile(
    r"\b(?:need|needs|want|wants|help|love|like|great|useful|helpful|appreciate|could you|can you|would you|"
    r"will you|if you|please|mind|do you|have you)\b",
    re.I,
)
_POINTING = frozenset("it that them those this these".split())


def _points_back(text: str) -> bool:
    """ "send them over", "sign it": a verb (not "do") whose object is a pronoun for a thing named before."""
    match = _PRONOUN_OBJECT.match(text)
    return bool(
        match
        and match.group("pronoun").lower() in _POINTING
        and match.group("verb").lower().split()[0] != "do"
    )


def _wanted(sentences: list[Sentence], index: int, turn: int) -> str | None:
    """ "It would really help to have last year's visitor numbers." -> "last year's visitor numbers": the
    last thing `turn`'s speaker asked to have, send or see, for a pronoun in the answer to point at."""
    for s in reversed(sentences[:index]):
        if s.turn_index < turn:
            return None
        if s.turn_index == turn:
            found = None
            for match in _WANTED.finditer(s.text):
                if _WANT_CUE.search(s.text[: match.start("np")]):
                    found = match.group("np")
            if found and _substantive(f"x {found}"):
                return found
    return None


def _asked_for(sentences: list[Sentence], sentence: Sentence) -> str | None:
    """ "What would help before October?" "A quote at twenty-five seats, so I can…" "I can get that to you
    by Friday.": the thing the other side named to open their last sentence."""
    before = [x for x in sentences[: sentence.index] if x.turn_index == sentence.turn_index - 1]
    if not before or before[-1].speaker == sentence.speaker or before[-1].is_question:
        return None
    match = _FIRST_NP.match(before[-1].text)
    if not match:
        return None
    determiner, rest = match.group("np").split(" ", 1)
    return f"{determiner.lower()} {rest}"


def _introduction(
    text: str, sentences: list[Sentence], index: int, speakers: list[str], addressee: str | None
) -> str | None:
    """ "I'm happy to put you two in touch." ... "I'll send an email to both of you tomorrow.": the item
    is the introduction, between the one spoken to and the person named where it was offered."""
    # "I'll drop her an email and copy you in", after offering to introduce her
    to_them = _TO_THEM.match(text)
    if not addressee or not (to_them or _INTRO_CUE.search(text)):
        return None
    named = _INTRO_TO.match(text)
    if named:  # "I'll put you in touch with their ops director": the one spoken to, to whom it names
        whom = named.group("whom").strip()
        if re.fullmatch(r"her|him|them", whom, re.I):
            whom = _introduced(sentences, index, speakers, anywhere=True) or whom
        by_email = " by email" if re.search(r"\b(?:e-?mail|over email)\b", text, re.I) else ""
        return f"introduce {first_name(addressee)} to {whom}{by_email}"
    asked = re.match(r"\S+ (?:me|us) (?:in touch with|to) (?P<name>(?-i:[A-Z])[\w' -]+)$", text, re.I)
    if asked:  # "Could you put me in touch with Maud?" "Yes, I'll send you an introduction."
        return f"introduce {first_name(addressee)} to {asked.group('name')} by email"
    # Only an introduction that names no one and nothing else: "connect you both by email", "send an
    # email to both of you"; "set up an intro call with Irene" says more than that.
    residue = re.sub(
        r"\b(?:you|both|two|all|them|of|the|an?|email|by|over)\b", " ", _INTRO_CUE.sub(" ", text), flags=re.I
    )
    if len(residue.split()) > 1 and not to_them:
        return None
    whom = _introduced(sentences, index, speakers)
    return f"introduce {first_name(addressee)} to {whom} by email" if whom else None


def _introduced(
    sentences: list[Sentence], index: int, speakers: list[str], *, anywhere: bool = False
) -> str | None:
    """Whom an introduction offered in the last few turns is to: the last name said where it was offered
    ("my friend Amara", "Their ops director, Amara Osei, ..."); `anywhere`: the last name said in those
    turns ("her" in "I'll connect you with her" after "my friend Amara Osei runs operations")."""
    known = {first_name(s).lower() for s in speakers} | {"i"}
    # A word the call also uses in lower case ("Actually", "Their") is no one's name.
    lower = {w for s in sentences for w in re.findall(r"\b[a-z][\w'-]*", s.text)}
    turn = sentences[index].turn_index
    for s in reversed(sentences[max(0, index - 12) : index + 1]):
        if s.turn_index < turn - 4:
            break
        source = [x for x in sentences[max(0, s.index - 3) : s.index + 1] if x.turn_index == s.turn_index]
        if anywhere:
            source = [s]
        elif not _INTRO_CUE.search(s.text):
            continue
        for x in reversed(source):
            names = [
                m.group("name")
                for m in _INTRO_NAME.finditer(x.text)
                if m.group("name").split()[0].lower() not in known | lower | STOPWORDS  # "Sure, I'll ..."
            ]
            if names:
                return names[-1]
    return None


# "one" as the object, not the start of a word ("do the one-pager", "the one-off fee").
# "one" standing for a thing, not counting one ("I'll have one eye on my other screen")
_ONE = re.compile(
    r"^(?P<verb>\S+) (?P<det>(?:the|a|an|another) (?:[\w-]+ )?)?one\b(?!-)"
    r"(?=\s*(?:[,.;:!?—–]|$|\s(?:by|for|to|on|at|in|with|from|today|tomorrow|tonight|and|or|over|across|first|too|as|"
    r"this|next|before|after|later|back|up|out|off|through|ready|done|sorted|again|now|then|myself|ourselves)\b))",
    re.I,
)


def _context(sentences: list[Sentence], sentence: Sentence) -> str:
    """What the speaker said before "one" in the turn: earlier sentences and this one up to it."""
    prior = [
        x.text
        for x in sentences[max(0, sentence.index - 2) : sentence.index]
        if x.turn_index == sentence.turn_index
    ]
    here = re.search(r"\bone\b(?!-)", sentence.text)
    # Up to the last punctuation before it: "the latest one" names nothing itself.
    return " ".join([*prior, re.sub(r"[^,.;!?—–]*$", "", sentence.text[: here.start()]) if here else ""])


def _one(text: str, before: str) -> str:
    """ "the pen test report, can we get the latest one?" -> "get the latest pen test report"; "I'd
    rather do a live session. Want me to run one in Spanish?" -> "run a live session in Spanish": "one"
    is the thing named just before it in the turn."""
    match = _ONE.match(text)
    phrase = _noun_phrase(before) if match else None
    if not phrase:
        return text
    phrase = re.split(r"\s+(?:for|to|with|of|in|on|at|from|anyway|too|again)\b", phrase, maxsplit=1)[0]
    if match.group("det"):
        phrase = match.group("det") + phrase.split(" ", 1)[-1]
    return f"{match.group('verb')} {phrase}{text[match.end() :]}"


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


# What a pronoun after a verb can stand for depends on the verb: "send it", "pull those", "dig that out"
# hand over a thing made of words or numbers; "book it", "set that up" arrange a meeting. The nearest
# phrase before it whose noun is of that kind is what it points at ("I've got a spreadsheet with every
# location. I'll send it over"), and nothing else is ("the phones go crazy on Mondays").
_DELIVERABLES = frozenset(
    """list lists report reports deck decks slides spreadsheet spreadsheets sheet file files export exports
    data numbers figures summary summaries proposal proposals quote quotes pricing breakdown comparison
    template templates doc docs document documents write-up writeup notes recording recordings link links
    logs log examples example sample samples screenshots screenshot details names contacts plan plans
    timeline timelines schedule calendar guide guides runbook playbook checklist invoice invoices contract
    contracts agreement agreements terms specs spec specification metadata certificate questionnaire form
    forms ids analysis rca estimate estimates mockups mock-ups mapping headcount headcounts history
    study studies roadmap brief one-pager memo letter policy policies credentials instructions article
    articles video videos demo-recording dashboard dashboards extract backup csv pdf xml""".split()
)
# "I'll have the root cause report for you by Friday" -> "send the root cause report": a thing to hand over,
# had for someone; not "have the team run a backfill" or "have the pool provisioned".
_HAVE_THING = re.compile(
    r"^have (?P<thing>(?:a|an|the|some|our|my|your)\s+(?:[\w'-]+\s+){0,4}?(?:"
    + "|".join(sorted(_DELIVERABLES, key=len, reverse=True))
    + r")\b(?:\s+(?:of|on|for|from|with|by|about|showing)\s+(?:[\w'-]+\s+){0,8}?[\w'-]+?)?)"
    r"(?:\s+(?:over|across|ready|to you|for you|with you))?(?=\s*(?:,|$|\s(?:by|on|before|tomorrow|today|tonight|this|"
    r"next|early|end|in|within|first|later)\b))",
    re.I,
)
_TIME_WORDS = frozenset("last this today tomorrow yesterday ago week weeks month months year quarter".split())
_MATERIAL = frozenset("data numbers figures details history names contacts".split())
_MEETINGS = frozenset(
    """call calls session sessions demo demos training trainings workshop workshops walkthrough review
    reviews meeting meetings check-in check-ins catch-up intro introduction webinar visit onsite lunch
    sync kickoff""".split()
)
_DELIVER_VERBS = re.compile(
    r"^(?:send|forward|share|pull|dig|get|email|circulate|attach|grab|export|compile|draft|prepare|put|write|"
    r"clean|finish|finalise|finalize|update|tidy|fish|find|bring|drop|shoot|post|upload|print|fill|complete|"
    r"sign|return|review)\b",
    re.I,
)
_ARRANGE_VERBS = re.compile(r"^(?:book|set|schedule|arrange|organi[sz]e|line|sort|run|host|do)\b", re.I)


# Little words do not sit between a determiner and its noun: "the moment we've got links" is a clause.
_LITTLE = "|".join(
    sorted(
        (re.escape(w) for w in STOPWORDS if w not in ("new", "full", "last", "next")), key=len, reverse=True
    )
)


def _headed(heads: frozenset[str]) -> re.Pattern:
    """A phrase with a determiner whose noun (within five words) is one of `heads`, and what follows it."""
    return re.compile(
        r"\b(?:the|a|an|our|my|your|their|his|her|this|that|those|these|some|last|next)\s+"
        rf"(?:(?!(?:{_LITTLE})\s)[\w'-]+\s+){{0,4}}?"
        rf"(?P<head>{'|'.join(sorted(map(re.escape, heads), key=len, reverse=True))})\b"
        r"(?P<tail>\s+(?:of|for|with|from|on)\s+(?:(?:the|our|your|their|all|every|each)\s+)?[\w'-]+(?:\s+[\w'-]+){0,2})?",
        re.I,
    )


_DELIVERABLE_PHRASE = _headed(_DELIVERABLES)
_MEETING_PHRASE = _headed(_MEETINGS)
# "escalate that as a priority", "chase it with support": a problem or a request raised before ("the
# offline sales sync ticket has been open three weeks").
_ISSUES = frozenset(
    """issue issues problem problems bug bugs ticket tickets request requests error errors outage delay delays
    timeout timeouts crash crashes glitch defect defects incident complaint complaints gap limitation
    discrepancy mismatch drift lag backlog regression""".split()
)
_ISSUE_PHRASE = _headed(_ISSUES)
_ISSUE_VERBS = re.compile(
    r"^(?:raise|escalate|chase|investigate|look into|dig into|fix|flag|push|follow up on|take|log|check on)\b",
    re.I,
)
# After the pronoun, a word that makes it a determiner ("those reasons", "that list") rather than a pronoun.
_NOUN_AFTER = re.compile(
    r"^\S+(?: (?:up|out|in|on|off|back|over|through|down))? (?:that|this|those|these) (?!(?:up|out|in|on|off|back|over|"
    r"across|through|down|together|along|to|with|for|by|from|into|at|as|and|today|tomorrow|tonight|this|next|"
    r"first|now|right|later|straight|directly|again|too|when|once|if|until|till|then|done|set|sent|sorted)\b)"
    r"(?![a-z]+ed\b)[a-z]",
    re.I,
)


def _kind_named_before(sentences: list[Sentence], sentence: Sentence, text: str) -> str | None:
    """The thing a pronoun object left after every other rule points at: the last phrase, in the
    sentence before it, then the turn and the two turns before, whose noun is of the kind the verb
    takes; None when its verb takes no kind we know or no such phrase was said."""
    if _NOUN_AFTER.match(text):
        return None
    diary = re.search(r"\b(?:in|into|on) (?:the|your|my|our) (?:calendars?|diary|diaries)\b", text, re.I)
    kind = (
        _MEETING_PHRASE
        if diary or _ARRANGE_VERBS.match(text)
        else _DELIVERABLE_PHRASE
        if _DELIVER_VERBS.match(text)
        else _ISSUE_PHRASE
        if _ISSUE_VERBS.match(text)
        else None
    )
    if kind is None:
        return None
    head = " ".join(text.split()[:2]).lower()
    at = sentence.text.lower().find(head)
    if at < 0 and len(text.split()) > 1:  # said otherwise ("you'll have that by Friday"): before the pronoun
        pronoun = list(re.finditer(rf"\b{re.escape(text.split()[1])}\b", sentence.text, re.I))
        at = pronoun[-1].start() if pronoun else -1
    turn = sentence.turn_index
    said = [sentence.text[:at] if at > 0 else ""]
    said += [
        x.text
        for x in reversed(sentences[max(0, sentence.index - 12) : sentence.index])
        if turn - 2 <= x.turn_index <= turn
    ]
    for text_before in said:
        found = list(kind.finditer(text_before))
        # "They did a case study with us — the numbers are quite good": data is what things are made of
        strong = [m for m in found if m.group("head").lower() not in _MATERIAL]
        found = strong or found
        if found:
            phrase, tail = found[-1].group(0), found[-1].group("tail") or ""
            # The tail keeps its preposition (and a determiner after it) and the words after those up to
            # the first little word or time word: "the list of affected jobs", not "… jobs that were".
            words = tail.split()
            start = (
                2
                if len(words) > 2
                and words[1].lower() in ("the", "our", "your", "their", "all", "every", "each")
                else 1
            )
            keep = next(
                (i for i in range(start, len(words)) if words[i].lower() in STOPWORDS | _TIME_WORDS),
                len(words),
            )
            keep = keep if keep > start else 0
            phrase = phrase[: len(phrase) - len(tail)] + (" " + " ".join(words[:keep]) if keep else "")
            phrase = re.sub(
                r"^(?-i:The|A|An|Our|Your|Their|My|His|Her)\b", lambda m: m.group(0).lower(), phrase
            )
            return re.sub(r"^(?:this|that|those|these)\b", "the", phrase, flags=re.I)
    return None


# Saying the plan back: "So, Kenji sends Freya the markdown data tomorrow, and Kofi comes back on
# search by Friday"; "Fiona's introducing us to Callum by Monday". Each clause names its owner, one of
# the people on the call, and in a sentence that does so "I send the usage summary by the end of next
# week" is the speaker's own part.
_RECAP_LEAD = re.compile(
    r"^(?:(?:so|and|then|also|plus|okay|ok|right|great|perfect|to recap|recap|from us|from me|next steps|"
    r"on (?:our|your|my) side|from (?:our|your|my) side)[,:]?\s+)*"
    # "And Ms. Huong asks Mr. Khoa…", "Mr. Mohamed presents the options": the name after the title
    r"(?:(?:mr|ms|mrs|miss|dr|mx|senhor|senhora|dona|don|doña|señor|señora|sr|sra|khun|sir|madam|ma'am|herr|frau|"
    r"monsieur|madame|mme|signor|signora|mevrouw|meneer)\.?\s+(?=(?-i:[A-Z])))?",
    re.I,
)
# After "and", a verb with its object ("and checking whether…", "and forwards the specs"), not a noun
# ("the licence options and pricing by Thursday").
_OBJECT_NEXT = re.compile(
    r"^\s+(?:the|a|an|our|your|their|his|her|its|my|this|that|these|those|some|whether|if|what|when|where|how|up|out|"
    r"in|on|with|to|through|back|over|(?-i:[A-Z])[\w'-]*)\b",
    re.I,
)
_RECAP_SPLIT = re.compile(r";\s+|\s+[—–]\s+|,\s+(?:and\s+)?|\s+and\s+")
_RECAP_CLAUSE = re.compile(
    r"^(?P<subject>(?-i:[A-Z])[\w'-]*?)(?P<aux>'s going to| is going to|'m going to|'s| is|'m| am|'ll| will)?\s+(?P<verb>[\w-]+)(?P<rest>\s.+)$",
    re.I,
)
# Verbs in -s that are as often plural nouns after "and" ("the quote and updates by Friday").
_PLURAL_NOUNS = frozenset(
    """tests checks calls books reports updates quotes invites reviews logs files plans drafts demos prints
    orders notes tables maps texts schedules records tracks hosts lists emails samples exports imports
    changes fixes credits returns estimates surveys budgets alerts flags tags labels prices bills messages
    links documents models""".split()
)
_RECAP_AND = re.compile(r"^(?P<verb>[\w-]+)(?P<rest>\s.+)$")  # "... and forwards the specs next week"
# Who someone is rather than what they will do: "Rohan's taking over my remit", "Hamid runs IT for us".
_ROLE = re.compile(
    r"^(?:take (?:over|on|the reins)|run (?!(?:a|an|the|that|this) (?:[\w-]+ )?(?:session|demo|workshop|training|"
    r"report|query|test|check|call|meeting)s?\b)|have|hold|work|build|connect|call in|dial in)\b",
    re.I,
)


# The first words a task can open with, "do" and the first words of the phrasal verbs included.
_TASK_OPENERS = ACTION_VERBS | {"do"} | {m.split()[0] for m in _MULTI_VERBS}


def _verb_base(word: str, form: str) -> str | None:
    """The base of "sends" / "copies" / "pushes" (form "s") or "sending" / "setting" / "introducing"
    (form "ing") when it is a task verb."""
    word = word.lower()
    if form == "base":
        return word if word in _TASK_OPENERS else None
    if not word.endswith(form):
        return None
    if form == "ing":
        base = _gerund_base(word)
        return base if base in _TASK_OPENERS else None
    stem = word[:-1]
    candidates = [
        stem,
        stem[:-1] if stem.endswith("e") else "",
        stem[:-2] + "y" if stem.endswith("ie") else "",
    ]
    return next((c for c in candidates if c in _TASK_OPENERS), None)


def _gerund_base(word: str) -> str:
    """ "sending" -> "send", "setting" -> "set", "scheduling" -> "schedule", "using" -> "use": a task verb
    when the stem (as it is, with an e, or undoubled) is one, else the irregular stems, else the stem."""
    stem = word.lower().removesuffix("ing")
    candidates = (stem, stem + "e", stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else "")
    return next((c for c in candidates if c in _TASK_OPENERS), None) or _GERUND_BASE.get(stem, stem)


@cache
def _called(speakers: tuple[str, ...]) -> dict[str, str]:
    """The names the call's people go by, each of one speaker only: the first ("Priya" for Priya Nair) and, where
    the family name comes first, the last ("Nam" for Do Hoang Nam, "Yu-ting" for Chen Yu-ting)."""
    said: dict[str, set[str]] = {}
    for speaker in speakers:
        parts = re.sub(r"\(.*?\)", "", speaker).split()
        for part in {first_name(speaker), parts[-1] if len(parts) > 1 else ""} - {""}:
            said.setdefault(part, set()).add(speaker)
    return {name: next(iter(who)) for name, who in said.items() if len(who) == 1}


# "So, recap.", "To sum up:", "Next steps, then.": the turn says the plan back from here on.
_RECAP_ANNOUNCED = re.compile(
    r"^(?:(?:so|okay|ok|right|alright|great|good|perfect|then)[,:]?\s+)*(?:let me |let's |just to |to |a quick |quick )?"
    r"(?:recap|sum (?:it |that |this |everything )?up|summari[sz]e|wrap (?:it |that )?up|next steps|action items|actions)"
    r"(?:\W*$|\s+(?:then|quickly|where we (?:are|landed)|what we(?:'ve)? agreed|who does what|the (?:next steps|actions))\W*$)",
    re.I,
)


def _recap_items(sentences: list[Sentence], speakers: list[str], meeting_date: date) -> list[ActionItem]:
    """The tasks a sentence that says the plan back gives each person it names; in a turn that says the plan
    back (announced, or already naming someone else's part), "I switch on the trial Monday" is the
    speaker's own part, whatever the task and with or without a date."""
    names = _called(tuple(speakers))
    found: list[ActionItem] = []
    recap_turn: int | None = None  # the turn that is saying the plan back, from the sentence that began it
    for sentence in sentences:
        if sentence.speaker is None:
            continue
        if _RECAP_ANNOUNCED.match(sentence.text.strip()):
            recap_turn = sentence.turn_index
            continue
        # [owner, verb, rest, form of the verb as said] or None for a clause that is no task
        clauses: list[list[str] | None] = []
        said = sentence.text.rstrip(".!? ")
        cuts = [0, *(x for m in _RECAP_SPLIT.finditer(said) for x in (m.start(), m.end())), len(said)]
        for i in range(0, len(cuts), 2):
            part, joint = said[cuts[i] : cuts[i + 1]], said[cuts[i - 1] : cuts[i]] if i else ""
            part = _RECAP_LEAD.sub("", part)
            clause = _RECAP_CLAUSE.match(part)
            subject = clause.group("subject") if clause else None
            if subject in names or subject == "I":
                aux = (clause.group("aux") or "").strip()
                if subject == "I":  # "I'll ..." is a commitment the main rules read
                    form = "ing" if aux in ("'m", "am") else None if aux else "base"
                    verb = _verb_base(clause.group("verb"), form) if form else None
                else:
                    form = (
                        "base"
                        if aux in ("'s going to", "is going to", "'ll", "will")
                        else "ing"
                        if aux
                        else "s"
                    )
                    verb = _verb_base(clause.group("verb"), form)
                    said_as = f"{clause.group('verb')}{clause.group('rest')}"
                    if verb is None and form == "base" and _verb_ok(said_as):
                        # "Priya's going to speak to comms about the case study": any task the rules know
                        verb = clause.group("verb").lower()
                owner = sentence.speaker if subject == "I" else names[subject]
                clauses.append([owner, verb, clause.group("rest"), form] if verb else None)
                continue
            more = _RECAP_AND.match(part)
            # "... and forwards the specs next week", "... by Thursday, and checking whether ...": the same
            # person, in the same form
            form = clauses[-1][3] if clauses and clauses[-1] is not None else None
            again = (
                _verb_base(more.group("verb"), form if form in ("ing", "base") else "s")
                if more
                and form
                and more.group("verb").lower() != "including"
                and (
                    _OBJECT_NEXT.match(more.group("rest"))
                    # "... and moves ownership to Nadia on Monday": a verb no one says as a noun
                    or (
                        form == "s"
                        and more.group("verb").lower() not in _PLURAL_NOUNS
                        and not re.match(
                            r"\s+(?:by|on|at|for|in|and|or|are|were|will|to)\b", more.group("rest"), re.I
                        )
                    )
                )
                else None
            )
            if again:
                clauses.append([clauses[-1][0], again, more.group("rest"), form])
            elif (
                clauses
                and clauses[-1] is not None
                and re.match(r"(?:the|a|an|our|your|their|my)\s", part, re.I)
                and find_due(part, meeting_date)
                and find_due(clauses[-1][2], meeting_date)
            ):
                # "I send the recovery plan by next Tuesday, and the BM templates by end of this week": the
                # same verb, a second thing with its own date.
                clauses.append([clauses[-1][0], clauses[-1][1], f" {part}", clauses[-1][3]])
            elif clauses and clauses[-1] is not None:
                clauses[-1][2] += f"{joint}{part}"
        others = any(c is not None and c[0] != sentence.speaker for c in clauses)
        if others:
            recap_turn = sentence.turn_index
        elif not _own_plan(sentence, clauses, meeting_date, said_back=recap_turn == sentence.turn_index):
            continue
        for owner, verb, rest, _ in (c for c in clauses if c is not None):
            text = f"{verb}{rest}"
            if not _verb_ok(text) or _ROLE.match(text):
                continue
            due = find_due(text, meeting_date)
            text = _as_commitment(_clean(text, due.text if due else None))
            if _PRONOUN_OBJECT.match(text) and not _substantive(_PRONOUN_OBJECT.sub("x", text)):
                continue
            found.append(ActionItem(owner=owner, text=text, due=due.due if due else None))
    return found


# A task handed to someone named, without a verb: "Malakai, the PhysioDesk export by Friday", "Kirsty, staff
# list for logins tomorrow". What is handed over (a deliverable, not a meeting) is sent.
_ARRANGED = frozenset("call meeting session walkthrough demo training intro introduction review".split())
_HANDED = re.compile(
    r"^(?:(?:and|so|then|okay|ok|right|also)[,:]?\s+)*(?P<name>(?-i:[A-Z])[\w'-]+)[,:]\s+(?P<rest>.+)$", re.I
)
_NOT_A_THING = re.compile(
    r"^(?:you|your|I|we|they|he|she|it|that|this|there|what|when|where|how|why|who|if|thanks|thank|sorry|yes|"
    r"yeah|no|ok|okay|right|great|sure|perfect|just|please|so|well|actually|one|any|anything|quick|good|hi|"
    r"hello|over|do|does|did|can|could|would|will|should|is|are|let's|let|all|as|on|in|for|from|to|with|about)\b",
    re.I,
)
_FINITE = re.compile(
    r"\b(?:is|are|was|were|will|can|could|would|should|need|needs|have|has|had|do|does|did|'s|'re|'ll|'d)\b|'(?:s|re|ll|d)\b",
    re.I,
)


def _assigned_items(sentences: list[Sentence], speakers: list[str], meeting_date: date) -> list[ActionItem]:
    """The things a speaker hands to another by name, each with its date, in a sentence with no verb."""
    names = _called(tuple(speakers))
    found: list[ActionItem] = []
    for sentence in sentences:
        handed = _HANDED.match(sentence.text.rstrip(".!? "))
        if not handed or sentence.is_question or handed.group("name") not in names:
            continue
        owner = names[handed.group("name")]
        if owner == sentence.speaker or _FINITE.search(handed.group("rest")):
            continue
        for part in _RECAP_SPLIT.split(handed.group("rest")):
            part = re.sub(r"^(?:and|plus|then)\s+", "", part, flags=re.I)
            due = find_due(part, meeting_date)
            first = part.split()[0] if part.split() else ""
            if (
                due is None
                or _NOT_A_THING.match(part)
                or _verb_base(first, "base")
                or _verb_base(first, "ing")
            ):
                continue
            thing = _clean(part, due.text)
            words = {w.lower() for w in re.findall(r"[\w-]+", thing)}
            if words & _DELIVERABLES and not words & _ARRANGED:
                found.append(ActionItem(owner=owner, text=f"send {thing}", due=due.due))
    return found


# A promise for if something goes wrong again: "I'll call you directly if anything like this ever happens
# again", "If I break something, then I call you".
_CONTINGENT = re.compile(
    r"\b(?:if|in case|should) (?:anything|something|it|this|that|I|we) (?:[\w']+ ){0,4}?(?:ever )?"
    r"(?:happens?|breaks?|break|goes wrong|go wrong|comes up|fails?)\b",
    re.I,
)


def _contingent(text: str) -> bool:
    """The promise itself waits on something going wrong; not "..., so I'm still around if something breaks",
    not "I'll send the invite, and if anything comes up, you know where I am"."""
    found = _CONTINGENT.search(text)
    before = text[: found.start()] if found else ""
    return bool(found) and not (
        re.search(r"\b(?:so|where|who|which|that|they)\b", before, re.I)
        or re.search(r"\b(?:and|but),?\s*$", before, re.I)
    )


# The verbs of a plan said in the present ("I send you the list tomorrow", "I book the training for Monday").
_PLAN_VERBS = re.compile(
    r"(?:send|share|email|forward|check|prepare|book|schedule|confirm|organi[sz]e|update|set|write|call)$",
    re.I,
)
# Words that make it a habit, not a plan ("every month I send the invoice").
_HABITUAL = re.compile(
    r"\b(?:every|usually|always|normally|each|often|sometimes|typically|generally)\b", re.I
)


def _own_plan(
    sentence: Sentence, clauses: list[list[str] | None], meeting_date: date, *, said_back: bool = False
) -> bool:
    """A plan said in the present for the speaker alone, as speakers of many languages say it ("And I send
    you our volume forecast, end of next week"): only with a date or the one it goes to, not a habit nor
    asked; in a turn that says the plan back (`said_back`), any task in the present ("I do the on-site
    training on the second"). Read as a plan said back, it joins an item the speaker has already unless it
    is new."""
    own = [c for c in clauses if c is not None]
    if not own or sentence.is_question or _HABITUAL.search(sentence.text) or _contingent(sentence.text):
        return False
    return all(
        c[3] == "base"
        and (
            said_back
            or (
                _PLAN_VERBS.match(c[1])
                and (find_due(c[2], meeting_date) or re.match(r"\s+you\b", c[2], re.I))
            )
        )
        for c in own
    )


_LIGHT_STEMS = _stems("send get set put make have take give run check share pull")
# A task named by a light verb, which the words said back name better.
# ("get you the full RCA" and "get it in front of the mobile team" say what).
_VAGUE_VERB = re.compile(
    r"^(?:have|do|handle|sort|take care of|deal with)\b|^get (?:it|that|them|those|this) (?:done|sorted|over|across|there)\b",
    re.I,
)


def _merge_recap(items: list[ActionItem], recap: list[ActionItem]) -> None:
    """A task said back joins the items unless its owner has it already: an item like it, or naming
    the same thing ("send the quote" after "put together a revised quote"), which takes the date said
    back if it had none; an item that only pointed at the task ("get that over") with the same date
    takes the words said back."""
    for said in recap:
        theirs = [i for i in items if i.owner == said.owner]
        named = _stems(said.text) - _LIGHT_STEMS
        twin = next(
            (
                i
                for i in theirs
                if fuzz.token_set_ratio(i.text.lower(), said.text.lower()) >= 60 or named & _stems(i.text)
            ),
            None,
        )
        if twin is None and said.due:
            twin = next((i for i in theirs if _BARE_PRONOUN.search(i.text) and i.due == said.due), None)
            if twin:
                twin.text = said.text
        if (
            twin
            and _VAGUE_VERB.match(twin.text)
            and not _VAGUE_VERB.match(said.text)
            and "," not in said.text
        ):
            # "have the export up there" said back as "Sandra uploads the student export by Friday"
            twin.text = said.text
        if twin:
            twin.due = twin.due or said.due
        else:
            items.append(said)
