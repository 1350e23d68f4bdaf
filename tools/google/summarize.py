"""Email thread summaries: Claude when configured, else an extractive summary (Luhn-style scoring).

The offline summary keeps, per thread, the sentences whose content words are most frequent across
the thread (quoted replies and signatures removed), boosted for requests, questions and dates, and
says who is waiting on whom (the last sender's side).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

STOPWORDS = set(
    """a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just me more most my
    myself no nor not now of off on once only or other our ours ourselves out over own same she should so
    some such than that the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you your
    yours yourself yourselves hi hello thanks thank regards best cheers dear team also let know get got""".split()
)
REQUEST = re.compile(
    r"\b(please|can you|could you|need|needs|asap|deadline|by (monday|tuesday|wednesday|thursday|friday|eod|end of)|"
    r"renew|renewal|cancel|churn|price|pricing|contract|issue|problem|bug|urgent|escalat\w*)\b",
    re.I,
)
DATE = re.compile(
    r"\b(\d{1,2}/\d{1,2}|\d{4}-\d{2}-\d{2}|monday|tuesday|wednesday|thursday|friday|next week|tomorrow)\b",
    re.I,
)
QUOTE_START = re.compile(r"^(On .+ wrote:|-----Original Message-----|From: .+)$", re.M)
SIGNATURE = re.compile(r"^(--|__|Sent from my)", re.M)
WORD = re.compile(r"[a-z][a-z'\-]+")


def clean_body(text: str) -> str:
    """The new part of an email: quoted history and signature removed."""
    m = QUOTE_START.search(text)
    if m:
        text = text[: m.start()]
    m = SIGNATURE.search(text)
    if m:
        text = text[: m.start()]
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith(">")]
    return "\n".join(lines).strip()


def sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+|\n{2,}|\n(?=[-*•])", text)
    return [" ".join(p.split()) for p in parts if len(p.split()) >= 3]


def key_sentences(bodies: list[str], k: int = 2) -> list[str]:
    cands: list[tuple[int, str]] = []
    for body in bodies:
        for s in sentences(clean_body(body)):
            cands.append((len(cands), s))
    if not cands:
        return []
    freq = Counter(w for _, s in cands for w in WORD.findall(s.lower()) if w not in STOPWORDS)
    scored = []
    for idx, s in cands:
        words = [w for w in WORD.findall(s.lower()) if w not in STOPWORDS]
        if not words:
            continue
        score = sum(freq[w] for w in words) / (len(words) ** 0.5)
        if REQUEST.search(s):
            score *= 1.6
        if s.endswith("?"):
            score *= 1.3
        if DATE.search(s):
            score *= 1.2
        scored.append((score, idx, s))
    best = sorted(scored, key=lambda t: (-t[0], t[1]))[:k]
    return [s for _, _, s in sorted(best, key=lambda t: t[1])]


def sender_domain(sender: str) -> str:
    m = re.search(r"@([A-Za-z0-9.-]+)", sender or "")
    return m.group(1).lower() if m else ""


def summarize_offline(threads: list[dict[str, Any]], customer_domain: str | None) -> dict[str, Any]:
    """`threads`: [{id, subject, messages: [{from, date, body}]}] → per-thread and overall summary."""
    items = []
    for t in threads:
        msgs = t["messages"]
        if not msgs:
            continue
        last = msgs[-1]
        from_customer = bool(customer_domain) and sender_domain(last["from"]).endswith(customer_domain or "")
        items.append(
            {
                "thread_id": t["id"],
                "subject": t.get("subject") or "(no subject)",
                "messages": len(msgs),
                "last_from": last["from"],
                "last_date": last.get("date"),
                "waiting_on": "us" if from_customer else "them",
                "key_points": key_sentences([m.get("body") or "" for m in msgs]),
            }
        )
    waiting = [i for i in items if i["waiting_on"] == "us"]
    head = f"{len(items)} thread{'s' if len(items) != 1 else ''}"
    if customer_domain:
        head += f" with {customer_domain}"
    lines = [head + (f"; {len(waiting)} awaiting our reply." if waiting else "; none awaiting our reply.")]
    for i in items:
        mark = "↩ reply needed" if i["waiting_on"] == "us" else "sent"
        points = " ".join(i["key_points"])
        lines.append(f"• {i['subject']} ({i['messages']} messages, {mark}): {points}".rstrip(": "))
    return {"summary": "\n".join(lines), "threads": items, "backend": "offline"}


async def summarize_with_claude(llm: Any, threads: list[dict[str, Any]], customer_domain: str | None) -> str:
    blocks = []
    for t in threads:
        msgs = "\n".join(
            f"From {m['from']} ({m.get('date')}):\n{clean_body(m.get('body') or '')[:3000]}"
            for m in t["messages"]
        )
        blocks.append(f"## {t.get('subject')}\n{msgs}")
    response = await llm.message(
        system=(
            "You summarise a customer's email threads for their Customer Success Manager. For each thread: "
            "one line with the subject, what the customer wants and whether we owe a reply. End with the "
            "risks or opportunities you see. Be brief and factual."
        ),
        messages=[
            {"role": "user", "content": f"Customer domain: {customer_domain}\n\n" + "\n\n".join(blocks)}
        ],
        max_tokens=800,
    )
    return "".join(getattr(b, "text", "") for b in response.content).strip()
