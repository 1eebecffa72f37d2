"""A local chat that shows exactly what the Discord bot would reply, as text."""

from __future__ import annotations

from typing import TextIO

from bot.core.knowledge import Knowledge
from bot.render import (
    Reply,
    render_about,
    render_answer,
    render_definition,
    render_help,
    render_risks,
    to_text,
)

PROMPT = "fmstudy> "
QUIT = {"/quit", "/exit"}


def respond(knowledge: Knowledge, line: str) -> Reply:
    """The reply to one console line: a slash command, or a free question."""
    command, _, rest = line.strip().partition(" ")
    rest = rest.strip()
    match command.lower():
        case "/ask":
            return render_answer(knowledge, knowledge.ask(rest))
        case "/define":
            if not rest:
                return Reply("Usage: /define <term>, for example /define emergence",
                             ephemeral=True)
            return render_definition(knowledge, knowledge.define(rest))
        case "/risks":
            return render_risks(knowledge, knowledge.risks)
        case "/about":
            return render_about(knowledge)
        case "/help":
            help_reply = render_help()
            help_reply.content += "\n`/quit` (or Ctrl-D) leaves the console"
            return help_reply
    if command.startswith("/"):
        return Reply(f"Unknown command {command}. " + render_help().content)
    return render_answer(knowledge, knowledge.ask(line))


def run_console(knowledge: Knowledge, stdin: TextIO, out: TextIO) -> int:
    interactive = stdin.isatty()
    out.write("fmstudy console: ask a question, or /define, /risks, /about, /help, /quit.\n")
    while True:
        if interactive:
            try:
                line = input(PROMPT)
            except EOFError:
                out.write("\n")
                return 0
        else:
            out.write(PROMPT)
            out.flush()
            line = stdin.readline()
            if not line:
                out.write("\n")
                return 0
        if line.strip().lower() in QUIT:
            return 0
        if not line.strip():
            continue
        out.write(to_text(respond(knowledge, line)) + "\n\n")
        out.flush()
