"""Topic segments: where the conversation moves on, and what each stretch was about.

TextTiling (Hearst, 1997) over sentences: the lexical similarity of the windows either side of each
turn boundary, deepened by cue phrases ("next is", "one more thing", "for next quarter"), cut at
the deepest valleys; each segment is titled with the words and word pairs that are frequent in it
and rare elsewhere.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from meetings.analysis.models import Topic
from meetings.analysis.text import Sentence, content_words
from meetings.transcript import format_timestamp

WINDOW = 4
CUE = re.compile(
    r"^(?:\w+[,.]\s+)?(?:next(?: is|,| up| item)|moving on|let's (?:talk|move|turn|switch)|switching gears|"
    r"one (?:more|last) thing|another (?:thing|request|question)|then,? |first,? |on the topic of|"
    r"for next (?:quarter|year|month)|by the way|separately|also,? (?:on|about)|what about|regarding)",
    re.I,
)
_TITLE_STOP = frozenset(
    """send share schedule get set put pull follow review prepare draft create run confirm add connect
    introduce book ask report write assign check look update include pass call email team call meeting
    everyone something anything nothing side point idea today week weeks time times day days month
    months year question questions answer thanks hear love happy glad sounds perfect excellent
    wonderful amazing fantastic really great good need needs want wants said says told tell gone end
    start number work alright afraid honest honestly monday tuesday wednesday thursday friday saturday
    sunday january february march april june july august september october november december quarter
    platform thing stuff lot bit part kind""".split()
)


def _bag(sentences: list[Sentence]) -> Counter[str]:
    bag: Counter[str] = Counter()
    for s in sentences:
        bag.update(content_words(s.text))
    return bag


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    if not a or not b:
        return 0.0
    dot = sum(v * b.get(k, 0) for k, v in a.items())
    return dot / (math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values())))


def _boundaries(sentences: list[Sentence], max_topics: int, min_len: int) -> list[int]:
    candidates = [
        i for i in range(1, len(sentences)) if sentences[i].turn_index != sentences[i - 1].turn_index
    ]
    if not candidates:
        return []
    bags = [Counter(content_words(s.text)) for s in sentences]
    sims = {}
    for i in candidates:
        left: Counter[str] = Counter()
        for k in range(max(0, i - WINDOW), i):
            left.update(bags[k])
        right: Counter[str] = Counter()
        for k in range(i, min(len(bags), i + WINDOW)):
            right.update(bags[k])
        sims[i] = _cosine(left, right)
    depth = {}
    order = candidates
    for pos, i in enumerate(order):
        left_peak = max([sims[j] for j in order[max(0, pos - 3) : pos + 1]])
        right_peak = max([sims[j] for j in order[pos : pos + 4]])
        depth[i] = (left_peak - sims[i]) + (right_peak - sims[i])
        if CUE.match(sentences[i].text):
            depth[i] += 0.6
    values = list(depth.values())
    mean = sum(values) / len(values)
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
    threshold = max(mean + 0.5 * std, 0.35)
    chosen: list[int] = []
    for i in sorted(depth, key=lambda k: -depth[k]):
        if depth[i] < threshold or len(chosen) >= max_topics - 1:
            break
        if i < min_len or len(sentences) - i < min_len or any(abs(i - c) < min_len for c in chosen):
            continue
        chosen.append(i)
    return sorted(chosen)


_NUMBER_WORDS = frozenset(
    "hundred thousand million percent twenty thirty forty fifty sixty seventy eighty ninety".split()
)


def _titleable(word: str, names: set[str]) -> bool:
    return (
        word not in _TITLE_STOP
        and word not in names
        and word not in _NUMBER_WORDS
        and not re.search(r"(?:ly|ed|est|ing)$", word)
    )


def _title(segment: list[Sentence], doc_freq: Counter[str], n_segments: int, names: set[str]) -> str:
    words: Counter[str] = Counter()
    pairs: Counter[str] = Counter()
    surface: dict[str, Counter[str]] = {}
    for s in segment:
        for raw in re.findall(r"[A-Za-z][A-Za-z'\-]*[A-Za-z]", s.text):
            surface.setdefault(raw.lower(), Counter())[raw] += 1
        tokens = [w for w in content_words(s.text) if _titleable(w, names)]
        words.update(tokens)
        pairs.update(f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False) if a != b)

    def weight(term: str, count: int) -> float:
        idf = math.log((1 + n_segments) / (1 + doc_freq.get(term, 0))) + 1
        return count * idf

    def shown(term: str) -> str:
        out = []
        for w in term.split():
            forms = surface.get(w)
            if forms and all(f[0].isupper() for f in forms):  # a name: Salesforce, SAML, Okta
                out.append(forms.most_common(1)[0][0])
            else:
                out.append(w)
        return " ".join(out)

    ranked = sorted(words, key=lambda w: (-weight(w, words[w]), w))
    picked: list[str] = []
    best_pair = max(pairs, key=lambda p: (pairs[p], weight(p.split()[0], 1)), default=None)
    if best_pair and pairs[best_pair] >= 2:
        picked.append(best_pair)
    for w in ranked:
        if len(picked) >= 2:
            break
        if not any(w in p.split() for p in picked):
            picked.append(w)
    if not picked:
        return "Discussion"
    labels = [shown(p) for p in picked]
    labels[0] = labels[0][0].upper() + labels[0][1:]
    return " and ".join(labels)


def segment_topics(
    sentences: list[Sentence], duration_seconds: int, speakers: list[str] | None = None
) -> list[Topic]:
    if not sentences:
        return []
    max_topics = max(1, min(8, duration_seconds // 240 + 2, len(sentences) // 6 or 1))
    min_len = max(4, len(sentences) // 10)
    cuts = [0, *_boundaries(sentences, max_topics, min_len), len(sentences)]
    segments = [sentences[a:b] for a, b in zip(cuts, cuts[1:], strict=False) if b > a]
    names = {part.lower() for name in speakers or [] for part in re.findall(r"[A-Za-z]+", name)}
    doc_freq: Counter[str] = Counter()
    for seg in segments:
        doc_freq.update(set(content_words(" ".join(s.text for s in seg))))
    return [
        Topic(
            title=_title(seg, doc_freq, len(segments), names),
            start=format_timestamp(seg[0].start),
            end=format_timestamp(max(s.end for s in seg)),
        )
        for seg in segments
    ]
