"""The status of one certificate, as CertificateRegistry's `Status` enum numbers it."""

from __future__ import annotations

from enum import IntEnum


class CertificateStatus(IntEnum):
    VALID = 0
    SUSPENDED = 1
    REVOKED = 2
    SUPERSEDED = 3

    @property
    def label(self) -> str:
        """The name people read: `valid`, `suspended`, `revoked`, `superseded`."""
        return self.name.lower()
