"""The Discord front end: a thin layer over :mod:`bot.core` and :mod:`bot.render`.

Everything a member reads is decided by the core (what the summary says) and the renderer
(how it is laid out, within Discord's limits); this package only wires those to slash
commands, buttons, menus and channel messages. Keeping it thin is what lets the console show
exactly what Discord will, and lets the core stay free of any ``discord`` import.

Modules, one job each:

* ``runner``      process entry points (``run_bot``, ``sync_commands``): token, logging, signals.
* ``credentials`` where the token comes from (environment or ``./.env``), and nowhere else.
* ``endpoints``   pointing discord.py at a self-hosted API/gateway (``api_base``/``gateway_url``).
* ``client``      ``StudyBot``: intents, no-ping defaults, which cogs to load.
* ``replies``     the one place a ``render.Reply`` becomes discord.py keyword arguments.
* ``errors``      what a member is told when something fails (never a traceback).
* ``cooldown``    the per-member question budget shared by ``/ask`` and channel questions.
* ``views``       the buttons under an answer, and the base of every view.
* ``cogs/``       one module per command or listener.
"""
