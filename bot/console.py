"""A local chat that shows exactly what the Discord bot would reply, as text."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from typing import TextIO, cast

from bot import i18n
from bot.config import StoreSettings
from bot.core.answer import Answer, Status
from bot.core.knowledge import Knowledge
from bot.core.quiz import QuizItem, pick
from bot.i18n import N_, _
from bot.render import (
    QUIZ_NO_ITEMS,
    Reply,
    render_about,
    render_answer,
    render_definition,
    render_help,
    render_quiz_item,
    render_quiz_result,
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


class ConsoleQuiz:
    """The console's /quiz: the item asked last, answered by the next line (a choice's
    number or its words); any other line leaves it unanswered."""

    def __init__(self, rng: random.Random | None = None) -> None:
        self.rng = rng or random.Random()
        self.asked: QuizItem | None = None

    def ask(self, knowledge: Knowledge, topic: str) -> Reply:
        self.asked = pick(knowledge.quiz.items(topic or None), {}, time.time(), self.rng)
        if self.asked is None:
            return Reply(_(QUIZ_NO_ITEMS), ephemeral=True)
        return render_quiz_item(self.asked, numbered=True)

    def answer(self, knowledge: Knowledge, line: str) -> Reply | None:
        """The result when the line answers the item asked, else None."""
        item, self.asked = self.asked, None
        if item is None:
            return None
        said = line.strip().casefold()
        chosen = next((c for n, c in enumerate(item.choices, 1)
                       if said in (str(n), c.casefold())), None)
        return None if chosen is None else render_quiz_result(knowledge, item, chosen)


COMMANDS = ("ask", "define", "risks", "about", "quiz")


def _english(command: str) -> str:
    """A command as the console knows it: "/definir" is "/define" (the help text names
    the commands in the member's language, as Discord shows them)."""
    language = i18n.current()
    for name in COMMANDS:
        if command == f"/{i18n.translate(name, language)}":
            return f"/{name}"
    return command


def respond(knowledge: Knowledge, line: str,
            remember: Callable[[str, Answer], None] | None = None,
            quiz: ConsoleQuiz | None = None) -> Reply:
    """The reply to one console line: the answer to the quiz item just asked, a slash
    command, or a free question."""
    answered = quiz.answer(knowledge, line) if quiz is not None else None
    if answered is not None:
        return answered
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
        case "/quiz" if quiz is not None:
            return quiz.ask(knowledge, rest)
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
    quiz = ConsoleQuiz()
    out.write(_("fmstudy console: ask a question, or /define, /risks, /quiz, /about, /help, "
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
        out.write(to_text(respond(knowledge, line, remember, quiz)) + "\n\n")
        out.flush()
