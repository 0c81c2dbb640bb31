"""The portal's stylesheet and script, served from the package (no inline code: see the CSP)."""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.exceptions import HTTPException

router = APIRouter()

# name -> media type; nothing else is served
FILES = {
    "portal.css": "text/css; charset=utf-8",
    "portal.js": "text/javascript; charset=utf-8",
    "sanzhi-han-sans.woff2": "font/woff2",  # Chinese for browsers with no Chinese font (portal.css)
}


@router.get("/static/portal/{name}", name="portal.static")
def static_file(name: str) -> Response:
    if name not in FILES:
        raise HTTPException(404)  # the portal's page saying there is no such file
    content = resources.files("api.portal").joinpath("static", name).read_bytes()
    return Response(
        content,
        media_type=FILES[name],
        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )
