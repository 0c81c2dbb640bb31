"""What every source adapter returns."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RawRow:
    """One record as exported: `ref` says where it came from (`line 7`, `operators[3]`)."""

    ref: str
    fields: dict[str, str]


@dataclass(frozen=True)
class SourceRows:
    """The rows of one read of a source, with the member it declares (JSON `member`), if any."""

    source: str
    rows: list[RawRow]
    member: str | None = None
    problems: list[tuple[str, str]] = field(default_factory=list)
