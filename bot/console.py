"""A local chat that shows exactly what the Discord bot would reply, as text."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import TextIO, cast

from bot import i18n
from bot.config import StoreSettings
from bot.core.answer import Answer, Status
from bot.core.knowledge import Knowledge
from bot.i18n import N_, _
from bot.render import (
    Reply,
    render_about,
    render_answer,
    render_definition,
    render_help,
    render_risks,
    to_text,
)
from bot.store import Asked, Store, open_store, passages_of

PROMPT = "fmstudy> "
QUIT = {"/quit", "/exit"}


class ConsoleMemory:
    """The console's questions kept as Discord's are, as member "console", so /gaps and
    ``python -m bot gaps`` can be tried locally. The store opens at the first question."""

    def __init__(self, settings: StoreSettings | None) -> None:
        self.settings = settings
        self.store: Store | None = None
        self.asked = 0

    def remember(self, question: str, answer: Answer) -> None:
        if self.settings is None or answer.status is Status.EMPTY:
            return
        if self.store is None:
            self.store = open_store(self.settings)
        self.asked += 1
        self.store.record(Asked(
            f"console:{time.time_ns()}:{self.asked}", "console", question, answer.answered,
            None if answer.answered else answer.status.value, passages_of(answer.passages)))

    def close(self) -> None:
        if self.store is not None:
            self.store.close()


COMMANDS = ("ask", "define", "risks", "about")


def _english(command: str) -> str:
    """A command as the console knows it: "/definir" is "/define" (the help text names
    the commands in the member's language, as Discord shows them)."""
    language = i18n.current()
    for name in COMMANDS:
        if command == f"/{i18n.translate(name, language)}":
            return f"/{name}"
    return command


def respond(knowledge: Knowledge, line: str,
            remember: Callable[[str, Answer], None] | None = None) -> Reply:
    """The reply to one console line: a slash command, or a free question."""
    command, _sep, rest = line.strip().partition(" ")
    rest = rest.strip()
    command = _english(command.lower())

    def ask(question: str) -> Reply:
        answer = knowledge.ask(question)
        if remember is not None:
            remember(question, answer)
        return render_answer(knowledge, answer)

    match command:
        case "/ask":
            return ask(rest)
        case "/define":
            if not rest:
                return Reply(_("Usage: /define <term>, for example /define emergence"),
                             ephemeral=True)
            return render_definition(knowledge, knowledge.define(rest))
        case "/risks":
            return render_risks(knowledge, knowledge.risks, page=None)
        case "/about":
            return render_about(knowledge)
        case "/help":
            help_reply = render_help()
            help_reply.content += "\n" + _("`/quit` (or Ctrl-D) leaves the console")
            return help_reply
    if command.startswith("/"):
        return Reply(_("Unknown command {command}.").format(command=command) + " "
                     + render_help().content)
    return ask(line)


NOT_UTF8 = N_("That line is not valid UTF-8 text, so I could not read it.")
_END = object()  # the stream's end, which no line is


def read_lines(stream: TextIO) -> Iterator[str | None]:
    """The stream's lines without their line ends, read as bytes and decoded one by one:
    a line that is not UTF-8 gives None in its place, and the lines after it still come."""
    raw = getattr(stream, "buffer", None)
    if raw is None:  # a text stream with no bytes under it (tests, StringIO)
        yield from (line.rstrip("\r\n") for line in stream)
        return
    for line in raw:
        try:
            yield line.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            yield None


def run_console(knowledge: Knowledge, stdin: TextIO, out: TextIO) -> int:
    memory = ConsoleMemory(knowledge.settings.store)
    try:
        return _chat(knowledge, stdin, out, memory.remember)
    finally:
        memory.close()


def _chat(knowledge: Knowledge, stdin: TextIO, out: TextIO,
          remember: Callable[[str, Answer], None]) -> int:
    interactive = stdin.isatty()
    out.write(_("fmstudy console: ask a question, or /define, /risks, /about, /help, "
                "/quit.") + "\n")
    lines = None if interactive else read_lines(stdin)
    while True:
        line: str | None
        if lines is None:
            try:
                line = input(PROMPT)
            except EOFError:
                out.write("\n")
                return 0
            except UnicodeDecodeError:
                line = None
        else:
            out.write(PROMPT)
            out.flush()
            item = next(lines, _END)
            if item is _END:
                out.write("\n")
                return 0
            line = cast(str | None, item)
        if line is None:
            out.write(_(NOT_UTF8) + "\n\n")
            continue
        if line.strip().lower() in QUIT:
            return 0
        if not line.strip():
            continue
        out.write(to_text(respond(knowledge, line, remember)) + "\n\n")
        out.flush()
