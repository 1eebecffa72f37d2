FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 fmstudy
WORKDIR /app

# Dependencies first, so editing the bot or the corpus does not reinstall them.
COPY pyproject.toml README.md ./
RUN mkdir bot && touch bot/__init__.py \
    && pip install . \
    && pip uninstall --yes fmstudy \
    && rm -rf bot

COPY bot ./bot
COPY corpus ./corpus
COPY config.yml ./
RUN pip install --no-deps .

USER 10001
# The token comes from the environment: docker run -e DISCORD_TOKEN=... fmstudy
CMD ["python", "-m", "bot", "run"]
