"""JSON request bodies read like every other input sanzhi takes: `ledger.jsonfiles.loads_strict`.

FastAPI decodes bodies with `json.loads`, where the last of two equal keys wins silently: a
certificate sent with `"quantity"` twice would be read one way here and another way by the
next parser. Every route class of the service reads its JSON body strictly first (a repeated
key, nesting deeper than 64 levels or invalid UTF-8 is a 422 problem naming where).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from ledger.jsonfiles import loads_strict

SOURCE = "request body"


def is_json(request: Request) -> bool:
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


class StrictJsonRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_strict_json"):
            self._strict_json = loads_strict(await self.body(), source=SOURCE)
        return self._strict_json


class StrictJsonRoute(APIRoute):
    """A route whose JSON body is decoded strictly before FastAPI validates it."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict_handler(request: Request) -> Response:
            strict = StrictJsonRequest(request.scope, request.receive)
            if is_json(strict) and await strict.body():
                await strict.json()  # raises InvalidJson, answered as a 422 problem
            return await handler(strict)

        return strict_handler
