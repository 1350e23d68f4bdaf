"""Customer names as written: a capitalised run of words no other slot understood ('Acme Corp')."""

from __future__ import annotations

from automations.nl.lexicon import DAYS, FILLER, MONTHS, TIMEZONE_ABBREVIATIONS
from automations.nl.tokens import Sentence

SLOT = "scope"
NOT_NAMES = frozenset(
    {
        "arr",
        "nps",
        "csm",
        "qbr",
        "qbrs",
        "i",
        "slack",
        "zoom",
        "ceo",
        "cs",
        "am",
        "pm",
        "eastern",
        "pacific",
        "central",
        "mountain",
        "time",
        "q1",
        "q2",
        "q3",
        "q4",
        "utc",
        "gmt",
        "smb",
        "apac",
        "emea",
        "sla",
        "p1",
    }
)
NAME_STOP = frozenset(
    {
        "when",
        "whenever",
        "if",
        "after",
        "every",
        "each",
        "on",
        "at",
        "send",
        "post",
        "create",
        "draft",
        "alert",
        "start",
        "run",
        "log",
        "remind",
        "tomorrow",
        "once",
        "and",
        "the",
    }
)


def _customer(s: Sentence, names: list[str] | None) -> str | None:
    """A capitalised run nobody else understood ('Acme Corp'), or a known customer's name."""
    if names:
        from automations.nl.customers import match_customer

        hit = match_customer(s, names)
        if hit:
            return hit
    n = len(s)
    k = 0
    while k < n:
        tok = s.toks[k]
        if (
            s.free(k)
            and tok.kind == "word"
            and tok.text[0].isupper()
            and _nameish(s, k)
            and s.low(k - 1) != "to"
        ):
            j = k
            while (
                j < n and s.free(j) and s.kind(j) == "word" and s.toks[j].text[0].isupper() and _nameish(s, j)
            ):
                j += 1
                if s.toks[j - 1].text.endswith(("'s", "’s")):
                    break
            s.take(k, j, SLOT)
            return " ".join(s.toks[m].text for m in range(k, j)).removesuffix("'s").removesuffix("’s")
        k += 1
    return None


def _nameish(s: Sentence, k: int) -> bool:
    low = s.low(k)
    if low in NOT_NAMES or low in DAYS or low in MONTHS or low in TIMEZONE_ABBREVIATIONS or low in NAME_STOP:
        return False
    return not (k == 0 and low in FILLER)
