"""Numbers read from JSON the way JSON Schema reads them: an integer is a JSON number without a
fraction (`8`, `8.0`), never `true` or `false` and never text (`"8"`), which pydantic would
otherwise take."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator


def _json_integer(value: Any) -> Any:
    if isinstance(value, bool | str | bytes):
        raise ValueError("an integer is a JSON number, not true, false or text")
    return value


JsonInteger = Annotated[int, BeforeValidator(_json_integer)]
"""An integer in JSON: `8` or `8.0`; `8.5`, `true` and `"8"` are refused."""
