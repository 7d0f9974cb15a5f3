"""The HTTP answer for a document a chat linked to (web and WeChat serve them alike)."""

from __future__ import annotations

from urllib.parse import quote

from aiohttp import web

from storage.models import FileLink


def file_response(found: FileLink) -> web.Response:
    return web.Response(body=found.data, headers={
        "Content-Type": found.content_type,
        "Content-Disposition": f"inline; filename*=UTF-8''{quote(found.filename)}",
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        # our documents need no script and load nothing from elsewhere
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                                   "img-src data:; sandbox",
    })


def file_gone(text: str) -> web.Response:
    """The link expired or was never ours: said in words, never cached."""
    return web.Response(status=404, text=text, headers={"Cache-Control": "no-store"})
