"""End-to-end /ask through a local Discord-compatible server: a placeholder.

Another engineer is writing this section. It plugs in here: ``measure`` returns the dict
stored under "e2e" in latest.json (or None when not measured), and report.py renders any
mapping of names to figures it is given (numbers, or JSON for anything nested), so no
other module has to change.
"""

from __future__ import annotations

from pathlib import Path


def measure(cwd: Path) -> dict[str, object] | None:
    """Not measured yet: the JSON keeps "e2e": null until this returns figures."""
    del cwd
    return None
