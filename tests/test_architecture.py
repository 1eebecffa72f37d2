"""The core, the renderer and the CLI's non-Discord commands never import discord."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT


def test_core_and_cli_do_not_import_discord():
    code = (
        "import sys, io\n"
        "import bot.core.knowledge, bot.core.evaluate, bot.render, bot.console\n"
        "from bot.cli import main\n"
        "main(['ask', 'what is emergence', '--json'], out=io.StringIO())\n"
        "main(['define', 'emergence'], out=io.StringIO())\n"
        "main(['risks'], out=io.StringIO())\n"
        "print(sorted(m for m in sys.modules if m == 'discord' or m.startswith('discord.')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
