"""Where the Discord token comes from: the environment, else a ``.env`` file. Never config.yml.

The token is a password. config.yml is committed and shared, so it must never hold one; a
``.env`` file (git-ignored) or the process environment are the two accepted places. The
``.env`` parser is deliberately tiny (``KEY=VALUE`` lines, ``#`` comments, optional quotes and
``export``) so no new dependency is needed for it, and it only ever *reads* the one key asked
for: nothing is copied into ``os.environ``. Nothing here logs or prints a value.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

TOKEN_KEY = "DISCORD_TOKEN"
# A bot token is base64url parts joined by dots; anything else (a space or a line break
# pasted in with it) would reach an HTTP header.
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+")


def token_shape_ok(token: str) -> bool:
    return _TOKEN_SHAPE.fullmatch(token) is not None


def parse_env_file(text: str) -> dict[str, str]:
    """``KEY=VALUE`` pairs of a .env file; malformed lines are skipped, later keys win."""
    values: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export "):].lstrip()
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not key:
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        elif " #" in value:  # an unquoted value may carry a trailing comment
            value = value.split(" #", 1)[0].rstrip()
        values[key] = value
    return values


def read_token(environ: Mapping[str, str] | None = None, env_file: Path | None = None
               ) -> str | None:
    """The token from ``DISCORD_TOKEN``, else from ``./.env``; ``None`` when neither has one.

    The environment wins so a deployment can override a developer's .env without editing it.
    """
    environ = os.environ if environ is None else environ
    token = (environ.get(TOKEN_KEY) or "").strip()
    if token:
        return token
    env_file = Path(".env") if env_file is None else env_file
    try:
        text = env_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return parse_env_file(text).get(TOKEN_KEY, "").strip() or None
