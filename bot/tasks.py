"""Slow work after the ack. Failures are logged with their traceback and the user is told.

Bolt's lazy listeners swallow exceptions; these tasks do not.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

log = logging.getLogger(__name__)

Notify = Callable[[str], Awaitable[Any]]


class BackgroundTasks:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(
        self, work: Coroutine[Any, Any, Any], *, what: str, notify: Notify | None = None
    ) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(self._run(work, what, notify))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _run(self, work: Coroutine[Any, Any, Any], what: str, notify: Notify | None) -> None:
        try:
            await work
        except Exception:
            log.exception("%s failed", what)
            if notify is not None:
                try:
                    await notify(
                        f":warning: Sorry, {what} failed on our side. The error is logged; please try again."
                    )
                except Exception:
                    log.exception("could not tell the user that %s failed", what)

    async def drain(self, timeout: float = 10.0) -> None:
        """Wait for the work in flight (tests, shutdown)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while self._tasks and asyncio.get_running_loop().time() < deadline:
            await asyncio.wait(
                set(self._tasks), timeout=max(0.0, deadline - asyncio.get_running_loop().time())
            )

    @property
    def in_flight(self) -> int:
        return len(self._tasks)
