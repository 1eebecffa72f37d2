"""`python -m bench`: every figure in one process, one run, written to bench/results/.

Sections run in order of cost so a broken setup fails in seconds: cold start first (it also
proves the bot starts), the end-to-end /ask through the fake Discord server, then the corpora
from smallest to largest. Not part of the tests: pytest only collects tests/, and nothing
here is named test_*.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

from bench import cold_start, e2e, paper, report
from bench.corpora import Workload, summary_workload, synthetic_workload
from bench.methods import BotBuilder, Builder, builders
from bench.retrieval import MethodResult, Plan, measure
from bot.config import load_settings
from bot.loading import load_embedder

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "config.yml"
QUESTIONS = ROOT / "tests" / "data" / "questions.yml"
SUMMARY_ROUNDS = 3  # every question of the evaluation set, asked three times
# name, passages, queries, plan. rank_bm25 scores every passage in Python for every query
# term (tens of ms at 10k, a quarter second at 100k), so it is capped where that would
# dominate the run; the cap is printed in latest.md.
SYNTHETIC = (
    ("1k", 1_000, 1_000, Plan(build_repeats=3)),
    ("10k", 10_000, 500, Plan(build_repeats=1, caps={"rank_bm25": 200})),
    ("100k", 100_000, 200, Plan(build_repeats=1, caps={"rank_bm25": 40})),
)
QUICK = (("1k", 1_000, 200, Plan(build_repeats=1)),)
EMBEDDED = "bot + embedder"  # the shipped configuration (retrieval.embedder)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results",
                        help="where latest.json, latest.md and latency.png go")
    parser.add_argument("--quick", action="store_true",
                        help="summary and 1k only, fewer queries: to check the bench itself")
    parser.add_argument("--e2e-only", action="store_true",
                        help="only the end-to-end /ask section: print its figures and its "
                             "Markdown, write nothing")
    args = parser.parse_args(argv)
    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {message}", flush=True)

    if args.e2e_only:
        figures = _e2e(log)
        print(json.dumps(figures, indent=2))
        print("\n".join(e2e.section(figures)))
        return 0

    settings = load_settings(CONFIG)
    bot = BotBuilder(settings)
    methods = builders(bot)
    # The shipped configuration, with the embedder, on the summary only: embedding the
    # synthetic corpora's passages would take most of an hour at 100k (about 22 ms each).
    uncached = replace(settings, corpus=replace(settings.corpus, cache=None))
    with_embedder = {**methods, EMBEDDED: BotBuilder(uncached, load_embedder(settings))}
    log("cold start (best of 5)")
    cold = cold_start.measure(ROOT, runs=2 if args.quick else 5)
    log(f"  ask {cold.ask_s:.3f} s, console {cold.console_s:.3f} s, "
        f"sklearn import {cold.sklearn_import_s:.3f} s, rss {cold.rss_mb:.1f} MB")
    e2e_figures = _e2e(log)  # seconds, in a child process: before the long sections

    corpora: dict[str, dict[str, MethodResult]] = {}
    sizes: dict[str, int] = {}
    notes: list[str] = []
    loaders: list[tuple[Callable[[], Workload], Plan, dict[str, Builder]]] = [(
        lambda: summary_workload(CONFIG, QUESTIONS, 1 if args.quick else SUMMARY_ROUNDS),
        Plan(build_repeats=5, caps={EMBEDDED: 300}),
        with_embedder,
    )]
    loaders += [(partial(synthetic_workload, name, n, q), plan, methods)
                for name, n, q, plan in (QUICK if args.quick else SYNTHETIC)]
    for load, plan, timed in loaders:
        workload = load()
        log(f"corpus {workload.name}: {len(workload.passages):,} passages, "
            f"{len(workload.queries)} queries x {workload.rounds} round(s)")
        corpora[workload.name] = measure(workload, timed, plan, log)
        sizes[workload.name] = len(workload.passages)
        started_ms = bot.startup_ms(workload.passages)
        log(f"  {workload.name:>7} bot start-up (index, glossary, risks) {started_ms:.0f} ms")
        notes.append(f"{workload.name}: the bot's whole start-up (index plus the /define "
                     f"glossary and the /risks list) took {started_ms:,.0f} ms.")
        for method, cap in plan.caps.items():
            if cap < len(workload.queries):
                notes.append(f"**{workload.name}: {method} timed on its first {cap} queries "
                             f"only** (of {len(workload.queries)}, to keep the run short); "
                             "its p99 is close to its maximum.")
        del workload

    if not args.quick:
        log(f"paper: a generated {paper.PAGES}-page PDF beside the summary")
        figures = paper.measure(ROOT)
        notes += figures.notes()
        log(f"  {notes[-1]}")
    notes += _method_notes()
    results = report.Results(report.machine(), corpora, sizes, cold, e2e_figures, notes)
    report.write(results, args.out)
    log(f"wrote {args.out}/latest.json, latest.md, latency.png; "
        f"total {time.perf_counter() - started:.1f} s")
    return 0


def _e2e(log: Callable[[str], None]) -> dict[str, object]:
    log(f"e2e: /ask through the fake Discord server, {e2e.N_SEQ} sequential then "
        f"{e2e.N_CONC} concurrent")
    figures = e2e.measure(ROOT)
    log(f"  sequential p50 {figures['seq_p50_ms']} ms, p99 {figures['seq_p99_ms']} ms; "
        f"concurrent p99 {figures['conc_p99_ms']} ms, "
        f"{figures['conc_missed_deadline']} past the deadline")
    return figures


def _code_version() -> str:
    """The bot code measured: the core changes daily, so figures need their commit."""
    import subprocess

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              check=False)
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD") or "unknown commit"
    dirty = git("status", "--porcelain", "--", "bot", "corpus", "config.yml")
    return f"Bot code: {head}" + (" plus uncommitted changes to bot/, corpus/ or config.yml"
                                  if dirty else "") + "."


def _method_notes() -> list[str]:
    return [
        _code_version(),
        f"bot: TF-IDF alone (retrieval.embedder: null). {EMBEDDED}: the shipped "
        "configuration, with multilingual-e5-small: its build embeds every passage (no "
        "cache), its query embeds the question and fuses both rankings; timed on the "
        "summary only, on its first 300 questions.",
        "bot: Knowledge.from_glossary(config.yml settings, passages, the glossary) is the "
        "build (question parser, index, risk list and definition finder; the glossary, "
        "fitted first, is not timed in it); Knowledge.ask(question) the query, what a "
        "member's question gets: parse (thesaurus, typo repair, stemming), retrieve, "
        "abstain, best sentence, and for a question that asks what a term is, its "
        "definition among the best ten passages. Its whole start-up, with the glossary "
        "and risk list, is in the notes per corpus (synthetic corpora have no risk section).",
        "Peers are bot/peers.py's, the configuration `python -m bot eval --peers` scores; "
        "they index the same text (passage text + heading path) and return top-3 indices: "
        "sklearn TfidfVectorizer with its defaults (term-major CSR, transform + sparse "
        "product + top-k); rank_bm25 BM25Okapi on sklearn's default tokens minus its English "
        "stop words (get_scores + top-k); bm25s with its Tokenizer, English stop words and "
        "the Snowball stemmer, query ids passed to retrieve(k=3). top-k: the bot's own "
        "(bot.core.index.top_k: k passes of argmax).",
        "Query time includes each method's own query tokenization.",
        "Latency: time.perf_counter_ns around one call; warm-up of 20 queries per method; "
        "each round is cut into three blocks, every method answering a block in a row, "
        "methods in rotating order (p50 interleaved: every query to every method in "
        "turn). summary: the "
        f"questions of tests/data/questions.yml, asked {SUMMARY_ROUNDS} times.",
        "Synthetic corpora: 50k pseudo-words of random syllables, Zipf exponent 1.1 (short "
        "words most frequent), passages of 20-120 words in sentences of 6-18, queries of 2-8 "
        "words, 25% with one word outside the corpus, 30% framed as questions; seeded.",
        "build_ms: median of 5 builds (summary), 3 (1k), 1 (10k, 100k); everything already "
        "in memory is frozen out of the garbage collector during a build (gc.freeze).",
        "index_mb: deep size of what the built searcher keeps alive (sys.getsizeof over every "
        "reachable object, numpy buffers included), excluding the input passages; the same "
        "walk for all methods. It matched tracemalloc's retained bytes within 0.1 MB at 10k.",
        "Cold start: best of 5 wall times; rss_mb: VmRSS of the console once its prompt "
        "shows.",
    ]


if __name__ == "__main__":
    sys.exit(main())
