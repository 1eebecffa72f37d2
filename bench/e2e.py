"""End-to-end /ask through a local Discord-compatible server (tests/e2e/fakediscord.py).

The real ``StudyBot`` runs unmodified against ``FakeDiscord``, pointed at it only through the
config settings ``discord.api_base``, ``discord.gateway_url`` and ``discord.dev_guild_id``, as
tests/e2e/test_bot_e2e.py does; nothing in discord.py is patched. Bot and server share one
process and one asyncio event loop, so every figure includes both sides' work on one core:
the server building and JSON-encoding the event, discord.py parsing it, the bot answering,
discord.py sending the callback, and the server reading it. Loopback replaces the network.

Latency of one interaction: from the fake server starting its clock just before it sends
INTERACTION_CREATE over the gateway websocket (``InteractionHandle.dispatched_at``, the clock
it checks Discord's 3-second deadline against) to it receiving the bot's
``POST /interactions/{id}/{token}/callback`` (``Reply.at``, once the body is read). Both are
``time.monotonic()`` in the same process.

Sequential: one /ask at a time, the next sent ``QUIET_S`` after the previous callback landed,
so the bot has read the callback's HTTP response and the server's MESSAGE_CREATE echo.
Concurrent: ``N_CONC`` asks injected at once (``asyncio.gather``); each clock starts when
the server sends that event. A callback later than ``DEADLINE_S`` is refused with 10062
"Unknown interaction", as Discord refuses it, and counted as missed. Every ask comes from a
different member, so config.yml's per-member cooldown is kept and never fires.

``measure`` runs all of this in a fresh ``python -m bench.e2e`` child process. The bench
parent has frozen everything earlier sections left in memory out of the garbage collector
(see timing.py); a fresh process sees the same garbage collector as ``python -m bot run``.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import json
import logging
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench.cold_start import env_without_token
from bot.config import Settings, load_settings
from bot.core.knowledge import Knowledge
from bot.discord_app import runner
from bot.loading import load_knowledge, load_questions
from bot.render import render_answer
from tests.e2e.fakediscord import FakeDiscord, FakeUser, InteractionHandle, Reply
from tests.e2e.helpers import TOKEN, settings_for, start_ready

ROOT = Path(__file__).resolve().parent.parent
DEADLINE_S = 3.0  # Discord's: the first callback must arrive within 3 s of the event
N_SEQ = 200
N_CONC = 200
N_WARMUP = 20
QUIET_S = 0.005  # sequential: idle gap after each callback (200 x 5 ms = 1 s of the run)
READY_TIMEOUT_S = 10.0
REPLY_TIMEOUT_S = 30.0
CHILD_TIMEOUT_S = 120.0
GOAL_SEQ_P99_MS = 10.0  # from the issue; all concurrent asks within DEADLINE_S is the other


@dataclasses.dataclass(frozen=True)
class Sample:
    latency_ms: float
    status: int
    error_code: int | None


class _GcWatch:
    """Collections and their pauses while the measurement runs: the usual cause of a max far
    above the p99 (a full collection walks every object of the index)."""

    def __init__(self) -> None:
        self.pauses_ms: list[tuple[int, float]] = []
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses_ms.append((info["generation"],
                                   (time.perf_counter() - self._started) * 1e3))

    def __enter__(self) -> _GcWatch:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc_info: object) -> None:
        gc.callbacks.remove(self)


def measure(cwd: Path) -> dict[str, object]:
    """The figures stored under "e2e" in latest.json, from a fresh child process."""
    done = subprocess.run([sys.executable, "-m", "bench.e2e"], cwd=cwd,
                          env=env_without_token(), capture_output=True, text=True,
                          timeout=CHILD_TIMEOUT_S, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"python -m bench.e2e exited {done.returncode}: "
                           f"{done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(cwd: Path, *, n_seq: int = N_SEQ, n_conc: int = N_CONC,
        profile: bool = False) -> dict[str, object]:
    """The measurement itself, in this process (``measure`` runs it in a child)."""
    settings = load_settings(cwd / "config.yml")
    knowledge = load_knowledge(settings)
    questions = [q.text for q in load_questions(cwd / "tests" / "data" / "questions.yml")]
    questions = [q for q in questions if len(q) <= settings.answer.max_question_chars]
    figures = asyncio.run(_measure(settings, knowledge, questions, n_seq, n_conc, profile))
    asked = _cycle(questions)
    warmup, timed = ([next(asked) for _ in range(n)] for n in (N_WARMUP, n_seq))
    core_ms = _core_latencies(load_knowledge(settings), warmup, timed)
    figures["core_p50_ms"] = _round(np.percentile(core_ms, 50))
    figures["core_p99_ms"] = _round(np.percentile(core_ms, 99))
    return figures


async def _measure(settings: Settings, knowledge: Knowledge, questions: Sequence[str],
                   n_seq: int, n_conc: int, profile: bool) -> dict[str, object]:
    async with FakeDiscord(token=TOKEN, deadline=DEADLINE_S,
                           heartbeat_interval_ms=60_000) as server:
        # One member per ask, all in the guild before the bot connects.
        members = [server.member(f"member{i:04d}") for i in range(N_WARMUP + n_seq + n_conc)]
        asks = zip(members, _cycle(questions), strict=False)
        # config.yml's cooldown is kept: every ask comes from another member.
        bot, task = await start_ready(
            settings_for(server, settings, cooldown_seconds=settings.discord.cooldown_seconds),
            knowledge, timeout=READY_TIMEOUT_S)
        try:
            await _sequential(server, [next(asks) for _ in range(N_WARMUP)])
            with _GcWatch() as seq_gc, _profiled(profile):
                seq, seq_wall = await _sequential(server, [next(asks) for _ in range(n_seq)])
            await asyncio.sleep(0.1)
            with _GcWatch() as conc_gc:
                conc, conc_wall = await _concurrent(server, [next(asks) for _ in range(n_conc)])
            await asyncio.sleep(0.2)  # the bot reads its last HTTP responses and echoes
        finally:
            await runner.stop_gracefully(bot, task)
        server.take_violations("interaction_deadline")  # counted as missed below
        server.assert_clean()  # any other rule broken means a broken setup, not a figure

    failed = [s for s in seq + conc if not 200 <= s.status < 300 and s.error_code != 10062]
    if failed:
        raise RuntimeError(f"{len(failed)} /ask callbacks failed, e.g. {failed[:3]}")
    seq_ms = np.array([s.latency_ms for s in seq])
    conc_ms = np.array([s.latency_ms for s in conc])
    # The server answers a callback past the deadline with 10062, as Discord does.
    missed = sum(1 for s in conc if s.error_code == 10062)
    pauses = seq_gc.pauses_ms + conc_gc.pauses_ms
    return {
        "seq_p50_ms": _round(np.percentile(seq_ms, 50)),
        "seq_p99_ms": _round(np.percentile(seq_ms, 99)),
        "conc_p99_ms": _round(np.percentile(conc_ms, 99)),
        "conc_missed_deadline": missed,
        "seq_max_ms": _round(seq_ms.max()),
        "conc_p50_ms": _round(np.percentile(conc_ms, 50)),
        "conc_max_ms": _round(conc_ms.max()),
        "n_seq": len(seq),
        "n_conc": len(conc),
        "seq_wall_s": round(seq_wall, 3),
        "conc_wall_s": round(conc_wall, 3),
        "deadline_s": DEADLINE_S,
        "gc_full_collections": sum(1 for gen, _ in pauses if gen == 2),
        "gc_max_pause_ms": _round(max((ms for _, ms in pauses), default=0.0)),
    }


async def _sequential(server: FakeDiscord,
                      asks: Sequence[tuple[FakeUser, str]]) -> tuple[list[Sample], float]:
    samples = []
    started = time.perf_counter()
    for member, question in asks:
        samples.append(await _one(server, member, question))
        await asyncio.sleep(QUIET_S)
    return samples, time.perf_counter() - started


async def _concurrent(server: FakeDiscord,
                      asks: Sequence[tuple[FakeUser, str]]) -> tuple[list[Sample], float]:
    started = time.perf_counter()
    handles = await asyncio.gather(*(_inject(server, m, q) for m, q in asks))
    replies = await asyncio.gather(*(h.response(timeout=REPLY_TIMEOUT_S) for h in handles))
    wall = time.perf_counter() - started
    return [_sample(h, r) for h, r in zip(handles, replies, strict=True)], wall


async def _inject(server: FakeDiscord, member: FakeUser, question: str) -> InteractionHandle:
    return await server.send_interaction_command("ask", {"question": question}, user=member)


async def _one(server: FakeDiscord, member: FakeUser, question: str) -> Sample:
    handle = await _inject(server, member, question)
    return _sample(handle, await handle.response(timeout=REPLY_TIMEOUT_S))


def _sample(handle: InteractionHandle, reply: Reply) -> Sample:
    if reply.kind != "callback":
        raise RuntimeError(f"the first reply to /ask was a {reply.kind}, not a callback")
    return Sample((reply.at - handle.dispatched_at) * 1e3, reply.status, reply.error_code)


def _core_latencies(knowledge: Knowledge, warmup: Sequence[str],
                    questions: Sequence[str]) -> np.ndarray:
    """The bot's own work, no Discord: answer and render (ms). A fresh ``knowledge`` asked
    the sequential run's questions in its order, so its word caches warm up the same way."""
    for question in warmup:
        render_answer(knowledge, knowledge.ask(question))
    gc.collect()  # the garbage of the build just before, not the core's, would land here
    samples = []
    for question in questions:
        start = time.perf_counter_ns()
        render_answer(knowledge, knowledge.ask(question))
        samples.append((time.perf_counter_ns() - start) / 1e6)
    return np.array(samples)


class _profiled:
    """cProfile over the sequential phase (``--profile``): the top functions go to stderr."""

    def __init__(self, enabled: bool) -> None:
        self.profiler = None
        if enabled:
            import cProfile

            self.profiler = cProfile.Profile()

    def __enter__(self) -> None:
        if self.profiler is not None:
            self.profiler.enable()

    def __exit__(self, *exc_info: object) -> None:
        if self.profiler is not None:
            import pstats

            self.profiler.disable()
            pstats.Stats(self.profiler, stream=sys.stderr).sort_stats("tottime").print_stats(30)


def _cycle(items: Sequence[str]) -> Iterator[str]:
    while True:
        yield from items


def _round(value: float) -> float:
    return round(float(value), 3)


def section(figures: Mapping[str, Any]) -> list[str]:
    """The Markdown under "End to end" in latest.md."""
    f = figures
    seq_ok = f["seq_p99_ms"] < GOAL_SEQ_P99_MS
    conc_ok = f["conc_missed_deadline"] == 0
    return [
        "The real `StudyBot` against `tests/e2e/fakediscord.py`, configured only through "
        "`discord.api_base`/`gateway_url` (nothing patched). **Bot and fake server run in "
        "the same process and the same asyncio event loop** (a fresh `python -m bench.e2e` "
        "child), so the figures include the server's own work on the same core, and "
        "loopback instead of a network.",
        "",
        "Latency: from the server sending INTERACTION_CREATE over the gateway to it "
        "receiving `POST /interactions/{id}/{token}/callback`. Each ask from a different "
        "member (cooldown as in config.yml, never hit); questions from "
        "tests/data/questions.yml.",
        "",
        "| run | asks | p50 ms | p99 ms | max ms | wall s |",
        "|---|--:|--:|--:|--:|--:|",
        f"| sequential (one at a time, {QUIET_S * 1e3:g} ms apart) | {f['n_seq']} | "
        f"{f['seq_p50_ms']:.2f} | {f['seq_p99_ms']:.2f} | {f['seq_max_ms']:.2f} | "
        f"{f['seq_wall_s']:.2f} |",
        f"| concurrent (all injected at once) | {f['n_conc']} | {f['conc_p50_ms']:.1f} | "
        f"{f['conc_p99_ms']:.1f} | {f['conc_max_ms']:.1f} | {f['conc_wall_s']:.2f} |",
        "| core alone: `knowledge.ask` + `render_answer`, no Discord, same questions | "
        f"{f['n_seq']} | {f['core_p50_ms']:.2f} | {f['core_p99_ms']:.2f} | | |",
        "",
        f"Goal p99 < {GOAL_SEQ_P99_MS:g} ms sequential: **{'met' if seq_ok else 'NOT met'}**"
        f" ({f['seq_p99_ms']:.2f} ms). Concurrent asks past Discord's "
        f"{f['deadline_s']:g}-second deadline (the server answers those with 10062): "
        f"**{f['conc_missed_deadline']} of {f['n_conc']}** "
        f"({'goal met' if conc_ok else 'goal NOT met'}). Concurrent latency is queueing: "
        "every clock starts in the same burst and one loop answers them in turn.",
        "",
        f"Garbage collector during the two runs: {f['gc_full_collections']} full "
        f"collection(s), the longest pausing the loop {f['gc_max_pause_ms']:.1f} ms. A pause "
        "adds to every ask in flight: the usual cause of a max far above the p99.",
        "",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.e2e",
                                     description="Print the e2e figures as one JSON line.")
    parser.add_argument("--seq", type=int, default=N_SEQ, help="sequential asks")
    parser.add_argument("--conc", type=int, default=N_CONC, help="concurrent asks")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile the sequential phase (top functions to stderr; "
                             "the figures are then inflated by the profiler)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    figures = run(ROOT, n_seq=args.seq, n_conc=args.conc, profile=args.profile)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
