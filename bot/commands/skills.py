"""`/csm skills` · `/csm skill PHRASE` · `/csm skill add` · `/csm skill remove NAME`."""

from __future__ import annotations

from bot.actions.skills import post_report
from bot.blocks.skills import add_modal, skills_list_blocks
from bot.commands import CommandContext, subcommand

NOT_SET_UP = "Skills are not available in this deployment (no skills engine is configured)."


@subcommand("skills", usage="skills", example="skills", summary="lists skills")
async def skills_command(ctx: CommandContext) -> None:
    engine = ctx.services.skills
    if engine is None:
        await ctx.reply(NOT_SET_UP)
        return
    text, blocks = skills_list_blocks(await engine.library.list(ctx.team_id))
    await ctx.reply(text, blocks)


@subcommand(
    "skill",
    usage="skill PHRASE | add | remove NAME",
    example="skill prepare QBR for Acme Corp",
    summary="runs the skill whose trigger matches PHRASE",
)
async def skill_command(ctx: CommandContext) -> None:
    engine = ctx.services.skills
    if engine is None:
        await ctx.reply(NOT_SET_UP)
        return
    first = ctx.args[0].lower() if ctx.args else ""
    if not ctx.args:
        await ctx.reply(
            "Say what to run, e.g. `/csm skill prepare QBR for Acme Corp`; `/csm skills` lists them, "
            "`/csm skill add` adds one."
        )
    elif first == "add" and len(ctx.args) == 1:
        await _open_add_modal(ctx)
    elif first == "remove" and len(ctx.args) == 1:
        await ctx.reply("Say which skill to remove: `/csm skill remove NAME` (`/csm skills` lists them).")
    elif first == "remove":
        outcome = await engine.library.remove(ctx.team_id, " ".join(ctx.args[1:]))
        await ctx.reply(outcome.message)
    else:
        await _run(ctx, " ".join(ctx.args))


async def _open_add_modal(ctx: CommandContext) -> None:
    if not ctx.trigger_id:
        await ctx.reply("Slack did not send a trigger id, so the form cannot open; try again.")
        return
    await ctx.client.views_open(trigger_id=ctx.trigger_id, view=add_modal(ctx.channel_id).to_dict())


async def _run(ctx: CommandContext, phrase: str) -> None:
    engine = ctx.services.skills
    matched = await engine.match(phrase, ctx.team_id)
    if matched is None:
        await ctx.reply(await engine.no_match_hint(phrase, ctx.team_id))
        return
    if not matched.ready:
        await ctx.reply(matched.question or "")
        return
    who = f" for {matched.customer.name}" if matched.customer else ""
    await ctx.reply(f"Running *{matched.skill.name}*{who}; the report comes to you in a DM.")
    report = await engine.executor.start(
        matched.skill,
        user_id=ctx.user_id,
        team_id=ctx.team_id,
        variables=matched.variables,
        customer_id=matched.customer.id if matched.customer else None,
        customer_name=matched.customer.name if matched.customer else None,
    )
    await post_report(ctx.services, ctx.client, report)
