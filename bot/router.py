"""Where each event goes: commands by name (with the role they need), button presses by
callback-data prefix, free text and contacts by dialog state. Filled in one place: bot.routes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.context import Context
from domain.messages import Reply

Handler = Callable[[Context], Awaitable[list[Reply]]]


@dataclass(frozen=True)
class Command:
    name: str
    handler: Handler
    role: str = "resident"  # the least role allowed
    help_key: str | None = None  # label key of its line in /help; None = not listed
    aliases: tuple[str, ...] = ()


@dataclass
class Router:
    commands: dict[str, Command] = field(default_factory=dict)
    ordered_commands: list[Command] = field(default_factory=list)
    choices: dict[str, Handler] = field(default_factory=dict)
    states: dict[str, Handler] = field(default_factory=dict)
    fallback_text: Handler | None = None
    # free text that means the same in every dialog state (转人工): answered before the
    # state's handler when it returns replies, else ignored (None)
    interrupt_text: Callable[[Context], Awaitable[list[Reply] | None]] | None = None

    def command(self, name: str, handler: Handler, *, role: str = "resident",
                help_key: str | None = None, aliases: tuple[str, ...] = ()) -> None:
        cmd = Command(name, handler, role, help_key, aliases)
        for n in (name, *aliases):
            if n in self.commands:
                raise ValueError(f"command /{n} registered twice")
            self.commands[n] = cmd
        self.ordered_commands.append(cmd)

    def choice(self, prefix: str, handler: Handler) -> None:
        """Buttons whose callback data starts with `prefix:` go to `handler`."""
        if prefix in self.choices:
            raise ValueError(f"callback prefix {prefix!r} registered twice")
        self.choices[prefix] = handler

    def state(self, name: str, handler: Handler) -> None:
        """Free text (and contacts, photos) while in dialog state `name` go to `handler`."""
        if name in self.states:
            raise ValueError(f"state {name!r} registered twice")
        self.states[name] = handler

    def for_choice(self, data: str) -> Handler | None:
        prefix, _, _ = data.partition(":")
        return self.choices.get(prefix)

    def for_state(self, state: str) -> Handler | None:
        if state in self.states:
            return self.states[state]
        # "book:phone" falls back to a handler registered for "book"
        return self.states.get(state.partition(":")[0])
