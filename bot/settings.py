"""All of qabot's settings, read once from the environment (prefix QABOT_) and `.env`."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT / "seeds"
DEFAULT_INDEX_DIR = REPO_ROOT / ".cache" / "index"


class Settings(BaseSettings):
    """qabot's configuration; see .env.example for every field with its meaning."""

    model_config = SettingsConfigDict(
        env_prefix="QABOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    corpus_dir: Path = DEFAULT_CORPUS
    top_k: int = Field(default=5, ge=1, le=50)
    read_k: int = Field(default=5, ge=1, le=50)
    parse_worker: bool = True
    confidence_threshold: float = Field(default=0.15, ge=0.0, le=1.0)
    max_unseen: float = Field(default=0.5, ge=0.0, le=1.0)
    bm25_backend: Literal["sparse", "rank-bm25", "xapian"] = "sparse"
    xapian_shards: Annotated[list[str], NoDecode] = Field(default_factory=list)
    xapian_pool: int = Field(default=100, ge=10, le=10_000)
    xapian_allow_partial: bool = False
    xapian_timeout_seconds: float = Field(default=2.0, gt=0.0, le=60.0)
    reader: Literal["neural", "rules"] = "neural"
    read_windows: int = Field(default=8, ge=1, le=32)
    abstain_threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    index_dir: Path = DEFAULT_INDEX_DIR
    log_level: str = "WARNING"

    telegram_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    allowed_chat_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    watch_seconds: float = Field(default=5.0, ge=0.0)
    refuse_unknown_chats: bool = False
    rate_limit_per_minute: int = Field(default=20, ge=0)
    inline_debounce_seconds: float = Field(default=0.3, ge=0.0, le=5.0)

    @field_validator("allowed_chat_ids", "admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """Accept "1,2,3" as well as a JSON list."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [int(v) for v in text.replace(" ", "").split(",") if v]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("xapian_shards", mode="before")
    @classmethod
    def _split_shards(cls, value: object) -> object:
        """Accept "tcp://a:33333,tcp://b:33333" as well as a JSON list."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [v.strip() for v in text.split(",") if v.strip()]
        return value

    @field_validator("telegram_token", mode="before")
    @classmethod
    def _blank_token_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value
