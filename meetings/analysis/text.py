"""Sentences, words and who is on which side of the call: the pieces every processor shares."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from meetings.analysis.side_model import sentence_logodds, talks_like_vendor
from meetings.transcript import Transcript, Turn, format_timestamp

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are aren't as at be because been before
    being below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't
    down during each few for from further get got had hadn't has hasn't have haven't having he he'd he'll
    he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it
    it's its itself just let's like me more most mustn't my myself no nor not now of off on once only or
    other ought our ours ourselves out over own really same shan't she she'd she'll she's should shouldn't
    so some such than that that's the their theirs them themselves then there there's these they they'd
    they'll they're they've this those through to too under until up very was wasn't we we'd we'll we're
    we've were weren't what what's when when's where where's which while who who's whom why why's will
    with won't would wouldn't you you'd you'll you're you've your yours yourself yourselves yes yeah okay
    ok sure thanks thank great good well right actually maybe one two three also lot bit thing things
    going know think want need would could make made much many every still even back way sounds hi hello
    everyone today tomorrow week next month year let us that'd kind sort able""".split()
)

# A stop after a title ("Mr. Bakare", "Dr. Marchetti", "St. Brigid's") ends no sentence.
_SENTENCE_END = re.compile(
    r"(?<!\bMr\.)(?<!\bMrs\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bSt\.)(?<!\bProf\.)"
    r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])"
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*[A-Za-z]|[A-Za-z]")
# The plain yes every answer recogniser starts from ("Yes.", "Sure, …", "Absolutely."); each adds the
# forms of its own exchange: a task agreed to (actions), an offer taken up (actions), an ask for a
# reference or a referral taken up (signals).
YES = r"yes|yeah|yep|sure|absolutely|of course|definitely|sounds good"


@dataclass
class Sentence:
    index: int
    turn_index: int
    speaker: str | None
    text: str
    start: float
    end: float

    @property
    def timestamp(self) -> str:
        return format_timestamp(self.start)

    @property
    def is_question(self) -> bool:
        return self.text.rstrip().endswith("?")


def split_text(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def sentences_of(transcript: Transcript) -> list[Sentence]:
    out: list[Sentence] = []
    for turn_index, turn in enumerate(transcript.turns):
        for utterance in turn.utterances:
            for text in split_text(utterance.text):
                out.append(Sentence(len(out), turn_index, turn.speaker, text, utterance.start, utterance.end))
    return out


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


@lru_cache(maxsize=32768)
def _content_words(text: str) -> tuple[str, ...]:
    return tuple(w for w in words(text) if w not in STOPWORDS and len(w) > 2)


def content_words(text: str) -> list[str]:
    return list(_content_words(text))


def first_name(full_name: str) -> str:
    parts = re.sub(r"\(.*?\)", "", full_name).split()
    return parts[0] if parts else full_name


# Words that give away which side of the call someone is on. A vendor's CSM talks about *our*
# roadmap and *your* workspace; the customer about *your* platform and *our* board.
_VENDOR_MARKERS = re.compile(
    r"\b(?:our (?:roadmap|product(?: team| lead)?|engineering|engineers|support(?: engineering)? team|release|"
    r"beta|customers|sales team|marketing team|design team|events team|mobile team|vp|head of|customer summit|"
    r"status page|finance team)|your (?:renewal|account|workspace|sandbox|contract|admins?|agents|users|"
    r"usage|adoption|slack channel|leadership|side|warehouse)|on our side that|we rolled|we're adding|"
    r"(?:customer success|support engineering) team|on (?:the|our) roadmap|renewal paperwork|feature request for you|"
    r"(?:other|new) prospects|(?:pricing|expansion|credit|renewal) proposal|proposal for|(?:utilization|usage|adoption) report|"
    r"get that pricing|send you (?:the|our|a) (?:roadmap|release notes|runbook|guide|docs|link|incident report|calendar invite)|"
    # Incident talk only the vendor can give: "engineering identified the cause", "a fix is in testing".
    r"(?:a|the) (?:fix|hotfix|patch) is (?:in (?:testing|progress|review)|being tested|ready)|"
    r"(?:identified|found|confirmed|reproduced) the (?:root )?cause|"
    # Who they are to the customer: "Rachel's your day-to-day customer success manager", "I look after the
    # commercial relationship with Wansdale", "how would you like us to put the proposal together?"
    r"your (?:day-to-day |new |main )?(?:customer success manager|csm|account manager|account executive|"
    r"support engineer|solutions? engineer|implementation lead|onboarding (?:lead|manager))|"
    r"(?:look after|manage|own) (?:the |your )?(?:commercial )?(?:relationship|account) with|"
    r"(?:would you like|do you want) us to (?:put|send|set|book|prepare|quote))\b",
    re.I,
)
_CUSTOMER_MARKERS = re.compile(
    r"\b(?:your (?:platform|product|tool|app|pricing|roadmap|support|team has|engineering|vp)|"
    r"our (?:renewal|agents|warehouse|board|cfo|coo|ceo|cio|leadership|procurement|finance team|"
    r"ops|it|users|budget|vp|director|sister company|sales team|support team|goal|team relies)|"
    r"what we pay|we pay you|my (?:team|manager|director|agents|finance team|ops lead|chief of staff|coo))\b",
    re.I,
)


# How a host opens a call: colleagues are introduced ("I've brought Arjun along", "I have Mateo from our
# support team with me"), the other side is greeted ("Hi Danielle, hi Sebastián").
_INTRODUCES = r"(?:brought(?: along)?|(?:i've|i have|we've|we have)(?: also)?(?: got)?|joined by|with me is|invited|roped in|looped in|asked)\s+"
_COLLEAGUE_AFTER = r"(?:,)?\s+(?:along\b|from (?:our|my)\b|(?:on|in|of) (?:our|my)\b|(?:who is |who's |he's |she's |,\s*)?(?:our|my)\b|with (?:me|us)\b)"
_GREETS = r"(?i:\b(?:hi|hey|hello|morning|afternoon|evening|welcome|thanks?|thank you)\b)[^.?!]{0,20}?"


def _opening_evidence(
    turns: list[Turn], first: dict[str, int], host_turns: list[int]
) -> tuple[set[str], set[str]]:
    """(colleagues, customers): whom the host introduces as colleagues or greets in their first two
    turns, and who greets the host by name in their own first turn. `first` is each speaker's first
    turn (in order of first word, the host first), `host_turns` the host's first two."""
    speakers = list(first)
    host = speakers[0]
    by_first = {first_name(s).lower(): s for s in speakers if s != host}
    opening = " ".join(turns[i].text for i in host_turns)
    colleagues, customers = set(), set()
    host_first = first_name(host).lower()
    for speaker in by_first.values():
        first_turn = turns[first[speaker]].text
        for greeted in re.findall(_GREETS + r"\b([A-Z][\w'-]{2,})", first_turn):
            if greeted.lower() in host_first:  # "Morning, Seun" to Oluwaseun: the other side greets the host
                customers.add(speaker)
    for name, speaker in by_first.items():
        n = re.escape(name)
        if re.search(_INTRODUCES + n + r"\b", opening, re.I) or re.search(
            r"\b" + n + _COLLEAGUE_AFTER, opening, re.I
        ):
            colleagues.add(speaker)
        elif re.search(_GREETS + r"\b" + n + r"\b", opening, re.I):
            customers.add(speaker)
    customers -= colleagues
    return colleagues, customers


class SideTally:
    """What `vendor_side` decides on, read a turn at a time: the opening, each speaker's marker phrases,
    and how many sentences they said with the side model's summed log-odds.

    A finished turn is read once; the turn still being spoken (the last) is read afresh at each decision.
    The live bot keeps one tally for the whole call, so deciding after each utterance costs the new turn,
    not the call so far (re-reading the whole call every time was quadratic: 8.4 s over the 764
    utterances of bench/meetings.py's 10,000-word call). `vendor_side` reads a whole transcript through a
    tally of its own, so batch and live decide alike.
    """

    def __init__(self) -> None:
        self._turns: list[Turn] = []
        self._read = 0  # turns folded into the tallies: every turn but the one still being spoken
        self._first: dict[str, int] = {}  # each speaker's first turn, in order of first word
        self._host_turns: list[int] = []  # the host's first two turns
        self._markers: dict[str, int] = {}
        self._sentences: dict[str, tuple[int, float]] = {}
        self._opening: tuple[object, tuple[set[str], set[str]]] | None = None  # (what it was read from, it)

    def update(self, turns: list[Turn]) -> SideTally:
        """Take in the call so far (`turns` only ever grows; its last turn may still grow)."""
        self._turns = turns
        for i in range(self._read, len(turns)):
            speaker = turns[i].speaker
            if speaker is None:
                continue
            self._first.setdefault(speaker, i)
            if speaker == next(iter(self._first)) and len(self._host_turns) < 2 and i not in self._host_turns:
                self._host_turns.append(i)
        for turn in turns[self._read : len(turns) - 1]:
            self._fold(self._markers, self._sentences, turn)
        self._read = max(self._read, len(turns) - 1)
        return self

    @staticmethod
    def _fold(markers: dict[str, int], sentences: dict[str, tuple[int, float]], turn: Turn) -> None:
        if turn.speaker is None:
            return
        text = turn.text
        markers[turn.speaker] = (
            markers.get(turn.speaker, 0)
            + len(_VENDOR_MARKERS.findall(text))
            - len(_CUSTOMER_MARKERS.findall(text))
        )
        said = split_text(text)
        n, total = sentences.get(turn.speaker, (0, 0.0))
        sentences[turn.speaker] = (n + len(said), total + sum(map(sentence_logodds, said)))

    def _with_last(self) -> tuple[dict[str, int], dict[str, tuple[int, float]]]:
        markers, sentences = dict(self._markers), dict(self._sentences)
        if self._read < len(self._turns):
            self._fold(markers, sentences, self._turns[self._read])
        return markers, sentences

    def vendor(self, known: set[str] | None = None) -> set[str]:
        """`vendor_side` of the call so far."""
        speakers = list(self._first)
        if known:
            return {s for s in speakers if s in known}
        markers, sentences = self._with_last()
        by_markers = self._by_markers(markers)
        vendor = {s for s in speakers if talks_like_vendor(*sentences.get(s, (0, 0.0)), s in by_markers)}
        if len(vendor) == len(speakers) and len(speakers) > 1:
            return by_markers  # someone is the customer
        return vendor

    def by_markers(self) -> set[str]:
        """`vendor_side_by_markers` of the call so far."""
        return self._by_markers(self._with_last()[0])

    def _opening_evidence(self) -> tuple[set[str], set[str]]:
        """`_opening_evidence`, read again only when a speaker joins or one of the turns it reads grows."""
        last = len(self._turns) - 1
        growing = last in self._host_turns or last in self._first.values()
        key = (
            len(self._first),
            tuple(self._host_turns),
            len(self._turns[last].utterances) if growing else None,
        )
        if self._opening is None or self._opening[0] != key:
            self._opening = (key, _opening_evidence(self._turns, self._first, self._host_turns))
        return self._opening[1]

    def _by_markers(self, markers: dict[str, int]) -> set[str]:
        speakers = list(self._first)
        if not speakers:
            return set()
        colleagues, customers = self._opening_evidence()
        score: dict[str, float] = {s: 0.0 for s in speakers}
        score[speakers[0]] += 0.5
        for s in colleagues:
            score[s] += 3
        for s in customers:
            score[s] -= 3
        for s in speakers:
            score[s] += markers.get(s, 0)
        vendor = {s for s, v in score.items() if v > 0}
        if len(vendor) == len(score) and len(score) > 1:
            # Everyone cannot be the vendor: keep the clearly vendor-sounding ones.
            top = max(score.values())
            vendor = {s for s, v in score.items() if v >= top and v > 0.5} or {speakers[0]}
            if colleagues & vendor:  # the host who introduced them speaks for the same side
                vendor |= colleagues | {speakers[0]}
        return vendor


def vendor_side(transcript: Transcript, known: set[str] | None = None) -> set[str]:
    """The speakers who speak for the vendor (the CSM's side). Signals are the customer's voice.

    `known` (from the meeting's participants' email domains, when there is one) wins. Otherwise each
    speaker who said enough is judged by how they talk, over all their sentences (`side_model`: "I'll
    send you the options" and "your renewal" against "our board" and "your app"); one who said too
    little, or a call where everyone would be the vendor, falls back to `vendor_side_by_markers`.
    """
    return SideTally().update(transcript.turns).vendor(known)


def sentences_by_speaker(transcript: Transcript) -> dict[str, list[str]]:
    """Every sentence each speaker said, in order (the side model's builder reads them)."""
    said: dict[str, list[str]] = {s: [] for s in transcript.speakers}
    for turn in transcript.turns:
        if turn.speaker is not None:
            said[turn.speaker].extend(split_text(turn.text))
    return said


def vendor_side_by_markers(transcript: Transcript) -> set[str]:
    """The vendor's side by the opening and by marker phrases: the host (the first speaker, on a
    customer call nearly always the CSM) is the vendor, and so are the colleagues the host introduces;
    the people the host greets are the customer; anyone else is judged by their words, scored for vendor
    and customer markers."""
    return SideTally().update(transcript.turns).by_markers()
