"""Pure ASGI middleware: a request-body size limit, the page's security headers, and gzip."""

from __future__ import annotations

from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware

from app.errors import error_response

SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        b"connect-src 'self'; font-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; "
        b"form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class BodyLimitMiddleware:
    """Refuse bodies over ``limit`` bytes with 413, by Content-Length or while streaming, before parsing."""

    def __init__(self, app, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.limit:
                    return await self._refuse(scope, send)
        received = 0
        refused = False
        response_started = False

        async def limited_receive():
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    refused = True
                    raise _BodyTooLarge
            return message

        async def guarded_send(message):
            # Once the body went over the limit, whatever the app makes of the exception raised in
            # its receive (FastAPI turns it into a 400) is dropped: the client gets our 413 instead.
            nonlocal response_started
            if refused:
                if not response_started:
                    response_started = True
                    await self._refuse(scope, send)
                return
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not refused:
                raise
        if refused and not response_started:
            await self._refuse(scope, send)

    async def _refuse(self, scope, send):
        """Answer too_large (413) the way app/errors.py answers every error, and close the connection."""
        message = f"the request body is larger than {self.limit:,} bytes"
        response = error_response("too_large", message, headers={"connection": "close"})
        response.raw_headers.extend(SECURITY_HEADERS)  # it sits outside SecurityHeadersMiddleware
        await response(scope, _nothing_to_receive, send)


class _BodyTooLarge(Exception):
    pass


async def _nothing_to_receive():  # a Response only sends; the body it would read is what we refuse
    return {"type": "http.disconnect"}


class SecurityHeadersMiddleware:
    """Add the security headers to every response."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


#: Answers smaller than this go as they are: they fit in one network packet either way.
GZIP_MINIMUM_BYTES = 1024
#: zlib's fastest level: on the columns answers it compresses as well as level 9 (Starlette's default)
#: within half a point, at a fifth to an eighth of its CPU time. Figures: docs/performance.md.
GZIP_LEVEL = 1
#: A stream of frames (application/x-ndjson, POST /api/train) is never compressed: each frame must
#: reach the page when it is sent, not when a compressor has gathered enough of them.
GZIP_EXCLUDED_TYPES = (*DEFAULT_EXCLUDED_CONTENT_TYPES, "application/x-ndjson")


class CompressionMiddleware(GZipMiddleware):
    """gzip for clients that accept it, for answers of GZIP_MINIMUM_BYTES or more, never for streams."""

    def __init__(self, app):
        super().__init__(app, minimum_size=GZIP_MINIMUM_BYTES, compresslevel=GZIP_LEVEL,
                         exclude_content_types=GZIP_EXCLUDED_TYPES)  # fmt: skip
