"""What `network check` found: one finding per check and file, ok, warning or error."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Severity(StrEnum):
    OK = "ok"
    WARNING = "warning"
    ERROR = "error"


class Finding(BaseModel):
    model_config = ConfigDict(frozen=True)

    check: str
    severity: Severity
    message: str


def ok(check: str, message: str) -> Finding:
    return Finding(check=check, severity=Severity.OK, message=message)


def warning(check: str, message: str) -> Finding:
    return Finding(check=check, severity=Severity.WARNING, message=message)


def error(check: str, message: str) -> Finding:
    return Finding(check=check, severity=Severity.ERROR, message=message)


class NetworkReport(BaseModel):
    path: str
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def passed(self) -> bool:
        return not self.errors
