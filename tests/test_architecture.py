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


def test_no_core_module_but_the_document_loader_opens_a_file():
    """Data files are read at one boundary (bot/loading.py); in the core only the document
    loader (corpus.py, and formats.py for PDF, DOCX and HTML) touches files."""
    import re

    touches = re.compile(r"\bopen\(|\.read_(?:text|bytes)\(|\.write_(?:text|bytes)\(|"
                         r"\bnp\.(?:load|save|loadtxt|savetxt)\(|\byaml\.|\bjson\.(?:load|dump)|"
                         r"\bpickle\.|\.iterdir\(|\.r?glob\(")
    readers = {"corpus.py", "formats.py"}
    found = [f"{path.name}:{n}" for path in sorted((ROOT / "bot" / "core").glob("*.py"))
             if path.name not in readers
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if touches.search(line)]
    assert found == []
