# fmstudy's Discord bot.
#   docker build -t fmstudy .
#   docker run --rm -e DISCORD_TOKEN="$DISCORD_TOKEN" fmstudy
# The token is only ever read from the environment: it is never baked into the image
# (.dockerignore keeps any .env out of the build context).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 fmstudy
WORKDIR /app

# Dependencies first, read from pyproject.toml alone, so that editing the bot, the corpus, the
# language resources or config.yml reuses this layer. The bot itself needs no install:
# `python -m bot` runs it from /app.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install --requirement /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY config.yml ./
COPY language ./language
COPY corpus ./corpus
COPY bot ./bot
# Conversions of .pdf/.docx/.html readings and the passages' embeddings are kept here between
# starts: mount a volume on it (-v fmstudy-cache:/app/.cache) so that a new container reads
# them back. The group's memory (store.path, data/fmstudy.sqlite3) lives in /app/data: its
# volume (-v fmstudy-data:/app/data) keeps questions and votes across containers.
RUN mkdir -p /app/.cache/readings /app/data && chown -R 10001 /app/.cache /app/data
VOLUME ["/app/data"]

USER 10001
# Exec form: python is PID 1 and gets `docker stop`'s SIGTERM, on which the bot closes cleanly.
CMD ["python", "-m", "bot", "run"]
