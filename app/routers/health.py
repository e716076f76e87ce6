"""Liveness for load balancers and container probes."""

from __future__ import annotations

from fastapi import APIRouter

from app.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def read_health() -> Health:
    """Always {"status": "ok"} while the process serves requests."""
    return Health(status="ok")
