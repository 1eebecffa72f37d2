"""Slash commands in each member's language: discord.py hands every command name,
description, option name, option description and choice name to this translator when the
commands are synced, and Discord shows each member the localization for their client's
language (``bot.i18n``'s catalogs; English is the commands' own text)."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.i18n import N_, SOURCE, for_locale, translate

# Option names and choices, which discord.py passes to the translator as the code writes
# them (the parameters' names); marked here for the catalogs.
OPTION_WORDS = (N_("question"), N_("private"), N_("term"), N_("days"), N_("scope"),
                N_("server"), N_("global"), N_("topic"), N_("mode"), N_("me"), N_("round"),
                N_("stats"))


class CatalogTranslator(app_commands.Translator):
    async def translate(self, string: app_commands.locale_str, locale: discord.Locale,
                        context: app_commands.TranslationContextTypes) -> str | None:
        language = for_locale(locale.value)
        if language == SOURCE:
            return None  # Discord shows the command's own (English) text
        return translate(string.message, language)
