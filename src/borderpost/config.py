"""Settings: environment variables prefixed ``BORDERPOST_``, or a TOML file.

Precedence, highest first: explicit arguments, environment, ``$BORDERPOST_HOME/borderpost.toml``
(or the file named by ``BORDERPOST_CONFIG``), defaults.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from limits import parse_many
from pydantic import BaseModel, Field, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict


class WitnessSetting(BaseModel):
    """A witness the node sends its checkpoints to (``[[borderpost.ledger_witnesses]]``)."""

    url: str = Field(description="The witness's URL prefix; add-checkpoint is under it")
    vkey: str = Field(description="The witness's cosigning vkey (borderpost witness vkey)")


class FollowedLogSetting(BaseModel):
    """A post's log headquarters follows (``[[borderpost.ledger_follow]]``)."""

    post: str = Field(max_length=32, description="The post's code")
    url: str = Field(
        max_length=500, description="The post's address; its log is served under /ledger/<POST>/"
    )
    vkey: str = Field(max_length=500, description="The post's log verifier key (a vkey string)")


class Settings(BaseSettings):
    """Everything a node needs to know about itself."""

    model_config = SettingsConfigDict(env_prefix="BORDERPOST_", extra="ignore")

    home: Path = Field(default=Path("var"), description="Folder for the database, keys and files")
    database_url: str = Field(default="", description="SQLAlchemy URL; SQLite under home if empty")
    config: Path | None = Field(default=None, description="TOML file with these settings")
    node_post: str | None = Field(
        default=None, description="Code of the post this node runs at; None for headquarters"
    )
    checkpoint_interval_seconds: float = 5.0
    ledger_witnesses: list[WitnessSetting] = Field(
        default_factory=list, description="Witnesses each new checkpoint is sent to"
    )
    ledger_daily_bulletin: bool = Field(
        default=True, description="The appender issues each post's bulletin of the day before"
    )
    ledger_quorum: int = Field(
        default=0, ge=0, description="Cosignatures needed to publish a checkpoint; 0: none"
    )
    secret_key: str = Field(
        default="", description="Signs session cookies; read from home/secret.key when empty"
    )
    session_hours: float = Field(
        default=12.0, gt=0, description="A UI session ends this long after sign-in"
    )
    session_idle_minutes: float = Field(
        default=60.0, gt=0, description="A UI session ends after this long without a request"
    )
    sign_in_limit: str = Field(
        default="10/minute",
        description="Failed sign-ins allowed per client address (10/minute, 5/minute;50/hour)",
    )
    search_limit: str = Field(
        default="60/minute", description="Searches of personal data allowed per user"
    )
    case_limit: str = Field(
        default="10/minute;60/hour",
        description="Public case forms and status look-ups allowed per client address",
    )
    forwarded_allow_ips: str = Field(
        default="",
        description="Proxies whose X-Forwarded-For/-Proto `borderpost serve` believes, "
        "comma-separated addresses or networks; empty: none",
    )
    secure_cookies: bool = Field(default=False, description="Send cookies over HTTPS only")
    sync_url: str = Field(
        default="", description="NATS server the outbox ships to (empty: no shipping)"
    )
    sync_stream: str = Field(default="BORDERPOST", description="JetStream stream of the network")
    nats_replicas: int = Field(
        default=1,
        ge=1,
        le=5,
        description="Copies JetStream keeps of each stream, bucket and object store this node "
        "creates (3 on a cluster of three servers; 1 on a single server)",
    )
    sync_nkey: Path | None = Field(
        default=None,
        description="File of the NKey seed this node signs in to NATS with; default: "
        "home/network/nats.nkey when it exists, else no credential",
    )
    sync_interval_seconds: float = Field(default=2.0, description="How often the outbox ships")
    network_interval_seconds: float = Field(
        default=1.0,
        gt=0,
        description="How often headquarters publishes what changed and a post reads it",
    )
    watchlist_stale_hours: float = Field(
        default=48.0,
        gt=0,
        description="A post's watchlist published longer ago than this is shown as stale",
    )
    sync_resend_after_seconds: float = Field(
        default=300.0,
        gt=0,
        description="Publish an event again when headquarters has not confirmed it this long "
        "after (twice as long after each next time, up to 64 times)",
    )
    cargo_random_share: float = Field(
        default=0.0, ge=0.0, le=1.0, description="Share of consignments sent to red at random"
    )
    screening_refresh_seconds: float = Field(
        default=5.0,
        gt=0,
        description="How often a server checks for new list versions to index in the background",
    )
    election_retry_seconds: float = Field(
        default=2.0,
        gt=0,
        description="How often a process tries for a single-writer job's lock (the takeover time)",
    )
    ledger_follow: list[FollowedLogSetting] = Field(
        default_factory=list, description="Posts' logs headquarters follows and checks"
    )
    ledger_follow_interval_seconds: float = Field(
        default=60.0, gt=0, description="How often headquarters reads each followed log"
    )
    ledger_follow_grace_seconds: float = Field(
        default=600.0,
        ge=0,
        description="How long a recount may differ from the replica (shipping lag) before an alert",
    )
    retention_days: dict[str, int] = Field(
        default_factory=dict,
        max_length=20,
        description="Days each record kind keeps its personal data, e.g. {crossing = 1095}; "
        "a kind not named keeps its default (docs/operations.md, Retention)",
    )
    retention_interval_hours: float = Field(
        default=24.0, gt=0, description="How often a server runs the erasure job"
    )
    rescreen_days: int = Field(
        default=30, ge=0, description="After a list import, re-screen crossings of this many days"
    )

    @field_validator("sign_in_limit", "search_limit", "case_limit")
    @classmethod
    def _a_rate(cls, value: str) -> str:
        try:
            parse_many(value)
        except ValueError as exc:
            example = "10/minute or 5/minute;50/hour"
            raise ValueError(f"not a rate such as {example}: {value!r}") from exc
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _TomlSource(settings_cls))

    @property
    def nats_credential(self) -> Path | None:
        """The NKey seed file to connect with: ``sync_nkey``, or the one ``network join``
        (a post) or ``network broker-config`` (headquarters) wrote, or None."""
        if self.sync_nkey is not None:
            return self.sync_nkey
        kept = self.home / "network" / "nats.nkey"
        return kept if kept.is_file() else None

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'borderpost.db').as_posix()}"


class _TomlSource(PydanticBaseSettingsSource):
    """Reads ``borderpost.toml`` in the home folder, or the file BORDERPOST_CONFIG names."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # pragma: no cover - __call__ does the work

    def __call__(self) -> dict[str, Any]:
        explicit = os.environ.get("BORDERPOST_CONFIG")
        home = Path(os.environ.get("BORDERPOST_HOME", "var"))
        path = Path(explicit) if explicit else home / "borderpost.toml"
        if not path.is_file():
            return {}
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        section = data.get("borderpost", data)
        return dict(section) if isinstance(section, dict) else {}
