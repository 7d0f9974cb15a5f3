"""Domain errors: a rule said no; storage raises them, handlers turn `code` into a template message."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule said no. `code` names the rule (and the message label); `params` fill it in."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params
