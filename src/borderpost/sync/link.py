"""The connection to NATS JetStream that posts ship to and headquarters reads from."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

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
# The event's id: Nats-Msg-Id is the id on the first publication and the id with the number
# of the publication after it, so that JetStream's duplicate window does not swallow an event
# sent again because headquarters did not confirm it.
EVENT_HEADER = "Borderpost-Event"
CREATED_HEADER = "Borderpost-Created"  # when the post wrote it (ISO 8601): the lag
_NOT_IN_A_TOKEN = str.maketrans({".": "_", "*": "_", ">": "_"})
# Consumer names are stricter than subject tokens.
_NOT_IN_A_NAME = re.compile(r"[^A-Za-z0-9_-]")
# Confirmations are kept this long: a post offline longer gets none for what it shipped
# before, sends it again, and headquarters confirms it again (its inbox keeps one copy).
CONFIRMATIONS_KEPT_SECONDS = 7 * 24 * 3600


def subject(stream: str, post_code: str, topic: str) -> str:
    """``<root>.<post>.<topic>``: one subject per post, so a consumer can pick posts.

    A post code may hold characters that NATS reserves in subjects; they become ``_`` here.
    The subject is for filtering only: the topic travels in a header, the post in the event.
    """
    return f"{subject_root(stream)}.{post_token(post_code)}.{topic}"


def post_token(post_code: str) -> str:
    """The post's code as one subject token."""
    return post_code.translate(_NOT_IN_A_TOKEN)


def consumer_name(prefix: str, token: str) -> str:
    """A durable consumer's name for one post (``headquarters-P-A``)."""
    return f"{prefix}-{_NOT_IN_A_NAME.sub('_', token)}"


def confirm_stream(stream: str) -> str:
    """The stream headquarters publishes its confirmations to, beside the posts' stream."""
    return f"{stream}_CONFIRMED"


def confirm_subject(stream: str, token: str) -> str:
    """One post's confirmations: ``<root>_confirmed.<post>`` (outside ``<root>.>``)."""
    return f"{subject_root(stream)}_confirmed.{token}"


async def _quiet(exc: Exception) -> None:
    # The client's default prints a traceback per failed attempt; one line is enough here.
    log.debug("nats: %s: %s", type(exc).__name__, exc)


def servers(url: str) -> list[str]:
    """The servers of ``url``: one, or several separated by commas (the servers of a cluster,
    any of which will do)."""
    return [part.strip() for part in url.split(",") if part.strip()]


def public_nkey(seed: bytes) -> str:
    """The public key (``U...``) of an NKey user seed (``SU...``); ValueError when it is not one."""
    import nkeys  # here: a node without a credential runs without the package

    try:
        pair = nkeys.from_seed(bytearray(seed.strip()))
    except (nkeys.NkeysError, ValueError, IndexError) as exc:
        raise ValueError("not an NKey user seed") from exc
    try:
        if not pair.public_key.startswith(b"U"):
            raise ValueError("not an NKey user seed (it must start with SU)")
        return str(pair.public_key.decode())
    finally:
        pair.wipe()


def inbox_prefix(public: str) -> str:
    """Where the broker sends the replies for one credential: ``_INBOX.<public key>``.

    The broker lets a post subscribe to its own replies only; with the shared ``_INBOX.>`` a
    post could read the replies to headquarters' requests (another post's users among them).
    """
    return f"_INBOX.{public}"


async def connect(url: str, timeout: float = 2.0, nkey: Path | None = None) -> Client:
    """Connect to the first server of ``url`` that answers (each tried twice); the caller
    decides when to try again (a link may be down).

    ``nkey``: the file of this node's NKey seed (``borderpost network enrol`` made it); the
    broker checks the signature and applies that credential's permissions. Without it the
    node connects as before, with no credential (a broker without authorisation).

    Raises ``nats.errors.NoServersError`` when nothing answers.
    """
    seed, inbox = None, "_INBOX"  # the client's own default inbox
    if nkey is not None:
        seed, inbox = str(nkey), inbox_prefix(public_nkey(nkey.read_bytes()))
    return await nats.connect(
        servers(url),
        connect_timeout=timeout,
        allow_reconnect=False,  # the shipper's own loop retries; no silent background queue
        max_reconnect_attempts=1,  # 0 would mean "forever" for the first connection
        reconnect_time_wait=0.2,
        error_cb=_quiet,
        nkeys_seed=seed,
        inbox_prefix=inbox,
    )


async def ensure_stream(js: JetStreamContext, stream: str, replicas: int = 1) -> None:
    """Create the posts' stream and the confirmations' stream if they are not there, with
    ``replicas`` copies (on a cluster: one per server, up to 5); an existing one is left as
    it is.

    Both are file streams. That JetStream writes each message to the disk before it
    acknowledges it is the server's setting (``sync_interval: always``, see
    docs/operations.md), not the stream's; what a power cut takes anyway is sent again by the
    post, which counts an event done only on headquarters' confirmation.
    """
    wanted = (
        StreamConfig(
            name=stream,
            subjects=[f"{subject_root(stream)}.>"],
            storage=StorageType.FILE,
            duplicate_window=DUPLICATE_WINDOW_SECONDS,
            num_replicas=replicas,
        ),
        StreamConfig(
            name=confirm_stream(stream),
            subjects=[f"{subject_root(stream)}_confirmed.>"],
            storage=StorageType.FILE,
            max_age=CONFIRMATIONS_KEPT_SECONDS,
            num_replicas=replicas,
        ),
    )
    for config in wanted:
        try:
            await js.stream_info(config.name or "")
        except nats.js.errors.NotFoundError:
            await js.add_stream(config)


async def post_tokens(js: JetStreamContext, stream: str) -> set[str]:
    """The posts that have events in the stream, as subject tokens."""
    info = await js.stream_info(stream, subjects_filter=f"{subject_root(stream)}.*.>")
    return {s.split(".")[1] for s in (info.state.subjects or {})}


@asynccontextmanager
async def jetstream(
    url: str, stream: str, replicas: int = 1, nkey: Path | None = None
) -> AsyncIterator[JetStreamContext]:
    """Connected (with the credential in ``nkey``, if any), with the stream there (made with
    ``replicas`` copies if it was not); disconnected when the block ends."""
    nc = await connect(url, nkey=nkey)
    try:
        js = nc.jetstream()
        await ensure_stream(js, stream, replicas)
        yield js
    finally:
        await nc.close()
