"""Security headers on every response, from one ASGI middleware.

A few lines of ours rather than the ``secure`` package: the headers are five fixed strings,
and what varies is by path (the API docs page needs inline script, static files and the
ledger's tiles may be cached), which ``secure`` does not decide; it would add a dependency
for the strings alone.

- ``Content-Security-Policy``: scripts and styles only from this site. The pages have no
  inline script (``static/borderpost.js`` holds the little there is) and htmx is told not to
  inject its indicator ``<style>``; the one allowance is ``style`` attributes, which the
  legends' colour swatches use (autoescaped, so no page text can inject one). Swagger UI and
  ReDoc (``/api/v1/docs``, ``/api/v1/redoc``) start with an inline script and get a policy of
  their own.
- ``Cache-Control: no-store`` on every response that sets no caching of its own, outside
  ``/static/``: pages and JSON carry personal data, and a shared computer's browser cache or
  a proxy must not keep them. The ledger's public tiles set their own ``Cache-Control``.
- ``X-Content-Type-Options: nosniff`` (an evidence file is never taken for a page),
  ``X-Frame-Options: DENY`` with ``frame-ancestors 'none'`` (no framing, no clickjacking),
  ``Referrer-Policy: same-origin`` (a page's address, which may name a crossing, stays here).
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
DOCS_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
DOCS_PATHS = frozenset({"/api/v1/docs", "/api/v1/redoc", "/api/v1/docs/oauth2-redirect"})
CACHEABLE_PREFIXES = ("/static/",)


class SecurityHeaders:
    """Adds the headers to each HTTP response; a header the route set itself is kept."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                policy = DOCS_POLICY if path in DOCS_PATHS else POLICY
                headers.setdefault("Content-Security-Policy", policy)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Referrer-Policy", "same-origin")
                if not path.startswith(CACHEABLE_PREFIXES):
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, with_headers)
