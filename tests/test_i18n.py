"""The bot's own words in every language it speaks: each message the code says is in every
catalog, with its placeholders; the member's language picks the catalog."""

from __future__ import annotations

import re
import string

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot import i18n
from bot.cli import main

from .conftest import ROOT

KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "locale_str": None}  # as `make catalogs`
COMMAND_NAMES = {"ask", "define", "risks", "about", "gaps", "forget-me", "sync"}
OPTION_NAMES = {"question", "private", "term", "days", "scope"}
# Discord's rule for command and option names (lower case; letters, digits, - and _)
DISCORD_NAME = re.compile(r"^[-_\w]{1,32}$")


def said_in_code() -> dict[str, tuple[str, ...]]:
    """Every message the code marks, as Babel extracts it: id -> (singular[, plural])."""
    found = {}
    for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / "bot", keywords=KEYWORDS, comment_tags=()):
        forms = message if isinstance(message, tuple) else (message,)
        found[forms[0]] = forms
    return found


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def catalog(language: str) -> Catalog:
    folder = language.replace("-", "_")
    with (ROOT / "bot" / "locales" / folder / "LC_MESSAGES" / "fmstudy.po").open("rb") as po:
        return read_po(po)


def test_the_template_holds_every_message_the_code_says():
    with (ROOT / "bot" / "locales" / "fmstudy.pot").open("rb") as pot:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(pot) if m.id}
    assert template == set(said_in_code()), "run `make catalogs`"


@pytest.mark.parametrize("language", i18n.languages()[1:])
def test_every_message_is_translated_and_keeps_its_placeholders(language):
    translated = {(m.id if isinstance(m.id, str) else m.id[0]): m for m in catalog(language)
                  if m.id}
    plural_forms = catalog(language).num_plurals
    for key, forms in said_in_code().items():
        entry = translated.get(key)
        assert entry is not None and not entry.fuzzy, f"{language}: {key!r} is missing"
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        assert all(strings), f"{language}: {key!r} is not translated"
        if len(forms) > 1:
            assert len(strings) == plural_forms, f"{language}: {key!r} needs {plural_forms}"
        for text in strings:
            assert placeholders(text) == placeholders(forms[-1]), (language, key, text)
        if key in COMMAND_NAMES | OPTION_NAMES:
            assert DISCORD_NAME.match(strings[0]) and strings[0] == strings[0].lower()


def test_languages_follow_discord_locales():
    assert i18n.languages() == ("en", "pt-BR")
    assert [i18n.for_locale(x) for x in ("pt-BR", "pt", "pt-PT", "en-US", "es-ES", None)] == [
        "pt-BR", "pt-BR", "pt-BR", "en", "en", "en"]


def test_console_and_command_line_speak_portuguese_with_lang(capsys):
    assert main(["ask", "who won the football world cup?", "--lang", "pt-BR"]) == 0
    out = capsys.readouterr().out
    assert "A leitura não cobre isso, então não vou chutar." in out
    assert main(["ask", "who won the football world cup?"]) == 0  # English by default
    assert "The reading doesn't cover that" in capsys.readouterr().out
    assert main(["define", "emergence", "--lang", "pt-BR"]) == 0
    assert "Emergence means" in capsys.readouterr().out  # the quote stays the reading's


def test_default_language_must_be_one_the_bot_speaks(project, capsys):
    config = project / "config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "default_language: en ", "default_language: fr "), encoding="utf-8")
    assert main(["ask", "hi", "--config", str(config)]) == 2
    assert "'discord.default_language' must be one of en, pt-BR, got 'fr'" in (
        capsys.readouterr().err)
