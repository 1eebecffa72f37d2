"""The bot's own words in the group's languages.

English is the source: the messages are written in English in the code, marked ``_("…")``
(or ``N_("…")`` where a message is kept in a constant and translated where it is used). Every
other language is one gettext catalog, ``bot/locales/<language>/LC_MESSAGES/fmstudy.po``
(``pt_BR`` for Brazilian Portuguese), read with Babel: adding a language is adding its
catalog. Messages use ``str.format`` placeholders (``{count}``), which a translation keeps.

The language a reply is rendered in is a context variable, set where a conversation starts:
a slash command or button takes the member's Discord language (``interaction.locale``), a
question in a channel its own language, the console its ``--lang``. asyncio gives each
interaction a task and a copy of the context, so one member's language never leaks into
another's reply. The quoted passages are never translated: they stay the reading's words.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

DOMAIN = "fmstudy"
LOCALES = Path(__file__).resolve().parent / "locales"
SOURCE = "en"

_language: ContextVar[str] = ContextVar("language", default=SOURCE)


class Language(NamedTuple):
    """One catalog: message id -> translation (a tuple of forms for a plural message), and
    the language's rule from a count to its plural form."""

    messages: Mapping[str, str | tuple[str, ...]]
    plural: Callable[[int], int]


@cache
def catalogs() -> Mapping[str, Language]:
    """Language tag ("pt-BR") -> its catalog; untranslated and fuzzy entries left out."""
    from babel.messages.pofile import read_po

    found: dict[str, Language] = {}
    for path in sorted(LOCALES.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        with path.open("rb") as po:
            catalog = read_po(po)
        table: dict[str, str | tuple[str, ...]] = {}
        for message in catalog:
            if not message.id or message.fuzzy:
                continue
            key = message.id[0] if isinstance(message.id, tuple | list) else message.id
            if isinstance(message.string, tuple | list):
                if all(message.string):
                    table[key] = tuple(message.string)
            elif message.string:
                table[key] = message.string
        found[path.parent.parent.name.replace("_", "-")] = Language(
            MappingProxyType(table), gettext.c2py(catalog.plural_expr))
    return MappingProxyType(found)


def languages() -> tuple[str, ...]:
    """Every language the bot speaks: English, then one per catalog."""
    return (SOURCE, *catalogs())


def for_locale(locale: str | None) -> str:
    """The language for a Discord locale or a language tag ("pt-BR", "pt", "en-US"): the
    same tag, else one of the same language ("pt-PT" -> "pt-BR"), else English."""
    if not locale:
        return SOURCE
    tag = locale.replace("_", "-")
    known = languages()
    if tag in known:
        return tag
    base = tag.split("-")[0].lower()
    return next((k for k in known if k.split("-")[0].lower() == base), SOURCE)


def use(language: str) -> None:
    """Render in this language from here on, in this task (see the module's docstring)."""
    _language.set(for_locale(language))


def current() -> str:
    return _language.get()


def translate(message: str, language: str) -> str | None:
    """The message in the language, or None where its catalog lacks it."""
    catalog = catalogs().get(language)
    found = None if catalog is None else catalog.messages.get(message)
    return found if isinstance(found, str) else None


def _(message: str) -> str:
    """The message in the current language (English where it is not translated)."""
    language = _language.get()
    if language == SOURCE:
        return message
    return translate(message, language) or message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural message for ``n``, in the current language (its catalog's
    plural forms and rule: Portuguese's 0 and 1 take the singular)."""
    catalog = catalogs().get(_language.get())
    found = None if catalog is None else catalog.messages.get(singular)
    if isinstance(found, tuple):
        form = catalog.plural(n) if catalog is not None else 0
        if 0 <= form < len(found):
            return found[form]
    return singular if n == 1 else plural


def N_(message: str) -> str:
    """Marks a message for the catalogs where it is defined; ``_()`` translates it where
    it is used."""
    return message
