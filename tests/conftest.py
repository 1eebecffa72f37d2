"""Shared fixtures: the real corpus (built once) and tiny corpora written to tmp folders."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.core.knowledge import Knowledge
from bot.loading import load_knowledge

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_knowledge(load_settings(ROOT / "config.yml"))


@pytest.fixture(scope="session")
def lexical_knowledge() -> Knowledge:
    """The shipped corpus and data with TF-IDF alone (``retrieval.embedder: null``): for
    tests of how a question's words are read, which the embedder's ranking would blur."""
    settings = load_settings(ROOT / "config.yml")
    lexical = dataclasses.replace(settings.retrieval, embedder=None)
    return load_knowledge(dataclasses.replace(settings, retrieval=lexical))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of config.yml, corpus/ and language/ that a test may change freely."""
    shutil.copy(ROOT / "config.yml", tmp_path / "config.yml")
    shutil.copytree(ROOT / "corpus", tmp_path / "corpus")
    shutil.copytree(ROOT / "language", tmp_path / "language")
    return tmp_path
