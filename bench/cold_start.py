"""Start-up cost as a member feels it: a fresh `python -m bot` process, wall clock.

The floor is importing scikit-learn's text module, which the bot cannot start without;
whatever the bot takes beyond it is the bot's own (config, corpus, index, glossary). Best of
five: the first run also pays for a cold page cache, which says more about the disk than
about the bot.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PROMPT = b"fmstudy> "
ASK = ("-m", "bot", "ask", "what is emergence?")
CONSOLE = ("-m", "bot", "console")
FLOOR = ("-c", "import sklearn.feature_extraction.text")
TIMEOUT_S = 120.0


@dataclass(frozen=True)
class ColdStart:
    ask_s: float
    console_s: float
    sklearn_import_s: float
    rss_mb: float  # the console's resident memory once its prompt shows (median of runs)

    def as_json(self) -> dict[str, float]:
        return {"ask_s": round(self.ask_s, 4), "console_s": round(self.console_s, 4),
                "sklearn_import_s": round(self.sklearn_import_s, 4)}


def env_without_token() -> dict[str, str]:
    """No Discord token, so nothing can reach the network; unbuffered is not needed (the
    console flushes its prompt)."""
    return {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}


def time_command(args: tuple[str, ...], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, *args], cwd=cwd, env=env_without_token(),
                          capture_output=True, timeout=TIMEOUT_S, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {done.returncode}: "
                           f"{done.stderr.decode(errors='replace').strip()[-500:]}")
    return elapsed


def console_to_prompt(cwd: Path) -> tuple[float, float]:
    """Seconds until the console prints its prompt, and its VmRSS (MB) at that moment."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, *CONSOLE], cwd=cwd, env=env_without_token(),
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors)
        assert proc.stdout is not None and proc.stdin is not None
        seen = b""
        try:
            while PROMPT not in seen:
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    errors.seek(0)
                    raise RuntimeError("console exited before its prompt: "
                                       + errors.read().decode(errors="replace")[-500:])
                seen += chunk
                if time.perf_counter() - start > TIMEOUT_S:
                    raise RuntimeError("console prompt did not appear in time")
            elapsed = time.perf_counter() - start
            rss_mb = _vm_rss_mb(proc.pid)
        finally:
            proc.stdin.close()  # EOF: the console says goodbye and exits
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            proc.stdout.close()
    return elapsed, rss_mb


def _vm_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024  # reported in kB
    raise RuntimeError("VmRSS not in /proc status")


def measure(cwd: Path, runs: int = 5) -> ColdStart:
    """Commands alternate within each run, so a slow spell hits all three."""
    ask, console, floor, rss = [], [], [], []
    for _ in range(runs):
        floor.append(time_command(FLOOR, cwd))
        ask.append(time_command(ASK, cwd))
        seconds, mb = console_to_prompt(cwd)
        console.append(seconds)
        rss.append(mb)
    return ColdStart(min(ask), min(console), min(floor), sorted(rss)[len(rss) // 2])
