"""`python -m bench.hotspots [summary|1k|10k|100k]`: where the bot's answer path spends its time.

For the core's owner, next to the benchmark's figures: the same corpora and queries, the
bot built the same way, then cProfile over Answerer.answer (after a warm-up) and, with
--build, over the build. Not part of `python -m bench`: profiling slows the code it watches,
so its figures are shares, not latencies.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys

from bench.__main__ import CONFIG, QUESTIONS, SUMMARY_ROUNDS, SYNTHETIC
from bench.corpora import Workload, summary_workload, synthetic_workload
from bench.methods import BotBuilder
from bot.config import load_settings


def workload(name: str) -> Workload:
    if name == "summary":
        return summary_workload(CONFIG, QUESTIONS, SUMMARY_ROUNDS)
    for size, n, queries, _ in SYNTHETIC:
        if size == name:
            return synthetic_workload(size, n, queries)
    raise SystemExit(f"unknown corpus {name!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.hotspots", description=__doc__)
    parser.add_argument("corpus", nargs="?", default="summary")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--build", action="store_true", help="profile the build instead")
    args = parser.parse_args(argv)
    w = workload(args.corpus)
    build = BotBuilder(load_settings(CONFIG))
    build.prepare(w.passages)
    profiler = cProfile.Profile()
    if args.build:
        profiler.runcall(build, w.passages)
    else:
        answer = build(w.passages)
        for question in w.warmup:
            answer(question)
        profiler.enable()
        for _ in range(w.rounds):
            for question in w.queries:
                answer(question)
        profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs()
    for key in ("tottime", "cumulative"):
        stats.sort_stats(key).print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
