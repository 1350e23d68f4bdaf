"""Errors a CSM reads: each message says what went wrong and what to do."""

from __future__ import annotations


class PlaybookError(Exception):
    """Bad input or a state that forbids the request; `str(exc)` is the sentence to show."""


class UnknownTemplate(PlaybookError):
    def __init__(self, text: str, suggestions: list[str]) -> None:
        self.suggestions = suggestions
        hint = f" Did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"There is no playbook called '{text}'.{hint} `/csm playbook list` shows them all.")


class UnknownCustomer(PlaybookError):
    def __init__(self, text: str, suggestions: list[str]) -> None:
        self.suggestions = suggestions
        hint = f" Did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"There is no customer called '{text}'.{hint}")


class AlreadyRunning(PlaybookError):
    def __init__(self, playbook_name: str, customer_name: str, execution_id: int, status: str) -> None:
        self.execution_id = execution_id
        state = "paused" if status == "paused" else "already running"
        super().__init__(
            f"{playbook_name} is {state} for {customer_name} (playbook #{execution_id}). "
            f"Cancel it first to start a new one."
        )


class NotFound(PlaybookError):
    pass
