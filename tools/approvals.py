"""Durable approvals: decide exactly once, run the approved call, resume the caller.

A click claims the record with ONE conditional UPDATE (`status = 'pending' AND expires_at > now`):
of five concurrent approvals exactly one updates a row, and only that one runs the tool.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError
from pydantic_core import to_jsonable_python
from sqlalchemy import select, update

from store.base import utcnow
from store.models import Approval, Customer
from tools.base import Tool
from tools.model import ApprovalOutcome, ToolContext, ToolResult

if TYPE_CHECKING:
    from tools.registry import Registry

log = logging.getLogger(__name__)
INTERRUPTED_AFTER = timedelta(minutes=15)


@dataclass
class Decision:
    """What a click did: `ok` when this call decided the approval; `message` is for the clicker."""

    ok: bool
    message: str
    status: str | None = None  # the approval's status afterwards
    approval: Approval | None = None
    result: ToolResult | None = None


def _who(users: list[str]) -> str:
    return ", ".join(f"<@{u}>" for u in users) or "a configured approver (CSM_APPROVERS)"


class Approvals:
    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    @property
    def db(self) -> Any:
        return self.registry.db

    async def get(self, approval_id: int) -> Approval | None:
        async with self.db.session() as s:
            return await s.get(Approval, approval_id)

    async def list_pending(self, user_id: str | None = None, limit: int = 50) -> list[Approval]:
        """Pending, unexpired approvals (those `user_id` may decide, when given), oldest first."""
        async with self.db.session() as s:
            rows = (
                await s.scalars(
                    select(Approval)
                    .where(Approval.status == "pending", Approval.expires_at > utcnow())
                    .order_by(Approval.id)
                )
            ).all()
        if user_id is not None:
            rows = [a for a in rows if user_id in (a.approvers or [])]
        return list(rows[:limit])

    async def set_message(self, approval_id: int, channel: str, message_ts: str) -> None:
        """Remember where the approval message was posted, so it can be updated with the outcome."""
        async with self.db.transaction() as s:
            await s.execute(
                update(Approval)
                .where(Approval.id == approval_id)
                .values(channel=channel, message_ts=message_ts)
            )

    async def request(
        self, tool: Tool, data: BaseModel, ctx: ToolContext, reason: str, started: float
    ) -> ToolResult:
        approvers = [ctx.user_id] if ctx.user_id and ctx.user_id != "system" else []
        now = utcnow()
        async with self.db.transaction() as s:
            if ctx.customer_id is not None:
                owner = await s.scalar(select(Customer.csm_slack_id).where(Customer.id == ctx.customer_id))
                if owner:
                    approvers.append(owner)
            approvers += self.registry.settings.approver_list
            approval = Approval(
                tool_name=tool.name,
                input=data.model_dump(mode="json"),
                preview={"reason": reason, **tool.render_preview(data)},
                requester=ctx.user_id,
                approvers=list(dict.fromkeys(approvers)),
                status="pending",
                customer_id=ctx.customer_id,
                caller_kind=ctx.caller_kind,
                caller_ref=ctx.caller_ref,
                channel=ctx.channel,
                thread_ts=ctx.thread_ts,
                context=_context_record(ctx),
                expires_at=now + self.registry.approval_ttl,
                created_at=now,
            )
            s.add(approval)
            await s.flush()
            s.add(
                self.registry._audit_row(tool.name, data, ctx, "pending_approval", None, approval.id, started)
            )
        if self.registry.on_approval_requested is not None:
            try:
                await self.registry.on_approval_requested(approval)
            except Exception:
                log.exception("posting approval %s failed", approval.id)
        message = f"pending approval {approval.id}: {reason}."
        if not approval.approvers:
            message += " No one can approve it yet: give the customer a CSM, or set CSM_APPROVERS."
        return ToolResult.pending(approval.id, message)

    async def decide(
        self, approval_id: int, user_id: str, approve: bool, edited_input: dict[str, Any] | None = None
    ) -> Decision:
        approval = await self.get(approval_id)
        if approval is None:
            return Decision(False, f"There is no approval #{approval_id}.")
        if user_id not in (approval.approvers or []):
            return Decision(
                False,
                f"Only {_who(approval.approvers or [])} can decide approval #{approval_id}.",
                approval.status,
                approval,
            )
        tool = self.registry.get(approval.tool_name)
        new_input = approval.input
        if edited_input is not None and approve:
            if tool is None:
                return Decision(
                    False, f"The tool {approval.tool_name} is no longer available.", approval.status
                )
            try:
                new_input = tool.input_model.model_validate(edited_input).model_dump(mode="json")
            except ValidationError as exc:
                from tools.registry import describe_validation_error

                return Decision(False, describe_validation_error(tool, exc), approval.status, approval)

        now = utcnow()
        claimed_status = "approved" if approve else "rejected"
        async with self.db.transaction() as s:
            res = await s.execute(
                update(Approval)
                .where(Approval.id == approval_id, Approval.status == "pending", Approval.expires_at > now)
                .values(status=claimed_status, decided_by=user_id, decided_at=now, input=new_input)
                .execution_options(synchronize_session=False)
            )
            claimed = res.rowcount == 1
        if not claimed:
            return await self._not_claimed(approval_id)

        approval.status, approval.decided_by, approval.decided_at, approval.input = (
            claimed_status,
            user_id,
            now,
            new_input,
        )
        if not approve:
            await self.registry.resume(self._outcome(approval, "rejected", None))
            return Decision(True, f"Rejected: {approval.tool_name} will not run.", "rejected", approval)
        return await self._run(approval)

    async def withdraw(
        self, caller_kind: str, caller_refs: list[str], reason: str, by: str | None = None
    ) -> list[int]:
        """Reject the pending approvals of these callers because their work was called off (a cancelled
        playbook): a later click says the approval is no longer pending, and why; each caller's resume
        hook is told ('rejected'). Returns the ids withdrawn here (each exactly once across processes)."""
        if not caller_refs:
            return []
        async with self.db.session() as s:
            pending = (
                await s.scalars(
                    select(Approval).where(
                        Approval.status == "pending",
                        Approval.caller_kind == caller_kind,
                        Approval.caller_ref.in_(caller_refs),
                    )
                )
            ).all()
        withdrawn = []
        for approval in pending:
            now = utcnow()
            async with self.db.transaction() as s:
                res = await s.execute(
                    update(Approval)
                    .where(Approval.id == approval.id, Approval.status == "pending")
                    .values(status="rejected", decided_by=by, decided_at=now, error=reason)
                    .execution_options(synchronize_session=False)
                )
            if res.rowcount != 1:  # decided by a click meanwhile
                continue
            approval.status, approval.decided_by, approval.decided_at, approval.error = (
                "rejected",
                by,
                now,
                reason,
            )
            withdrawn.append(approval.id)
            await self.registry.resume(self._outcome(approval, "rejected", None))
            await self._closed(approval)
        return withdrawn

    async def _closed(self, approval: Approval) -> None:
        """Tell whoever shows the approval (the Slack card) that it closed without a click."""
        callback = self.registry.on_approval_closed
        if callback is None:
            return
        try:
            await callback(approval)
        except Exception:
            log.exception("updating the message of approval %s failed", approval.id)

    async def _not_claimed(self, approval_id: int) -> Decision:
        approval = await self.get(approval_id)
        assert approval is not None
        if approval.status == "pending":  # still pending but past its expiry
            await self._expire(approval)
            approval = await self.get(approval_id)
            assert approval is not None
        if approval.status == "expired":
            when = approval.expires_at.strftime("%Y-%m-%d %H:%M UTC")
            return Decision(
                False,
                f"Approval #{approval_id} expired on {when}; ask again if it is still needed.",
                "expired",
                approval,
            )
        by = f" by <@{approval.decided_by}>" if approval.decided_by else ""
        if approval.status == "rejected" and approval.error:  # withdrawn: its work was called off
            return Decision(
                False,
                f"Approval #{approval_id} is no longer pending: {approval.error.rstrip('.')}{by}.",
                approval.status,
                approval,
            )
        verb = "rejected" if approval.status == "rejected" else "approved"
        state = "" if approval.status in ("rejected", "approved") else f" ({approval.status})"
        return Decision(
            False, f"Approval #{approval_id} was already {verb}{by}{state}.", approval.status, approval
        )

    async def _run(self, approval: Approval) -> Decision:
        started = time.perf_counter()
        ctx = context_from_approval(approval)
        tool = self.registry.get(approval.tool_name)
        if tool is None:
            result = ToolResult.fail(f"The tool {approval.tool_name} is no longer available.")
        else:
            try:
                data = tool.input_model.model_validate(approval.input)
            except ValidationError as exc:
                from tools.registry import describe_validation_error

                result = ToolResult.fail(describe_validation_error(tool, exc))
            else:
                missing = await self.registry.connection_problem(tool, ctx)
                result = ToolResult.fail(missing) if missing else await self.registry.execute(tool, data, ctx)
        status = "executed" if result.success else "failed"
        finished = utcnow()
        async with self.db.transaction() as s:
            await s.execute(
                update(Approval)
                .where(Approval.id == approval.id)
                .values(
                    status=status,
                    executed_at=finished,
                    result=result.model_dump(mode="json"),
                    error=result.error,
                )
            )
            s.add(
                self.registry._audit_row(
                    approval.tool_name,
                    approval.input,
                    ctx,
                    "success" if result.success else "error",
                    result.error,
                    approval.id,
                    started,
                )
            )
        approval.status, approval.executed_at, approval.error = status, finished, result.error
        approval.result = result.model_dump(mode="json")
        await self.registry.resume(self._outcome(approval, status, result))
        if result.success:
            return Decision(True, f"Approved: {approval.tool_name} ran.", status, approval, result)
        return Decision(
            True, f"Approved, but {approval.tool_name} failed: {result.error}", status, approval, result
        )

    async def _expire(self, approval: Approval) -> bool:
        async with self.db.transaction() as s:
            res = await s.execute(
                update(Approval)
                .where(
                    Approval.id == approval.id, Approval.status == "pending", Approval.expires_at <= utcnow()
                )
                .values(status="expired")
                .execution_options(synchronize_session=False)
            )
        if res.rowcount != 1:
            return False
        approval.status = "expired"
        await self.registry.resume(self._outcome(approval, "expired", None))
        await self._closed(approval)
        return True

    async def expire_due(self) -> list[int]:
        """Mark every pending approval past its expiry as expired and tell its caller. Returns ids."""
        async with self.db.session() as s:
            due = (
                await s.scalars(
                    select(Approval).where(Approval.status == "pending", Approval.expires_at <= utcnow())
                )
            ).all()
        expired = [a.id for a in due if await self._expire(a)]
        await self.fail_interrupted()
        return expired

    async def fail_interrupted(self, after: timedelta = INTERRUPTED_AFTER) -> list[int]:
        """Approvals claimed ('approved') whose run never finished — the process stopped between the
        click and the result — become 'failed', never run again (it may have happened), and their
        callers are told."""
        cutoff = utcnow() - after
        async with self.db.session() as s:
            stuck = (
                await s.scalars(
                    select(Approval).where(Approval.status == "approved", Approval.decided_at < cutoff)
                )
            ).all()
        failed = []
        message = "The app stopped while running this after it was approved; check whether it happened before asking again."
        for a in stuck:
            async with self.db.transaction() as s:
                res = await s.execute(
                    update(Approval)
                    .where(Approval.id == a.id, Approval.status == "approved")
                    .values(status="failed", error=message, executed_at=utcnow())
                    .execution_options(synchronize_session=False)
                )
            if res.rowcount == 1:
                a.status, a.error = "failed", message
                failed.append(a.id)
                await self.registry.resume(self._outcome(a, "failed", ToolResult.fail(message)))
        return failed

    @staticmethod
    def _outcome(approval: Approval, status: str, result: ToolResult | None) -> ApprovalOutcome:
        return ApprovalOutcome(
            approval_id=approval.id,
            tool_name=approval.tool_name,
            caller_kind=approval.caller_kind,
            caller_ref=approval.caller_ref,
            status=status,
            result=result,
            decided_by=approval.decided_by,
        )


def _context_record(ctx: ToolContext) -> dict[str, Any]:
    return {
        "team_id": ctx.team_id,
        "customer_name": ctx.customer_name,
        "session_id": ctx.session_id,
        "extra": to_jsonable_python(ctx.extra, fallback=str),
    }


def context_from_approval(approval: Approval) -> ToolContext:
    """The original caller's context, rebuilt to run the approved call on the requester's behalf."""
    rec = approval.context or {}
    extra = {
        k: v for k, v in (rec.get("extra") or {}).items() if k not in ("require_approval", "approval_reason")
    }
    return ToolContext(
        user_id=approval.requester,
        team_id=rec.get("team_id") or "",
        customer_id=approval.customer_id,
        customer_name=rec.get("customer_name"),
        caller_kind=approval.caller_kind or "slack",
        caller_ref=approval.caller_ref,
        channel=approval.channel,
        thread_ts=approval.thread_ts,
        session_id=rec.get("session_id"),
        extra=extra,
    )
