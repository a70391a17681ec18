"""The crawler-facing HTTP endpoint: ``POST /articles`` with a JSON object, array or JSONL."""

from __future__ import annotations

import hmac
import logging
from collections.abc import AsyncIterator

from aiohttp import web
from aiokafka.errors import KafkaError

from services.common.kafka import ensure_topics, start_producer
from services.common.settings import Settings
from services.producer.articles import records_from_bytes
from services.producer.publish import ArticlePublisher

log = logging.getLogger(__name__)
PRODUCER_KEY = web.AppKey("producer", object)
SETTINGS_KEY = web.AppKey("settings", Settings)


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


async def post_articles(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS_KEY]
    if settings.ingest_token and not _authorised(request, settings.ingest_token):
        return _error(401, "missing or wrong bearer token")
    length = request.content_length
    if length is not None and length > settings.max_request_bytes:
        return _error(413, f"body of {length} bytes is over the limit of "
                           f"{settings.max_request_bytes}")
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return _error(413, f"body is over the limit of {settings.max_request_bytes} bytes")
    if not body.strip():
        return _error(400, "empty body: send a JSON object, a JSON array or JSON Lines")
    publisher = ArticlePublisher(request.app[PRODUCER_KEY], settings)
    try:
        summary = await publisher.publish_all(records_from_bytes(body, "http", "structured"))
    except KafkaError as exc:
        log.error("ingest failed: %s", exc)
        return web.json_response({"error": f"Kafka is not reachable: {type(exc).__name__}; "
                                           "retry later", **publisher.summary.as_dict()},
                                 status=503, headers={"Retry-After": "5"})
    status = 400 if summary.published == 0 and summary.duplicates == 0 else 200
    return web.json_response(summary.as_dict(), status=status)


def _authorised(request: web.Request, token: str) -> bool:
    given = request.headers.get("Authorization", "")
    return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


async def health(_: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def build_app(settings: Settings) -> web.Application:
    app = web.Application(client_max_size=settings.max_request_bytes)
    app[SETTINGS_KEY] = settings
    app.router.add_post("/articles", post_articles)
    app.router.add_get("/health", health)
    app.cleanup_ctx.append(_kafka_producer)
    return app


async def _kafka_producer(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS_KEY]
    await ensure_topics(settings)
    producer = await start_producer(settings)
    app[PRODUCER_KEY] = producer
    yield
    await producer.stop()


def serve(settings: Settings) -> None:
    """Serve the ingest endpoint until interrupted."""
    web.run_app(build_app(settings), host=settings.web_host, port=settings.ingest_port,
                print=lambda msg: log.warning("%s", msg))
