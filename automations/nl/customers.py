"""Named customers resolved against the customers the database knows: exact, then fuzzy (rapidfuzz)."""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

from automations.nl.tokens import Sentence

SLOT = "scope"
SUFFIXES = re.compile(r"\b(inc|corp|corporation|co|ltd|llc|gmbh|plc|group|labs|company)\.?$", re.I)
FUZZY_CUTOFF = 88


def _key(name: str) -> str:
    name = name.lower().strip()
    stripped = SUFFIXES.sub("", name).strip(" ,.")
    return stripped or name


def candidates(query: str, names: list[str], limit: int = 5) -> list[str]:
    """Customers whose name matches `query`, best first (an exact match alone when there is one)."""
    q = query.lower().strip()
    exact = [n for n in names if n.lower() == q]
    if exact:
        return exact[:1]
    by_key = [n for n in names if _key(n) == _key(q)]
    if by_key:
        return by_key
    starts = [n for n in names if n.lower().startswith(q + " ") or _key(n).startswith(q)]
    if starts:
        return starts[:limit]
    hits = process.extract(
        q, {n: _key(n) for n in names}, scorer=fuzz.ratio, limit=limit, score_cutoff=FUZZY_CUTOFF
    )
    return [h[2] for h in hits]


def match_customer(s: Sentence, names: list[str]) -> str | None:
    """The longest run of free words (1-4) that names a known customer; consumes it."""
    by_key: dict[str, list[str]] = {}
    for name in names:
        for key in {_key(name), name.lower()}:
            by_key.setdefault(key, []).append(name)
    keys = list(by_key)
    n = len(s)
    best: tuple[int, int, str] | None = None
    for k in range(n):
        if not s.free(k) or s.kind(k) != "word":
            continue
        for size in (4, 3, 2, 1):
            j = k + size
            if j > n or not all(s.free(m) and s.kind(m) == "word" for m in range(k, j)):
                continue
            phrase = " ".join(s.low(m) for m in range(k, j))
            if phrase in keys or _key(phrase) in keys:
                if best is None or size > best[1] - best[0]:
                    best = (k, j, phrase)
                break
            if size >= 1 and len(phrase) >= 4 and s.toks[k].text[0].isupper():
                hit = process.extractOne(phrase, keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
                if hit and (best is None or size > best[1] - best[0]):
                    best = (k, j, hit[0])
                    break
    if best is None:
        return None
    k, j, key = best
    s.take(k, j, SLOT)
    matches = sorted(set(by_key.get(key) or by_key.get(_key(key), [])))
    if len(matches) == 1:
        return matches[0]
    return " ".join(s.toks[m].text for m in range(k, j)).removesuffix("'s").removesuffix("’s")
