"""The ASGI app: wiring only. Routers, schemas, settings and middleware live in their own modules
(docs/architecture.md)."""

from __future__ import annotations

from importlib.metadata import version

from fastapi import FastAPI

from app.errors import install_error_handlers
from app.middleware import BodyLimitMiddleware, CompressionMiddleware, SecurityHeadersMiddleware
from app.routers import api, docs, health, lessons, page, train
from app.settings import get_settings, tune_cycle_collector

settings = get_settings()
tune_cycle_collector(settings)

app = FastAPI(
    title="backprop-explorer",
    version=version("backprop-explorer"),  # the one version number: pyproject.toml's
    summary="Reverse-mode automatic differentiation, step by step.",
    description="Send a program; get its computation graph, every gradient and the backward pass as data.",
    docs_url=None,  # app.routers.docs serves Swagger UI from this origin instead of a CDN
    redoc_url=None,
)
install_error_handlers(app)
app.include_router(api.router)
app.include_router(train.router)
app.include_router(lessons.router)
app.include_router(health.router)
app.include_router(page.router)
app.include_router(docs.router)
page.mount(app)
app.add_middleware(CompressionMiddleware)
app.add_middleware(SecurityHeadersMiddleware)
app.add_middleware(BodyLimitMiddleware, limit=settings.max_body_bytes)
