"""`python -m bot`: ask, define, risks, quiz, console, gaps, export-questions, eval, run,
sync.

The JSON shapes printed here are a contract other tools read; human output goes through the
same renderer as Discord. Every failure the user can cause ends in one line on stderr and a
non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from bot import i18n
from bot.config import DEFAULT_CONFIG_PATH, ConfigError, Settings, load_settings
from bot.core.answer import Answer, Status
from bot.core.glossary import Lookup
from bot.core.knowledge import Knowledge
from bot.loading import load_knowledge
from bot.render import Reply, render_answer, render_definition, render_risks, to_text

if TYPE_CHECKING:
    from bot.store import Store

EXIT_USAGE = 2


# Why a question was not answered, as ``ask --json`` says it (null when it was).
REASONS = {Status.TOO_LONG: "too_long", Status.EMPTY: "empty", Status.NO_KEYWORDS: "no_words",
           Status.NOT_COVERED: "not_covered"}


def answer_json(answer: Answer) -> dict[str, Any]:
    return {
        "question": answer.question,
        "answered": answer.answered,
        "reason": REASONS.get(answer.status),
        "passages": [
            {"id": r.passage.id, "section": r.passage.section, "text": r.passage.text,
             "score": round(r.score, 6)}
            for r in answer.passages
        ],
    }


def lookup_json(lookup: Lookup) -> dict[str, Any]:
    entry = lookup.entry
    return {
        "term": lookup.query,
        "found": entry is not None,
        "term_matched": entry.term if entry else None,
        "definition": entry.definition if entry else None,
        "source": {"id": entry.passage.id, "section": entry.passage.section} if entry else None,
        "suggestions": list(lookup.suggestions),
        "used_in": ({"id": lookup.used_in.id, "section": lookup.used_in.section,
                     "text": lookup.used_in.text} if lookup.used_in else None),
        "elsewhere": [{"term": e.term, "definition": e.definition,
                       "source": {"id": e.passage.id, "section": e.passage.section}}
                      for e in lookup.elsewhere],
    }


def risks_json(knowledge: Knowledge) -> dict[str, Any]:
    return {"risks": [
        {"title": r.title, "text": r.text,
         "source": {"id": r.passage.id, "section": r.passage.section},
         "details": [{"id": p.id, "text": p.text} for p in r.details]}
        for r in knowledge.risks
    ]}


def _print_json(data: Any, out: TextIO) -> None:
    out.write(json.dumps(data, ensure_ascii=False) + "\n")


def cmd_ask(args: argparse.Namespace, knowledge: Knowledge, out: TextIO) -> int:
    if args.question is None:
        if not args.json:
            print("ask: give a QUESTION, or --json to read questions from stdin",
                  file=sys.stderr)
            return EXIT_USAGE
        from bot.console import read_lines

        for number, question in enumerate(read_lines(sys.stdin), 1):
            if question is None:
                _print_json({"question": None, "answered": False, "reason": "not_utf8",
                             "error": f"line {number} is not valid UTF-8 text",
                             "passages": []}, out)
            elif question.strip():
                _print_json(answer_json(knowledge.ask(question, args.k)), out)
            out.flush()
        return 0
    answer = knowledge.ask(args.question, args.k)
    return _emit(args, out, lambda: answer_json(answer),
                 lambda: render_answer(knowledge, answer))


def cmd_define(args: argparse.Namespace, knowledge: Knowledge, out: TextIO) -> int:
    lookup = knowledge.define(args.term)
    return _emit(args, out, lambda: lookup_json(lookup),
                 lambda: render_definition(knowledge, lookup))


def cmd_risks(args: argparse.Namespace, knowledge: Knowledge, out: TextIO) -> int:
    return _emit(args, out, lambda: risks_json(knowledge),
                 lambda: render_risks(knowledge, knowledge.risks, page=None))


def _emit(args: argparse.Namespace, out: TextIO, as_json: Callable[[], Any],
          as_reply: Callable[[], Reply]) -> int:
    """JSON for tools with --json; otherwise the reply as the console shows it."""
    if args.json:
        _print_json(as_json(), out)
    else:
        out.write(to_text(as_reply()) + "\n")
    return 0


def cmd_gaps(args: argparse.Namespace, knowledge: Knowledge, out: TextIO) -> int:
    """What the notes could not answer, and the answers voted down, in every server."""
    from datetime import UTC, datetime

    from bot.render import render_gaps

    with _opened_store(knowledge.settings) as store:
        asked = store.unanswered(args.days).result(STORE_WAIT_S)
        disliked = store.disliked(args.days).result(STORE_WAIT_S)
    gaps = knowledge.gaps(asked)

    def as_json() -> dict[str, Any]:
        return {
            "gaps": [{"question": g.question, "count": g.times,
                      "last_asked": datetime.fromtimestamp(g.last_asked, UTC).isoformat()}
                     for g in gaps],
            "disliked": [{"passage_id": pid, "section": section, "down": down, "up": up}
                         for pid, section, down, up in disliked]}

    return _emit(args, out, as_json,
                 lambda: render_gaps(gaps, disliked, args.days, discord_time=False))


def cmd_quiz(args: argparse.Namespace, knowledge: Knowledge, out: TextIO) -> int:
    """Quiz items, to check them: ``--n`` of them drawn with ``--seed``."""
    import random

    from bot.render import render_quiz_item

    items = knowledge.quiz.items(args.topic)
    if not items and not args.json:
        print("quiz: the reading gives no items" + (f" about {args.topic!r}" if args.topic
                                                     else ""), file=sys.stderr)
        return 1
    drawn = random.Random(args.seed).sample(items, min(args.n, len(items)))
    if args.json:
        _print_json({"items": [
            {"kind": i.kind, "prompt": i.prompt, "choices": list(i.choices), "answer": i.answer,
             "source": {"id": i.source.id, "section": i.source.section, "text": i.source.text}}
            for i in drawn]}, out)
        return 0
    for item in drawn:
        choices = "\n".join(f"  {'*' if c == item.answer else '-'} {c}" for c in item.choices)
        reply = render_quiz_item(item)
        reply.embeds[0].footer = ""  # no buttons here: the answer is marked with *
        out.write(f"{to_text(reply)}\n{choices}\n"
                  f"  ({item.source.citation})\n\n")
    return 0


def cmd_export_questions(args: argparse.Namespace, knowledge: Knowledge, out: TextIO) -> int:
    """The kept questions as a question set ``eval`` reads, for a lead to review."""
    from bot.question_export import export_questions

    with _opened_store(knowledge.settings) as store:
        kept = store.questions().result(STORE_WAIT_S)
    text, answerable, outside = export_questions(knowledge, kept)
    if not answerable and not outside:
        raise ConfigError(f"{store.path}: nothing to export yet: no answer voted up, no "
                          "question the notes did not cover")
    try:
        Path(args.path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{args.path}: cannot write ({exc.strerror or exc})") from exc
    out.write(f"wrote {args.path}: {answerable} answerable questions (answers voted up) and "
              f"{outside} out-of-scope candidates (not answered); review them before adding "
              "them to a question set\n")
    return 0


STORE_WAIT_S = 60.0  # a store another process holds locked: give up after this


@contextlib.contextmanager
def _opened_store(settings: Settings) -> Iterator[Store]:
    """The configured store, open, for a command that reads it; a store that is off or
    cannot be read is a ConfigError (one line)."""
    from bot.store import StoreUnavailable, open_store

    if settings.store is None:
        raise ConfigError(f"{settings.source}: 'store' is null: nothing is kept")
    if not settings.store.path.is_file():
        raise ConfigError(f"{settings.store.path}: no store yet (nothing has been asked)")
    store = open_store(settings.store)
    try:
        yield store
    except (StoreUnavailable, TimeoutError) as exc:
        raise ConfigError(f"{settings.store.path}: cannot read the store ({exc})") from exc
    finally:
        store.close()


def cmd_console(args: argparse.Namespace, knowledge: Knowledge, out: TextIO) -> int:
    from bot.console import run_console

    return run_console(knowledge, sys.stdin, out)


def cmd_eval(args: argparse.Namespace, knowledge: Knowledge, out: TextIO) -> int:
    from bot.evaluation_report import run_eval, run_readings

    if args.readings is not None:
        return run_readings(knowledge.settings, Path(args.readings), out,
                            (knowledge, Path(args.questions)) if args.calibrate else None)
    return run_eval(knowledge, Path(args.questions), out, fit_threshold=args.calibrate,
                    peers=args.peers, grid=args.tune)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.discord_app.runner import run_bot

    return run_bot(settings)


def cmd_sync(args: argparse.Namespace, settings: Settings) -> int:
    from bot.discord_app.runner import sync_commands

    return sync_commands(settings, args.guild)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="fmstudy: cited answers from the study group's reading.",
    )
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG_PATH,
                        help="settings file (default: ./config.yml)")
    parser.add_argument("--lang", choices=i18n.languages(), default=None,
                        help="the language of the bot's own words (default: "
                             "discord.default_language); quotes stay the reading's")
    # Subcommands accept --config too; SUPPRESS keeps their copy from overwriting the
    # top-level value when it is given before the subcommand.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", type=Path, default=argparse.SUPPRESS,
                        help="settings file (default: ./config.yml)")
    common.add_argument("--lang", choices=i18n.languages(), default=argparse.SUPPRESS,
                        help="the language of the bot's own words")
    sub = parser.add_subparsers(dest="command")
    ask = sub.add_parser("ask", parents=[common], help="answer a question with cited passages")
    ask.add_argument("question", nargs="?", help="the question (with --json: omit to read "
                     "questions from stdin, one per line)")
    ask.add_argument("--k", type=_positive, default=None, help="passages to return")
    ask.add_argument("--json", action="store_true", help="one JSON object per question")
    define = sub.add_parser("define", parents=[common],
                            help="the reading's own definition of a term")
    define.add_argument("term")
    define.add_argument("--json", action="store_true")
    risks = sub.add_parser("risks", parents=[common], help="the risks the reading lists")
    risks.add_argument("--json", action="store_true")
    sub.add_parser("console", parents=[common], help="chat locally, as the Discord bot would")
    ev = sub.add_parser("eval", parents=[common], help="answer quality on a question set")
    ev.add_argument("questions", nargs="?", default="tests/data/questions.yml")
    ev.add_argument("--calibrate", action="store_true",
                    help="also print the abstention threshold fitted on the dev split (with "
                         "--readings: the embedder's two, fitted across every reading)")
    ev.add_argument("--tune", action="store_true",
                    help="grid-search the retrieval weights on the dev split")
    ev.add_argument("--peers", action="store_true",
                    help="compare with peer methods (needs the 'eval' extra)")
    ev.add_argument("--readings", metavar="DIR", default=None,
                    help="score each reading in DIR (a folder with its documents and a "
                         "questions.yml), alone and added to the corpus")
    gaps = sub.add_parser("gaps", parents=[common], help="the questions the notes could not "
                          "answer, and the answers members voted down")
    gaps.add_argument("--days", type=_positive, default=14, help="how far back (default 14)")
    gaps.add_argument("--json", action="store_true")
    quiz = sub.add_parser("quiz", parents=[common], help="quiz items drawn from the reading")
    quiz.add_argument("--n", type=_positive, default=10, help="how many (default 10)")
    quiz.add_argument("--seed", type=int, default=None, help="draw the same items again")
    quiz.add_argument("--topic", default=None, help="only items about this")
    quiz.add_argument("--json", action="store_true")
    export = sub.add_parser("export-questions", parents=[common],
                            help="the kept questions as a question set for `eval`, to review")
    export.add_argument("path", help="the YAML file to write")
    sub.add_parser("run", parents=[common], help="run the Discord bot (needs DISCORD_TOKEN)")
    sync = sub.add_parser("sync", parents=[common], help="register slash commands with Discord")
    sync.add_argument("--guild", type=int, default=None, help="sync to one guild (instant)")
    return parser


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {value!r}")
    return number


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(args.config)
        i18n.use(args.lang or settings.discord.default_language)
        command = args.command
        if command is None:
            from bot.discord_app.credentials import read_token

            if read_token():
                command = "run"
            else:
                print("DISCORD_TOKEN is not set, so the Discord bot is not started; "
                      "opening the local console instead.", file=sys.stderr)
                command = "console"
        if command == "run":
            return cmd_run(args, settings)
        if command == "sync":
            return cmd_sync(args, settings)
        knowledge = load_knowledge(settings)
        handlers = {"ask": cmd_ask, "define": cmd_define, "risks": cmd_risks,
                    "console": cmd_console, "eval": cmd_eval, "gaps": cmd_gaps, "quiz": cmd_quiz,
                    "export-questions": cmd_export_questions}
        try:
            return handlers[command](args, knowledge, out)
        except BrokenPipeError:  # the reader left (| head): nothing more to say
            _silence_stdout()
            return 0
        except OSError as exc:  # > /dev/full, a closed terminal
            _silence_stdout()
            print(f"error: cannot write the output ({exc.strerror or exc})", file=sys.stderr)
            return 1
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's last flush of what could not
    be written fails silently instead of printing a traceback."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
