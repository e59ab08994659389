"""The scope at the broker: one NATS credential per post, and the nats-server authorisation
that lets each post do what its jobs need and nothing else.

A credential is an NKey (Ed25519): headquarters makes the seed at enrolment and hands it to the
post inside the enrolment string; it keeps only the public key (``home/network/enrolled.json``),
and the broker's configuration holds only public keys. Headquarters has a credential of its
own (``home/network/nats.nkey``, made by ``borderpost network broker-config``).

The permissions below were read off the real flows (ship, confirmations, follow: reference
keys, watchlist files, commands) against nats-server 2.9 with nats-py 2.x, which name the
stream, the consumer and its filter in the JetStream API subject: that is what lets the broker
tell post A's requests from post B's.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from borderpost.network import buckets
from borderpost.network.commands import stream_name as commands_stream
from borderpost.network.commands import subject as commands_subject
from borderpost.network.enrolment import seed_path, write_seed
from borderpost.network.rotation import CHAIN_KEY
from borderpost.sync import link
from borderpost.sync.confirm import CONSUMER as CONFIRM_CONSUMER


def enrolled_path(home: Path) -> Path:
    return home / "network" / "enrolled.json"


def new_seed() -> str:
    """A new NKey user seed (``SU...``): the secret a node signs the broker's nonce with."""
    import nkeys  # here: only headquarters makes credentials

    return str(nkeys.encode_seed(os.urandom(32), nkeys.PREFIX_BYTE_USER).decode())


def enrolled(home: Path) -> dict[str, str]:
    """The posts headquarters made a credential for: code -> public key."""
    try:
        data = json.loads(enrolled_path(home).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return {str(k): str(v) for k, v in data.items()}


def enrol(home: Path, post: str) -> str:
    """A new credential for ``post`` (an earlier one stops working with the next broker
    configuration); returns the seed, which only the enrolment string carries."""
    seed = new_seed()
    posts = enrolled(home)
    posts[post] = link.public_nkey(seed.encode())
    path = enrolled_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(posts, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(partial, path)
    return seed


def headquarters_key(home: Path) -> str:
    """Headquarters' public key, its seed made on first use."""
    path = seed_path(home)
    if not path.is_file():
        write_seed(path, new_seed())
    return link.public_nkey(path.read_bytes())


def post_permissions(stream: str, post: str, public: str) -> dict[str, Any]:
    """What one post may do: ship its own events, read its own confirmations and commands,
    read its own reference keys and every watchlist, receive the replies to its requests."""
    api = "$JS.API"
    token = link.post_token(post)  # events and confirmations
    key = buckets.token(post)  # reference keys and commands
    confirmed = link.confirm_stream(stream)
    confirm_consumer = link.consumer_name(CONFIRM_CONSUMER, token)
    commands = commands_stream(stream)
    command_consumer = f"post_{key}"
    kv, kv_stream = buckets.kv_name(stream), f"KV_{buckets.kv_name(stream)}"
    files_stream = f"OBJ_{buckets.objects_name(stream)}"
    publish = [
        f"{link.subject_root(stream)}.{token}.>",
        *(
            f"{api}.STREAM.INFO.{name}"
            for name in (stream, confirmed, commands, kv_stream, files_stream)
        ),
        # Its own durable consumers, each pinned to its own subject by the API subject.
        f"{api}.CONSUMER.CREATE.{confirmed}.{confirm_consumer}."
        f"{link.confirm_subject(stream, token)}",
        f"{api}.CONSUMER.CREATE.{commands}.{command_consumer}.{commands_subject(stream, post)}",
        *(
            f"{api}.CONSUMER.{verb}.{name}.{consumer}"
            for name, consumer in ((confirmed, confirm_consumer), (commands, command_consumer))
            for verb in ("INFO", "MSG.NEXT")
        ),
        f"$JS.ACK.{confirmed}.{confirm_consumer}.>",
        f"$JS.ACK.{commands}.{command_consumer}.>",
        # The latest version of its own reference keys, of every watchlist's key, and
        # headquarters' key chain.
        f"{api}.DIRECT.GET.{kv_stream}.$KV.{kv}.ref.{key}.*",
        f"{api}.DIRECT.GET.{kv_stream}.$KV.{kv}.list.*",
        f"{api}.DIRECT.GET.{kv_stream}.$KV.{kv}.{CHAIN_KEY}",
        # Watchlist files: a file's description, then its chunks. The client reads the
        # description with a get that names no subject; the store holds watchlist files only,
        # which every post receives.
        f"{api}.STREAM.MSG.GET.{files_stream}",
        f"{api}.CONSUMER.CREATE.{files_stream}",
        f"{api}.STREAM.NAMES",  # the client looks the store's stream up by subject
    ]
    return {
        "publish": {"allow": publish},
        "subscribe": {"allow": [f"{link.inbox_prefix(public)}.>"]},
    }


def authorization(stream: str, headquarters: str, posts: dict[str, str]) -> str:
    """The nats-server ``authorization`` block for headquarters and every enrolled post.

    Headquarters owns the streams, the buckets and the consumers it reads the posts' events
    with: it may publish and subscribe to everything.
    """
    users: list[dict[str, Any]] = [
        {"nkey": headquarters, "permissions": {"publish": ">", "subscribe": ">"}}
    ]
    users += [
        {"nkey": public, "permissions": post_permissions(stream, post, public)}
        for post, public in sorted(posts.items())
    ]
    # The configuration language reads JSON; quoted, ``$JS`` is a subject and not a variable.
    body = json.dumps({"users": users}, indent=2)
    names = [f"#   headquarters {headquarters}"]
    names += [f"#   post {json.dumps(post)} {public}" for post, public in sorted(posts.items())]
    head = f"# Borderpost, stream {json.dumps(stream)}: one user per node\n" + "\n".join(names)
    return f"{head}\nauthorization: {body}\n"
