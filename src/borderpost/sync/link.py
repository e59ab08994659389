"""The connection to NATS JetStream that posts ship to and headquarters reads from."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import nats
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import StorageType, StreamConfig

log = logging.getLogger(__name__)
# JetStream drops a second message with the same Nats-Msg-Id within this window: a post that
# lost a publish acknowledgement and sends again does not store the event twice. Headquarters
# is idempotent as well (by crossing id), for a resend after the window.
DUPLICATE_WINDOW_SECONDS = 24 * 3600


def subject_root(stream: str) -> str:
    """The stream's subjects start with its name in lower case (BORDERPOST: ``borderpost.``).

    Two streams cannot share subjects, so a second network (or a test) on the same server
    takes another stream name and with it other subjects.
    """
    return stream.lower()


TOPIC_HEADER = "Borderpost-Topic"
POST_HEADER = "Borderpost-Post"  # the post's code as it is (the subject's token may differ)
_NOT_IN_A_TOKEN = str.maketrans({".": "_", "*": "_", ">": "_"})


def subject(stream: str, post_code: str, topic: str) -> str:
    """``<root>.<post>.<topic>``: one subject per post, so a consumer can pick posts.

    A post code may hold characters that NATS reserves in subjects; they become ``_`` here.
    The subject is for filtering only: the topic travels in a header, the post in the event.
    """
    return f"{subject_root(stream)}.{post_code.translate(_NOT_IN_A_TOKEN)}.{topic}"


async def _quiet(exc: Exception) -> None:
    # The client's default prints a traceback per failed attempt; one line is enough here.
    log.debug("nats: %s: %s", type(exc).__name__, exc)


async def connect(url: str, timeout: float = 2.0) -> Client:
    """Connect, trying twice; the caller decides when to try again (a link may be down).

    Raises ``nats.errors.NoServersError`` when nothing answers.
    """
    return await nats.connect(
        url,
        connect_timeout=timeout,
        allow_reconnect=False,  # the shipper's own loop retries; no silent background queue
        max_reconnect_attempts=1,  # 0 would mean "forever" for the first connection
        reconnect_time_wait=0.2,
        error_cb=_quiet,
    )


async def ensure_stream(js: JetStreamContext, stream: str) -> None:
    """Create the stream if it is not there; an existing one is left as it is."""
    try:
        await js.stream_info(stream)
    except nats.js.errors.NotFoundError:
        await js.add_stream(
            StreamConfig(
                name=stream,
                subjects=[f"{subject_root(stream)}.>"],
                storage=StorageType.FILE,
                duplicate_window=DUPLICATE_WINDOW_SECONDS,
            )
        )


@asynccontextmanager
async def jetstream(url: str, stream: str) -> AsyncIterator[JetStreamContext]:
    """Connected, with the stream there; disconnected when the block ends."""
    nc = await connect(url)
    try:
        js = nc.jetstream()
        await ensure_stream(js, stream)
        yield js
    finally:
        await nc.close()
