"""Drive, Docs and Slides tools: drive.{search,create_folder,upload_file,share} and
{docs,slides}.create_from_template (files.copy, then replaceAllText batchUpdate of {{placeholders}})."""

from __future__ import annotations

from typing import Any, Literal

from googleapiclient.http import MediaInMemoryUpload
from pydantic import Field

from store.base import utcnow
from tools.base import Email, Tool, ToolInput, ToolRun, emails_outside, tool
from tools.customers import resolve_customer
from tools.google.auth import session

TOOLS: list[Tool] = []
FOLDER = "application/vnd.google-apps.folder"
FILE_FIELDS = "id, name, mimeType, webViewLink, parents, modifiedTime"
GOOGLE_TYPES = {
    "document": "application/vnd.google-apps.document",
    "spreadsheet": "application/vnd.google-apps.spreadsheet",
    "presentation": "application/vnd.google-apps.presentation",
    "folder": FOLDER,
    "pdf": "application/pdf",
}


def _q(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")


def file_row(f: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f.get("id"),
        "name": f.get("name"),
        "mime_type": f.get("mimeType"),
        "link": f.get("webViewLink"),
        "parents": f.get("parents", []),
        "modified": f.get("modifiedTime"),
    }


class SearchInput(ToolInput):
    query: str | None = Field(None, description="Words in the file name (or its text, with full_text)")
    full_text: bool = False
    kind: Literal["document", "spreadsheet", "presentation", "folder", "pdf"] | None = None
    folder_id: str | None = None
    max_results: int = Field(20, ge=1, le=100)


@tool(
    "drive.search",
    description="Search the user's Google Drive by name or text, file kind and folder.",
    category="documents",
    connection="google",
    into=TOOLS,
)
async def search(inp: SearchInput, run: ToolRun) -> dict[str, Any]:
    clauses = ["trashed = false"]
    if inp.query:
        field = "fullText" if inp.full_text else "name"
        clauses.append(f"{field} contains '{_q(inp.query)}'")
    if inp.kind:
        clauses.append(f"mimeType = '{GOOGLE_TYPES[inp.kind]}'")
    if inp.folder_id:
        clauses.append(f"'{_q(inp.folder_id)}' in parents")
    q = " and ".join(clauses)
    g = await session(run)
    listing = await g.run(
        g.api("drive", "v3").files().list(q=q, pageSize=inp.max_results, fields=f"files({FILE_FIELDS})")
    )
    files = [file_row(f) for f in listing.get("files", [])]
    return {"query": q, "count": len(files), "files": files}


class FolderInput(ToolInput):
    name: str = Field(min_length=1, max_length=300)
    parent_id: str | None = None


@tool(
    "drive.create_folder",
    description="Create a folder in Google Drive (inside another folder, optionally).",
    category="documents",
    connection="google",
    side_effects=True,
    into=TOOLS,
)
async def create_folder(inp: FolderInput, run: ToolRun) -> dict[str, Any]:
    body: dict[str, Any] = {"name": inp.name, "mimeType": FOLDER}
    if inp.parent_id:
        body["parents"] = [inp.parent_id]
    g = await session(run)
    return file_row(await g.run(g.api("drive", "v3").files().create(body=body, fields=FILE_FIELDS)))


class UploadInput(ToolInput):
    name: str = Field(min_length=1, max_length=300)
    content: str = Field(description="The file's text")
    mime_type: str = Field("text/plain", description="Type of the content, e.g. text/csv, text/markdown")
    folder_id: str | None = None
    convert_to: Literal["document", "spreadsheet"] | None = Field(
        None, description="Convert into a Google file"
    )


@tool(
    "drive.upload_file",
    description="Upload text content as a file to Google Drive, optionally converted to a Google Doc or Sheet.",
    category="documents",
    connection="google",
    side_effects=True,
    preview=lambda i: {
        "name": i.name,
        "folder_id": i.folder_id,
        "mime_type": i.mime_type,
        "size": len(i.content),
    },
    into=TOOLS,
)
async def upload_file(inp: UploadInput, run: ToolRun) -> dict[str, Any]:
    body: dict[str, Any] = {"name": inp.name}
    if inp.folder_id:
        body["parents"] = [inp.folder_id]
    if inp.convert_to:
        body["mimeType"] = GOOGLE_TYPES[inp.convert_to]
    media = MediaInMemoryUpload(inp.content.encode(), mimetype=inp.mime_type, resumable=False)
    g = await session(run)
    created = await g.run(
        g.api("drive", "v3").files().create(body=body, media_body=media, fields=FILE_FIELDS)
    )
    return file_row(created)


class ShareInput(ToolInput):
    file_id: str = Field(min_length=1)
    email: Email
    role: Literal["reader", "commenter", "writer"] = "reader"
    notify: bool = Field(True, description="Email the person a notification")
    message: str | None = None


def share_outside(inp: Any, settings: Any) -> str | None:
    outside = emails_outside([inp.email], settings.own_domain_list)
    return f"the file would be shared outside our domain with {inp.email} ({inp.role})" if outside else None


@tool(
    "drive.share",
    description="Share a Drive file with a person; asks for approval when they are outside our domains.",
    category="documents",
    connection="google",
    approval=share_outside,
    side_effects=True,
    into=TOOLS,
)
async def share(inp: ShareInput, run: ToolRun) -> dict[str, Any]:
    g = await session(run)
    extra = {"emailMessage": inp.message} if inp.message and inp.notify else {}
    perm = await g.run(
        g.api("drive", "v3")
        .permissions()
        .create(
            fileId=inp.file_id,
            body={"type": "user", "role": inp.role, "emailAddress": inp.email},
            sendNotificationEmail=inp.notify,
            fields="id, role, emailAddress",
            **extra,
        )
    )
    return {"permission_id": perm.get("id"), "file_id": inp.file_id, "email": inp.email, "role": inp.role}


class TemplateInput(ToolInput):
    template_id: str = Field(min_length=1, description="The Drive file id of the template")
    title: str = Field(min_length=1, max_length=300)
    folder_id: str | None = None
    customer: str | None = Field(None, description="Fills {{customer_name}}, {{arr}}, {{renewal_date}}…")
    values: dict[str, str] = Field(default_factory=dict, description="{{placeholder}} → text")


def template_preview(inp: TemplateInput) -> dict[str, Any]:
    return {
        "title": inp.title,
        "folder_id": inp.folder_id,
        "template_id": inp.template_id,
        "customer": inp.customer,
        "values": inp.values,
    }


async def _values(inp: TemplateInput, run: ToolRun) -> dict[str, str]:
    values = {"today": utcnow().date().isoformat()}
    if inp.customer is not None or run.ctx.customer_id is not None:
        async with run.db.session() as s:
            c = await resolve_customer(s, inp.customer, run.ctx)
        values |= {
            "customer_name": c.name,
            "customer_domain": c.domain or "",
            "arr": f"${c.arr:,.0f}" if c.arr is not None else "",
            "renewal_date": c.renewal_date.isoformat() if c.renewal_date else "",
            "health_score": "" if c.health_score is None else str(c.health_score),
            "segment": c.segment or "",
            "tier": c.tier or "",
        }
    return values | inp.values


async def _from_template(
    inp: TemplateInput, run: ToolRun, api: str, version: str, kind: str
) -> dict[str, Any]:
    values = await _values(inp, run)
    g = await session(run)
    body: dict[str, Any] = {"name": inp.title}
    if inp.folder_id:
        body["parents"] = [inp.folder_id]
    copy = await g.run(
        g.api("drive", "v3").files().copy(fileId=inp.template_id, body=body, fields=FILE_FIELDS)
    )
    requests = [
        {"replaceAllText": {"containsText": {"text": "{{" + k + "}}", "matchCase": True}, "replaceText": v}}
        for k, v in sorted(values.items())
    ]
    service = g.api(api, version)
    resource = service.documents() if kind == "document" else service.presentations()
    id_key = "documentId" if kind == "document" else "presentationId"
    answer = await g.run(resource.batchUpdate(**{id_key: copy["id"]}, body={"requests": requests}))
    replaced = sum(
        ((r.get("replaceAllText") or {}).get("occurrencesChanged") or 0) for r in answer.get("replies", [])
    )
    return {**file_row(copy), "placeholders_filled": replaced, "values": values}


@tool(
    "docs.create_from_template",
    description="Copy a Google Docs template and fill its {{placeholders}} (customer fields and given values).",
    category="documents",
    connection="google",
    approval="always",
    side_effects=True,
    preview=template_preview,
    into=TOOLS,
)
async def docs_from_template(inp: TemplateInput, run: ToolRun) -> dict[str, Any]:
    return await _from_template(inp, run, "docs", "v1", "document")


@tool(
    "slides.create_from_template",
    description="Copy a Google Slides template (e.g. a QBR deck) and fill its {{placeholders}}.",
    category="documents",
    connection="google",
    approval="always",
    side_effects=True,
    preview=template_preview,
    into=TOOLS,
)
async def slides_from_template(inp: TemplateInput, run: ToolRun) -> dict[str, Any]:
    return await _from_template(inp, run, "slides", "v1", "presentation")
