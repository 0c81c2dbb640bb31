"""Reading the one file a verify form uploads, never more than the limit.

Starlette's form parser limits the size of text fields but not of files, so the body is read
here first, counting bytes, and refused as soon as it passes the limit (plus room for the
multipart framing). A refused body is still drained, up to a bound, and thrown away: a browser
that is still sending when the server answers and closes shows a connection error instead of
the page that explains the refusal.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from fastapi import HTTPException, Request
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import ClientDisconnect
from starlette.types import Message

from api.portal.errors import NoFileChosen, NotAForm, UploadTooLarge

FRAMING = 16 * 1024  # boundaries and part headers around the file
DRAIN_LIMIT = 64 * 1024 * 1024  # past this a refused upload is cut off rather than read
MAX_NAME = 80


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes


async def read_upload(request: Request, *, limit: int, field: str = "file") -> Upload:
    """The file sent in form field `field`; UploadTooLarge past `limit` bytes, NotAForm for a
    request that is not a multipart form, NoFileChosen when the field is missing or empty."""
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise NotAForm("the content type is not multipart/form-data")
    allowed = limit + FRAMING
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > allowed:
        await _drain(request, already=0)
        raise UploadTooLarge(limit)
    body = bytearray()
    try:
        async for chunk in request.stream():
            body.extend(chunk)
            if len(body) > allowed:
                await _drain(request, already=len(body))
                raise UploadTooLarge(limit)
    except ClientDisconnect:
        raise NotAForm("the browser stopped sending the form") from None
    replay = Request(request.scope, receive=_replay(bytes(body)))
    try:
        async with replay.form(max_files=1, max_fields=8) as form:
            item = form.get(field)
            if not isinstance(item, UploadFile) or not item.filename:
                raise NoFileChosen()
            content = await item.read()
            name = _display_name(item.filename)
    except MultiPartException as exc:
        raise NotAForm(exc.message) from None
    except HTTPException as exc:  # how Starlette reports a malformed multipart body inside an app
        raise NotAForm(str(exc.detail)) from None
    if not content:
        raise NoFileChosen()
    if len(content) > limit:
        raise UploadTooLarge(limit)
    return Upload(name=name, content=content)


async def _drain(request: Request, *, already: int) -> None:
    """Read and discard what is left of the body, up to DRAIN_LIMIT bytes in all."""
    seen = already
    try:
        async for chunk in request.stream():
            seen += len(chunk)
            if seen > DRAIN_LIMIT:
                return
    except (ClientDisconnect, RuntimeError):  # gone, or the stream was consumed already
        return


def _replay(body: bytes) -> Callable[[], Awaitable[Message]]:
    """An ASGI receive that hands the form parser the body already read."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def _display_name(filename: str) -> str:
    """The file's own name (no directories, whichever separator the browser used), shortened."""
    name = PureWindowsPath(PurePosixPath(filename).name).name.strip() or "upload"
    return name if len(name) <= MAX_NAME else name[: MAX_NAME - 1] + "…"
