"""The request body limit (BodySizeLimit); rate limits are in api.rate_limits."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import PayloadTooLarge, problem_for, problem_response


async def refused_as_page(scope: Scope, receive: Receive, send: Send) -> bool:
    """On the portal's paths a body over the limit gets the portal's page, in the reader's
    language (False: the path is the API's, which answers a problem)."""
    from api.portal.http_errors import too_large_page  # the portal renders pages with the API's errors

    return await too_large_page(scope, receive, send)


class BodySizeLimit:
    """Refuse a request body over the limit: at once when its Content-Length says so, else as
    soon as the bytes read pass it (a chunked body). Answered as a problem either way (FastAPI's
    own limit answers a declared oversize body in plain text)."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_body_bytes
        declared = dict(scope.get("headers", ())).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            if await refused_as_page(scope, receive, send):
                return
            problem = problem_for(PayloadTooLarge(limit, int(declared)))
            await problem_response(problem, {"Connection": "close"})(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise PayloadTooLarge(limit)
            return message

        await self.app(scope, limited, send)
