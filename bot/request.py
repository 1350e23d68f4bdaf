"""Bolt's request parser, with one fix.

Bolt's `parse_body` treats any form body containing the substring "payload" as an interactivity
payload and, when there is no `payload` field, returns an empty body: `/csm customer payload systems`
would be dropped. We re-parse such bodies as plain forms.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest


class CsmBoltRequest(AsyncBoltRequest):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        raw = self.raw_body
        if self.body or not raw or raw.startswith("{") or self.content_type == "application/json":
            return
        form = dict(parse_qsl(raw, keep_blank_values=True))
        if "payload" not in form:
            self.body = form
            self.context = build_async_context(AsyncBoltContext(kwargs.get("context") or {}), self.body)

    def to_copyable(self) -> CsmBoltRequest:
        return CsmBoltRequest(
            body=self.raw_body, query=self.query, headers=self.headers, context=self.context.to_copyable()
        )
