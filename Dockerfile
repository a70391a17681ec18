# Parley services image (extractor, aggregator, HTTP ingest); docker-compose.yml picks the command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # Schemas are read from the source tree, which site-packages does not have.
    PARLEY_SCHEMAS_DIR=/app/schemas \
    PARLEY_DATA_DIR=/data \
    PARLEY_WEB_HOST=0.0.0.0

WORKDIR /app
# Only what the package needs (README.m[d]: copied when present, no failure when not).
COPY pyproject.toml README.m[d] ./
COPY services ./services
COPY schemas ./schemas
RUN pip install . \
    && useradd --create-home --uid 10001 parley \
    && mkdir -p /data \
    && chown parley /data

USER parley
EXPOSE 6066 8080
CMD ["parley", "--help"]
