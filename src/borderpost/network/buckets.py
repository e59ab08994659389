"""Where headquarters publishes: a JetStream key-value bucket for versions (one key per post
and kind, one per watchlist), an object store for watchlist files. Their names follow the
network's stream, so a second network (or a test) on the same server has buckets of its own.
"""

from __future__ import annotations

import base64

from nats.js import JetStreamContext
from nats.js.api import StorageType
from nats.js.errors import BucketNotFoundError
from nats.js.kv import KeyValue
from nats.js.object_store import ObjectStore

# The versions a late post may still want (the key-value store keeps these many per key).
HISTORY = 5


def token(text: str) -> str:
    """A key token for any code or name: base64url (only characters keys may hold)."""
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=") or "_"


def reference_key(post_code: str, kind: str) -> str:
    return f"ref.{token(post_code)}.{kind}"


def list_key(name: str) -> str:
    return f"list.{token(name)}"


def kv_name(stream: str) -> str:
    return f"{stream}_VERSIONS"


def objects_name(stream: str) -> str:
    return f"{stream}_FILES"


async def list_keys(js: JetStreamContext, stream: str) -> list[str]:
    """The watchlists' keys (``list.*``), from the bucket's subjects: a post is let read no
    key but its own and the lists', and no consumer that could see the others."""
    bucket = kv_name(stream)
    prefix = f"$KV.{bucket}."
    info = await js.stream_info(f"KV_{bucket}", subjects_filter=f"{prefix}list.*")
    return sorted(s[len(prefix) :] for s in (info.state.subjects or {}))


async def versions(
    js: JetStreamContext, stream: str, create: bool = False, replicas: int = 1
) -> KeyValue:
    """The versions bucket; headquarters creates it (``replicas`` copies), a post only opens
    it."""
    try:
        kv = await js.key_value(kv_name(stream))
    except BucketNotFoundError:
        if not create:
            raise
        return await js.create_key_value(
            bucket=kv_name(stream),
            history=HISTORY,
            storage=StorageType.FILE,
            replicas=replicas,
            direct=True,
        )
    if create:
        await _allow_direct(js, f"KV_{kv_name(stream)}")
    return kv


async def _allow_direct(js: JetStreamContext, name: str) -> None:
    """Direct gets name the key in the request's subject, so the broker can let a post read
    its own keys and no other (a bucket made before that is changed once)."""
    info = await js.stream_info(name)
    if not info.config.allow_direct:
        info.config.allow_direct = True
        await js.update_stream(info.config)


async def files(
    js: JetStreamContext, stream: str, create: bool = False, replicas: int = 1
) -> ObjectStore:
    try:
        return await js.object_store(objects_name(stream))
    except BucketNotFoundError:
        if not create:
            raise
        return await js.create_object_store(
            objects_name(stream), storage=StorageType.FILE, replicas=replicas
        )
