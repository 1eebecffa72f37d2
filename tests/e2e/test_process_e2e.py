"""The process around the bot: token handling, signals, exit codes, the sync command.

In-process tests call ``runner`` directly; the subprocess tests run ``python -m bot`` exactly
as an admin (or Docker) does, pointed at the fake server through config.yml. Subprocesses
cost a second or two each to load the corpus, so those tests start theirs concurrently.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
import yaml

from bot.config import Settings
from bot.core.knowledge import Knowledge
from bot.discord_app import runner

from ..conftest import ROOT
from .fakediscord import FakeDiscord
from .helpers import COMMANDS, TOKEN, settings_for

ANSI = re.compile(r"\x1b\[[0-9;]*m")

# -- in process ------------------------------------------------------------------------------

Sync = Callable[[int | None], Awaitable[int]]


@pytest.fixture
def sync(server: FakeDiscord, base_settings: Settings, knowledge: Knowledge) -> Sync:
    """``sync(guild_id)``: the sync command in process, on the fake, with no dev guild set;
    ``None`` syncs globally. Returns the exit code."""
    settings = settings_for(server, base_settings, dev_guild_id=None)
    return lambda guild_id: runner.sync_once(settings, knowledge, TOKEN, guild_id)


async def test_sync_logs_in_syncs_and_leaves(
    server: FakeDiscord, sync: Sync, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await sync(None) == 0
    assert {c["name"] for c in server.commands(None)} == COMMANDS
    assert await sync(server.guild_id) == 0
    assert {c["name"] for c in server.commands(server.guild_id)} == COMMANDS
    assert server.identifies == []  # REST only: never connected to the gateway
    out = capsys.readouterr().out
    assert "Synced 8 commands globally" in out and f"to guild {server.guild_id}" in out
    assert TOKEN not in out
    server.assert_clean()


async def test_sync_to_unknown_guild_is_one_line(
    server: FakeDiscord, sync: Sync, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await sync(12345) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ")
    server.assert_clean()


async def test_graceful_close_in_process(
    server: FakeDiscord, base_settings: Settings, knowledge: Knowledge
) -> None:
    stop = asyncio.Event()
    serving = asyncio.create_task(
        runner.serve(settings_for(server, base_settings), knowledge, TOKEN, stop=stop)
    )
    await server.wait_until_identified()
    stop.set()
    assert await asyncio.wait_for(serving, 5) == 0
    await asyncio.sleep(0.05)
    assert server.gateway_closes == [1000]
    server.assert_clean()


async def test_rejected_token_is_one_line(
    server: FakeDiscord,
    base_settings: Settings,
    knowledge: Knowledge,
    capsys: pytest.CaptureFixture[str],
) -> None:
    wrong = "wrong-token.value"
    code = await runner.serve(settings_for(server, base_settings), knowledge, wrong)
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "rejected DISCORD_TOKEN" in err
    assert wrong not in err
    server.assert_clean()


def test_missing_token_is_one_line(
    base_settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env here
    assert runner.run_bot(base_settings) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "DISCORD_TOKEN is not set" in err


# -- python -m bot, in subprocesses ----------------------------------------------------------


async def launch(server: FakeDiscord, folder: Path, *args: str, token: str | None = TOKEN,
                 token_in: str = "env", log_level: str = "INFO"
                 ) -> asyncio.subprocess.Process:
    """``python -m bot ARGS`` in ``folder``, with its own config.yml pointed at the fake and
    the token in the environment (``token_in="env"``) or in ``folder/.env``."""
    folder.mkdir()
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    config["corpus"]["path"] = str(ROOT / "corpus")
    config["language"] = {key: str(ROOT / path) for key, path in config["language"].items()}
    config["discord"].update(api_base=server.api_base, gateway_url=server.gateway_url,
                             log_level=log_level)
    (folder / "config.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    env["PYTHONPATH"] = str(ROOT)
    if token is not None and token_in == "env":
        env["DISCORD_TOKEN"] = token
    elif token is not None:
        (folder / ".env").write_text(f"# local secrets\nDISCORD_TOKEN='{token}'\n",
                                     encoding="utf-8")
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, "--config", str(folder / "config.yml"),
        cwd=folder, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )


async def run_until_signal(process: asyncio.subprocess.Process, sig: int) -> str:
    """Wait for the bot to connect, send ``sig``, and return everything it wrote to stderr."""
    logged: list[str] = []
    assert process.stderr is not None
    try:
        async with asyncio.timeout(15):
            while "connected as fmstudy" not in (logged[-1] if logged else ""):
                line = await process.stderr.readline()
                assert line, "the bot exited before connecting:\n" + "".join(logged)
                logged.append(line.decode())
        process.send_signal(sig)
        _, rest = await asyncio.wait_for(process.communicate(), 10)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    return ANSI.sub("", "".join(logged) + rest.decode())  # discord.py colours logs in Docker


async def test_run_stops_on_signals_rejects_bad_tokens_and_syncs(server: FakeDiscord,
                                                                tmp_path: Path) -> None:
    """Four ``python -m bot`` processes at once (each loads the corpus: a second or two).

    * ``run`` stopped by SIGTERM (``docker stop``), the token read from .env, logging at DEBUG
      as config.yml says: even at DEBUG the token is never written out;
    * ``run`` stopped by SIGINT (Ctrl-C), the token from the environment, at INFO;
    * ``run`` with a token Discord rejects: one line, exit status 1, no traceback;
    * ``sync --guild ID``: registers the commands, says so, exits 0.
    """
    wrong = "wrong-token.value"
    term = await launch(server, tmp_path / "term", "run", token_in=".env", log_level="DEBUG")
    interrupt = await launch(server, tmp_path / "int", "run")
    rejected = await launch(server, tmp_path / "rejected", "run", token=wrong)
    sync = await launch(server, tmp_path / "sync", "sync", "--guild", str(server.guild_id))
    term_err, int_err, (_, rejected_err), (sync_out, sync_err) = await asyncio.gather(
        run_until_signal(term, signal.SIGTERM),
        run_until_signal(interrupt, signal.SIGINT),
        asyncio.wait_for(rejected.communicate(), 15),
        asyncio.wait_for(sync.communicate(), 15),
    )

    assert term.returncode == 0, term_err
    assert interrupt.returncode == 0, int_err
    assert re.search(r"DEBUG +discord\.gateway", term_err)  # the level set in config.yml
    assert "DEBUG" not in int_err and "connected as fmstudy" in int_err
    assert "Traceback" not in term_err + int_err and "WARNING" not in term_err + int_err
    assert TOKEN not in term_err + int_err
    assert server.gateway_closes == [1000, 1000]  # "goodbye", not a dropped connection

    err = rejected_err.decode()
    assert rejected.returncode == 1
    assert err.splitlines()[-1].startswith("error: Discord rejected DISCORD_TOKEN"), err
    assert "Traceback" not in err and wrong not in err

    assert sync.returncode == 0, sync_err.decode()
    assert sync_out.decode().startswith(f"Synced 8 commands to guild {server.guild_id}: ")
    assert {c["name"] for c in server.commands(server.guild_id)} == COMMANDS
    assert len(server.identifies) == 2  # the two bots that ran; sync only uses REST
    server.assert_clean()


@pytest.mark.parametrize("token", ["abc.def\nX-Injected: 1", "abc def.ghi", "abc.déf"])
def test_a_token_of_the_wrong_shape_is_one_line(
    token: str,
    base_settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", token)
    monkeypatch.chdir(tmp_path)
    assert runner.run_bot(base_settings) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "does not look like a Discord bot token" in err
    assert token not in err
