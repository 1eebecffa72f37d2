"""Extensions loaded by ``StudyBot.setup_hook``: one command or listener per module."""

EXTENSIONS = (
    "ask",
    "define",
    "risks",
    "about",
    "memory",
    "quiz",
    "channel_questions",
    "admin",
    "stale_components",
)
