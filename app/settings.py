"""Service settings: one object, read from the environment (HOST, PORT, WORKERS, ...)."""

from __future__ import annotations

import gc
from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    #: Request bodies larger than this are refused with 413 before they are read.
    max_body_bytes: int = 1024 * 1024
    #: Allocations between two runs of the youngest generation of the cycle collector (Python's
    #: default is 700). A 50,000-node program keeps a few hundred thousand objects alive until
    #: its answer is sent, and at 700 the collector walks them again and again for nothing
    #: (graphs hold no cycles): a third of the time. 10,000 keeps most of that time and still
    #: collects the cycles that request handling leaves, every few requests.
    gc_threshold: int = 10_000
    #: Trainings (POST /api/train) one worker process runs at once; one more gets 503.
    max_trainings: int = 16
    #: Seconds a refused training is told to wait (the 503's Retry-After).
    training_retry_after: int = 2


def tune_cycle_collector(settings: Settings) -> None:
    """Set the collector's first threshold, keeping the older generations' as they are."""
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(settings.gc_threshold, older, oldest)


@lru_cache
def get_settings() -> Settings:
    return Settings()
