"""`/csm playbook list | start TEMPLATE CUSTOMER [YYYY-MM-DD] | status [CUSTOMER] | pause ID | resume ID | cancel ID`."""

from __future__ import annotations

import re
from datetime import date

from bot.blocks.playbooks import status_blocks, template_list_blocks, timeline_blocks
from bot.commands import CommandContext, subcommand
from playbooks.errors import PlaybookError

USAGE = (
    "Use `/csm playbook list`, `/csm playbook start TEMPLATE CUSTOMER [YYYY-MM-DD]`, "
    "`/csm playbook status [CUSTOMER]`, `/csm playbook pause ID`, `/csm playbook resume ID`, "
    "`/csm playbook cancel ID` or `/csm playbook move ID YYYY-MM-DD`."
)
DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")


def parse_id(text: str) -> int | None:
    text = text.strip().lstrip("#")
    return int(text) if text.isdigit() else None


def parse_start(args: list[str]) -> tuple[str, str, date | None]:
    """TEMPLATE CUSTOMER WORDS... [YYYY-MM-DD] -> (template, customer, anchor). Raises PlaybookError."""
    if len(args) < 2:
        raise PlaybookError(
            "Say which playbook and which customer: `/csm playbook start renewal-90-day Acme Corp`."
        )
    template, rest = args[0], list(args[1:])
    anchor = None
    if rest and DATE.match(rest[-1]):
        raw = rest.pop()
        try:
            anchor = date.fromisoformat("-".join(part.zfill(2) for part in raw.split("-")))
        except ValueError:
            raise PlaybookError(f"{raw} is not a date; write it as YYYY-MM-DD, e.g. 2027-03-01.") from None
    customer = " ".join(rest).strip()
    if not customer:
        raise PlaybookError("Say which customer: `/csm playbook start renewal-90-day Acme Corp`.")
    return template, customer, anchor


@subcommand(
    "playbook",
    usage="playbook list|start TEMPLATE CUSTOMER [YYYY-MM-DD]|status [CUSTOMER]|pause ID|resume ID",
    example="playbook start renewal-90-day Acme Corp",
    summary="playbooks: list, start, follow, pause and resume",
    aliases=["playbooks"],
)
async def playbook_command(ctx: CommandContext) -> None:
    executor = ctx.services.playbooks
    if executor is None:
        await ctx.reply("Playbooks are not running in this app right now.")
        return
    verb = ctx.args[0].lower() if ctx.args else "list"
    rest = ctx.args[1:]
    try:
        if verb == "list":
            text, blocks = template_list_blocks(executor.library)
            await ctx.reply(text, blocks)
        elif verb == "start":
            template, customer, anchor = parse_start(rest)
            view = await executor.start(template, customer, anchor, started_by=ctx.user_id)
            text = f"Started {view.playbook_name} for {view.customer_name} (playbook #{view.id})."
            if view.overdue:
                text += f" {len(view.overdue)} steps dated before today are overdue: run or skip them below."
            await ctx.reply(text, timeline_blocks(view))
        elif verb == "status":
            await _status(ctx, " ".join(rest).strip())
        elif verb in ("move", "reanchor"):
            execution_id = parse_id(rest[0]) if rest else None
            anchor = parse_start(["x", "x", rest[1]])[2] if len(rest) > 1 and DATE.match(rest[1]) else None
            if execution_id is None or anchor is None:
                raise PlaybookError(
                    "Say which playbook and the new date: `/csm playbook move 12 2027-04-01`."
                )
            view = await executor.reanchor(execution_id, anchor, by=ctx.user_id)
            await ctx.reply(
                f"Moved {view.playbook_name} for {view.customer_name} (#{view.id}): {view.anchor_label} "
                f"{view.anchor_date:%b} {view.anchor_date.day}, {view.anchor_date.year}.",
                timeline_blocks(view),
            )
        elif verb in ("pause", "resume", "cancel"):
            execution_id = parse_id(rest[0]) if rest else None
            if execution_id is None:
                raise PlaybookError(
                    f"Which playbook? `/csm playbook {verb} 12` (the # shown by `/csm playbook status`)."
                )
            method = {"pause": executor.pause, "resume": executor.resume, "cancel": executor.cancel}[verb]
            view = await method(execution_id, by=ctx.user_id)
            done = {"pause": "Paused", "resume": "Resumed", "cancel": "Cancelled"}[verb]
            await ctx.reply(
                f"{done} {view.playbook_name} for {view.customer_name} (#{view.id}).", timeline_blocks(view)
            )
        else:
            await ctx.reply(f"I don't know `/csm playbook {verb}`. {USAGE}")
    except PlaybookError as exc:
        await ctx.reply(str(exc))


async def _status(ctx: CommandContext, customer_text: str) -> None:
    executor = ctx.services.playbooks
    if customer_text:
        views = await executor.list_executions(customer_text)
        name = views[0].customer_name if views else customer_text
        text, blocks = status_blocks(views, f"for {name}")
    else:
        mine = await executor.list_executions(owner=ctx.user_id)
        views = mine or await executor.list_executions()
        text, blocks = status_blocks(views, "for your customers" if mine else "in this workspace")
    await ctx.reply(text, blocks)
