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
    #: default is 700). A graph is columns of numbers now, few objects the collector tracks, but
    #: each run of it during a big build still walks the build's long young lists: a 50,000-node
    #: program meets one run at 10,000 (about 5 ms), some twenty at 700 (about 7 ms), and a
    #: 10,000-node one none (2 ms at 700). The collector stays on: turning it off while requests
    #: are in flight let the cycles request handling makes pile up (docs/reliability.md).
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
