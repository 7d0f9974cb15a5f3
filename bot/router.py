"""Where each event goes: commands by name (with the role they need), button presses by
callback data `prefix:action:arg…` (with the role they need and how many arguments they take),
free text and contacts by dialog state. Filled in one place: bot.routes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.context import Context
from domain.messages import Reply

Handler = Callable[[Context], Awaitable[list[Reply]]]
ChoiceHandler = Callable[..., Awaitable[list[Reply]]]  # (ctx, *args of the callback data)


@dataclass(frozen=True)
class Command:
    name: str
    handler: Handler
    role: str = "resident"  # the least role allowed
    help_key: str | None = None  # label key of its line in /help; None = not listed
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Choice:
    """A button action: its handler gets the arguments after `prefix:action:`."""

    handler: ChoiceHandler
    role: str = "resident"  # the least role allowed, enforced like a command's
    name: str = ""  # the action as audited (and named in a refusal): the command it stands for
    args: tuple[int, ...] = (0,)  # how many arguments it takes; any other count is stale


@dataclass
class Router:
    commands: dict[str, Command] = field(default_factory=dict)
    ordered_commands: list[Command] = field(default_factory=list)
    choices: dict[tuple[str, str], Choice] = field(default_factory=dict)
    # what answers the other buttons of a prefix (unknown action, wrong arguments)
    choice_defaults: dict[str, Choice] = field(default_factory=dict)
    choice_prefixes: set[str] = field(default_factory=set)
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

    def choice(self, prefix: str, action: str, handler: ChoiceHandler, *, args: int | tuple[int, ...] = 0,
               role: str = "resident", name: str = "") -> None:
        """Buttons `prefix:action[:arg…]` with `args` arguments go to `handler(ctx, *args)`."""
        if (prefix, action) in self.choices:
            raise ValueError(f"button {prefix}:{action} registered twice")
        counts = (args,) if isinstance(args, int) else args
        self.choices[prefix, action] = Choice(handler, role, name or prefix, counts)
        self.choice_prefixes.add(prefix)

    def choice_default(self, prefix: str, handler: Handler | None = None, *,
                       role: str = "resident", name: str = "") -> None:
        """Every other button of `prefix` (unknown action or arguments) goes to `handler(ctx)`,
        else is answered as a stale button — after the role check, like its actions."""
        if prefix in self.choice_defaults:
            raise ValueError(f"default for buttons {prefix}: registered twice")
        self.choice_defaults[prefix] = Choice(handler or _stale, role, name or prefix)

    def state(self, name: str, handler: Handler) -> None:
        """Free text (and contacts, photos) while in dialog state `name` go to `handler`."""
        if name in self.states:
            raise ValueError(f"state {name!r} registered twice")
        self.states[name] = handler

    def for_choice(self, data: str) -> tuple[Choice, list[str]] | None:
        """The action a button's data names and its arguments, or None (no such prefix)."""
        prefix, _, rest = data.partition(":")
        action, *args = rest.split(":") if rest else [""]
        found = self.choices.get((prefix, action))
        if found is not None and len(args) in found.args:
            return found, args
        default = self.choice_defaults.get(prefix)
        if default is not None:
            return default, []
        if prefix in self.choice_prefixes:
            return Choice(_stale, name=prefix), []
        return None

    def for_state(self, state: str) -> Handler | None:
        if state in self.states:
            return self.states[state]
        # "book:phone" falls back to a handler registered for "book"
        return self.states.get(state.partition(":")[0])


async def _stale(ctx: Context) -> list[Reply]:
    ctx.privileged_action = None  # nothing was done: no action to audit
    return [ctx.say("err.stale_button")]
