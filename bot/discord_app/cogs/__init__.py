"""Extensions loaded by ``StudyBot.setup_hook``: one command or listener per module."""

EXTENSIONS = (
    "errors",  # first: everything after it reports through it
    "ask",
    "define",
    "risks",
    "about",
    "channel_questions",
    "admin",
    "stale_components",
)
