"""JSON request bodies read like every other input sanzhi takes: `ledger.jsonfiles.loads_strict`.

FastAPI decodes bodies with `json.loads`, where the last of two equal keys wins silently: a
certificate sent with `"quantity"` twice would be read one way here and another way by the
next parser. Every route class of the service reads its JSON body strictly first (a repeated
key, nesting deeper than 64 levels or invalid UTF-8 is a 422 problem naming where).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from ledger.errors import InvalidJson
from ledger.jsonfiles import loads_strict

SOURCE = "request body"


def is_json(request: Request) -> bool:
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


# a \uD800-\uDFFF escape: only then can decoded text hold a lone surrogate
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def strict_json(body: bytes, source: str = SOURCE) -> Any:
    """`loads_strict`, and no lone surrogate in any string: such text cannot be written back
    as UTF-8 (nor hashed the same everywhere), so it is refused at the door."""
    data = loads_strict(body, source=source)
    if _SURROGATE_ESCAPE.search(body.decode("utf-8", errors="replace")):
        where = _lone_surrogate(data, "$")
        if where is not None:
            raise InvalidJson(source, f"text at {where} holds a lone surrogate (not valid Unicode)")
    return data


def _lone_surrogate(value: Any, path: str) -> str | None:
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return where
        elif isinstance(item, dict):
            for key, child in item.items():
                stack.append((key, where))
                stack.append((child, f"{where}.{key}"))
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{i}]") for i, child in enumerate(item))
    return None


class StrictJsonRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_strict_json"):
            self._strict_json = strict_json(await self.body())
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
