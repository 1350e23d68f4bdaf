"""Gmail, Drive, Docs and Slides of the Google emulation (see sandbox/google.py)."""

from __future__ import annotations

import base64
import json
import re
import secrets
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, parsedate_to_datetime
from typing import Any

from aiohttp import web

STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
          429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}  # fmt: skip
ACCOUNT = web.RequestKey("account", object)
BODY = web.RequestKey("body", object)
RAW = web.RequestKey("raw", bytes)
DOC = "application/vnd.google-apps.document"
SLIDES = "application/vnd.google-apps.presentation"
FOLDER = "application/vnd.google-apps.folder"


def google_error(
    status: int, message: str, reason: str = "invalid", headers: dict[str, str] | None = None
) -> web.Response:
    body = {"error": {"code": status, "message": message, "errors": [{"message": message, "domain": "global",
            "reason": reason}], "status": STATUS.get(status, "UNKNOWN")}}  # fmt: skip
    return web.json_response(body, status=status, headers=headers)


def dt(value: str) -> datetime:
    d = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return d if d.tzinfo else d.replace(tzinfo=UTC)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode()


class Gmail:
    """users.profile, users.threads.list/get, users.messages.get/send, users.drafts.create."""

    def __init__(self, sandbox: Any) -> None:
        self.sandbox = sandbox
        self.messages: dict[str, dict[str, Any]] = {}  # id -> Gmail message resource (format=full)
        self.drafts: dict[str, str] = {}  # draft id -> message id

    def routes(self, r: web.UrlDispatcher) -> None:
        base = "/gmail/v1/users/{user}"
        r.add_get(base + "/profile", self.profile)
        r.add_get(base + "/threads", self.list_threads)
        r.add_get(base + "/threads/{tid}", self.get_thread)
        r.add_get(base + "/messages/{mid}", self.get_message)
        r.add_post(base + "/messages/send", self.send)
        r.add_post(base + "/drafts", self.create_draft)

    def store(
        self, msg: EmailMessage, labels: list[str], thread_id: str | None = None, when: datetime | None = None
    ) -> dict[str, Any]:
        mid = secrets.token_hex(8)
        when = when or datetime.now(UTC)
        if "Date" not in msg:
            msg["Date"] = format_datetime(when)
        part = msg.get_body(("plain", "html")) if msg.is_multipart() else msg
        text = part.get_content() if part is not None else ""
        payload = {"partId": "", "mimeType": part.get_content_type() if part is not None else "text/plain",
                   "headers": [{"name": k, "value": str(v)} for k, v in msg.items()],
                   "body": {"size": len(text.encode()), "data": b64(text.encode())}}  # fmt: skip
        self.messages[mid] = {"id": mid, "threadId": thread_id or mid, "labelIds": labels,
                              "snippet": " ".join(text.split())[:120], "internalDate": str(int(when.timestamp() * 1000)),
                              "historyId": str(len(self.messages) + 1), "payload": payload}  # fmt: skip
        return self.messages[mid]

    def add_message(self, sender: str, to: str, subject: str, body: str, *, when: datetime | None = None,
                    thread_id: str | None = None, cc: str | None = None, labels: tuple[str, ...] = ("INBOX",)) -> dict[str, Any]:  # fmt: skip
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = sender, to, subject
        if cc:
            msg["Cc"] = cc
        msg["Message-ID"] = f"<{secrets.token_hex(6)}@mail.example>"
        msg.set_content(body)
        return self.store(msg, list(labels), thread_id, when)

    def sent(self) -> list[dict[str, Any]]:
        return [m for m in self.messages.values() if "SENT" in m["labelIds"]]

    @staticmethod
    def header(m: dict[str, Any], name: str) -> str:
        return next((h["value"] for h in m["payload"]["headers"] if h["name"].lower() == name), "")

    def _term(self, m: dict[str, Any], term: str) -> bool:
        if term.startswith("-"):
            return not self._term(m, term[1:])
        key, _, val = term.partition(":")
        val = val.strip('"').lower()
        if val and key in ("from", "to", "cc", "subject"):
            return val in self.header(m, key).lower()
        if val and key in ("newer_than", "older_than"):
            n, unit = int(val[:-1]), val[-1]
            age = timedelta(days=n * {"d": 1, "m": 30, "y": 365}[unit])
            sent = datetime.fromtimestamp(int(m["internalDate"]) / 1000, UTC)
            return (sent >= datetime.now(UTC) - age) == (key == "newer_than")
        if val and key in ("is", "in", "label"):
            return val.upper() in m["labelIds"]
        hay = " ".join([self.header(m, h) for h in ("from", "to", "cc", "subject")] + [m["snippet"]]).lower()
        return term.strip('"').lower() in hay

    def matches(self, m: dict[str, Any], query: str) -> bool:
        """Gmail search: terms ANDed, `OR` between terms, parentheses, `-` negation, operators."""
        tokens = re.findall(r'\(|\)|-?\w+:"[^"]*"|"[^"]*"|[^\s()]+', query)
        pos = 0

        def expr() -> bool:
            nonlocal pos
            result = True
            while pos < len(tokens) and tokens[pos] != ")":
                result = disjunction() and result
            return result

        def disjunction() -> bool:
            nonlocal pos
            value = atom()
            while pos < len(tokens) and tokens[pos] == "OR":
                pos += 1
                value = atom() or value
            return value

        def atom() -> bool:
            nonlocal pos
            tok = tokens[pos]
            pos += 1
            if tok == "(":
                value = expr()
                pos += 1  # ")"
                return value
            return self._term(m, tok)

        return expr() if tokens else True

    def threads(self) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        for m in sorted(self.messages.values(), key=lambda m: int(m["internalDate"])):
            if "DRAFT" not in m["labelIds"]:
                out.setdefault(m["threadId"], []).append(m)
        return out

    async def profile(self, request: web.Request) -> web.Response:
        return web.json_response({"emailAddress": request[ACCOUNT], "messagesTotal": len(self.messages),
                                  "threadsTotal": len(self.threads()), "historyId": str(len(self.messages))})  # fmt: skip

    async def list_threads(self, request: web.Request) -> web.Response:
        q = request.query.get("q", "")
        found = [(tid, ms) for tid, ms in self.threads().items() if any(self.matches(m, q) for m in ms)]
        found.sort(key=lambda t: -int(t[1][-1]["internalDate"]))
        found = found[: int(request.query.get("maxResults", 100))]
        threads = [
            {"id": tid, "snippet": ms[-1]["snippet"], "historyId": ms[-1]["historyId"]} for tid, ms in found
        ]
        body: dict[str, Any] = {"resultSizeEstimate": len(threads)}
        if threads:
            body["threads"] = threads
        return web.json_response(body)

    def _formatted(self, m: dict[str, Any], fmt: str, wanted: list[str]) -> dict[str, Any]:
        if fmt == "minimal":
            return {k: v for k, v in m.items() if k != "payload"}
        if fmt == "metadata":
            keep = {w.lower() for w in wanted}
            headers = [h for h in m["payload"]["headers"] if not keep or h["name"].lower() in keep]
            return {**m, "payload": {"mimeType": m["payload"]["mimeType"], "headers": headers}}
        return m

    async def get_thread(self, request: web.Request) -> web.Response:
        msgs = self.threads().get(request.match_info["tid"])
        if not msgs:
            return google_error(404, "Requested entity was not found.", "notFound")
        fmt, wanted = request.query.get("format", "full"), request.query.getall("metadataHeaders", [])
        return web.json_response({"id": request.match_info["tid"], "historyId": msgs[-1]["historyId"],
                                  "messages": [self._formatted(m, fmt, wanted) for m in msgs]})  # fmt: skip

    async def get_message(self, request: web.Request) -> web.Response:
        m = self.messages.get(request.match_info["mid"])
        if m is None:
            return google_error(404, "Requested entity was not found.", "notFound")
        return web.json_response(
            self._formatted(
                m, request.query.get("format", "full"), request.query.getall("metadataHeaders", [])
            )
        )

    def _from_raw(
        self, body: dict[str, Any], account: str, labels: list[str]
    ) -> dict[str, Any] | web.Response:
        raw = (body or {}).get("raw")
        if not raw:
            return google_error(
                400,
                "'raw' RFC822 payload message string or uploading message via /upload/* URL required",
                "invalidArgument",
            )
        msg = message_from_bytes(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)), policy=policy.default)
        if (
            not any(a for _n, a in getaddresses([str(msg.get("To", "")), str(msg.get("Cc", ""))]))
            and "DRAFT" not in labels
        ):
            return google_error(400, "Invalid To header", "invalidArgument")
        if "From" not in msg:
            msg["From"] = account
        thread_id = body.get("threadId")
        if thread_id and thread_id not in self.threads():
            return google_error(404, "Requested entity was not found.", "notFound")
        return self.store(msg, labels, thread_id)

    async def send(self, request: web.Request) -> web.Response:
        m = self._from_raw(request[BODY], request[ACCOUNT], ["SENT"])
        if isinstance(m, web.Response):
            return m
        return web.json_response({"id": m["id"], "threadId": m["threadId"], "labelIds": m["labelIds"]})

    async def create_draft(self, request: web.Request) -> web.Response:
        m = self._from_raw((request[BODY] or {}).get("message") or {}, request[ACCOUNT], ["DRAFT"])
        if isinstance(m, web.Response):
            return m
        did = "r" + secrets.token_hex(6)
        self.drafts[did] = m["id"]
        return web.json_response(
            {"id": did, "message": {"id": m["id"], "threadId": m["threadId"], "labelIds": ["DRAFT"]}}
        )


def message_date(m: dict[str, Any]) -> datetime:
    return parsedate_to_datetime(Gmail.header(m, "date"))


class DriveDocs:
    """Drive files (list with `q`, create, multipart upload, copy, permissions); Docs and Slides."""

    def __init__(self, sandbox: Any) -> None:
        self.sandbox = sandbox
        self.files: dict[str, dict[str, Any]] = {}
        self.permissions: dict[str, list[dict[str, Any]]] = {}

    def routes(self, r: web.UrlDispatcher) -> None:
        r.add_get("/drive/v3/files", self.list_files)
        r.add_post("/drive/v3/files", self.create)
        r.add_post("/upload/drive/v3/files", self.upload)
        r.add_get("/drive/v3/files/{fid}", self.get_file)
        r.add_post("/drive/v3/files/{fid}/copy", self.copy)
        r.add_post("/drive/v3/files/{fid}/permissions", self.share)
        r.add_get("/v1/documents/{fid:[^/:]+}", self.get_document)
        r.add_post("/v1/documents/{fid:[^/:]+}:batchUpdate", self.batch_update)
        r.add_get("/v1/presentations/{fid:[^/:]+}", self.get_presentation)
        r.add_post("/v1/presentations/{fid:[^/:]+}:batchUpdate", self.batch_update)

    def add_file(
        self, name: str, mime_type: str, text: str = "", parents: list[str] | None = None
    ) -> dict[str, Any]:
        fid = secrets.token_urlsafe(12)
        kind = "document" if mime_type == DOC else "presentation" if mime_type == SLIDES else "file"
        self.files[fid] = {"kind": "drive#file", "id": fid, "name": name, "mimeType": mime_type, "parents": parents or ["root"],
                           "webViewLink": f"https://docs.google.com/{kind}/d/{fid}/edit", "trashed": False,
                           "modifiedTime": datetime.now(UTC).isoformat().replace("+00:00", "Z"), "_text": text}  # fmt: skip
        return self.files[fid]

    @staticmethod
    def public(f: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in f.items() if not k.startswith("_")}

    def _clause(self, f: dict[str, Any], clause: str) -> bool | None:
        val = r"'((?:[^'\\]|\\.)*)'"
        if m := re.fullmatch(r"trashed\s*=\s*(true|false)", clause):
            return f["trashed"] == (m.group(1) == "true")
        if m := re.fullmatch(r"(name|fullText)\s+contains\s+" + val, clause):
            needle = m.group(2).replace("\\'", "'").lower()
            return needle in (f["name"] if m.group(1) == "name" else f["name"] + " " + f["_text"]).lower()
        if m := re.fullmatch(r"mimeType\s*(!?=)\s*" + val, clause):
            return (f["mimeType"] == m.group(2)) == (m.group(1) == "=")
        if m := re.fullmatch(val + r"\s+in\s+parents", clause):
            return m.group(1) in f["parents"]
        return None

    async def list_files(self, request: web.Request) -> web.Response:
        clauses = [c.strip() for c in re.split(r"\s+and\s+", request.query.get("q", "")) if c.strip()]
        out = []
        for f in self.files.values():
            results = [self._clause(f, c) for c in clauses]
            if None in results:
                return google_error(400, "Invalid Value", "invalid")
            if all(results):
                out.append(self.public(f))
        return web.json_response(
            {"kind": "drive#fileList", "files": out[: int(request.query.get("pageSize", 100))]}
        )

    async def create(self, request: web.Request) -> web.Response:
        body = request[BODY] or {}
        if not body.get("name"):
            return google_error(400, "A name is required.", "required")
        return web.json_response(
            self.public(
                self.add_file(
                    body["name"], body.get("mimeType", "application/octet-stream"), "", body.get("parents")
                )
            )
        )

    async def upload(self, request: web.Request) -> web.Response:
        if request.query.get("uploadType") != "multipart":
            return google_error(400, "The emulation takes uploadType=multipart only.", "invalid")
        raw = request[RAW]
        envelope = message_from_bytes(
            f"Content-Type: {request.headers['Content-Type']}\r\n\r\n".encode() + raw
        )
        meta_part, media_part = envelope.get_payload()
        meta = json.loads(meta_part.get_payload(decode=True))
        content = media_part.get_payload(decode=True).decode("utf-8", "replace")
        mime = meta.get("mimeType") or media_part.get_content_type()
        f = self.add_file(meta.get("name", "Untitled"), mime, content, meta.get("parents"))
        f["_media_type"] = media_part.get_content_type()
        return web.json_response(self.public(f))

    async def get_file(self, request: web.Request) -> web.Response:
        f = self.files.get(request.match_info["fid"])
        return (
            web.json_response(self.public(f))
            if f
            else google_error(404, f"File not found: {request.match_info['fid']}.", "notFound")
        )

    async def copy(self, request: web.Request) -> web.Response:
        src = self.files.get(request.match_info["fid"])
        if src is None:
            return google_error(404, f"File not found: {request.match_info['fid']}.", "notFound")
        body = request[BODY] or {}
        f = self.add_file(
            body.get("name") or f"Copy of {src['name']}",
            src["mimeType"],
            src["_text"],
            body.get("parents") or src["parents"],
        )
        return web.json_response(self.public(f))

    async def share(self, request: web.Request) -> web.Response:
        fid = request.match_info["fid"]
        if fid not in self.files:
            return google_error(404, f"File not found: {fid}.", "notFound")
        body = request[BODY] or {}
        if body.get("role") not in ("reader", "commenter", "writer", "fileOrganizer", "organizer", "owner"):
            return google_error(400, "The permission role field is required and must be valid.", "invalid")
        perm = {"kind": "drive#permission", "id": secrets.token_hex(6), "type": body.get("type"), "role": body["role"],
                "emailAddress": body.get("emailAddress"), "notified": request.query.get("sendNotificationEmail", "true") == "true"}  # fmt: skip
        self.permissions.setdefault(fid, []).append(perm)
        return web.json_response({k: v for k, v in perm.items() if k != "notified"})

    def _typed(self, fid: str, mime: str) -> dict[str, Any] | web.Response:
        f = self.files.get(fid)
        if f is None:
            return google_error(404, "Requested entity was not found.", "notFound")
        if f["mimeType"] != mime:
            return google_error(
                400, "This operation is not supported for this document", "failedPrecondition"
            )
        return f

    async def get_document(self, request: web.Request) -> web.Response:
        f = self._typed(request.match_info["fid"], DOC)
        if isinstance(f, web.Response):
            return f
        content = [
            {"paragraph": {"elements": [{"textRun": {"content": line + "\n"}}]}}
            for line in f["_text"].split("\n")
        ]
        return web.json_response({"documentId": f["id"], "title": f["name"], "body": {"content": content}})

    async def get_presentation(self, request: web.Request) -> web.Response:
        f = self._typed(request.match_info["fid"], SLIDES)
        if isinstance(f, web.Response):
            return f
        slides = [{"objectId": f"p{i}", "pageElements": [{"objectId": f"t{i}", "shape": {"text": {"textElements":
                  [{"textRun": {"content": page}}]}}}]} for i, page in enumerate(f["_text"].split("\f"))]  # fmt: skip
        return web.json_response({"presentationId": f["id"], "title": f["name"], "slides": slides})

    async def batch_update(self, request: web.Request) -> web.Response:
        is_doc = request.path.startswith("/v1/documents/")
        f = self._typed(request.match_info["fid"], DOC if is_doc else SLIDES)
        if isinstance(f, web.Response):
            return f
        replies = []
        for req in (request[BODY] or {}).get("requests", []):
            spec = req.get("replaceAllText")
            if spec is None:
                return google_error(
                    400, f"The emulation supports replaceAllText only, not {sorted(req)}.", "invalid"
                )
            needle, repl = spec["containsText"]["text"], spec.get("replaceText", "")
            flags = 0 if spec["containsText"].get("matchCase") else re.I
            f["_text"], n = re.subn(re.escape(needle), lambda _m, r=repl: r, f["_text"], flags=flags)
            replies.append({"replaceAllText": {"occurrencesChanged": n} if n else {}})
        key = "documentId" if is_doc else "presentationId"
        return web.json_response({key: f["id"], "replies": replies})
