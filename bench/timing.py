"""Build and query timing, arranged so that noise and the garbage collector hit all methods
alike.

Queries run in rounds, each cut into three blocks: every method answers a block in a row,
then the next method the same block, the first method rotating from block to block. Each
method is timed in its own steady state, as in a process that runs only it, and a noisy
second on the machine is spread over the methods instead of landing on one. The same rounds
with blocks of one query (every question to every method in turn) show what another
method's cache traffic costs each.

Builds run with everything already in memory (earlier indexes, the corpus) frozen out of
the collector: otherwise a method built after the bot's millions of objects would pay for
scanning them, and its build time would depend on the order.
"""

from __future__ import annotations

import gc
import math
import statistics
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from bench.methods import Builder, Searcher
from bot.core.corpus import Passage


@dataclass(frozen=True)
class Latency:
    p50_us: float
    p99_us: float
    n: int


def build(builder: Builder, passages: Sequence[Passage], repeats: int) -> tuple[Searcher, float]:
    """The searcher from the last build and the median build time in ms.

    Several builds only where they are cheap; one build of a 100k index is already a
    sample of seconds, well above timer noise.
    """
    prepare = getattr(builder, "prepare", None)
    if prepare is not None:  # untimed setup a method needs first (the bot: its glossary)
        prepare(passages)
    times = []
    searcher: Searcher | None = None
    for _ in range(repeats):
        searcher = None  # drop the previous index before building the next
        gc.collect()
        gc.freeze()
        start = time.perf_counter_ns()
        searcher = builder(passages)
        times.append((time.perf_counter_ns() - start) / 1e6)
        gc.unfreeze()
    assert searcher is not None
    gc.collect()
    gc.freeze()  # keep this index out of the next method's collections
    return searcher, statistics.median(times)


BLOCKS_PER_ROUND = 3


def query_latencies(searchers: Mapping[str, Searcher], queries: Sequence[str],
                    warmup: Sequence[str], rounds: int = 1,
                    caps: Mapping[str, int] | None = None,
                    block: int | None = None) -> dict[str, Latency]:
    """p50 and p99 per method, each query timed on its own with perf_counter_ns.

    In every round each method answers ``block`` queries in a row (a third of the list when
    None), then the next method the same ones, the first method rotating from block to
    block. Blocks of hundreds time each method in its own steady state; blocks of one
    interleave the methods query by query, so each call starts with the caches the others
    left. ``caps`` limits a slow method to its first n queries, so one method cannot blow
    the time budget.
    """
    caps = caps or {}
    names = list(searchers)
    for question in warmup:
        for name in names:
            searchers[name](question)
    size = block if block is not None else max(1, math.ceil(len(queries) / BLOCKS_PER_ROUND))
    samples: dict[str, list[int]] = {name: [] for name in names}
    turn = 0
    for _ in range(rounds):
        for first in range(0, len(queries), size):
            order = names[turn % len(names):] + names[:turn % len(names)]
            turn += 1
            for name in order:
                search, out = searchers[name], samples[name]
                for question in queries[first:min(first + size, caps.get(name, len(queries)))]:
                    start = time.perf_counter_ns()
                    search(question)
                    out.append(time.perf_counter_ns() - start)
    return {name: _latency(values) for name, values in samples.items()}


def _latency(samples_ns: list[int]) -> Latency:
    p50, p99 = np.percentile(np.asarray(samples_ns, dtype=np.float64), [50, 99]) / 1e3
    return Latency(round(float(p50), 1), round(float(p99), 1), len(samples_ns))
