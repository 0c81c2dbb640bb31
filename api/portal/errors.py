"""What the portal refuses, each with its HTTP status and the catalogue message a page shows."""

from __future__ import annotations

from typing import ClassVar

from ledger.errors import LedgerError


class PortalError(LedgerError):
    """A request the portal answers with an error page: `message_key` and `values` are what the
    page says (in the reader's language); `message` is the English for logs."""

    code = "portal"
    status_code: ClassVar[int] = 400
    message_key: ClassVar[str] = "error.bad_input"

    def __init__(self, message: str, **values: str) -> None:
        super().__init__(message)
        self.values = values


def size_text(limit: int) -> str:
    """A byte count as people read it: `1 MiB`, `64 KiB`, `512 bytes`."""
    for unit, size in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if limit >= size and limit % size == 0:
            return f"{limit // size} {unit}"
    return f"{limit} bytes"


class UploadTooLarge(PortalError):
    code = "upload-too-large"
    status_code = 413
    message_key = "error.too_large"

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"the upload is larger than {size_text(limit)}", limit=size_text(limit))


class NoFileChosen(PortalError):
    code = "no-file"
    message_key = "error.no_file"

    def __init__(self) -> None:
        super().__init__("no file was chosen")


class NotAForm(PortalError):
    code = "not-a-form"
    message_key = "error.not_a_form"

    def __init__(self, detail: str) -> None:
        super().__init__(f"the request is not a multipart form with a file: {detail}")


class CrossSiteForm(PortalError):
    code = "cross-site-form"
    status_code = 403
    message_key = "error.cross_site"

    def __init__(self, origin: str) -> None:
        super().__init__(f"form posted from {origin!r}, not from this site")


class IndexNotAvailable(PortalError):
    """The page needs the ledger index (ledger/index), which this service does not run."""

    code = "index-not-available"
    status_code = 503
    message_key = "index.unavailable"

    def __init__(self) -> None:
        super().__init__("the ledger index is not available on this service")
