"""latest.json (the figures, in the shape other tools read), latest.md and latency.png.

The JSON holds exactly the agreed keys so it can be diffed run to run and read by scripts;
everything explanatory (ratios, query counts, caps, method notes) goes to the Markdown.
"""

from __future__ import annotations

import json
import math
import os
import platform
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import e2e
from bench.cold_start import ColdStart
from bench.methods import METHODS
from bench.retrieval import MethodResult


@dataclass(frozen=True)
class Results:
    machine: str
    corpora: Mapping[str, Mapping[str, MethodResult]]
    sizes: Mapping[str, int]  # passages per corpus, for the plot and the tables
    cold_start: ColdStart
    e2e: Mapping[str, object]
    notes: Sequence[str]


# Distributions whose versions change the figures: the bot's numerical stack and the peers.
LIBRARIES = (("numpy", "numpy"), ("scipy", "scipy"), ("scikit-learn", "scikit-learn"),
             ("rank_bm25", "rank-bm25"), ("bm25s", "bm25s"))


def machine() -> str:
    """CPU model, cores usable by this process, OS, Python, the libraries' versions and
    numpy's SIMD extensions: enough to tell two runs' machines and stacks apart when
    comparing figures."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    try:
        system = platform.freedesktop_os_release().get("PRETTY_NAME", platform.system())
    except OSError:
        system = platform.system()
    return (f"{cpu}, {cores} cores, {system} (kernel {platform.release()}); "
            f"Python {platform.python_version()}, {library_versions()}; "
            f"numpy SIMD {numpy_simd()}")


def library_versions() -> str:
    """"numpy 2.4.6, scipy 1.17.1, ...", by installed distribution."""
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name, distribution in LIBRARIES:
        try:
            found.append(f"{name} {version(distribution)}")
        except PackageNotFoundError:
            found.append(f"{name} not installed")
    return ", ".join(found)


def numpy_simd() -> str:
    """The SIMD extensions numpy was built for (baseline) and those it found on this CPU
    among the ones it can dispatch to: what ``numpy.show_runtime()`` prints, read from
    the same module attributes (numpy has no public function that returns them)."""
    try:
        from numpy._core import _multiarray_umath as umath
    except ImportError:  # numpy 1.x
        from numpy.core import _multiarray_umath as umath  # type: ignore[no-redef]
    baseline = " ".join(umath.__cpu_baseline__) or "none"
    found = " ".join(f for f in umath.__cpu_dispatch__ if umath.__cpu_features__.get(f))
    return f"baseline {baseline}, found {found or 'none'}"


def as_json(results: Results) -> dict[str, object]:
    return {
        "machine": results.machine,
        "corpora": {name: {m: r.as_json() for m, r in methods.items()}
                    for name, methods in results.corpora.items()},
        "cold_start": results.cold_start.as_json(),
        "rss_mb": round(results.cold_start.rss_mb, 1),
        "e2e": dict(results.e2e),
    }


def _num(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def as_markdown(results: Results) -> str:
    lines = ["# fmstudy benchmark", "", f"Machine: {results.machine}", ""]
    lines += ["## Retrieval", "",
              "Per query, after a warm-up. **p50, p99**: each round is cut into three "
              "blocks; every method answers a block in a row, the methods taking turns (the "
              "first rotating), so each is timed in its own steady state, as in a process "
              "that runs only it; these are the figures in latest.json. **p50 interleaved**: "
              "the same rounds with every question put to every method in turn, so each "
              "call starts with the caches the other methods left. "
              "\"bot ÷ method\" is the bot's p50 over that method's p50 in the same mode: "
              "above 1 the bot is slower.",
              ""]
    for name, methods in results.corpora.items():
        bot, bot_mixed = methods["bot"].p50_us, methods["bot"].p50_interleaved_us
        lines += [f"### {name} ({results.sizes[name]:,} passages)", "",
                  "| method | p50 µs | p99 µs | bot ÷ method (p50) | p50 interleaved µs "
                  "| bot ÷ method (interleaved) | build ms | index MB | queries timed |",
                  "|---|--:|--:|--:|--:|--:|--:|--:|--:|"]
        for method, r in methods.items():
            ratio = "—" if method == "bot" else f"{bot / r.p50_us:.2f}×"
            mixed = "—" if method == "bot" else f"{bot_mixed / r.p50_interleaved_us:.2f}×"
            lines.append(f"| {method} | {_num(r.p50_us)} | {_num(r.p99_us)} | {ratio} | "
                         f"{_num(r.p50_interleaved_us)} | {mixed} | {_num(r.build_ms)} | "
                         f"{_num(r.index_mb)} | {r.queries_timed:,} |")
        lines.append("")
    cs = results.cold_start
    lines += ["## Cold start", "",
              "Wall time of a fresh process, best of 5, venv Python, cwd = repository.", "",
              "| command | seconds | over the floor |", "|---|--:|--:|",
              f"| `python -m bot ask \"what is emergence?\"` | {cs.ask_s:.3f} | "
              f"{cs.ask_s - cs.sklearn_import_s:+.3f} |",
              f"| `python -m bot console` to its first prompt | {cs.console_s:.3f} | "
              f"{cs.console_s - cs.sklearn_import_s:+.3f} |",
              f"| floor: `python -c \"import sklearn.feature_extraction.text\"` | "
              f"{cs.sklearn_import_s:.3f} | |", "",
              f"Resident memory of the console once its prompt shows (VmRSS, median of 5): "
              f"**{cs.rss_mb:.1f} MB**.", "",
              "## End to end (/ask through a local Discord-compatible server)", ""]
    lines += e2e.section(results.e2e)
    lines += ["## Notes", ""] + [f"- {note}" for note in results.notes] + [""]
    return "\n".join(lines)


def plot(results: Results, path: Path) -> None:
    """p50 against corpus size, log-log: the slope says how each method scales."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

    names = sorted(results.corpora, key=lambda n: results.sizes[n])
    sizes = [results.sizes[n] for n in names]
    fig, ax = plt.subplots(figsize=(7.5, 5), dpi=120)
    styles = {"bot": ("C3", "o", 2.6), "sklearn": ("C0", "s", 1.6),
              "rank_bm25": ("C2", "^", 1.6), "bm25s": ("C1", "D", 1.6)}
    for method in METHODS:
        color, marker, width = styles[method]
        p50 = [results.corpora[n][method].p50_us for n in names]
        ax.plot(sizes, p50, marker=marker, color=color, linewidth=width, label=method)
    ax.set_xscale("log")
    ax.set_yscale("log")
    _label_ends(ax, sizes[-1], {m: (results.corpora[names[-1]][m].p50_us, styles[m][0])
                                for m in METHODS})
    ax.set_xticks(sizes, [f"{n}\n({s:,})" for n, s in zip(names, sizes, strict=True)])
    ax.xaxis.set_minor_locator(NullLocator())
    # 1-2-5 ticks with plain numbers: "200" reads faster than "2×10²".
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_xlim(sizes[0] / 1.6, sizes[-1] * 4)
    ax.set_xlabel("corpus (passages)")
    ax.set_ylabel("p50 latency per query (µs, log)")
    ax.set_title("Query latency against corpus size (bot: full answer path)")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _label_ends(ax: Any, x: float, ends: Mapping[str, tuple[float, str]]) -> None:
    """Value labels at the largest corpus, pushed apart where two lines end close together
    (the bot and scikit-learn often do)."""
    low, high = (math.log10(v) for v in ax.get_ylim())
    gap = (high - low) * 0.045
    placed: list[float] = []
    for _, (value, color) in sorted(ends.items(), key=lambda item: item[1][0]):
        y = math.log10(value)
        if placed and y - placed[-1] < gap:
            y = placed[-1] + gap
        placed.append(y)
        ax.annotate(f"{_num(value)} µs", (x, value), xytext=(x * 1.15, 10 ** y),
                    textcoords="data", fontsize=8, color=color, va="center")


def write(results: Results, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "latest.json").write_text(json.dumps(as_json(results), indent=2) + "\n",
                                           encoding="utf-8")
    (directory / "latest.md").write_text(as_markdown(results), encoding="utf-8")
    plot(results, directory / "latency.png")
