"""One corpus, every method: build, size, then the query rounds."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from bench.corpora import Workload
from bench.memory import deep_size_mb, reachable_ids
from bench.methods import Builder, Searcher
from bench.timing import build, query_latencies


@dataclass(frozen=True)
class Plan:
    """How hard to measure one corpus: more repeats where builds are cheap, a cap on
    queries for a method whose per-query cost grows with the corpus."""

    build_repeats: int = 1
    caps: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class MethodResult:
    p50_us: float
    p99_us: float
    build_ms: float
    index_mb: float
    queries_timed: int
    p50_interleaved_us: float  # methods taking turns query by query (Markdown only)

    def as_json(self) -> dict[str, float]:
        return {"p50_us": self.p50_us, "p99_us": self.p99_us,
                "build_ms": round(self.build_ms, 2), "index_mb": round(self.index_mb, 3)}


def measure(workload: Workload, builders: Mapping[str, Builder], plan: Plan,
            log: Callable[[str], None] = print) -> dict[str, MethodResult]:
    """All indexes stay alive together so the query rounds can alternate between them."""
    searchers: dict[str, Searcher] = {}
    build_ms: dict[str, float] = {}
    index_mb: dict[str, float] = {}
    inputs = reachable_ids([workload.passages])
    try:
        for name, builder in builders.items():
            searchers[name], build_ms[name] = build(builder, workload.passages,
                                                    plan.build_repeats)
            index_mb[name] = deep_size_mb(searchers[name], inputs)
            log(f"  {workload.name:>7} {name:<9} built in {build_ms[name]:9.1f} ms, "
                f"{index_mb[name]:8.2f} MB")
        start = time.perf_counter()
        latencies = query_latencies(searchers, workload.queries, workload.warmup,
                                    workload.rounds, plan.caps)
        interleaved = query_latencies(searchers, workload.queries, (), workload.rounds,
                                      plan.caps, block=1)
        log(f"  {workload.name:>7} queries timed in {time.perf_counter() - start:.1f} s")
    finally:
        searchers.clear()
        gc.unfreeze()
        gc.collect()
    return {
        name: MethodResult(latencies[name].p50_us, latencies[name].p99_us, build_ms[name],
                           index_mb[name], latencies[name].n, interleaved[name].p50_us)
        for name in builders
    }
