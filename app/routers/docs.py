"""The OpenAPI documentation at /docs, served from this origin.

FastAPI's own /docs page loads Swagger UI from a CDN with an inline script; ours loads the
`swagger-ui-dist` browser build installed from the lockfile and starts it from a file of ours,
so it works under the page's Content-Security-Policy and makes no request to another origin.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse

from app.routers.page import templates, vendor_file

SWAGGER_FILES = {
    "swagger-ui.css": (
        "text/css",
        vendor_file("swagger-ui/swagger-ui.css", "swagger-ui-dist/swagger-ui.css"),
    ),
    "swagger-ui-bundle.js": (
        "text/javascript",
        vendor_file("swagger-ui/swagger-ui-bundle.js", "swagger-ui-dist/swagger-ui-bundle.js"),
    ),
}

router = APIRouter(include_in_schema=False)


@router.get("/docs", response_class=HTMLResponse)
def get_docs(request: Request) -> HTMLResponse:
    """Swagger UI for /openapi.json."""
    return templates.TemplateResponse(request, "docs.html")


@router.get("/vendor/swagger-ui/{name}")
def get_swagger_file(name: str) -> FileResponse:
    """Swagger UI's browser build, from the lockfile."""
    media_type, path = SWAGGER_FILES.get(name, (None, None))
    if path is None or not path.is_file():
        raise HTTPException(status_code=404, detail="not found")
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "public, max-age=3600"})
